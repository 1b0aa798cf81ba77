"""register.xlsx, the register managers read, written from the journal.

``workbook`` syncs and rebuilds it (when to write, the loss check, what the journal is
told), ``writer`` writes it through openpyxl, ``xml/`` the fast path that edits only the
sheet XML, and only the rows that changed; ``cells``, ``layout``, ``sheets``, ``notes``,
``files``, ``losses`` what both share; ``typed`` reads back what managers typed in the
sign-off cells (it decides nothing: publish/signoff does).
May import: journal, safety (its hardened parsers), dates, xml_chars, atomic, errors. Never forms or validate.
"""

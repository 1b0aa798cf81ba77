"""register.xlsx, the register managers read, written from the journal.

``workbook`` syncs and rebuilds it (openpyxl), ``xml/`` the fast path that edits only
the sheet XML; ``cells``, ``layout``, ``sheets``, ``notes``, ``files`` what both share.
May import: journal, dates, xml_chars, atomic, errors. Never forms or validate.
"""

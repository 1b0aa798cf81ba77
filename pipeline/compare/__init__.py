"""Comparing two versions of a policy from their neutral records, and writing what changed.

``stored`` turns a record into the JSON the journal keeps for each accepted version and
back; ``diff`` compares two records section by section, paragraph by paragraph and word
by word; ``tracked`` writes the new version with real Word tracked changes; ``readable``
writes the same comparison for people reading a PDF (changes announced in words); both
are written as WordprocessingML text (``wordml``) into python-docx's default template
(``blank``).
May import: records, wordml, safety (its hardened parser), xml_chars, atomic, zip_parts.
"""

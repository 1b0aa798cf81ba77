"""Accessible web pages made from the same record as the Word document (GOV.UK: HTML first).

``page`` writes one document's page, ``comparison`` the page of what changed between two
versions, ``index`` the public list of published documents, ``style`` their one small
stylesheet. Every value is escaped (markupsafe); no JavaScript.
May import: framework, records, links, xml_chars, atomic, errors.
"""

"""Checking a record against the framework: every problem at once, in officers' words.

``rules`` the framework's rules, ``interpret`` dates, choices, versions and references as
officers write them, ``identity`` whether a reference and a title agree, ``messages`` the
catalogue of wordings, ``report`` the officer's report.
May import: framework, records, labels, titles, dates, errors. Never a file writer.
"""

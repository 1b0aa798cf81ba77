"""Telling people: outcome emails to officers and owners, review reminders, the mail queue.

``settings`` the ``[mail]`` section of pipeline.toml, ``people`` who is who (people.csv),
``outcomes`` the notices a batch queues, ``compose`` one message per person,
``send`` delivery with back-off, ``remind`` review reminders and the manager's digest.
May import: workspace, outcome, register, journal, framework, records, errors (never run,
publish or intake: a batch calls this package, not the other way round).
"""

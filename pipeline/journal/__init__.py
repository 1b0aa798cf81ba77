"""The durable SQLite journal: events, files seen, policies' register values, and each
accepted policy version's record (for comparing the next version with).

``store`` the journal itself (with each policy's generation and what the last register
sync wrote, so the next writes only what changed), ``schema`` its tables and upgrades,
``values`` how values are stored so dates round-trip, ``mail`` the mail queue and the
reminders already sent, ``versions`` each accepted version's record.
May import: titles, atomic, errors.
"""

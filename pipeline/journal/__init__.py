"""The durable SQLite journal: events, files seen, policies' register values, and each
accepted policy version's record (for comparing the next version with).

``store`` the journal itself (with each policy's generation, so a register sync writes only
what changed), ``sync`` its register bookkeeping (a mixin of the journal: what is pending,
what the last sync wrote), ``schema`` its tables and upgrades, ``values`` how values are
stored so dates round-trip, ``mail`` the mail queue and the reminders already sent,
``versions`` each accepted version's record.
May import: titles, faults, atomic, errors.
"""

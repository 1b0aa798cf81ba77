"""Word to PDF with LibreOffice: one ``soffice`` per batch, or a warm supervised pool.

``factory.make_converter`` picks one from ``settings``; ``base`` the shared job and result
types and LibreOffice helpers; ``oneshot``, ``warm`` and ``uno_worker`` the two kinds.
May import: pdf (to finish each PDF), atomic, errors.
"""

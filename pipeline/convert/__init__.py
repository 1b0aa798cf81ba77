"""Word to PDF with LibreOffice: one ``soffice`` per batch, or a warm supervised pool.

``factory.make_converter`` picks one from ``settings``; ``base`` the shared job and result
types and LibreOffice helpers; ``oneshot``, ``warm`` and ``uno_worker`` the two kinds;
``legacy`` makes officers' other formats (.doc, .odt, .xls...) into .docx/.xlsx to read.
May import: pdf (to finish each PDF), atomic, errors.
"""

"""Finishing PDFs as incremental updates: metadata, row headers, the DRAFT stamp.

``finish`` what every PDF gets and inspection, ``update`` the incremental writer that
keeps LibreOffice's bytes, ``objects`` pypdf's reader with a fast path for reading its
objects, ``tables`` the details tables' row headers, ``lists`` list labels and clause
numbers as ``Lbl``, ``structure`` the rest PDF/UA-1 asks (``/Tabs``, the title,
one Link element per link), ``tree`` the structure-tree walker and parent tree they share.
May import: atomic, errors.
"""

"""Finishing PDFs as incremental updates: metadata, row headers, the DRAFT stamp.

``finish`` what every PDF gets and inspection, ``update`` the incremental writer that
keeps LibreOffice's bytes, ``tables`` the details tables' row headers.
May import: atomic, errors.
"""

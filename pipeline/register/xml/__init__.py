"""The sheet-XML fast path for register.xlsx: changes only the cells that changed.

May import: the register package's shared modules, journal, atomic, errors.
"""

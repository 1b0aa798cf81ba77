"""The untrusted-file gate: what a dropped file really is, and refusing what is unsafe.

``check`` decides docx/xlsx by content (and .doc/.rtf/.odt/.xls/.ods, which LibreOffice
converts first) and refuses encrypted, macro-bearing, damaged and oversized files; ``package`` the zip, ``parts`` each part in bounded chunks,
``ole`` old-style containers, ``parsers`` the hardened XML parsers, ``opc`` where a
package's links point (the gate's rule, which the readers share), ``reasons`` the words.
May import: errors only. Nothing above it: the gate must not trust any other stage.
"""

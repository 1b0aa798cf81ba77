"""Reading officers' Word and Excel forms into the neutral record (:mod:`pipeline.records`).

``read.read_form`` is the entry point; ``docx_reader`` and ``xlsx_reader`` read each kind
(``docx_package``: a Word file opened with zipfile, parts parsed when asked; ``xlsx_runs``:
the bold and italic inside Excel cells), ``clean`` replaces what XML cannot
hold, ``blank/`` writes the blank forms officers fill.
May import: framework, safety, records, labels, dates, xml_chars, atomic, errors.
"""

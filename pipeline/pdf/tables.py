"""Row headers for the policy details tables, which LibreOffice cannot tag itself.

The details table (Appendix 3) is a column of labels ("Policy reference", "Version", ...)
beside their values. A screen reader announces each value with its label only if the label
cells are table headers with row scope. LibreOffice (7.4 to current) tags a cell /TH only
in a repeated header row or in the paragraph style named exactly "Table Heading", and then
always with /Scope /Column; nothing in a .docx yields /Scope /Row (see
sw/source/core/text/EnhancedPDFExportHelper.cxx, ``lcl_IsHeadlineCell``).

So the finished PDF is corrected here. A details table is recognised by its structure, not
its position: every row is exactly two cells, the second never a header, and every first
cell holds a paragraph in the template's label style, whose name LibreOffice keeps as the
structure role. Each first cell becomes ``/TH`` with ``/A << /O /Table /Scope /Row >>``.
Only those cell objects change, appended by :class:`~pipeline.pdf.update.PdfUpdate`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, PdfObject

from pipeline.pdf.tree import MAX_DEPTH, kids, resolve, role, tree_root, with_roles
from pipeline.pdf.update import PdfUpdate

LABEL_ROLES = frozenset({"/Policy Details Label"})  # templates_style: the label cells' style
_CELLS = ("/TH", "/TD")
_ROW_SCOPE = {NameObject("/O"): NameObject("/Table"), NameObject("/Scope"): NameObject("/Row")}


def _tables(elem: DictionaryObject, depth: int = 0) -> Iterator[DictionaryObject]:
    if depth > MAX_DEPTH:  # a malformed tree must not recurse for ever
        return
    for _, d in kids(elem):
        if role(d) == "/Table":
            yield d
        else:
            yield from _tables(d, depth + 1)


def _document_tables(reader: PdfReader) -> Iterator[DictionaryObject]:
    """Every /Table element of the document's structure tree (none if it is untagged)."""
    tree = tree_root(reader)
    if tree is not None:
        yield from _tables(tree)


def _rows(table: DictionaryObject) -> list[DictionaryObject]:
    rows: list[DictionaryObject] = []
    for _, d in kids(table):
        if role(d) == "/TR":
            rows.append(d)
        elif role(d) in ("/THead", "/TBody", "/TFoot"):
            rows += [r for _, r in kids(d) if role(r) == "/TR"]
    return rows


def _label_cells(table: DictionaryObject, roles: frozenset[str]) -> list[IndirectObject] | None:
    """The first cell of every row if ``table`` is a details table, else None."""
    firsts: list[IndirectObject] = []
    rows = _rows(table)
    for row in rows:
        cells = [(ref, d) for ref, d in kids(row) if role(d) in _CELLS]
        if len(cells) != 2 or role(cells[1][1]) == "/TH":
            return None
        ref, first = cells[0]
        if not isinstance(ref, IndirectObject) or not {role(d) for _, d in kids(first)} & roles:
            return None
        firsts.append(ref)
    return firsts or None


def _attributes(cell: DictionaryObject) -> list[PdfObject]:
    """The cell's /A entries as written: one attribute object, or each of an array's."""
    attrs = resolve(cell.get("/A"))
    if isinstance(attrs, ArrayObject):
        return list(attrs)
    return [cell.raw_get("/A")] if attrs is not None else []


def _table_scope(entry: PdfObject) -> str | None:
    """The /Scope of an /O /Table attribute object; None for any other attribute."""
    d = resolve(entry)
    if isinstance(d, DictionaryObject) and d.get("/O") == "/Table":
        return str(d.get("/Scope", ""))
    return None


def _make_row_header(update: PdfUpdate, ref: IndirectObject) -> bool:
    """Make the cell a row header; False if it already was one."""
    cell = update.reader.get_object(ref)
    if not isinstance(cell, DictionaryObject):
        return False
    entries = _attributes(cell)
    if role(cell) == "/TH" and any(_table_scope(e) == "/Row" for e in entries):
        return False
    cell = update.edit(ref)
    cell[NameObject("/S")] = NameObject("/TH")
    kept = [e for e in entries if _table_scope(e) is None]
    cell[NameObject("/A")] = ArrayObject([*kept, DictionaryObject(_ROW_SCOPE)])
    return True


def _labelled_tables(update: PdfUpdate, roles: frozenset[str]) -> list[DictionaryObject]:
    """The /Table elements holding a paragraph in a label style, in file order.

    Found from the label paragraphs (:func:`~pipeline.pdf.tree.with_roles`) up through their
    cell and row, not by walking the whole tree: walking a policy's tree to find its one
    details table was 44% of finishing its PDF.
    """
    tables: dict[int, DictionaryObject] = {}
    for _, label in with_roles(update, roles):
        up: PdfObject | None = label.raw_get("/P") if "/P" in label else None
        for _ in range(4):  # cell, row, then the table or a TBody and the table
            elem = resolve(up)
            if not isinstance(elem, DictionaryObject):
                break
            if role(elem) == "/Table":
                key = up.idnum if isinstance(up, IndirectObject) else id(elem)
                tables.setdefault(key, elem)
                break
            up = elem.raw_get("/P") if "/P" in elem else None
    return list(tables.values())


def mark_row_headers(update: PdfUpdate, roles: frozenset[str] = LABEL_ROLES) -> int:
    """Tag the label column of every details table as row headers; the number of cells changed."""
    changed = 0
    for table in _labelled_tables(update, roles):
        for ref in _label_cells(table, roles) or []:
            changed += _make_row_header(update, ref)
    return changed


def table_tags(path: Path) -> list[list[str]]:
    """Each table's rows as cell tags, e.g. ``["TH/Row TD", ...]``: what a screen reader gets."""
    tables = []
    for table in _document_tables(PdfReader(path)):
        rows = []
        for row in _rows(table):
            tags = []
            for _, cell in kids(row):
                if role(cell) not in _CELLS:
                    continue
                scope = next((s for e in _attributes(cell) if (s := _table_scope(e))), "")
                tags.append(role(cell)[1:] + (f"/{scope[1:]}" if scope else ""))
            rows.append(" ".join(tags))
        tables.append(rows)
    return tables

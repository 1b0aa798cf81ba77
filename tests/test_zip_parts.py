"""A template package with new parts: the kept entries are the template's bytes, untouched."""

from __future__ import annotations

import io
import struct
import zipfile

import docx
import pytest
from docx.document import Document as DocumentObject

from pipeline.zip_parts import Template

DOCUMENT = "word/document.xml"


def _default_docx() -> bytes:
    return _saved(docx.Document())


def _raw_entries(data: bytes) -> dict[str, bytes]:
    """Each entry's compressed bytes as they lie in the file (after its local header)."""
    entries = {}
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for info in package.infolist():
            at = info.header_offset
            name_length, extra_length = struct.unpack("<HH", data[at + 26 : at + 30])
            start = at + 30 + name_length + extra_length
            entries[info.filename] = data[start : start + info.compress_size]
    return entries


def test_the_kept_parts_are_copied_compressed_and_the_new_part_added() -> None:
    template = _template_without(DOCUMENT)
    body = docx.Document()
    body.add_paragraph("Written straight into the package.")
    with zipfile.ZipFile(io.BytesIO(_saved(body))) as saved:
        new_part = saved.read(DOCUMENT)
    first, second = template.fill({DOCUMENT: new_part}), template.fill({DOCUMENT: new_part})
    kept = _raw_entries(template.kept)
    for filled in (first, second):
        raw = _raw_entries(filled)
        assert set(raw) == set(kept) | {DOCUMENT}
        assert all(raw[name] == data for name, data in kept.items())
    reopened = docx.Document(io.BytesIO(first))
    assert [p.text for p in reopened.paragraphs] == ["Written straight into the package."]
    assert reopened.styles["Heading 1"] is not None  # the template's styles came across


def test_a_part_kept_from_the_template_is_never_written_twice() -> None:
    template = _template_without(DOCUMENT)
    with pytest.raises(ValueError, match="word/styles.xml"):
        template.fill({DOCUMENT: b"<x/>", "word/styles.xml": b"<x/>"})


def _template_without(*names: str) -> Template:
    data = _default_docx()
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return Template(data, set(package.namelist()) - set(names))


def _saved(document: DocumentObject) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()

"""Build the four DOCX templates from code, so they can be rebuilt and reviewed as diffs.

Run ``python -m pipeline.assemble.build_templates templates/`` after changing the house style or the
framework's labels; ``tests/test_templates.py`` fails when the committed templates differ
from what this module builds. Councils may still edit the built templates in Word: the
template variables they may use are listed in ``docs/templates.md``.

Each template is a python-docx document whose styles.xml and numbering.xml are replaced by
the house style (:mod:`pipeline.assemble.house_style`), with docxtpl tags in the text: values as
``{{ name }}``, repeated rows as ``{%tr for ... %}``, the policy sections as ``{{p s.body }}``
subdocuments that :mod:`pipeline.assemble.render` builds. Nothing in the body is directly
formatted: every paragraph and table names a style, so a council restyles by editing styles.
"""

from __future__ import annotations

import io
import sys
import zipfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Twips

from pipeline import atomic
from pipeline.assemble import house_style as hs
from pipeline.framework import Framework
from pipeline.framework_load import default_framework

TEMPLATE_NAMES = ("policy", "implementation_plan", "consultation_response", "policy_request")
# Fixed so a rebuild is identical to the committed template (only document parts are compared,
# but stable metadata keeps git diffs quiet too).
BUILD_DATE = datetime(2025, 1, 1)
_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
_UNWANTED_RELS = (_STYLES_WITH_EFFECTS, RT.CUSTOM_XML, RT.THUMBNAIL)

DRAFT_NOTICE = "DRAFT: this document has not been approved for publication."


def _new_document(title: str, subject: str, *, show_version: bool = True) -> Any:
    """A python-docx document carrying only the house style, A4, with header and footer."""
    doc = docx.Document()
    for rels in (doc.part.rels, doc.part.package.rels):
        for r_id in [k for k, rel in rels.items() if rel.reltype in _UNWANTED_RELS]:
            rels.pop(r_id)
    doc.part._styles_part._element = parse_xml(hs.styles_xml().encode("utf-8"))
    doc.part.numbering_part._element = parse_xml(hs.numbering_xml().encode("utf-8"))
    settings = doc.settings.element
    for el in settings.findall(qn("w:themeFontLang")):
        el.set(qn("w:val"), hs.LANGUAGE)
        el.attrib.pop(qn("w:eastAsia"), None)
    for el in settings.findall(qn("w:rsids")) + settings.findall(qn("w:proofState")):
        settings.remove(el)
    for p in list(doc.paragraphs):
        if (body := p._p.getparent()) is not None:
            body.remove(p._p)

    cp = doc.core_properties
    cp.title, cp.subject, cp.author, cp.last_modified_by = title, subject, "", ""
    cp.comments = "Built by pipeline.assemble.build_templates; see docs/templates.md."
    cp.language, cp.keywords, cp.revision = hs.LANGUAGE, "", 1
    cp.created = cp.modified = BUILD_DATE

    section = doc.sections[0]
    section.page_width, section.page_height = Twips(hs.PAGE_WIDTH), Twips(hs.PAGE_HEIGHT)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Twips(hs.MARGIN))
    section.header_distance = section.footer_distance = Twips(hs.HEADER_DISTANCE)
    for attr in list(section._sectPr.attrib):
        del section._sectPr.attrib[attr]  # rsids from python-docx's own template
    _header_footer(section, show_version)
    return doc


def _field_runs(paragraph: Any, instruction: str) -> None:
    """A complex field (PAGE, NUMPAGES) Word and LibreOffice both update when laying out."""
    for kind, text in (
        ("begin", ""),
        ("instr", instruction),
        ("separate", ""),
        ("text", "1"),
        ("end", ""),
    ):
        run = OxmlElement("w:r")
        if kind == "instr":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {text} "
        elif kind == "text":
            el = OxmlElement("w:t")
            el.text = text
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        run.append(el)
        paragraph._p.append(run)


def _header_footer(section: Any, show_version: bool) -> None:
    header = section.header.paragraphs[0]
    header.style = "Header"
    version = "{% if version %} \u2013 Version {{ version }}{% endif %}" if show_version else ""
    header.add_run("{% if draft %}DRAFT \u2013 {% endif %}{{ running_title }}" + version)
    footer = section.footer.paragraphs[0]
    footer.style = "Footer"
    footer.add_run("{{ council }}\tPage ")
    _field_runs(footer, "PAGE")
    footer.add_run(" of ")
    _field_runs(footer, "NUMPAGES")


def _para(container: Any, text: str, style: str) -> Any:
    p = container.add_paragraph(text)
    p.style = style
    return p


def _draft_box(doc: Any) -> None:
    """A short bordered notice on drafts: what is still needed before publication."""
    _para(doc, "{%p if draft %}", "Normal")
    _para(doc, DRAFT_NOTICE, "Draft Notice")
    _para(doc, "{%p if missing %}", "Normal")
    _para(doc, 'Still needed before publication: {{ missing|join("; ") }}.', "Draft Notice")
    _para(doc, "{%p endif %}", "Normal")
    _para(doc, "{%p endif %}", "Normal")


def _repeat_header(row: Any) -> None:
    """Mark a table row as the header row Word and LibreOffice repeat on every page."""
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:tblHeader"))


def _table(doc: Any, rows: int, widths: Sequence[int], style: str, *, header_row: bool) -> Any:
    table = doc.add_table(rows=rows, cols=len(widths))
    table.style = style
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    tbl_w = tbl_pr.find(qn("w:tblW"))
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(sum(widths)))
    look = tbl_pr.find(qn("w:tblLook"))
    look.set(qn("w:firstRow"), "1" if header_row else "0")
    look.set(qn("w:firstColumn"), "0" if header_row else "1")
    look.set(qn("w:val"), "04A0" if header_row else "0080")
    for col, width in zip(table.columns, widths, strict=True):
        col.width = Twips(width)
        for cell in col.cells:
            cell.width = Twips(width)
    if header_row:
        _repeat_header(table.rows[0])
    return table


def _cell(cell: Any, text: str, style: str) -> Any:
    p = cell.paragraphs[0]
    p.text = text
    p.style = style
    return p


def details_table(doc: Any, rows: Sequence[tuple[str, str]]) -> Any:
    """Label | value; the label column is styled as header cells (Appendix 3 "Policy Details")."""
    label_width = round(hs.TEXT_WIDTH * 0.36)
    table = _table(
        doc,
        len(rows),
        (label_width, hs.TEXT_WIDTH - label_width),
        "Policy Details Table",
        header_row=False,
    )
    for row, (label, value) in zip(table.rows, rows, strict=True):
        _cell(row.cells[0], label, "Policy Details Label")
        _cell(row.cells[1], value, "Table Text")
    return table


def data_table(
    doc: Any, headers: Sequence[str], loop: str, cells: Sequence[str], fractions: Sequence[float]
) -> Any:
    """A header row repeated on every page, then one row per item of ``loop``."""
    widths = [round(hs.TEXT_WIDTH * f) for f in fractions]
    widths[-1] = hs.TEXT_WIDTH - sum(widths[:-1])
    table = _table(doc, 4, widths, "Council Table", header_row=True)
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        _cell(cell, text, "Table Heading")
    _cell(table.rows[1].cells[0], f"{{%tr for {loop} %}}", "Table Text")
    for cell, text in zip(table.rows[2].cells, cells, strict=True):
        _cell(cell, text, "Table Text")
    _cell(table.rows[3].cells[0], "{%tr endfor %}", "Table Text")
    return table


def field_details(doc: Any, fw: Framework, form: str, rows: Sequence[tuple[str, str]]) -> Any:
    """A details table whose labels are the framework's labels for the fields named."""
    return details_table(doc, [(fw.form(form).field(key).label, value) for key, value in rows])


def build_policy(fw: Framework) -> Any:
    doc = _new_document("Policy template", fw.form("policy").label)
    _para(doc, "{{ title }}", "Title")
    _draft_box(doc)
    field_details(
        doc,
        fw,
        "policy",
        [
            ("policy_ref", "{{ policy_ref }}"),
            ("version", "{{ version }}"),
            ("strategic_owner", "{{ strategic_owner }}"),
            ("business_owner", "{{ business_owner }}"),
            ("author", "{{ author }}"),
            ("approval_date", '{{ approval_date or "Not yet approved" }}'),
            ("last_review", '{{ last_review or "Not yet reviewed" }}'),
            ("last_reviewer", '{{ last_reviewer or "Not yet reviewed" }}'),
            ("next_review", "{{ next_review }}"),
            ("supporting_documents", '{{ supporting_documents or "None" }}'),
        ],
    )
    _para(doc, "{%p for s in sections %}", "Normal")
    _para(doc, "{{ s.number }}. {{ s.title }}", "Heading 1")
    _para(doc, "{{p s.body }}", "Normal")
    _para(doc, "{%p endfor %}", "Normal")
    _para(doc, "Approval and version history", "Heading 1")
    field_details(
        doc,
        fw,
        "policy",
        [
            ("change_type", "{{ change_type }}"),
            ("change_summary", '{{ change_summary or "Not recorded" }}'),
            ("approved_by", '{{ approved_by or "Not yet approved" }}'),
            ("sign_off_level", '{{ sign_off_level or "Not yet signed off" }}'),
            ("impact_assessment", '{{ impact_assessment or "Not recorded" }}'),
            ("consultation_required", '{{ consultation_required or "Not recorded" }}'),
        ],
    )
    _para(doc, "Change history", "Heading 2")
    data_table(
        doc,
        ("Version", "Date", "What changed", "Author"),
        "c in change_history",
        ("{{ c.version }}", "{{ c.date }}", "{{ c.what }}", "{{ c.author }}"),
        (0.12, 0.2, 0.43, 0.25),
    )
    _para(doc, "Produced by {{ council }} on {{ generated }}.", "Document Note")
    return doc


def build_implementation_plan(fw: Framework) -> Any:
    form = fw.form("implementation_plan")
    doc = _new_document("Implementation plan template", form.label)
    _para(doc, f"{form.field('policy_title').label}: {{{{ policy_title }}}}", "Title")
    _draft_box(doc)
    field_details(
        doc,
        fw,
        form.key,
        [
            ("policy_ref", '{{ policy_ref or "Not yet registered" }}'),
            ("date", "{{ date }}"),
            ("author", "{{ author }}"),
            ("business_owner", "{{ business_owner }}"),
        ],
    )
    _para(doc, "The plan", "Heading 1")
    headers = [c.label for c in form.columns]
    table = data_table(
        doc,
        headers,
        "a in areas",
        ("", "{{ a.action }}", "{{ a.lead }}", "{{ a.timescale }}"),
        (0.33, 0.33, 0.19, 0.15),
    )
    first = table.rows[2].cells[0]
    _cell(first, "{{ a.number }}. {{ a.title }}", "Area Title")
    _para(first, "{%p for q in a.prompts %}", "Table Text")
    _para(first, "{{ q }}", "Table Bullet")
    _para(first, "{%p endfor %}", "Table Text")
    _para(first, "{%p if a.guidance %}", "Table Text")
    _para(first, "{{ a.guidance }}", "Guidance")
    _para(first, "{%p endif %}", "Table Text")
    _para(doc, "Produced by {{ council }} on {{ generated }}.", "Document Note")
    return doc


def build_consultation_response(fw: Framework) -> Any:
    form = fw.form("consultation_response")
    doc = _new_document("Consultation response template", form.label)
    _para(doc, "What you told us, what we did", "Title")
    _para(doc, "{{ document_title }}", "Subtitle")
    _draft_box(doc)
    field_details(
        doc,
        fw,
        form.key,
        [
            ("policy_title", "{{ policy_title }}"),
            ("policy_ref", '{{ policy_ref or "Not yet registered" }}'),
            ("consultation_start", "{{ consultation_start }}"),
            ("consultation_end", "{{ consultation_end }}"),
            ("responses_received", '{{ responses_received or "Not recorded" }}'),
            ("author", "{{ author }}"),
        ],
    )
    _para(doc, form.field("summary").label, "Heading 1")
    _para(doc, "{{ summary }}", "Normal")
    _para(doc, "What you told us and what we did", "Heading 1")
    data_table(
        doc,
        [c.label for c in form.columns],
        "r in rows",
        tuple(f"{{{{ r.{c.key} }}}}" for c in form.columns),
        (0.34, 0.33, 0.33),
    )
    _para(doc, "Produced by {{ council }} on {{ generated }}.", "Document Note")
    return doc


def build_policy_request(fw: Framework) -> Any:
    form = fw.form("policy_request")
    doc = _new_document("Policy request template", form.label, show_version=False)
    _para(doc, "{{ document_title }}", "Title")
    _para(doc, "One page policy overview for Head of Service", "Subtitle")
    _draft_box(doc)
    details = ("title", "requested_by", "date")
    field_details(doc, fw, form.key, [(k, f"{{{{ {k} }}}}") for k in details])
    for f in form.fields:
        if f.key not in details and f.published:  # never the officer's Contact email
            _para(doc, f.label, "Heading 1")
            _para(doc, f"{{{{ {f.key} }}}}", "Normal")
    _para(doc, "Produced by {{ council }} on {{ generated }}.", "Document Note")
    return doc


BUILDERS = {
    "policy": build_policy,
    "implementation_plan": build_implementation_plan,
    "consultation_response": build_consultation_response,
    "policy_request": build_policy_request,
}


def build_all(out_dir: Path, framework: Framework | None = None) -> list[Path]:
    """Write every template into ``out_dir``; returns the files written."""
    fw = framework or default_framework()
    atomic.make_dirs(out_dir)
    written = []
    for name in TEMPLATE_NAMES:
        path = out_dir / f"{name}.docx"
        buffer = io.BytesIO()
        BUILDERS[name](fw).save(buffer)
        atomic.write_bytes(path, _stable_zip(buffer.getvalue()))
        written.append(path)
    return written


def _stable_zip(data: bytes) -> bytes:
    """The package re-zipped with fixed timestamps, so a rebuild is byte-identical."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=BUILD_DATE.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, src.read(item.filename))
    return out.getvalue()


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: python -m pipeline.assemble.build_templates <output folder>", file=sys.stderr)
        return 2
    for path in build_all(Path(args[0])):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

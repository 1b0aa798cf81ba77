"""Rendering records into the templates, read back with python-docx (no mocks)."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from lxml import etree
from pypdf import PdfReader

from pipeline.assemble.render import Assembler, RenderContext, TemplateError
from pipeline.framework import Framework
from pipeline.framework_load import default_framework
from pipeline.records import (
    FieldValue,
    FormRecord,
    ListItem,
    Note,
    Paragraph,
    Row,
    Run,
    SectionContent,
    SubHeading,
    Table,
)
from tests.helpers.paths import TEMPLATES
from tests.helpers.soffice import libreoffice

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def style(obj: Any) -> str:
    """The style name of a python-docx paragraph or table ("" when it has none)."""
    return str(obj.style.name) if obj.style is not None else ""


NASTY = "Tom & Jerry <b>bold</b> \"quoted\" 'single' {{ x }} {% if y %}z{% endif %} {_{ w }_}"
CARE_ACT = "https://www.legislation.gov.uk/ukpga/2014/23/contents"


def _p(*runs: Run | str) -> Paragraph:
    return Paragraph(tuple(Run(r) if isinstance(r, str) else r for r in runs))


def _item(text: str, level: int = 0, ordered: bool = False) -> ListItem:
    return ListItem((Run(text),), level=level, ordered=ordered)


# The worked example of the framework's Appendix 3, sections 5-8 (renumbered 1-4 here).
POLICY_SECTIONS = [
    SectionContent(
        "applies_to",
        "5. Who this policy applies to",
        (
            _p(
                "This policy will apply to you if you are an adult over 18 and we have identified "
                "that you have eligible social care needs, as set out in ",
                Run("The Care Act 2014", href=CARE_ACT),
                ".",
            ),
            _p(
                "This policy will ",
                Run("also", bold=True),
                " apply to you if you are ",
                Run("not", italic=True),
                " entitled to social care funding.",
            ),
        ),
    ),
    SectionContent(
        "why",
        "6. Why we have this policy",
        (
            _p("The Care Act places personal budgets into law for the first time."),
            _p("This policy has been developed because of new national legislation."),
        ),
    ),
    SectionContent(
        "achieve",
        "7. What the policy will achieve",
        (
            _p("The aims and objectives of this policy."),
            _item(
                "Your personal budget will always be a sufficient amount of money.", ordered=True
            ),
            _item("You will have greater choice.", ordered=True),
            _item(
                "You will be clear about how we have calculated your personal budget.", ordered=True
            ),
        ),
    ),
    SectionContent(
        "policy",
        "8. The Policy",
        (
            SubHeading("A personal budget"),
            _p(
                "A personal budget is the amount of money we allocate to you to meet your eligible needs."
            ),
            _p(
                "If you are receiving a service that we must not charge you for, it is not included."
            ),
            SubHeading("Establishing a personal budget"),
            _p(
                "We will carry out a ",
                Run("needs assessment or carers assessment", href="mailto:care@devon.gov.uk"),
                " with you.",
            ),
            _item("equipment"),
            _item("intermediate care", level=1),
            _item("reablement"),
            _p(
                "We will review your personal budget every year. ",
                Run("Click", href="javascript:alert(1)"),
            ),
            _item("Lettered again", ordered=True),
            Table(
                (("Need", "Who pays"), ("Equipment", "We do"), ("Care & support", "Shared <maybe>"))
            ),
            SubHeading("Choice and control"),
            _p(
                "We have a ",
                Run("Fair and Affordable Care policy", href="file:///c:/policies/fair.docx"),
                " that explains how and when.",
            ),
        ),
    ),
]

NUMBERED = [
    ("1.1", "This policy will apply to you if you are an adult over 18"),
    ("1.2", "This policy will also apply to you if you are not entitled"),
    ("2.1", "The Care Act places personal budgets into law"),
    ("2.2", "This policy has been developed because of new national legislation."),
    ("3.1", "The aims and objectives of this policy."),
    ("4.1", "A personal budget is the amount of money"),
    ("4.2", "If you are receiving a service"),
    ("4.3", "We will carry out a needs assessment or carers assessment with you."),
    ("4.4", "We will review your personal budget every year. Click"),
    ("4.5", "We have a Fair and Affordable Care policy that explains how and when."),
]


def policy_record() -> FormRecord:
    values = {
        "title": "Personal Budgets Policy",
        "version": "2",
        "change_type": "Major change",
        "change_summary": "Reviewed for the Care Act.",
        "strategic_owner": "Sally Slade, Head of Adult Social Care",
        "business_owner": "Sarah Mackereth, Principal Social Worker",
        "author": "James Martin, Senior Policy Officer",
        "approval_date": "December 2015",
        "last_review": "Quarter 3 2015/16",
        "last_reviewer": "James Martin, Senior Policy Officer",
        "next_review": "Quarter 3 2017/18",
        "supporting_documents": "The Care Act 2014\nCare and support statutory guidance",
    }
    return FormRecord(
        form_type="policy",
        source=Path("personal-budgets.docx"),
        fields={k: FieldValue(v) for k, v in values.items()},
        sections=list(POLICY_SECTIONS),
    )


def context(**overrides: object) -> RenderContext:
    base: dict[str, object] = {
        "policy_ref": "ASC-POL-007",
        "version": "2",
        "council": "Devon County Council",
        "generated": "3 March 2025",
        "change_history": [
            ("1", "December 2015", "First issue.", "James Martin"),
            ("2", "3 March 2025", "Reviewed for the Care Act.", "James Martin"),
        ],
    }
    base.update(overrides)
    return RenderContext(**base)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def framework() -> Framework:
    return default_framework()


@pytest.fixture(scope="module")
def assembler(framework: Framework) -> Assembler:
    return Assembler(TEMPLATES, framework)


@pytest.fixture(scope="module")
def policy_docx(assembler: Assembler, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("policy") / "policy.docx"
    done = assembler.render(policy_record(), out, context=context())
    assert done.kind == "policy" and done.docx == out and done.title == "Personal Budgets Policy"
    return out


def _body_paragraphs(path: Path) -> list[Any]:
    return list(docx.Document(str(path)).paragraphs)


def test_paragraphs_are_renumbered_in_order(policy_docx: Path) -> None:
    numbered = [p for p in _body_paragraphs(policy_docx) if style(p) == "Numbered Paragraph"]
    assert [p.text.split("\t")[0] for p in numbered] == [n for n, _ in NUMBERED]
    for p, (number, start) in zip(numbered, NUMBERED, strict=True):
        assert p.text.startswith(f"{number}\t{start}")


def test_sections_subheadings_and_lists_use_the_named_styles(policy_docx: Path) -> None:
    paragraphs = _body_paragraphs(policy_docx)
    headings = [p.text for p in paragraphs if style(p) == "Heading 1"]
    assert headings[:4] == [
        "1. Who this policy applies to",
        "2. Why we have this policy",
        "3. What the policy will achieve",
        "4. The Policy",
    ]
    assert [p.text for p in paragraphs if style(p) == "Heading 2"][:3] == [
        "A personal budget",
        "Establishing a personal budget",
        "Choice and control",
    ]
    by_text = {p.text: style(p) for p in paragraphs}
    assert by_text["equipment"] == "List Bullet"
    assert by_text["intermediate care"] == "List Bullet 2"
    assert by_text["You will have greater choice."] == "List Number"
    assert style(paragraphs[0]) == "Title" and paragraphs[0].text == "Personal Budgets Policy"


def test_each_lettered_list_restarts(policy_docx: Path) -> None:
    doc = docx.Document(str(policy_docx))
    numbering = doc.part.numbering_part.element
    ordered = [p for p in doc.paragraphs if style(p) == "List Number"]
    num_ids = [int(p._p.find(f"{W}pPr/{W}numPr/{W}numId").get(qn("w:val"))) for p in ordered]
    assert num_ids[0] == num_ids[1] == num_ids[2] != num_ids[3]
    for num_id in {num_ids[0], num_ids[3]}:
        override = numbering.num_having_numId(num_id).find(f"{W}lvlOverride/{W}startOverride")
        assert override is not None and override.get(qn("w:val")) == "1"


def test_hyperlinks_are_real_and_only_safe_addresses(policy_docx: Path) -> None:
    doc = docx.Document(str(policy_docx))
    links = doc.element.body.findall(f".//{W}hyperlink")
    targets = {}
    for link in links:
        rel = doc.part.rels[link.get(qn("r:id"))]
        assert rel.reltype == RT.HYPERLINK and rel.is_external
        text = "".join(t.text for t in link.iter(f"{W}t"))
        targets[text] = rel.target_ref
        assert link.find(f"{W}r/{W}rPr/{W}rStyle").get(qn("w:val")) == "Hyperlink"
    assert targets == {
        "The Care Act 2014": CARE_ACT,
        "needs assessment or carers assessment": "mailto:care@devon.gov.uk",
    }
    xml = doc.element.xml
    assert "javascript" not in xml and "file:" not in str(
        [r.target_ref for r in doc.part.rels.values()]
    )
    assert "Fair and Affordable Care policy" in xml


def test_bold_and_italic_runs(policy_docx: Path) -> None:
    para = next(p for p in _body_paragraphs(policy_docx) if p.text.startswith("1.2"))
    assert [r.text for r in para.runs if r.bold] == ["also"]
    assert [r.text for r in para.runs if r.italic] == ["not"]


def test_details_and_history_tables(policy_docx: Path) -> None:
    doc = docx.Document(str(policy_docx))
    details = {r.cells[0].text: r.cells[1].text for r in doc.tables[0].rows}
    assert details["Policy reference"] == "ASC-POL-007"
    assert details["Strategic owner"] == "Sally Slade, Head of Adult Social Care"
    assert (
        details["Supporting documents"] == "The Care Act 2014\nCare and support statutory guidance"
    )
    history = doc.tables[-1]
    assert [c.text for c in history.rows[2].cells] == [
        "2",
        "3 March 2025",
        "Reviewed for the Care Act.",
        "James Martin",
    ]
    for table in doc.tables:
        if style(table) == "Council Table":
            assert table.rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is not None
    officer_table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Need")
    assert officer_table.rows[2].cells[1].text == "Shared <maybe>"
    assert style(officer_table.rows[0].cells[0].paragraphs[0]) == "Table Heading"


def test_page_header_footer_and_language(policy_docx: Path) -> None:
    doc = docx.Document(str(policy_docx))
    section: Any = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    header = section.header.paragraphs[0].text
    assert header == "Personal Budgets Policy \u2013 Version 2"
    footer_xml = section.footer._element.xml
    assert "Devon County Council" in section.footer.paragraphs[0].text
    assert " PAGE " in footer_xml and " NUMPAGES " in footer_xml
    lang = doc.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert lang.get(qn("w:val")) == "en-GB"


def test_core_properties(policy_docx: Path) -> None:
    cp = docx.Document(str(policy_docx)).core_properties
    assert cp.title == "Personal Budgets Policy"
    assert cp.subject == "Policy"
    assert cp.author == "Devon County Council"
    assert cp.keywords == "adult social care; policy; ASC-POL-007"
    assert cp.language == "en-GB"
    assert cp.version == "2" and cp.identifier == "ASC-POL-007"
    # read raw: python-docx shares the namespace table docxcompose once broke
    core = etree.fromstring(zipfile.ZipFile(policy_docx).read("docProps/core.xml"))
    core_ns = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
    allowed = {
        core_ns,
        "http://purl.org/dc/elements/1.1/",
        "http://purl.org/dc/terms/",
    }
    assert {etree.QName(e).namespace for e in core} <= allowed
    keywords = core.find(f"{{{core_ns}}}keywords")
    assert keywords is not None and keywords.text == "adult social care; policy; ASC-POL-007"


def test_draft_marker_and_missing_box(assembler: Assembler, tmp_path: Path) -> None:
    out = tmp_path / "draft.docx"
    missing = ["sign-off by Head of Service or higher", "an implementation plan"]
    assembler.render(policy_record(), out, context=context(draft=True, missing=missing))
    doc = docx.Document(str(out))
    assert (
        doc.sections[0].header.paragraphs[0].text.startswith("DRAFT \u2013 Personal Budgets Policy")
    )
    notices = [p.text for p in doc.paragraphs if style(p) == "Draft Notice"]
    assert notices[0].startswith("DRAFT")
    assert notices[1] == f"Still needed before publication: {'; '.join(missing)}."
    final = tmp_path / "final.docx"
    assembler.render(policy_record(), final, context=context())
    assert not [p for p in docx.Document(str(final)).paragraphs if style(p) == "Draft Notice"]


def test_values_are_data_never_markup(assembler: Assembler, tmp_path: Path) -> None:
    record = policy_record()
    record.fields["strategic_owner"] = FieldValue(NASTY + "\x01\x0b\x1f")
    record.fields["title"] = FieldValue("Budgets & <Choice> {{ title }}")
    record.sections = [
        SectionContent("applies_to", "x", (_p(NASTY + "\x00"), SubHeading("{% raw %} & <h>"))),
        *POLICY_SECTIONS[1:],
    ]
    out = tmp_path / "nasty.docx"
    done = assembler.render(record, out, context=context(council="Devon & Cornwall <Council>"))
    doc = docx.Document(str(out))  # still opens
    details = {r.cells[0].text: r.cells[1].text for r in doc.tables[0].rows}
    assert details["Strategic owner"] == NASTY
    assert doc.paragraphs[0].text == "Budgets & <Choice> {{ title }}"
    assert done.title == "Budgets & <Choice> {{ title }}"
    texts = [p.text for p in doc.paragraphs]
    assert f"1.1\t{NASTY}" in texts and "{% raw %} & <h>" in texts
    assert "Devon & Cornwall <Council>" in doc.sections[0].footer.paragraphs[0].text
    assert doc.core_properties.title == "Budgets & <Choice> {{ title }}"


def test_newlines_become_line_breaks(policy_docx: Path) -> None:
    doc = docx.Document(str(policy_docx))
    cell = doc.tables[0].rows[-1].cells[1]
    assert cell.paragraphs[0]._p.findall(f".//{W}br")
    assert len(cell.paragraphs) == 1


def test_implementation_plan_has_every_area_in_framework_order(
    assembler: Assembler, framework: Framework, tmp_path: Path
) -> None:
    areas = framework.form("implementation_plan").areas
    rows = [
        Row(
            {
                "area": a.key if i % 2 else f"{i}. {a.title}",
                "action": f"Do {a.key}.\nThen review.",
                "lead": "Sarah Mackereth",
                "timescale": "April 2025",
            }
        )
        for i, a in enumerate(areas, start=1)
    ]
    record = FormRecord(
        "implementation_plan",
        Path("plan.xlsx"),
        fields={
            "policy_title": FieldValue("Personal Budgets Policy"),
            "date": FieldValue("March 2025"),
            "author": FieldValue("James Martin"),
            "business_owner": FieldValue("Sarah Mackereth, Principal Social Worker"),
        },
        rows=list(reversed(rows)),  # order as written must not matter
    )
    out = tmp_path / "plan.docx"
    done = assembler.render(record, out, context=context())
    assert done.title == "Implementation plan: Personal Budgets Policy"
    doc = docx.Document(str(out))
    assert doc.paragraphs[0].text == "Implementation plan for: Personal Budgets Policy"
    details = {r.cells[0].text: r.cells[1].text for r in doc.tables[0].rows}
    assert details["Business owner"] == "Sarah Mackereth, Principal Social Worker"
    plan = doc.tables[-1]
    assert len(plan.rows) == 1 + len(areas) == 9
    for row, area in zip(plan.rows[1:], areas, strict=True):
        first = row.cells[0].paragraphs
        assert first[0].text == f"{areas.index(area) + 1}. {area.title}"
        assert style(first[0]) == "Area Title"
        assert [p.text for p in first if style(p) == "Table Bullet"] == list(area.prompts)
        assert row.cells[1].text == f"Do {area.key}.\nThen review."
        assert row.cells[2].text == "Sarah Mackereth"
        assert row.cells[3].text == "April 2025"
    assert plan.rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is not None


def test_consultation_response(assembler: Assembler, tmp_path: Path) -> None:
    record = FormRecord(
        "consultation_response",
        Path("response.docx"),
        fields={
            "policy_title": FieldValue("Personal Budgets Policy"),
            "consultation_start": FieldValue("1 June 2024"),
            "consultation_end": FieldValue("31 August 2024"),
            "responses_received": FieldValue("142"),
            "author": FieldValue("Policy Team"),
            "summary": FieldValue("We asked about personal budgets.\nSix events were held."),
        },
        rows=[
            Row(
                {
                    "said": "Letters are hard to read.",
                    "response": "We agree.",
                    "change": "Rewrote them.",
                }
            ),
            Row({"said": "More choice.", "response": "We will look at it.", "change": ""}),
        ],
    )
    out = tmp_path / "response.docx"
    done = assembler.render(record, out, context=context())
    assert done.title == "Consultation response: Personal Budgets Policy"
    doc = docx.Document(str(out))
    assert doc.paragraphs[0].text == "What you told us, what we did"
    table = doc.tables[-1]
    assert [c.text for c in table.rows[0].cells] == [
        "What you told us",
        "Our response",
        "What we changed",
    ]
    assert [c.text for c in table.rows[1].cells] == [
        "Letters are hard to read.",
        "We agree.",
        "Rewrote them.",
    ]
    assert len(table.rows) == 3
    details = {r.cells[0].text: r.cells[1].text for r in doc.tables[0].rows}
    assert details["Number of responses"] == "142"


def test_policy_request_has_the_nine_questions(
    assembler: Assembler, framework: Framework, tmp_path: Path
) -> None:
    form = framework.form("policy_request")
    record = FormRecord(
        "policy_request",
        Path("request.docx"),
        fields={f.key: FieldValue(f"Answer: {f.key}") for f in form.fields},
    )
    out = tmp_path / "request.docx"
    assembler.render(record, out, context=context())
    paragraphs = docx.Document(str(out)).paragraphs
    questions = [p.text for p in paragraphs if style(p) == "Heading 1"]
    assert len(questions) == 9 and questions[0] == "Why is the policy needed?"
    texts = [p.text for p in paragraphs]
    for q in questions:
        key = next(f.key for f in form.fields if f.label == q)
        assert texts[texts.index(q) + 1] == f"Answer: {key}"


def _edited_templates(tmp_path: Path, old: str, new: str) -> Path:
    """A copy of the templates with one text replaced in policy.docx's body."""
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES, folder)
    path = folder / "policy.docx"
    with zipfile.ZipFile(TEMPLATES / "policy.docx") as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                assert old.encode() in data
                data = data.replace(old.encode(), new.encode())
            dst.writestr(item, data)
    return folder


def test_check_templates_reports_a_typo_with_a_suggestion(
    framework: Framework, tmp_path: Path
) -> None:
    folder = _edited_templates(tmp_path, "{{ strategic_owner }}", "{{ strategic_ownr }}")
    issues = Assembler(folder, framework).check_templates()
    errors = [i for i in issues if i.severity == "error"]
    assert len(errors) == 1 and errors[0].template == "policy.docx"
    assert errors[0].variable == "strategic_ownr"
    assert "did you mean `strategic_owner`" in errors[0].message
    warnings = [i for i in issues if i.severity == "warning"]
    assert [w.variable for w in warnings] == ["strategic_owner"]


def test_check_templates_catches_attribute_typos_by_rendering(
    framework: Framework, tmp_path: Path
) -> None:
    folder = _edited_templates(tmp_path, "{{ c.what }}", "{{ c.wat }}")
    issues = Assembler(folder, framework).check_templates()
    assert [i.severity for i in issues] == ["error"]
    assert "`wat`" in issues[0].message and "policy.docx" in issues[0].message


def test_missing_variable_is_a_template_error_naming_it(
    framework: Framework, tmp_path: Path
) -> None:
    folder = _edited_templates(tmp_path, "{{ next_review }}", "{{ review_next }}")
    with pytest.raises(TemplateError, match=r"policy\.docx uses `review_next`"):
        Assembler(folder, framework).render(
            policy_record(), tmp_path / "out.docx", context=context()
        )
    assert not (tmp_path / "out.docx").exists()


def test_template_reread_when_the_file_changes(framework: Framework, tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES, folder)
    assembler = Assembler(folder, framework)
    assembler.render(policy_record(), tmp_path / "a.docx", context=context())
    edited = _edited_templates(tmp_path / "edit", "Change history", "Version history")
    shutil.copy(edited / "policy.docx", folder / "policy.docx")
    assembler.render(policy_record(), tmp_path / "b.docx", context=context())
    texts = [p.text for p in docx.Document(str(tmp_path / "b.docx")).paragraphs]
    assert "Version history" in texts and "Change history" not in texts


def test_write_is_atomic_and_leaves_no_temporary_files(
    assembler: Assembler, tmp_path: Path
) -> None:
    out = tmp_path / "out" / "policy.docx"
    out.parent.mkdir()
    out.write_bytes(b"old")
    assembler.render(policy_record(), out, context=context())
    assert sorted(p.name for p in out.parent.iterdir()) == ["policy.docx"]
    assert zipfile.is_zipfile(out)


def test_missing_template_is_a_template_error(framework: Framework, tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="policy.docx"):
        Assembler(tmp_path, framework).render(
            policy_record(), tmp_path / "x.docx", context=context()
        )
    issues = Assembler(tmp_path, framework).check_templates()
    assert {i.template for i in issues} == {f"{k}.docx" for k in framework.forms}


@pytest.mark.requires_libreoffice
def test_pdf_has_a_bookmark_per_heading_and_all_the_text(policy_docx: Path, tmp_path: Path) -> None:
    reader = PdfReader(libreoffice(policy_docx, "pdf", tmp_path / "pdf"))

    def titles(outline: Any) -> list[str]:
        out: list[str] = []
        for item in outline:
            out.extend(titles(item) if isinstance(item, list) else [item.title])
        return out

    headings = [p.text for p in _body_paragraphs(policy_docx) if style(p).startswith("Heading")]
    assert titles(reader.outline) == headings
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    for number, start in NUMBERED:
        assert f"{number} {start}" in text
    root: Any = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"


def test_renders_share_compiled_templates_but_never_values_or_stale_files(
    framework: Framework, tmp_path: Path
) -> None:
    folder = _edited_templates(tmp_path, "{{ strategic_owner }}", "{{ strategic_owner }}")
    asm = Assembler(folder, framework)
    first = policy_record()
    second = policy_record()
    second.fields["strategic_owner"] = FieldValue("Another Owner")
    asm.render(first, tmp_path / "1.docx", context=context())
    asm.render(second, tmp_path / "2.docx", context=context())
    text_of = lambda p: "\n".join(x.text for x in docx.Document(str(p)).tables[0]._cells)  # noqa: E731
    assert "Sally Slade" in text_of(tmp_path / "1.docx")
    assert "Another Owner" in text_of(tmp_path / "2.docx")
    assert "Sally Slade" not in text_of(tmp_path / "2.docx")
    edited = _edited_templates(
        tmp_path / "edit", "{{ strategic_owner }}", "{{ strategic_owner }} (edited)"
    )
    shutil.copyfile(edited / "policy.docx", folder / "policy.docx")  # edited in place
    asm.render(first, tmp_path / "3.docx", context=context())
    assert "Sally Slade, Head of Adult Social Care (edited)" in text_of(tmp_path / "3.docx")


def test_notes_end_their_section_as_a_numbered_list_their_text_data(
    assembler: Assembler, tmp_path: Path
) -> None:
    record = policy_record()
    marked = _p("Said here.", Run("1", note=1))
    notes = (Note(1, (Run(NASTY),), "footnote"), Note(2, (Run("A source", href=CARE_ACT),)))
    record.sections = [
        SectionContent("applies_to", "x", (marked, _p("More.", Run("2", note=2)), *notes)),
        *POLICY_SECTIONS[1:],
    ]
    out = tmp_path / "notes.docx"
    assembler.render(record, out, context=context())
    paragraphs = _body_paragraphs(out)
    texts = [p.text for p in paragraphs]
    at = texts.index("Notes")
    assert style(paragraphs[at]) == "Heading 2"
    assert texts[at + 1 : at + 3] == [f"1.\t{NASTY}", "2.\tA source"]
    said = paragraphs[texts.index("1.1\tSaid here.1")]
    assert [(r.text, r.font.superscript) for r in said.runs][-1] == ("1", True)
    assert texts[at - 1] == "1.2\tMore.2"  # the Notes list follows the section's own text

"""Reading Word forms: every layout officers use, every word kept exactly as written."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from pipeline.errors import RejectedFile
from pipeline.forms.blank.write import write_blank_forms
from pipeline.forms.markers import write_marker_docx
from pipeline.forms.read import read_form
from pipeline.framework import Framework
from pipeline.records import FormRecord, ListItem, Paragraph, Run, SubHeading, Table
from tests.helpers.paths import EXAMPLES

from .conftest import APPENDIX3_DETAILS, CARE_ACT, Doc, run_corpus


def read(path: Path, framework: Framework) -> FormRecord:
    return read_form(path, framework, "docx")


def blocks(record: FormRecord, key: str) -> list[object]:
    section = record.section(key)
    assert section is not None, f"no section {key}"
    return list(section.blocks)


# -- the Appendix 3 policy --------------------------------------------------------------


def test_appendix3_details_table_gives_every_field(
    appendix3_docx: Path, framework: Framework
) -> None:
    record = read(appendix3_docx, framework)
    assert record.form_type == "policy"
    keys = ["version", "strategic_owner", "business_owner", "author", "approval_date",
            "last_review", "last_reviewer", "next_review", "supporting_documents"]  # fmt: skip
    for (label, value), key in zip(APPENDIX3_DETAILS, keys, strict=True):
        assert record.fields[key].text == value, label
    assert record.location("version") == "table 1, row 1"
    assert record.location("next_review") == "table 1, row 8"
    # No "Policy title" label: the title is the document's Title line.
    assert record.value("title") == "Personal Budgets Policy"


def test_appendix3_sections_keep_every_paragraph_in_order(
    appendix3_docx: Path, framework: Framework
) -> None:
    record = read(appendix3_docx, framework)
    assert [s.key for s in record.sections] == ["applies_to", "why", "achieve", "policy"]
    assert [s.heading for s in record.sections] == [
        "5. Who this policy applies to",
        "6. Why we have this policy",
        "7. What the policy will achieve",
        "8. The Policy",
    ]
    applies = blocks(record, "applies_to")
    assert applies[0] == Paragraph(
        (
            Run(
                "This policy will apply to you if you are an adult over 18 and we have identified "
                "that you have eligible social care needs, including support needs as a carer, as set out in "
            ),
            Run("The Care Act 2014", href=CARE_ACT),
            Run("."),
        )
    )
    assert applies[1] == Paragraph(
        (
            Run(
                "This policy will also apply to you if you are not entitled to social care funding "
                "but we have a duty to, or we agree to arrange your care."
            ),
        )
    )
    assert blocks(record, "achieve") == [
        Paragraph((Run("The aims and objectives of this policy."),)),
        ListItem(
            (Run("Your personal budget will always be a sufficient amount of money."),), 0, True
        ),
        ListItem((Run("You will have greater choice."),), 0, True),
    ]
    policy = blocks(record, "policy")
    assert policy[0] == SubHeading("A personal budget")
    assert policy[1] == Paragraph(
        (
            Run(
                "A personal budget is the amount of money we allocate to you to meet your eligible needs."
            ),
        )
    )
    assert policy[2] == SubHeading("Choice and control")
    assert isinstance(policy[3], Paragraph)
    assert policy[3].text.startswith("To ensure that we can get best value, we have a Fair")
    assert policy[3].runs[1] == Run(
        "Fair and Affordable Care policy", href="https://www.devon.gov.uk/fair-and-affordable"
    )
    assert len(policy) == 4
    assert record.unplaced == []


# -- the seed 000 shape: Heading styles, aliases, Policy Details at the end ---------------


def framework_docx(path: Path) -> Path:
    d = Doc()
    d.heading("Integrated Adult Social Care Policy Framework", 0)
    d.para("Last Updated")
    d.heading("1. Purpose of this document", 1)
    d.para("1.1 This document sets out the process for the development of new policies.")
    d.heading("2. Why we have this policy framework", 1)
    d.para("2.1  The policy framework applies to Integrated Adult Social Care policies.")
    d.heading("3. What this policy framework will achieve", 1)
    d.para("3.1 The aims and objectives of this framework are:")
    d.para("1) Ensure Integrated Adult Social Care policies deliver an effective framework.")
    d.heading("4. The Policy Development and Review Process", 1)
    d.heading("4.1. Policy scoped by Policy Team", 2)
    d.para("4.1.1 Requests to the Policy Team for new policy will come from various places.")
    d.heading("Appendix 1: Key definitions", 1)
    d.para("Policy is a course or principle of action adopted or proposed by an organisation.")
    d.heading("Appendix 2: One page policy overview for Head of Service", 1)
    d.para("Why is the policy needed?")
    d.para("Level and place of sign off")
    d.heading("Policy Details", 2)
    d.para("Version: 1.4")
    d.para(
        "Strategic owners: Tandra Forster, Director of Integrated Adult Social Care and "
        "Keri Storey, Head of Integrated Adult Social Care Operations"
    )
    d.para(
        "Business owner: Damian Furniss, Senior Manager for Policy, Performance and Involvement "
    )
    d.para("Date of approval and commencement: January 2016")
    d.para("Last review date: October 2022")
    d.para("Next review date: October 2024")
    return d.save(path)


def test_seed000_shape(tmp_path: Path, framework: Framework) -> None:
    record = read(framework_docx(tmp_path / "framework.docx"), framework)
    assert record.form_type == "policy"
    assert record.value("title") == "Integrated Adult Social Care Policy Framework"
    assert record.fields["version"].text == "1.4"
    assert record.fields["version"].location == "the line 'Version: 1.4'"
    assert record.value("strategic_owner").startswith("Tandra Forster, Director")
    assert record.value("business_owner") == (
        "Damian Furniss, Senior Manager for Policy, Performance and Involvement"
    )
    assert record.value("approval_date") == "January 2016"
    assert record.value("last_review") == "October 2022"
    assert record.value("next_review") == "October 2024"
    assert [s.heading for s in record.sections] == [
        "1. Purpose of this document",
        "2. Why we have this policy framework",
        "3. What this policy framework will achieve",
        "4. The Policy Development and Review Process",
    ]
    assert blocks(record, "achieve") == [
        Paragraph((Run("The aims and objectives of this framework are:"),)),
        ListItem(
            (Run("Ensure Integrated Adult Social Care policies deliver an effective framework."),),
            0,
            True,
        ),
    ]
    # Appendices stay in the last section as sub-headings, so no words are lost; the
    # "Policy Details" lines are fields, not text.
    texts = [b.text for b in blocks(record, "policy")]  # type: ignore[attr-defined]
    assert texts == [
        "Policy scoped by Policy Team",
        "Requests to the Policy Team for new policy will come from various places.",
        "Appendix 1: Key definitions",
        "Policy is a course or principle of action adopted or proposed by an organisation.",
        "Appendix 2: One page policy overview for Head of Service",
        "Why is the policy needed?",
        "Level and place of sign off",
    ]
    assert record.value("sign_off_level") == ""


# -- label tolerance, dates, unicode, formatting -----------------------------------------


@pytest.mark.parametrize(
    "label", ["Version", "VERSION:", "version :", "Versions", "Version number", "  Version\u00a0"]
)
def test_label_tolerance(tmp_path: Path, framework: Framework, label: str) -> None:
    d = Doc()
    d.table([[label, "3.1"], ["Policy title", "Charging Policy"], ["Author", "A N Other"]])
    d.heading("Who this policy applies to")
    d.para("Everyone.")
    record = read(d.save(tmp_path / "p.docx"), framework)
    assert record.fields["version"].text == "3.1"


@pytest.mark.parametrize(
    "written",
    [
        "01/10/2024",
        "1 October 2024",
        "October 2024",
        "2024-10-01",
        "Quarter 3 2015/16",
        "Q3 2015/16",
        "1st Oct 2024",
    ],
)
def test_dates_are_kept_as_written(tmp_path: Path, framework: Framework, written: str) -> None:
    d = Doc()
    d.table([["Policy title", "Charging Policy"], ["Next review date", written], ["Author", "Me"]])
    d.heading("The Policy")
    d.para("Text.")
    assert read(d.save(tmp_path / "p.docx"), framework).value("next_review") == written


UNICODE = "“Smart” ‘quotes’,\u00a0NBSP,\ttab, emoji 👍🏽, العربية, עברית, café"


def test_unicode_is_unchanged(tmp_path: Path, framework: Framework) -> None:
    d = Doc()
    d.table([["Policy title", UNICODE], ["Author", "Zoë O’Brien"]])
    d.heading("Who this policy applies to")
    p = d.para(UNICODE)
    p.add_run().add_break()  # a soft line break inside the paragraph
    p.add_run("second line")
    record = read(d.save(tmp_path / "u.docx"), framework)
    assert record.value("title") == UNICODE
    assert record.value("author") == "Zoë O’Brien"
    assert blocks(record, "applies_to") == [Paragraph((Run(UNICODE + "\nsecond line"),))]


def test_bold_and_italic_runs_are_kept_and_neighbours_merged(
    tmp_path: Path, framework: Framework
) -> None:
    d = Doc()
    d.heading("The Policy")
    d.para("We ", "will ", ("always", {"bold": True}), " ", ("listen", {"italic": True}), ".")
    record = read(d.save(tmp_path / "f.docx"), framework)
    assert blocks(record, "policy") == [
        Paragraph(
            (
                Run("We will "),
                Run("always", bold=True),
                Run(" "),
                Run("listen", italic=True),
                Run("."),
            )
        )
    ]


def test_word_numbering_gives_list_levels(tmp_path: Path, framework: Framework) -> None:
    d = Doc()
    d.heading("The Policy")
    d.numbered("A bullet", 90, 0)
    d.numbered("A lettered item", 90, 1)
    d.numbered("A numbered item", 90, 2)
    d.numbered("A legal-numbered paragraph", 91, 1)
    d.para("Styled bullet", style="List Bullet")
    d.para("Styled second level", style="List Number 2")
    d.para("- typed dash")
    d.para("• typed bullet")
    d.para("(c) typed letter")
    record = read(d.save(tmp_path / "l.docx"), framework)
    assert blocks(record, "policy") == [
        ListItem((Run("A bullet"),), 0, False),
        ListItem((Run("A lettered item"),), 1, True),
        ListItem((Run("A numbered item"),), 2, True),
        Paragraph((Run("A legal-numbered paragraph"),)),
        ListItem((Run("Styled bullet"),), 0, False),
        ListItem((Run("Styled second level"),), 1, True),
        ListItem((Run("typed dash"),), 0, False),
        ListItem((Run("typed bullet"),), 0, False),
        ListItem((Run("typed letter"),), 0, True),
    ]


def test_quantities_are_not_mistaken_for_paragraph_numbers(
    tmp_path: Path, framework: Framework
) -> None:
    d = Doc()
    d.heading("The Policy")
    d.para("1.5 million people in England receive care.")
    d.para("2.3 Paragraph numbers go.")
    record = read(d.save(tmp_path / "n.docx"), framework)
    assert [b.text for b in blocks(record, "policy")] == [  # type: ignore[attr-defined]
        "1.5 million people in England receive care.",
        "Paragraph numbers go.",
    ]


def test_table_inside_a_section_is_a_table_block(tmp_path: Path, framework: Framework) -> None:
    d = Doc()
    d.heading("The Policy")
    d.para("Charges are:")
    d.table([["Service", "Charge"], ["Day care", "£20"], ["Transport", ["£5", "each way"]]])
    record = read(d.save(tmp_path / "t.docx"), framework)
    assert blocks(record, "policy")[1] == Table(
        (("Service", "Charge"), ("Day care", "£20"), ("Transport", "£5\neach way")), header=True
    )


def test_tracked_changes_and_hyperlink_fields(tmp_path: Path, framework: Framework) -> None:
    d = Doc()
    d.heading("The Policy")
    p = d.para("Read ")
    p._p.append(
        parse_xml(
            f"<w:ins {nsdecls('w')} w:id='1' w:author='x'><w:r><w:t>the new </w:t></w:r></w:ins>"
        )
    )
    p._p.append(
        parse_xml(
            f"<w:del {nsdecls('w')} w:id='2' w:author='x'><w:r><w:delText>old </w:delText></w:r></w:del>"
        )
    )
    for xml in (
        "<w:r><w:fldChar w:fldCharType='begin'/></w:r>",
        "<w:r><w:instrText xml:space='preserve'> HYPERLINK \"https://example.org/guide\" </w:instrText></w:r>",
        "<w:r><w:fldChar w:fldCharType='separate'/></w:r>",
        "<w:r><w:t>guide</w:t></w:r>",
        "<w:r><w:fldChar w:fldCharType='end'/></w:r>",
    ):
        p._p.append(parse_xml(xml.replace("<w:r>", f"<w:r {nsdecls('w')}>", 1)))
    record = read(d.save(tmp_path / "c.docx"), framework)
    assert blocks(record, "policy") == [
        Paragraph((Run("Read the new "), Run("guide", href="https://example.org/guide")))
    ]


# -- content controls and markers ---------------------------------------------------------


def test_content_controls_by_tag_and_placeholders_are_empty(
    tmp_path: Path, framework: Framework
) -> None:
    d = Doc()
    write_marker_docx(d.doc, "policy")
    d.control("title", ["Carers Policy"])
    d.control("author", ["Required. Who wrote this version"], placeholder=True)
    d.heading("Who this policy applies to")
    d.control("section:applies_to", ["Carers in Devon.", "- and their families"])
    d.heading("Why we have this policy")
    d.control("section:why", ["Grey guidance"], placeholder=True)
    record = read(d.save(tmp_path / "cc.docx"), framework)
    assert record.value("title") == "Carers Policy"
    assert record.location("title") == "the 'title' box"
    assert "author" in record.fields and record.value("author") == ""
    assert blocks(record, "applies_to") == [
        Paragraph((Run("Carers in Devon."),)),
        ListItem((Run("and their families"),), 0, False),
    ]
    why = record.section("why")
    assert why is not None and why.is_empty


@pytest.mark.parametrize(
    "key", ["policy", "policy_request", "implementation_plan", "consultation_response"]
)
def test_marker_decides_the_form(tmp_path: Path, framework: Framework, key: str) -> None:
    d = Doc()
    write_marker_docx(d.doc, key)
    d.para("Nothing that looks like any form.")
    assert read(d.save(tmp_path / "m.docx"), framework).form_type == key


# -- the other forms ------------------------------------------------------------------


def plan_docx(path: Path) -> Path:
    d = Doc()
    d.heading("Appendix 4: Implementation Plan", 1)
    d.table(
        [
            ["IMPLEMENTATION PLAN FOR:", "Personal Budgets Policy", "", ""],
            ["DATE:", "8 December 2025", "", ""],
            ["AUTHOR: James Martin, Senior Policy Officer", "", "", ""],
            ["Business owner", "Sarah Mackereth, Principal Social Worker", "", ""],
            ["", "Issues identified / Action to be taken", "Lead", "Time-Scale"],
            [
                [
                    "1. Co-ordination of implementation",
                    "How will the implementation plan be co-ordinated and by whom?",
                ],
                ["A monthly implementation group.", "Chaired by the Business Owner."],
                "Sarah Mackereth",
                "Monthly",
            ],
            [
                ["2. Engaging staff", "Who is affected?"],
                "Briefings for all teams",
                "Team Managers",
                "January 2026",
            ],
            [["5. Resources"], "Not applicable", "N/A", "N/A"],
        ]
    )
    return d.save(path)


def test_implementation_plan(tmp_path: Path, framework: Framework) -> None:
    record = read(plan_docx(tmp_path / "plan.docx"), framework)
    assert record.form_type == "implementation_plan"
    assert record.value("policy_title") == "Personal Budgets Policy"
    assert record.value("date") == "8 December 2025"
    assert record.value("author") == "James Martin, Senior Policy Officer"
    assert record.value("business_owner") == "Sarah Mackereth, Principal Social Worker"
    assert [r.cells for r in record.rows] == [
        {"area": "coordination", "action": "A monthly implementation group.\nChaired by the Business Owner.",
         "lead": "Sarah Mackereth", "timescale": "Monthly"},
        {"area": "engaging_staff", "action": "Briefings for all teams", "lead": "Team Managers",
         "timescale": "January 2026"},
        {"area": "resources", "action": "Not applicable", "lead": "N/A", "timescale": "N/A"},
    ]  # fmt: skip
    assert record.rows[1].location == "table 1, row 7 (Engaging staff)"


def test_consultation_response(tmp_path: Path, framework: Framework) -> None:
    d = Doc()
    d.heading("Consultation response: Personal Budgets Policy", 0)
    d.table(
        [
            ["Policy consulted on", "Personal Budgets Policy"],
            ["Consultation opened", "1 September 2025"],
            ["Consultation end date", "30/11/2025"],
            ["Number of responses", "87"],
            ["Prepared by", "James Martin"],
        ]
    )
    d.heading("Summary", 1)
    d.para("We asked people what they thought.")
    d.para("We received 87 responses.")
    d.heading("What you told us and what we did", 1)
    d.table(
        [
            ["What you told us", "Our response", "What we changed"],
            ["Explain the budget", "We agree", "Paragraph 8.5 rewritten"],
            ["", "", ""],
            ["Easy Read please", "We will", "No change"],
        ]
    )
    record = read(d.save(tmp_path / "cr.docx"), framework)
    assert record.form_type == "consultation_response"
    assert record.value("consultation_start") == "1 September 2025"
    assert record.value("consultation_end") == "30/11/2025"
    assert record.value("author") == "James Martin"
    assert (
        record.fields["summary"].text
        == "We asked people what they thought.\nWe received 87 responses."
    )
    assert [r.cells for r in record.rows] == [
        {"said": "Explain the budget", "response": "We agree", "change": "Paragraph 8.5 rewritten"},
        {"said": "Easy Read please", "response": "We will", "change": "No change"},
    ]
    assert record.rows[1].location == "table 2, row 4"


def test_policy_request_questions_as_lines_and_as_table(
    tmp_path: Path, framework: Framework
) -> None:
    d = Doc()
    d.heading("One page policy overview for Head of Service", 1)
    d.para("Proposed policy: Carers Respite Policy")
    d.para("Why is the policy needed?", bold=True)
    d.para("Breaks are arranged differently in each locality.")
    d.para("Carers do not know what to ask for.")
    d.para("What will be the outcome of the policy and how will it be monitored?", bold=True)
    d.para("Carers know what breaks they can have.")
    d.table(
        [
            ["Level and place of sign off", "Head of Service at OSLT"],
            ["What are the resource implications?", "Policy Team time"],
        ]
    )
    record = read(d.save(tmp_path / "req.docx"), framework)
    assert record.form_type == "policy_request"
    assert record.value("title") == "Carers Respite Policy"
    assert record.fields["why_needed"].text == (
        "Breaks are arranged differently in each locality.\nCarers do not know what to ask for."
    )
    assert record.value("outcome") == "Carers know what breaks they can have."
    assert record.value("sign_off") == "Head of Service at OSLT"
    assert record.value("resources") == "Policy Team time"


# -- rejections and robustness ------------------------------------------------------------


def test_an_unrelated_document_is_not_one_of_our_forms(
    tmp_path: Path, framework: Framework
) -> None:
    d = Doc()
    d.heading("Minutes of the team meeting", 1)
    d.para("Present: everyone. Apologies: none.")
    with pytest.raises(RejectedFile) as caught:
        read(d.save(tmp_path / "minutes.docx"), framework)
    assert caught.value.reason.startswith(
        "not one of our forms: a Word document with no policy headings"
    )
    assert "pipeline forms" in caught.value.advice


def test_random_bytes_in_a_docx_zip_are_a_damaged_file(
    tmp_path: Path, framework: Framework
) -> None:
    path = tmp_path / "broken.docx"
    good = Doc().save(tmp_path / "good.docx")
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            dst.writestr(
                item, bytes(range(256)) * 4 if item.filename == "word/document.xml" else data
            )
    with pytest.raises(RejectedFile) as caught:
        read(path, framework)
    assert caught.value.reason == "damaged file"
    assert "Save As" in caught.value.advice


def test_not_a_zip_at_all_is_a_damaged_file(tmp_path: Path, framework: Framework) -> None:
    path = tmp_path / "noise.docx"
    path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 8)
    with pytest.raises(RejectedFile, match="damaged file"):
        read(path, framework)


@pytest.mark.parametrize(
    ("name", "form_type"),
    [
        ("personal-budgets-policy.docx", "policy"),
        ("policy-framework.docx", "policy"),
        ("personal-budgets-implementation-plan.docx", "implementation_plan"),
        ("personal-budgets-consultation-response.docx", "consultation_response"),
        ("form-with-mistakes.docx", "policy"),
    ],
)
def test_committed_examples(framework: Framework, name: str, form_type: str) -> None:
    record = read(EXAMPLES / name, framework)
    assert record.form_type == form_type
    assert record.value(framework.form(form_type).title_field)
    if form_type == "policy":
        assert {s.key for s in record.sections} == {"applies_to", "why", "achieve", "policy"}
    if form_type == "implementation_plan":
        assert [r.get("area") for r in record.rows] == [
            a.key for a in framework.form(form_type).areas
        ]


def test_blank_word_forms_read_as_empty(tmp_path: Path, framework: Framework) -> None:
    paths = [p for p in write_blank_forms(framework, tmp_path) if p.suffix == ".docx"]
    assert paths
    for path in paths:
        record = read(path, framework)
        assert record.form_type == path.stem
        assert set(record.fields) == {f.key for f in framework.form(path.stem).fields}
        assert all(v.text == "" for v in record.fields.values()), path.name
        assert all(s.is_empty for s in record.sections), path.name
        assert all(not r.get("action") for r in record.rows)


def test_corpus_never_escapes_anything_but_a_rejection(
    framework: Framework, caplog: pytest.LogCaptureFixture, poi_corpus: Path
) -> None:
    run_corpus("docx", framework, caplog, poi_corpus)

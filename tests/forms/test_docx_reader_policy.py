"""Reading Word policy forms: the Appendix 3 policy and the seed 000 shape, every word kept
exactly as written.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.framework import Framework
from pipeline.records import ListItem, Paragraph, Run, SubHeading
from tests.helpers.docx_reading import blocks, read

from .conftest import APPENDIX3_DETAILS, CARE_ACT, Doc

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

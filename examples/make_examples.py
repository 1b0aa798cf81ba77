"""Write the sample forms in examples/ from the source documents (seeds 000 and 001).

Run: .venv/bin/python examples/make_examples.py [OUT_DIR]

The samples are filled the way officers really fill forms. Two are the council's own Word
documents laid out like the seeds (no marker; numbered headings; a details table or
"Label: value" lines). The others start from the blank forms (``pipeline forms``) with the
grey boxes typed over, as Word and Excel would leave them. The seed text is data below, one
tuple per paragraph, so it can be read and corrected without reading code.

Paragraph kinds: "h1"/"h2" headings, "p" paragraph, "b" bold paragraph, "a)" lettered item,
"1)" or "1." numbered item, "-" bullet one level inside the current list.
``[text](url)`` in any text is a hyperlink.
"""

from __future__ import annotations

import re
import sys
import tempfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from docx import Document  # noqa: E402
from docx.enum.style import WD_STYLE_TYPE  # noqa: E402
from docx.opc.constants import RELATIONSHIP_TYPE as RT  # noqa: E402
from docx.oxml import OxmlElement  # noqa: E402
from docx.oxml.ns import qn  # noqa: E402
from docx.shared import RGBColor  # noqa: E402
from openpyxl import load_workbook  # noqa: E402

from pipeline.forms.blank.excel import write_xlsx  # noqa: E402
from pipeline.forms.blank.word import SECTION_TAG_PREFIX, new_document, write_docx  # noqa: E402
from pipeline.framework import Framework  # noqa: E402
from pipeline.framework_load import default_framework  # noqa: E402

Block = tuple[str, str]
DCC = "https://www.devon.gov.uk/care-and-health/policies"
CARE_ACT = "https://www.legislation.gov.uk/ukpga/2014/23/contents"
# Fixed document dates, so regenerating changes nothing but the zip timestamps.
WRITTEN = datetime(2025, 12, 8, 9, 0, 0)

# --------------------------------------------------------------------------------------
# 1. Personal Budgets Policy: seed 001, Appendix 3 (the policy template's worked example)
# --------------------------------------------------------------------------------------
PB_TITLE = "Personal Budgets Policy"
PB_DETAILS = [
    ("Version", "3"),
    ("Strategic Owner", "Sally Slade, Head of Adult Social Care"),
    ("Business owner", "Sarah Mackereth, Principal Social Worker"),
    ("Author", "James Martin, Senior Policy Officer"),
    ("Date of approval and commencement", "December 2015"),
    ("Last review date", "Quarter 3 2025/26"),
    ("Last reviewer", "James Martin, Senior Policy Officer"),
    ("Next review date", "Quarter 3 2027/28"),
    ("Supporting documents", "The Care Act 2014 and associated guidance and regulation"),
    ("Change type", "Major change"),
    ("Sign-off level", "Head of Service"),
    ("Approved by", "Sally Slade, Head of Adult Social Care"),
    ("Public consultation required", "Yes"),
    ("Impact assessment", "Completed"),
    (
        "What has changed",
        "Reviewed after public consultation: clearer about how your personal budget is "
        "estimated and reviewed, about carers' budgets, and about when a budget may be "
        "reduced for best value.",
    ),
]
PB_BLOCKS: list[Block] = [
    ("h1", "5. Who this policy applies to"),
    ("p", "5.1 This policy will apply to you if you are an adult over 18 and we have identified that you have eligible social care needs, including support needs as a carer, as set out in [The Care Act 2014](" + CARE_ACT + ")."),
    ("p", "5.2 This policy will also apply to you if you are not entitled to social care funding but we have a duty to, or we agree to arrange your care."),
    ("h1", "6. Why we have this policy"),
    ("p", "6.1 The Care Act places personal budgets into law for the first time. This policy sets out how we will deliver personal budgets in Devon and ensure that you have choice and control in the care and support you receive."),
    ("p", "6.2 This policy has been developed because of new national legislation that has set out the law relating to personal budgets in terms of what you can expect and how we must act."),
    ("h1", "7. What the policy will achieve"),
    ("p", "7.1 The aims and objectives of this policy."),
    ("a)", "Your personal budget will always be a sufficient amount of money to meet your eligible care and support needs."),
    ("a)", "You will have greater choice, and will be able to control how your eligible care and support needs are met."),
    ("a)", "You will be clear about how we have calculated your personal budget."),
    ("h1", "8. The Policy"),
    ("h2", "A personal budget"),
    ("p", "8.1 A personal budget is the amount of money we allocate to you to meet your eligible needs. The value of your personal budget will be the cost to us of meeting your needs."),
    ("p", "8.2 If you are receiving a service that we must not charge you for such as providing equipment, intermediate care or reablement, or any information and advice, then your personal budget will not include an amount of money for that service."),
    ("h2", "Establishing a personal budget"),
    ("p", "8.3 We will carry out a [needs assessment or carers assessment](" + DCC + "/assessments/) with you, and use the national eligibility criteria set out in the Care Act 2014 to establish if you have eligible needs. If we identify that you have eligible needs we will then work out the value of your personal budget"),
    ("p", "8.4 If you are a carer, we will be clear in identifying whether a service is provided to you to meet your needs as a carer, or to meet the needs of the person you are caring for. The cost of the service will be added to the appropriate person's personal budget."),
    ("p", "8.5 We estimate the value of your personal budget through the Resource Allocation System (RAS). This system estimates the value of your personal budget based on the cost of care and support for other people with similar needs to you. We regularly update the RAS to reflect the current cost of care."),
    ("p", "8.6 An estimated personal budget will be identified and shared with you, and anybody else you would like to be involved, at the start of your care and support planning. The final amount of your personal budget will be confirmed through the care and support planning process."),
    ("p", "8.7 If your care and support plan can be delivered for less than your estimated budget then your personal budget will be set at that lower amount."),
    ("p", "8.8 We will review your personal budget every year, or more often if your needs change. This will be at the same time as we review your care and support needs."),
    ("p", "8.9 We will always try to get best value. If we can meet your eligible needs safely and effectively at a lower cost than your existing personal budget, then we may reduce your personal budget to reflect this."),
    ("h2", "Choice and control"),
    ("p", "8.10 To ensure that we can get best value from our limited adult social care budget, and so we can support people in a fair way, we have a [Fair and Affordable Care policy](" + DCC + "/fair-and-affordable-care-policy/) that explains how and when we may be able to fund a particular preference you may have, and when we will not be able to do so."),
    ("p", "8.11 We also have a [Financial Top-Up policy](" + DCC + "/financial-top-up-policy/) that sets out how and when you can make additional payment to pay for preferred accommodation or providers that we may not be able to fund."),
    ("p", "8.12 If you want to arrange some or all of your care and support yourself you may choose to receive all or part of your personal budget as a direct payment. We have a [Direct Payments policy](" + DCC + "/direct-payments-policy/) that explains how this works in Devon."),
    ("p", "8.13 You may want a nominated person to manage your personal budget and your care and support plan on your behalf rather than doing it yourself or asking us to do it; we can support you to make these arrangements."),
]  # fmt: skip

# --------------------------------------------------------------------------------------
# 2. The policy framework itself: seed 000 (version 1.4), "Policy Details" at the end
# --------------------------------------------------------------------------------------
FW_TITLE = "Integrated Adult Social Care Policy Framework"
FW_BLOCKS: list[Block] = [
    ("h1", "1. Purpose of this document"),
    ("p", "1.1 This document sets out the process for the development and production of new Integrated Adult Social Care policies and the review of existing policies. It includes any policies relating to; commissioning arranging, managing, or providing adult care and support services by Devon County Council (DCC). It applies to anyone involved in developing, reviewing, or approving these policies, including DCC staff and managers in integrated NHS and DCC roles."),
    ("h1", "2. Why we have this policy framework"),
    ("p", "2.1 The policy framework applies to Integrated Adult Social Care policies including policies that relate to both Adult Social Care Operations and Adult Social Care Commissioning."),
    ("p", "2.2 The framework does not apply to policies, procedures or strategies that relate solely to Contracting and Procurement."),
    ("p", "2.3 Arrangements for Devon Partnership Trust (DPT) to provide integrated mental health and social care services to adult mental health service users are described in the Section 75 agreement with DPT. The agreement specifies that DPT will carry out DCCs duties within these services consistent with the Care Act. Where relevant, DPT are expected to abide by DCC’s ASC policies."),
    ("p", "2.4 Staff guidance and processes must be consistent with all policies and relevant legislation. Policy implementation plans may require staff guidance and procedures to be developed or updated. Guidance, processes and procedures have a separate development and review process. Definitions of policy, procedures, guidance are set out in appendix 1."),
    ("h1", "3. What this policy framework will achieve"),
    ("p", "3.1 The aims and objectives of this framework are:"),
    ("1)", "Ensure Integrated Adult Social Care policies deliver an effective framework for staff in adult social care to provide effective services in line with DCCs duties and legislation."),
    ("1)", "Ensure policy development across DCC Integrated Adult Social Care is consistent, and robust governance arrangements are in place."),
    ("1)", "Ensure a framework that allows for timely reviews, approval and publication of policy to ensure staff and the public continue to have access to the most up-to-date and relevant policy with staff appropriately supported to implement policy."),
    ("h1", "4. The Policy Development and Review Process"),
    ("p", "Figure 1 below shows a five-step process to policy development for both new policy development and reviewing existing policy"),
    ("h2", "4.1. Policy scoped by Policy Team"),
    ("p", "4.1.1 Requests to the Policy Team for new policy will come from various places across both commissioning and operational teams, from internal and external sources and from various levels."),
    ("p", "4.1.2 To help understand the need for and scope of a new policy or policy amendment the Policy Team will work with those requesting the policy work and other stake holders to develop a brief (1 page) overview of the policy work request. (Appendix 2)"),
    ("p", "4.1.3 The Policy Team, including the Principal Social Workers for Integrated Adult Social Care, Commissioning and Occupational Therapy and the Senior Manager for Strategy, Policy, Performance and Involvement, will decide whether to make a recommendation on the need for the policy, what its scope should be and how it will be developed."),
    ("h2", "4.2 Reviewing existing policy"),
    ("p", "4.2.1 The Policy Team will be managing a schedule for reviewing (and developing new policies for known policy gaps) all policy, guidance, processes, and procedures."),
    ("p", "4.2.2 The Policy Team including the Principal Social Workers and the Senior Manager for Policy, Performance and Involvement will undertake a virtual desktop review of the policy and make a judgement as to the extent of the changes required and whether a more extensive review is required."),
    ("p", "4.2.3 Minor changes will be taken forward by the Policy Team; this could include amendments to clarify language or to reflect changes in DCC structure. Major changes such as responding to national legislation, or the removal of policy must be agreed by the Heads of Integrated Adult Care and Health Operations and Commissioning."),
    ("p", "4.2.4 If a more comprehensive review is required, then the Five-step New Policy Development process should follow see paras 4.1 to 4.5."),
    ("h2", "4.3. Approval sought"),
    ("p", "4.3.1 Integrated Social Care Leadership are offered a brief overview of the policy request and approval is sought from the Head of Service of the relevant area, Operations or Commissioning."),
    ("h2", "4.4. Draft Policy"),
    ("p", "4.4.1 If approved, draft policy will be developed by the Policy Team working with others as appropriate using the policy template in Appendix 3."),
    ("p", "4.4.2 Where required the Policy Team will work with the Involvement Manager and the Equalities and Outreach Team to identify whether an Impact Assessment is required. DCC has developed an online toolkit to support the development of impact assessments."),
    ("p", "4.4.3 Internal consultation will be a key part of policy development. The Policy Team is represented at the Practice and Operational Process Group and has links to both CSLT and OSLT. It is envisaged that policy drafts are presented at these meetings. Other areas of DCC that may need to be engaged at this stage are Legal and the Staff Reference Group and user and carers groups. The Heads of Integrated Adult Social Care Operations and Commissioning may also want to approach Cabinet Members during the development of policy."),
    ("p", "4.4.4 During the early stages of policy development possible training requirements will need to be considered including training plans and strategies to support communication and implementation."),
    ("p", "4.4.5 The Policy Team will take legal advice on the requirement to consult publicly. If an external consultation is required then the Policy Team, taking advice from the Integrated Adult Social Care Involvement Manager will agreed with the Heads of Integrated Adult Social Care Operations and Commissioning the nature, method and time period of the consultation."),
    ("p", "4.4.6 Consultation documents will need to be produced and published alongside the latest versions of the Impact Assessment. Feedback from the consultation will be presented to the Heads of Integrated Adult Social Care Operations and Commissioning and the policy amended as necessary. A DCC response to the consultation will need to be published and communicated to those who contributed to the consultation."),
    ("h2", "4.5. Sign-off and publish"),
    ("p", "4.5.1 The level of sign-off will be identified at the outset. The general principal is that new policies or significant change to existing policy are taken to OSLT or CSLT for officer sign-off from either of the Heads of Integrated Adult Social Care Operations and Commissioning."),
    ("p", "4.5.2 Either of the Heads of Integrated Adult Social Care Operations, and Commissioning will decide in which instances Chief Officer or political approval is required. Where they decide this is required, they will seek approval from either the Chief Officer for IASC, the Lead Member for IASC, the Leader of the Council or Council Cabinet."),
    ("p", "4.5.3 Minor changes to existing policies can be agreed by the Integrated Adult Social Care Policy Manager in consultation with the Senior Manager for Strategy, Policy, Performance and Involvement and the Principal Social Workers where needed."),
    ("p", "4.5.4 All policy documents will be published on the public facing DCC website"),
    ("h2", "4.6. Implementation and monitoring"),
    ("p", "4.6.1 All policy proposals and policy changes should be accompanied by an implementation and monitoring plan that identifies the Business Owner for the Policy. This plan should provide a proportionate outline of how implementation and communication will be managed and how the impact of the policy will be evaluated. See appendix 4."),
    ("p", "4.6.2 Implementation and monitoring will not be managed by the Policy Team but may support the Business Owner in communicating the policy."),
    ("p", "4.6.3 The Business Change Team and Workforce Development Team will need to be approached to map out the content of any relevant training required. An ‘Implementation Plan’ template (appendix 4) has been produced to guide the considerations and development of communication and implementation."),
    ("p", "4.6.4 Policies will need to be communicated internally and externally including through the ASC newsletter."),
    ("h1", "Appendix 1: Key definitions"),
    ("1.", "Policy"),
    ("-", "Policy is a course or principle of action adopted or proposed by an organisation or individual"),
    ("1.", "Staff Guidance"),
    ("-", "Advice or information for staff aimed at resolving a problem or difficulty."),
    ("1.", "Process map"),
    ("-", "A “process map” visually describes the flow of activities of a process. A process flow can be defined as the sequence and interactions of related process steps, activities or tasks that make up an individual process, from beginning to end."),
    ("1.", "Strategy"),
    ("-", "A plan of action designed to achieve a long-term or overall aim."),
    ("1.", "Procedure"),
    ("-", "A manner of proceeding; a way of performing or affecting something"),
    ("-", "A series of steps taken to accomplish an end."),
    ("-", "A set of instructions to perform a specific task."),
    ("-", "A set of established forms, steps or methods for doing things in an organisation or process."),
    ("h1", "Appendix 2: One page policy overview for Head of Service"),
    ("p", "This template should be used to support any recommendation to the Senior Manager for Strategy, Policy, Performance that a new policy should be developed."),
    ("b", "Why is the policy needed?"),
    ("b", "What will be the outcome of the policy and how will it be monitored?"),
    ("b", "How will the policy change what we currently do?"),
    ("b", "Consultation requirements"),
    ("b", "Equality and Impact Assessment requirements"),
    ("b", "Level and place of sign off"),
    ("b", "What are the resource implications?"),
    ("b", "What are the broader considerations for DCC?"),
    ("b", "Are there any implications/interdependencies with other agencies e.g. NHS?"),
    ("h1", "Policy Details"),
    ("p", "Version: 1.4"),
    ("p", "Strategic owners: Tandra Forster, Director of Integrated Adult Social Care and Keri Storey, Head of Integrated Adult Social Care Operations"),
    ("p", "Business owner: Damian Furniss, Senior Manager for Policy, Performance and Involvement"),
    ("p", "Author: Mari Thynne, Senior Policy and Executive Support Officer"),
    ("p", "Date of approval and commencement: January 2016"),
    ("p", "Last review date: October 2022"),
    ("p", "Last reviewer: Mari Thynne, Senior Policy and Executive Support Officer"),
    ("p", "Next review date: October 2024"),
    ("p", "Change type: Minor change"),
    ("p", "Sign-off level: Policy Manager"),
]  # fmt: skip

# --------------------------------------------------------------------------------------
# 3. The Personal Budgets implementation plan (Appendix 4), typed into the blank form
# --------------------------------------------------------------------------------------
PLAN_FIELDS = {
    "policy_title": PB_TITLE,
    "date": "8 December 2025",
    "author": "James Martin, Senior Policy Officer",
    "business_owner": "Sarah Mackereth, Principal Social Worker",
}
PLAN_ROWS = [  # action, lead, time-scale; one per area, in the framework's order
    ("A monthly Personal Budgets implementation group (Principal Social Worker, Policy Team, Business Change, Finance) will track this plan and report progress to OSLT.", "Sarah Mackereth, Principal Social Worker", "Monthly, January to December 2026"),
    ("Social workers, care managers, occupational therapists, brokerage and finance staff are affected. Team manager briefings in each locality; one practice lead per team acts as champion.", "Locality Team Managers", "January to February 2026"),
    ("Rewrite the public web page and leaflet on personal budgets in plain English and Easy Read; test them with the Joint Engagement Board and Devon Carers.", "Involvement Manager", "By 31 March 2026"),
    ("Key messages: what a personal budget is, how it is estimated and reviewed, and how to take it as a direct payment. ASC newsletter article, intranet news, and a letter to current budget holders at their annual review.", "Policy Team", "February 2026"),
    ("Not applicable – no new resources are needed because budgets are already calculated through the existing Resource Allocation System; this review changes how we explain and review them, not what they cost.", "N/A", "N/A"),
    ("Barrier: staff unsure when a budget may be reduced for best value (8.9). Practice guide with case examples; one-hour session in the PPAC training schedule; the policy added to induction for new social care staff.", "Workforce Development Team", "Training by 30 April 2026; induction from April 2026"),
    ("Audit 40 cases at six months: estimate shared at the start of planning (8.6) and budget reviewed yearly (8.8). Survey budget holders on choice and control. Findings to OSLT and back to teams through the practice group.", "Quality Assurance Lead", "Audit September 2026; report October 2026"),
    ("Update the Equalities and Impact Assessment with the consultation findings before publication; check the links with the Direct Payments and Financial Top-Up policies.", "Policy Team", "January 2026"),
]  # fmt: skip

# --------------------------------------------------------------------------------------
# 4. The Personal Budgets consultation response, typed into the blank form
# --------------------------------------------------------------------------------------
RESPONSE_FIELDS = {
    "policy_title": PB_TITLE,
    "consultation_start": "1 September 2025",
    "consultation_end": "30 November 2025",
    "responses_received": "87",
    "author": "James Martin, Senior Policy Officer",
}
RESPONSE_SUMMARY = [
    "Between 1 September and 30 November 2025 we asked people what they thought of our draft Personal Budgets Policy. We held six drop-in sessions across Devon, ran an online survey and sent an Easy Read version to people who receive a personal budget and to carers' groups.",
    "We received 87 responses: 52 from people who use care and support, 21 from carers, 9 from providers and 5 from voluntary organisations. Thank you to everyone who took part. This is what you told us and what we did about it.",
]  # fmt: skip
RESPONSE_ROWS = [
    ("The policy does not explain how my budget is worked out.", "We agree. The policy now explains the Resource Allocation System and that the estimate is only a starting point.", "Paragraphs 8.5 and 8.6 rewritten; the estimate is shared with you at the start of care and support planning."),
    ("Carers worried that services for them would come out of the budget of the person they care for.", "Services that meet a carer's own needs belong to the carer's personal budget.", "Paragraph 8.4 now says we will be clear whose needs a service meets and add its cost to that person's budget."),
    ("People feared that 'best value' would be used to cut budgets without warning.", "A budget is only reduced after your care and support needs are reviewed, and we will explain why.", "Paragraph 8.9 now links any reduction to the review in 8.8."),
    ("Please make the policy available in Easy Read and large print.", "We will publish Easy Read and large print versions alongside the policy.", "No change to the policy wording; added to the implementation plan."),
]  # fmt: skip

# --------------------------------------------------------------------------------------
# 5. A one-page policy request (Appendix 2), typed into the blank Excel form
# --------------------------------------------------------------------------------------
REQUEST_FIELDS: dict[str, str | datetime] = {
    "title": "Carers Respite Policy",
    "requested_by": "Jo Adams, Carers Lead, Adult Commissioning",
    "date": datetime(2025, 11, 3),
    "why_needed": "Carers' breaks are arranged differently in each locality and there is no policy saying when we fund respite for a carer's own needs. Carers told us in the Personal Budgets consultation that they do not know what they can ask for.",
    "outcome": "Carers know what breaks they can have and how to ask. Monitored through the number of carers' assessments leading to a break, and the annual carers' survey.",
    "change": "One county-wide approach to carers' breaks replacing local arrangements; breaks recorded against the carer's own personal budget.",
    "consultation": "Internal: OSLT, CSLT, Devon Carers. Legal advice on whether public consultation is needed (likely yes, because access to services changes).",
    "impact_assessment": "Required: the policy affects carers, many of whom are older or disabled themselves.",
    "sign_off": "Head of Integrated Adult Social Care Operations at OSLT; the Lead Member to be briefed.",
    "resources": "Policy Team time (about 20 days); no new budget expected as breaks are already funded locally; training for assessors.",
    "broader": "Links to the Devon Carers contract and the council's commitment to carers in its corporate plan.",
    "other_agencies": "NHS Devon funds some breaks through continuing healthcare; agree a joint approach with the ICB.",
}  # fmt: skip

# --------------------------------------------------------------------------------------
# 6. A policy form with the mistakes officers make (for the validator to catch)
# --------------------------------------------------------------------------------------
MISTAKE_FIELDS = {
    "title": "Day Opportunities Policy",
    "version": "2",
    "change_type": "Major change",  # needs Head of Service ...
    "sign_off_level": "Policy Manager",  # ... but the Policy Manager signed it off
    "strategic_owner": "Keri Storey, Head of Integrated Adult Social Care Operations",
    # business_owner left as the grey placeholder: missing
    "author": "Pat Hughes, Policy Officer",
    "approval_date": "31/02/2026",  # no such day
    "last_review": "March 2026",
    "next_review": "January 2026",  # before the last review
    "approved_by": "Chris Lane, Policy Manager",
}
MISTAKE_SECTIONS: dict[str, list[Block]] = {
    "applies_to": [("p", "This policy will apply to you if you are an adult with eligible needs who would like support to take part in activities during the day.")],
    # "why" left as the grey placeholder: an empty section
    "achieve": [("p", "You will have a choice of day opportunities close to home that help you stay connected with your community.")],
    "policy": [("p", "1. We will talk with you about what you want to do during the day as part of your care and support planning."), ("p", "2. We will fund day opportunities that meet your eligible needs and are good value.")],
}  # fmt: skip


# --------------------------------------------------------------------------------------
# Writing Word documents
# --------------------------------------------------------------------------------------
LINK = re.compile(r"\[([^\]]+)\]\(([^)]+)\)")
LIST_FORMATS = {"a)": ("lowerLetter", "%1)"), "1)": ("decimal", "%1)"), "1.": ("decimal", "%1.")}


def add_text(paragraph: Any, text: str, bold: bool = False) -> None:
    """Add runs to ``paragraph``, turning ``[text](url)`` into real hyperlinks."""
    position = 0
    for match in LINK.finditer(text):
        if match.start() > position:
            paragraph.add_run(text[position : match.start()]).bold = bold or None
        add_link(paragraph, match.group(1), match.group(2))
        position = match.end()
    if position < len(text):
        paragraph.add_run(text[position:]).bold = bold or None


def add_link(paragraph: Any, text: str, url: str) -> None:
    r_id = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), r_id)
    run = paragraph.add_run(text)
    run.style = ensure_hyperlink_style(paragraph.part.document)
    link.append(run._r)
    paragraph._p.append(link)


def ensure_hyperlink_style(doc: Any) -> Any:
    if "Hyperlink" not in [s.name for s in doc.styles]:
        style = doc.styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
        style.font.color.rgb = RGBColor(0x05, 0x63, 0xC1)
        style.font.underline = True
    return doc.styles["Hyperlink"]


def new_list(doc: Any, kind: str) -> str:
    """A fresh numbering definition: level 0 numbered as ``kind``, level 1 bulleted."""
    numbering = doc.part.numbering_part.element
    abstract_id = 1 + max(
        int(a.get(qn("w:abstractNumId"))) for a in numbering.findall(qn("w:abstractNum"))
    )
    num_id = 1 + max(int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num")))
    fmt, text = LIST_FORMATS[kind]
    abstract = OxmlElement("w:abstractNum")
    abstract.set(qn("w:abstractNumId"), str(abstract_id))
    for level, (level_fmt, level_text) in enumerate([(fmt, text), ("bullet", "•")]):
        lvl = OxmlElement("w:lvl")
        lvl.set(qn("w:ilvl"), str(level))
        for tag, value in (("w:start", "1"), ("w:numFmt", level_fmt), ("w:lvlText", level_text)):
            child = OxmlElement(tag)
            child.set(qn("w:val"), value)
            lvl.append(child)
        ppr = OxmlElement("w:pPr")
        ind = OxmlElement("w:ind")
        ind.set(qn("w:left"), str(720 * (level + 1)))
        ind.set(qn("w:hanging"), "360")
        ppr.append(ind)
        lvl.append(ppr)
        abstract.append(lvl)
    numbering.findall(qn("w:abstractNum"))[-1].addnext(abstract)
    num = OxmlElement("w:num")
    num.set(qn("w:numId"), str(num_id))
    ref = OxmlElement("w:abstractNumId")
    ref.set(qn("w:val"), str(abstract_id))
    num.append(ref)
    numbering.append(num)
    return str(num_id)


def write_blocks(doc: Any, blocks: list[Block]) -> list[Any]:
    """Append the blocks to the document body; return the new paragraphs."""
    added: list[Any] = []
    num_id = ""
    for kind, text in blocks:
        if kind in ("h1", "h2"):
            paragraph = doc.add_heading(level=int(kind[1]))
        elif kind in LIST_FORMATS or kind == "-":
            if not num_id:
                num_id = new_list(doc, kind if kind != "-" else "1.")
            paragraph = doc.add_paragraph(style="List Paragraph")
            num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
            num_pr.get_or_add_ilvl().val = 1 if kind == "-" else 0
            num_pr.get_or_add_numId().val = int(num_id)
        else:
            paragraph = doc.add_paragraph()
        if kind not in LIST_FORMATS and kind != "-":
            num_id = ""
        add_text(paragraph, text, bold=kind == "b")
        added.append(paragraph)
    return added


def details_table(doc: Any, rows: list[tuple[str, str]]) -> None:
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].paragraphs[0].add_run(label).bold = True
        cells[1].paragraphs[0].add_run(value)


def finish(doc: Any, path: Path, title: str, author: str) -> Path:
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = title, author, author
    props.created = props.modified = WRITTEN
    props.revision = 1
    doc.save(str(path))
    return path


# --------------------------------------------------------------------------------------
# Filling the blank forms as Word does when an officer types over the grey text
# --------------------------------------------------------------------------------------
def control(doc: Any, tag: str) -> Any:
    found = doc.element.body.xpath(f'.//w:sdt[w:sdtPr/w:tag/@w:val="{tag}"]')
    if not found:
        raise KeyError(f"no content control tagged {tag!r}")
    return found[0]


def _typed_over(sdt: Any) -> Any:
    """Drop the placeholder flag and text; return the emptied content element."""
    pr = sdt.find(qn("w:sdtPr"))
    for flag in pr.findall(qn("w:showingPlcHdr")):
        pr.remove(flag)
    content = sdt.find(qn("w:sdtContent"))
    for child in list(content):
        content.remove(child)
    return content


def type_into(doc: Any, tag: str, text: str) -> None:
    """Type a one-line answer into the inline control tagged ``tag``."""
    content = _typed_over(control(doc, tag))
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = text
    run.append(t)
    content.append(run)


def type_blocks(doc: Any, tag: str, blocks: list[Block]) -> None:
    """Type paragraphs into the block control tagged ``tag`` (written, then moved in)."""
    content = _typed_over(control(doc, tag))
    for paragraph in write_blocks(doc, blocks):
        content.append(paragraph._p)


def fill_rows(table: Any, rows: Sequence[Sequence[str]], first_column: int) -> None:
    for row, values in zip(table.rows[1:], rows, strict=False):
        for cell, value in zip(row.cells[first_column:], values, strict=True):
            cell.paragraphs[0].add_run(value)


def blank(framework: Framework, key: str, tmp: Path) -> Any:
    return Document(str(write_docx(framework, framework.form(key), tmp / f"{key}.docx")))


# --------------------------------------------------------------------------------------
# The samples
# --------------------------------------------------------------------------------------
def make_all(out: Path) -> list[Path]:
    framework = default_framework()
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    doc = new_document()
    doc.add_heading(PB_TITLE, level=0)
    details_table(doc, PB_DETAILS)
    write_blocks(doc, PB_BLOCKS)
    written.append(finish(doc, out / "personal-budgets-policy.docx", PB_TITLE, "James Martin"))

    doc = new_document()
    doc.add_heading(FW_TITLE, level=0)
    write_blocks(doc, FW_BLOCKS)
    written.append(finish(doc, out / "policy-framework.docx", FW_TITLE, "Mari Thynne"))

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        doc = blank(framework, "implementation_plan", tmp)
        for tag, text in PLAN_FIELDS.items():
            type_into(doc, tag, text)
        fill_rows(doc.tables[-1], PLAN_ROWS, first_column=1)
        name = "personal-budgets-implementation-plan.docx"
        written.append(finish(doc, out / name, "Implementation plan", "James Martin"))

        doc = blank(framework, "consultation_response", tmp)
        for tag, text in RESPONSE_FIELDS.items():
            type_into(doc, tag, text)
        type_blocks(doc, "summary", [("p", text) for text in RESPONSE_SUMMARY])
        fill_rows(doc.tables[-1], RESPONSE_ROWS, first_column=0)
        name = "personal-budgets-consultation-response.docx"
        written.append(finish(doc, out / name, "Consultation response", "James Martin"))

        doc = blank(framework, "policy", tmp)
        for tag, text in MISTAKE_FIELDS.items():
            type_into(doc, tag, text)
        for key, blocks in MISTAKE_SECTIONS.items():
            type_blocks(doc, SECTION_TAG_PREFIX + key, blocks)
        written.append(finish(doc, out / "form-with-mistakes.docx", "Policy", "Pat Hughes"))

    path = write_xlsx(
        framework, framework.form("policy_request"), out / "carers-respite-policy-request.xlsx"
    )
    wb = load_workbook(path)
    for key, value in REQUEST_FIELDS.items():
        sheet, cell = next(iter(wb.defined_names[key].destinations))
        wb[sheet][cell.replace("$", "")] = value
    wb.properties.creator = wb.properties.lastModifiedBy = "Jo Adams"
    wb.properties.created = WRITTEN
    wb.save(path)
    written.append(path)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent
    for written_path in make_all(target):
        print(written_path)

"""PatchingOnce: docxtpl's cleaning of a template part, kept, and the same as docxtpl's."""

from __future__ import annotations

from pathlib import Path

from docxtpl import DocxTemplate

from pipeline.assemble.patched import PatchingOnce

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_a_part_is_cleaned_as_docxtpl_cleans_it_first_time_and_from_the_cache() -> None:
    tpl = PatchingOnce(str(TEMPLATES / "policy.docx"))
    tpl.init_docx()
    xml = tpl.get_xml()
    expected = DocxTemplate.patch_xml(tpl, xml)
    assert "{%p" in xml or "{{" in xml  # a real template part, with tags to clean
    assert tpl.patch_xml(xml) == expected
    assert tpl.patch_xml(xml) == expected  # kept: the second answer is the cache's


def test_a_changed_part_is_cleaned_afresh() -> None:
    tpl = PatchingOnce(str(TEMPLATES / "policy.docx"))
    tpl.init_docx()
    xml = tpl.get_xml()
    tpl.patch_xml(xml)
    edited = xml.replace("</w:body>", "<w:p><w:r><w:t>{{ council }}</w:t></w:r></w:p></w:body>")
    assert tpl.patch_xml(edited) == DocxTemplate.patch_xml(tpl, edited) != tpl.patch_xml(xml)

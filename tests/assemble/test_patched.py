"""PatchingOnce: docxtpl's passes over a template part, kept or cut short, and each the same
as docxtpl's own."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest
from docxtpl import DocxTemplate
from jinja2 import Environment
from lxml import etree

from pipeline.assemble.patched import PatchingOnce
from pipeline.assemble.render import Assembler, RenderContext
from pipeline.assemble.values import data
from pipeline.forms.read import read_form
from pipeline.framework_load import default_framework
from pipeline.safety.check import check_file
from tests.helpers.packages import package_parts
from tests.helpers.paths import SAMPLE_POLICY, TEMPLATES
from tests.helpers.word_parts import Notes


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


# Values as an officer might type them, made data as the pipeline makes every value.
HOSTILE = "Tom & Jerry <w:p> {{ x }} {% if y %} {_{ z }_} \t tab\nline \u201cquoted\u201d"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _template(name: str) -> PatchingOnce:
    tpl = PatchingOnce(str(TEMPLATES / name))
    tpl.init_docx()
    return tpl


@pytest.mark.parametrize("name", sorted(p.name for p in TEMPLATES.glob("*.docx")))
def test_a_part_renders_as_docxtpl_renders_it_first_time_and_from_the_cache(name: str) -> None:
    tpl = _template(name)
    env = Environment(autoescape=True)  # names a template uses but these lack render empty
    context = {"document_title": data(HOSTILE), "council": data(HOSTILE), "draft": True}
    xml = tpl.patch_xml(tpl.get_xml())
    expected = DocxTemplate.render_xml_part(tpl, xml, tpl.docx.part, context, env)
    assert "Tom &amp; Jerry" in expected and "<w:br/>" in expected  # the values, resolved
    assert tpl.render_xml_part(xml, tpl.docx.part, context, env) == expected
    assert tpl.render_xml_part(xml, tpl.docx.part, context, env) == expected


def _table(grid: int, *rows: str) -> str:
    columns = '<w:gridCol w:w="3000"/>' * grid
    return f"<w:tbl><w:tblGrid>{columns}</w:tblGrid>{''.join(rows)}</w:tbl>"


CELL = "<w:tc><w:p/></w:tc>"


def _spanned(span: str) -> str:
    return f'<w:tc><w:tcPr><w:gridSpan w:val="{span}"/></w:tcPr><w:p/></w:tc>'


NESTED = f"<w:tc>{_table(2, f'<w:tr>{CELL * 2}</w:tr>')}<w:p/></w:tc>"


@pytest.mark.parametrize(
    "table",
    [
        _table(2, f"<w:tr>{CELL * 2}</w:tr>", f"<w:tr>{CELL * 2}</w:tr>"),  # nothing to fix
        _table(2, f"<w:tr>{CELL * 3}</w:tr>", f"<w:tr>{CELL * 2}</w:tr>"),  # a {%tc%} loop's cell
        _table(3, f"<w:tr>{CELL * 2}</w:tr>"),  # a column left without cells
        _table(3, f"<w:tr>{CELL}{_spanned('2')}</w:tr>"),  # fewer cells, spanning the grid
        _table(2, f"<w:tr>{CELL}{_spanned('0')}</w:tr>"),  # as many cells, spanning less
        _table(1),  # no rows
        _table(0),  # no rows, no columns
        _table(1, f"<w:tr>{NESTED}</w:tr>"),  # docxtpl counts a nested table's cells too
        _table(2, f"<w:tr>{CELL * 2}</w:tr>").replace("<w:tblGrid>", "<w:tblGrid/><w:x>"),
    ],
)
def test_tables_are_fixed_as_docxtpl_fixes_them(table: str) -> None:
    tpl = _template("policy.docx")
    xml = f'<w:body xmlns:w="{W}"><w:p/>{table}<w:sectPr/></w:body>'
    expected = etree.tostring(DocxTemplate.fix_tables(tpl, xml))
    assert etree.tostring(tpl.fix_tables(xml)) == expected


@pytest.mark.parametrize(
    ("table", "error"),
    [
        (_table(2, f"<w:tr>{CELL}{_spanned('two')}</w:tr>"), ValueError),
        (f"<w:tbl><w:tr>{CELL}</w:tr></w:tbl>", AttributeError),  # no grid
    ],
)
def test_a_table_docxtpl_cannot_read_is_its_error(table: str, error: type[Exception]) -> None:
    tpl = _template("policy.docx")
    xml = f'<w:body xmlns:w="{W}">{table}</w:body>'
    with pytest.raises(error):
        DocxTemplate.fix_tables(tpl, xml)
    with pytest.raises(error):
        tpl.fix_tables(xml)


def test_core_properties_render_as_docxtpl_renders_them() -> None:
    env = Environment(autoescape=True)
    context = {"council": data(HOSTILE)}
    properties = {"title": "{{ council }}", "subject": "two\nlines", "author": "plain"}
    docxtpl, ours = _template("policy.docx"), _template("policy.docx")
    for tpl in (docxtpl, ours):
        for name, value in properties.items():
            setattr(tpl.docx.core_properties, name, value)
    DocxTemplate.render_properties(docxtpl, context, env)
    ours.render_properties(context, env)
    core = [etree.tostring(t.docx.part.package.core_properties._element) for t in (docxtpl, ours)]
    assert core[0] == core[1]
    assert ours.docx.core_properties.title == str(data(HOSTILE))  # rendered, as data


def test_a_template_with_footnotes_has_them_rendered(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES, folder)
    template = docx.Document(str(folder / "policy.docx"))
    notes = Notes(template)
    notes.add(template.paragraphs[0], "Issued by {{ council }}")
    notes.finish()
    template.save(str(folder / "policy.docx"))
    framework = default_framework()
    record = read_form(SAMPLE_POLICY, framework, check_file(SAMPLE_POLICY))
    context = RenderContext("ASC-POL-009", "2", "Devon County Council", "1 May 2026")
    out = tmp_path / "policy.docx"
    Assembler(folder, framework).render(record, out, context=context)
    footnotes = package_parts(out)["word/footnotes.xml"]
    assert b"Issued by Devon County Council" in footnotes and b"{{" not in footnotes


@pytest.mark.parametrize(
    "body",
    [
        f'<w:body xmlns:w="{W}"><w:p><w:r><w:t>a&nbsp;b</w:t></w:r></w:p><w:sectPr/></w:body>',
        '<w:body xmlns:w="urn:another"><w:p/><w:tbl><w:tblGrid/></w:tbl><w:sectPr/></w:body>',
    ],
)
def test_a_body_our_parser_could_read_otherwise_is_docxtpls_whole(body: str) -> None:
    """An entity reference (which the one parser factory keeps and docxtpl's parser drops)
    or a ``w`` prefix bound elsewhere: the tree is the one docxtpl builds."""
    tpl = _template("policy.docx")
    expected = etree.tostring(DocxTemplate.fix_tables(tpl, body))
    assert etree.tostring(tpl.fix_tables(body)) == expected

"""docxtpl's work done once per process, not per render: cleaning each part's XML for Jinja
(``PatchingOnce``) and compiling it (``CompilingOnce``); and its "listing" pass done only
where there is something for it to do.

Before Jinja sees a template part (the body, a header, a footer), docxtpl's ``patch_xml``
runs some twenty regular expressions over the whole part: 7.9 ms for the policy template's
body on every document (``make bench`` row g). The result depends only on the part's XML,
which is the same from one render to the next, so it is kept, keyed by that XML: a changed
template is a new key. It changes nothing docxtpl does with the result, and keeps at most
``LIMIT`` parts.

After rendering, docxtpl's ``resolve_listing`` runs three nested regular expressions over
every paragraph and run of the document, to turn a tab, line feed, BEL or form feed in a
value into a tab, line break, paragraph or page break: 12% of rendering a policy (profiled
with pyinstrument), though only a value with such a character needs it, and the section
text never does (it is written with ``w:tab`` and ``w:br``). docxtpl treats each paragraph
on its own, so here it is given only the paragraphs that hold one of those characters,
with the very paragraph pattern it uses; the result is the same, character for character.

The rest of docxtpl's passes, done as docxtpl does them but only as far as they can change
anything (each checked part for part against docxtpl's own in ``tests/assemble/test_patched.py``):

- ``render_xml_part`` puts each paragraph on a line of its own before Jinja and joins them
  again after, with two regular expressions whose replacement templates Python expands
  match by match, in Python: the first is done once per template part (its result is
  kept like ``patch_xml``'s), the second with two plain ``str.replace`` calls, which
  replace exactly what its pattern matches (``"\n<w:p "`` and ``"\n<w:p>"``).
- ``fix_tables`` parses the rendered body and, table by table, adds or removes grid
  columns when a row's cells (a ``{%tc %}`` loop, a ``colspan``) no longer match the
  grid. When no row has more cells than the grid has columns and the widest row (spans
  counted as docxtpl counts them) fills the grid, it changes nothing; that is checked here
  in one look per row (at its spans only when it has one), and a body with any other
  table goes to docxtpl's whole. The parse is the one parser factory's, recovering as
  docxtpl's does, of docxtpl's own output; a body where the two parsers could build
  different trees (an entity reference, which ours keeps and docxtpl's drops, or a ``w``
  prefix bound to another namespace) goes to docxtpl's whole too.
- ``render_properties`` renders six core properties as Jinja templates; text with no
  ``{``, carriage return or line feed is rendered by Jinja as itself, so it is set as it
  is, in docxtpl's order (setting a property adds its element, so the order is kept).
- ``render_footnotes`` renders the package's footnotes part once per section; a template
  without one (``has_footnotes``, set from the template: rendering adds only pictures)
  has nothing for it to do.

It never changes what docxtpl writes: a table, a part or a property it cannot show to be
left as it is goes to docxtpl's own method, whole.

Figures, with ``package``'s sharing, for the sample policy, implementation plan and
consultation response: ``benchmarks/run.py --stages``, render DOCX, medians of 3 runs
alternating with the code before on this shared 2-core machine: 12.1 -> 9.6 ms,
8.4 -> 6.5 ms, 7.9 -> 5.2 ms CPU; instructions per render, which the machine's load does not
move (``valgrind --tool=cachegrind --cache-sim=no``, a process rendering each form ten
times less one rendering none): 37.6M -> 27.4M, 30.6M -> 20.2M, 23.4M -> 15.1M.
"""

from __future__ import annotations

import re
import threading
from typing import Any, ClassVar

from docxtpl import DocxTemplate
from jinja2 import Environment, Template, TemplateError
from lxml import etree

from pipeline.safety.parsers import safe_parser
from pipeline.wordml import W

LIMIT = 64  # template parts (body, headers, footers) of a few templates, edited or not
_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)  # as resolve_listing's
_LISTING = re.compile("[\t\a\n\f]")  # what resolve_listing replaces
_PARAGRAPH_START = re.compile(r"<w:p([ >])")  # render_xml_part's, before Jinja
_TAG = re.compile(r"<[^>]+>")
_JINJA_TEXT = re.compile("[{\r\n]")  # what Jinja would render as other than itself
# docxtpl's render_properties: the core properties it renders, in its order
PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
_TABLE, _GRID, _COLUMN, _ROW, _CELL, _PROPERTIES, _SPAN, _VAL = (
    f"{{{W}}}{tag}" for tag in ("tbl", "tblGrid", "gridCol", "tr", "tc", "tcPr", "gridSpan", "val")
)
_SPANNED = f"{_CELL}/{_PROPERTIES}/{_SPAN}"  # a span in any of a row's cells


class PatchingOnce(DocxTemplate):  # type: ignore[misc]  # docxtpl is untyped
    _patched: ClassVar[dict[str, str]] = {}
    _lined: ClassVar[dict[str, str]] = {}  # a patched part -> one paragraph per line
    _lock: ClassVar[threading.Lock] = threading.Lock()
    has_footnotes = True  # False: the template has no footnotes part to render
    # Set by the assembler: this template's body and header and footer parts as docxtpl
    # reads them before rendering, by part, read once (the body is read before anything
    # writes into it; headers and footers are the template's own parts, never written).
    kept_xml: dict[str, str] | None = None

    def get_xml(self) -> str:
        return self._kept("", super().get_xml)

    def get_part_xml(self, part: Any) -> str:
        return self._kept(str(part.partname), lambda: super(PatchingOnce, self).get_part_xml(part))

    def _kept(self, key: str, read: Any) -> str:
        if self.kept_xml is None:
            return str(read())
        xml = self.kept_xml.get(key)
        if xml is None:
            xml = self.kept_xml[key] = str(read())
        return xml

    def patch_xml(self, src_xml: str) -> str:
        return _kept(
            self._patched, src_xml, lambda xml: str(super(PatchingOnce, self).patch_xml(xml))
        )

    def render_xml_part(
        self, src_xml: str, part: Any, context: dict[str, Any], jinja_env: Environment | None = None
    ) -> str:
        """docxtpl's ``render_xml_part``, its line-per-paragraph source kept (see above)."""
        src_xml = _kept(self._lined, src_xml, lambda xml: _PARAGRAPH_START.sub(r"\n<w:p\1", xml))
        try:
            self.current_rendering_part = part
            template = jinja_env.from_string(src_xml) if jinja_env else Template(src_xml)
            dst_xml = template.render(context)
        except TemplateError as exc:
            if getattr(exc, "lineno", None) is not None:
                line_number = max(exc.lineno - 4, 0)  # type: ignore[attr-defined]
                lines = src_xml.splitlines()[line_number : line_number + 7]
                exc.docx_context = map(lambda line: _TAG.sub("", line), lines)  # type: ignore[attr-defined]
            raise
        dst_xml = dst_xml.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")
        dst_xml = (
            dst_xml.replace("{_{", "{{")
            .replace("}_}", "}}")
            .replace("{_%", "{%")
            .replace("%_}", "%}")
        )
        return str(self.resolve_listing(dst_xml))

    def fix_tables(self, xml: str) -> Any:
        """docxtpl's ``fix_tables`` only for a table whose rows do not match its grid."""
        tree = etree.fromstring(xml, parser=safe_parser(recover=True))  # recover as docxtpl does
        ours = tree.nsmap.get("w") == W and next(tree.iter(etree.Entity), None) is None
        if ours and all(_fits(table) for table in tree.iter(_TABLE)):
            return tree
        return super().fix_tables(xml)

    def render_properties(
        self, context: dict[str, Any], jinja_env: Environment | None = None
    ) -> None:
        """docxtpl's ``render_properties``, Jinja only for text Jinja would change."""
        properties = self.docx.core_properties
        for name in PROPERTIES:
            initial = getattr(properties, name)
            if _JINJA_TEXT.search(initial):
                env = jinja_env if jinja_env is not None else Environment()
                initial = env.from_string(initial).render(context)
            setattr(properties, name, initial)

    def render_footnotes(
        self, context: dict[str, Any], jinja_env: Environment | None = None
    ) -> None:
        if self.has_footnotes:
            super().render_footnotes(context, jinja_env)

    def resolve_listing(self, xml: str) -> str:
        if not _LISTING.search(xml):
            return xml
        listing = super().resolve_listing
        return _PARAGRAPH.sub(lambda m: str(listing(m[0])) if _LISTING.search(m[0]) else m[0], xml)


def _fits(table: Any) -> bool:
    """Whether docxtpl's ``fix_tables`` leaves ``table`` as it is: no row has more cells
    than the grid has columns, and the widest row (spans counted, as docxtpl counts them)
    has as many. Anything else, even a table without a grid, is docxtpl's to handle."""
    grid = table.find(_GRID)
    if grid is None:
        return False
    columns = len(grid.findall(_COLUMN))
    widest = 0
    for row in table.iter(_ROW):  # docxtpl's walk: a nested table's rows too
        cells = row.findall(_CELL)
        if len(cells) > columns:
            return False
        width = len(cells)
        if row.find(_SPANNED) is not None:
            try:
                width = sum(map(_width, cells))
            except (TypeError, ValueError):
                return False  # a span docxtpl's int() refuses: its error to raise
        widest = max(widest, width)
    return widest >= columns


def _width(cell: Any) -> int:
    """The columns a cell spans, as docxtpl's ``get_cell_len`` counts them."""
    properties = cell.find(_PROPERTIES)
    span = properties.find(_SPAN) if properties is not None else None
    return int(span.get(_VAL)) if span is not None else 1


def _kept(cache: dict[str, str], xml: str, make: Any) -> str:
    """``make(xml)``, kept in ``cache`` (at most ``LIMIT`` entries) under ``xml``."""
    with PatchingOnce._lock:
        made = cache.get(xml)
    if made is None:
        made = str(make(xml))
        with PatchingOnce._lock:
            if len(cache) >= LIMIT:
                cache.clear()
            cache[xml] = made
    return made


class CompilingOnce(Environment):
    """A Jinja environment that compiles each template source once per process.

    docxtpl hands every render the document's XML as a string (``from_string``), so a plain
    environment recompiled the same template for every document: a fifth of the pipeline's
    own CPU in a batch (py-spy). The source is identical from one render to the next, so the
    compiled template is kept, keyed by that source; a changed template file is a new key.
    """

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._compiled: dict[str, Template] = {}

    def from_string(  # type: ignore[override]
        self, source: str, globals: dict[str, Any] | None = None, template_class: Any = None
    ) -> Template:
        if globals or template_class is not None:
            return super().from_string(source, globals, template_class)
        compiled = self._compiled.get(source)
        if compiled is None:
            if len(self._compiled) >= LIMIT:
                self._compiled.clear()
            compiled = self._compiled[source] = super().from_string(source)
        return compiled

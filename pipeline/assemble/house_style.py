"""The house style every template shares: styles.xml and numbering.xml, written as data.

Why write the parts ourselves instead of starting from python-docx's default styles? The
default carries ~160 styles in Calibri/Cambria theme fonts and US English; an author who
opens a template in Word should see only the styles the pipeline uses, all in Arial
(Liberation Sans in LibreOffice) and all in en-GB, which is what sets /Lang in the PDF.
Headings carry outline levels so LibreOffice writes PDF bookmarks, and the list styles
point at real numbering definitions so bullets and letters are Word lists, not typed
characters.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
LANGUAGE = "en-GB"
FONT = "Arial"

# Page geometry in twentieths of a point: A4 with 25 mm margins gives a 160 mm text column.
PAGE_WIDTH = 11906
PAGE_HEIGHT = 16838
MARGIN = 1418
HEADER_DISTANCE = 709
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN

# Indents shared by the numbered body paragraphs and the lists that follow them, so list
# markers line up under the text of the numbered paragraph above.
NUMBER_INDENT = 850
LIST_STEP = 425

BULLET_NUM_ID = 1
ORDERED_NUM_ID = 2
TABLE_BULLET_NUM_ID = 3
ORDERED_ABSTRACT_ID = 1

HEADING_COLOUR = "0B3C5D"
RULE_COLOUR = "7F7F7F"
HEADER_FILL = "DCE6F0"
LABEL_FILL = "F2F2F2"
DRAFT_COLOUR = "A50E0E"
DRAFT_FILL = "FDF1E7"
LINK_COLOUR = "0B57D0"


@dataclass(frozen=True)
class StyleSpec:
    """One named style; ``ppr``/``rpr`` are inner XML in schema order."""

    style_id: str
    name: str
    kind: str = "paragraph"
    based_on: str = ""
    next_style: str = ""
    ppr: str = ""
    rpr: str = ""
    extra: str = ""  # tblPr / tblStylePr for table styles
    default: bool = False
    quick: bool = True


def _num(num_id: int, level: int = 0) -> str:
    return f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'


def _ind(left: int, hanging: int = 0) -> str:
    return (
        f'<w:ind w:left="{left}" w:hanging="{hanging}"/>'
        if hanging
        else f'<w:ind w:left="{left}"/>'
    )


def _spacing(before: int = 0, after: int = 120) -> str:
    return f'<w:spacing w:before="{before}" w:after="{after}"/>'


def _size(half_points: int) -> str:
    return f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'


def _bold() -> str:
    return "<w:b/><w:bCs/>"


def _colour(rgb: str) -> str:
    return f'<w:color w:val="{rgb}"/>'


def _borders(tag: str, colour: str, size: int = 4, sides: tuple[str, ...] = ()) -> str:
    sides = sides or ("top", "left", "bottom", "right", "insideH", "insideV")
    inner = "".join(
        f'<w:{s} w:val="single" w:sz="{size}" w:space="0" w:color="{colour}"/>' for s in sides
    )
    return f"<w:{tag}>{inner}</w:{tag}>"


def _table_props(first: str, fill: str) -> str:
    """A grid table style whose ``first`` part (firstRow or firstCol) is bold and shaded."""
    cell_margins = (
        '<w:tblCellMar><w:top w:w="57" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
        '<w:bottom w:w="57" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar>'
    )
    return (
        f'<w:tblPr><w:tblStyleRowBandSize w:val="1"/><w:tblStyleColBandSize w:val="1"/>'
        f"{_borders('tblBorders', RULE_COLOUR)}{cell_margins}</w:tblPr>"
        f'<w:tblStylePr w:type="{first}"><w:rPr>{_bold()}</w:rPr>'
        f'<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{fill}"/></w:tcPr></w:tblStylePr>'
    )


def _list_styles(style_id: str, name: str, num_id: int) -> tuple[StyleSpec, ...]:
    """The three nesting levels of one kind of list ("List Bullet", "List Bullet 2", ...)."""
    return tuple(
        StyleSpec(
            f"{style_id}{'' if n == 1 else n}",
            f"{name}{'' if n == 1 else f' {n}'}",
            based_on="Normal",
            ppr=f'{_num(num_id, n - 1)}<w:spacing w:after="60"/>'
            f"{_ind(NUMBER_INDENT + n * LIST_STEP, LIST_STEP)}<w:contextualSpacing/>",
        )
        for n in (1, 2, 3)
    )


_LANG = f'<w:lang w:val="{LANGUAGE}"/>'
# No keepNext in table styles: in every row it makes Word and LibreOffice keep a whole table
# on one page, leaving a near-empty page before a long table.
_TABLE_CELL_SPACING = '<w:spacing w:before="40" w:after="40"/>'

STYLES: tuple[StyleSpec, ...] = (
    StyleSpec("Normal", "Normal", default=True, ppr="<w:widowControl/>"),
    StyleSpec(
        "DefaultParagraphFont",
        "Default Paragraph Font",
        kind="character",
        default=True,
        quick=False,
    ),
    StyleSpec(
        "TableNormal",
        "Normal Table",
        kind="table",
        default=True,
        quick=False,
        extra='<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/>'
        '<w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/>'
        '<w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr>',
    ),
    StyleSpec("NoList", "No List", kind="numbering", default=True, quick=False),
    StyleSpec(
        "Title",
        "Title",
        based_on="Normal",
        next_style="Normal",
        ppr=f"<w:keepNext/>{_spacing(0, 240)}",
        rpr=f"{_bold()}{_colour(HEADING_COLOUR)}{_size(40)}",
    ),
    StyleSpec(
        "Subtitle",
        "Subtitle",
        based_on="Normal",
        next_style="Normal",
        ppr=f"<w:keepNext/>{_spacing(0, 240)}",
        rpr=f"{_colour(HEADING_COLOUR)}{_size(28)}",
    ),
    StyleSpec(
        "Heading1",
        "heading 1",
        based_on="Normal",
        next_style="NumberedParagraph",
        ppr=f'<w:keepNext/><w:keepLines/>{_spacing(360, 120)}<w:outlineLvl w:val="0"/>',
        rpr=f"{_bold()}{_colour(HEADING_COLOUR)}{_size(28)}",
    ),
    StyleSpec(
        "Heading2",
        "heading 2",
        based_on="Normal",
        next_style="NumberedParagraph",
        ppr=f'<w:keepNext/><w:keepLines/>{_spacing(240, 80)}<w:outlineLvl w:val="1"/>',
        rpr=f"{_bold()}{_colour(HEADING_COLOUR)}{_size(24)}",
    ),
    StyleSpec(
        "Heading3",
        "heading 3",
        based_on="Normal",
        next_style="NumberedParagraph",
        ppr=f'<w:keepNext/><w:keepLines/>{_spacing(200, 60)}<w:outlineLvl w:val="2"/>',
        rpr=f"{_bold()}{_size(22)}",
    ),
    StyleSpec(
        "NumberedParagraph",
        "Numbered Paragraph",
        based_on="Normal",
        ppr=f'<w:tabs><w:tab w:val="left" w:pos="{NUMBER_INDENT}"/></w:tabs>'
        f"{_ind(NUMBER_INDENT, NUMBER_INDENT)}",
    ),
    *_list_styles("ListBullet", "List Bullet", BULLET_NUM_ID),
    *_list_styles("ListNumber", "List Number", ORDERED_NUM_ID),
    StyleSpec("TableText", "Table Text", based_on="Normal", ppr=_TABLE_CELL_SPACING),
    StyleSpec("TableHeading", "Table Heading", based_on="TableText", rpr=_bold()),
    StyleSpec("PolicyDetailsLabel", "Policy Details Label", based_on="TableText", rpr=_bold()),
    StyleSpec("AreaTitle", "Area Title", based_on="TableText", rpr=_bold()),
    StyleSpec(
        "TableBullet",
        "Table Bullet",
        based_on="TableText",
        ppr=f'{_num(TABLE_BULLET_NUM_ID)}<w:spacing w:before="0" w:after="40"/>{_ind(284, 284)}',
    ),
    StyleSpec("Guidance", "Guidance", based_on="TableText", rpr="<w:i/><w:iCs/>"),
    StyleSpec(
        "DraftNotice",
        "Draft Notice",
        based_on="Normal",
        ppr=f"<w:keepNext/>{_borders('pBdr', DRAFT_COLOUR, 12, ('top', 'left', 'bottom', 'right'))}"
        f'<w:shd w:val="clear" w:color="auto" w:fill="{DRAFT_FILL}"/>'
        f"{_spacing(0, 0)}{_ind(113)}",
        rpr=_colour(DRAFT_COLOUR),
    ),
    StyleSpec("DocumentNote", "Document Note", based_on="Normal", ppr=_spacing(240, 120)),
    StyleSpec(
        "Header",
        "header",
        based_on="Normal",
        quick=False,
        ppr=f'<w:tabs><w:tab w:val="right" w:pos="{TEXT_WIDTH}"/></w:tabs>{_spacing(0, 0)}',
        rpr=f"{_colour('404040')}{_size(18)}",
    ),
    StyleSpec(
        "Footer",
        "footer",
        based_on="Normal",
        quick=False,
        ppr=f'<w:tabs><w:tab w:val="right" w:pos="{TEXT_WIDTH}"/></w:tabs>{_spacing(0, 0)}',
        rpr=f"{_colour('404040')}{_size(18)}",
    ),
    StyleSpec(
        "Hyperlink",
        "Hyperlink",
        kind="character",
        based_on="DefaultParagraphFont",
        rpr=f'{_colour(LINK_COLOUR)}<w:u w:val="single"/>',
    ),
    StyleSpec(
        "CouncilTable",
        "Council Table",
        kind="table",
        based_on="TableNormal",
        extra=_table_props("firstRow", HEADER_FILL),
    ),
    StyleSpec(
        "PolicyDetailsTable",
        "Policy Details Table",
        kind="table",
        based_on="TableNormal",
        extra=_table_props("firstCol", LABEL_FILL),
    ),
)


def _style_xml(s: StyleSpec) -> str:
    attrs = f'w:type="{s.kind}" w:styleId="{s.style_id}"' + (' w:default="1"' if s.default else "")
    parts = [f"<w:name w:val={quoteattr(s.name)}/>"]
    if s.based_on:
        parts.append(f'<w:basedOn w:val="{s.based_on}"/>')
    if s.next_style:
        parts.append(f'<w:next w:val="{s.next_style}"/>')
    parts.append('<w:uiPriority w:val="1"/>' if s.quick else "<w:semiHidden/><w:unhideWhenUsed/>")
    if s.quick:
        parts.append("<w:qFormat/>")
    if s.ppr and s.kind in ("paragraph", "table"):
        parts.append(f"<w:pPr>{s.ppr}</w:pPr>")
    if s.kind != "numbering":
        # Every style names the language, so text keeps en-GB whatever style an author picks.
        parts.append(f"<w:rPr>{s.rpr}{_LANG}</w:rPr>")
    parts.append(s.extra)
    return f"<w:style {attrs}>{''.join(parts)}</w:style>"


def styles_xml() -> str:
    """styles.xml: Arial 11pt en-GB defaults and the house styles, nothing else."""
    fonts = f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/>'
    defaults = (
        f"<w:docDefaults><w:rPrDefault><w:rPr>{fonts}{_size(22)}{_LANG}</w:rPr></w:rPrDefault>"
        '<w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="264" w:lineRule="auto"/>'
        "</w:pPr></w:pPrDefault></w:docDefaults>"
    )
    body = "".join(_style_xml(s) for s in STYLES)
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        f'<w:styles xmlns:w="{W_NS}">{defaults}{body}</w:styles>'
    )


def _level(ilvl: int, fmt: str, text: str, left: int, hanging: int, style: str = "") -> str:
    pstyle = f'<w:pStyle w:val="{style}"/>' if style else ""
    font = (
        f'<w:rPr><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}"/></w:rPr>'
        if fmt == "bullet"
        else ""
    )
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>{pstyle}'
        f'<w:lvlText w:val={quoteattr(text)}/><w:lvlJc w:val="left"/>'
        f"<w:pPr>{_ind(left, hanging)}</w:pPr>{font}</w:lvl>"
    )


def numbering_xml() -> str:
    """numbering.xml: bullets (3 levels), a), i), 1) lettered lists, and table bullets."""
    bullets = "".join(
        _level(
            i,
            "bullet",
            mark,
            NUMBER_INDENT + (i + 1) * LIST_STEP,
            LIST_STEP,
            f"ListBullet{'' if i == 0 else i + 1}",
        )
        for i, mark in enumerate(("\u2022", "\u2013", "\u2022"))
    )
    ordered = "".join(
        _level(
            i,
            fmt,
            f"%{i + 1})",
            NUMBER_INDENT + (i + 1) * LIST_STEP,
            LIST_STEP,
            f"ListNumber{'' if i == 0 else i + 1}",
        )
        for i, fmt in enumerate(("lowerLetter", "lowerRoman", "decimal"))
    )
    table = _level(0, "bullet", "\u2022", 284, 284, "TableBullet")
    abstract = (
        f'<w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="multilevel"/>{bullets}</w:abstractNum>'
        f'<w:abstractNum w:abstractNumId="{ORDERED_ABSTRACT_ID}"><w:multiLevelType w:val="multilevel"/>'
        f"{ordered}</w:abstractNum>"
        f'<w:abstractNum w:abstractNumId="2"><w:multiLevelType w:val="singleLevel"/>{table}</w:abstractNum>'
    )
    nums = (
        f'<w:num w:numId="{BULLET_NUM_ID}"><w:abstractNumId w:val="0"/></w:num>'
        f'<w:num w:numId="{ORDERED_NUM_ID}"><w:abstractNumId w:val="{ORDERED_ABSTRACT_ID}"/></w:num>'
        f'<w:num w:numId="{TABLE_BULLET_NUM_ID}"><w:abstractNumId w:val="2"/></w:num>'
    )
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        f'<w:numbering xmlns:w="{W_NS}">{abstract}{nums}</w:numbering>'
    )

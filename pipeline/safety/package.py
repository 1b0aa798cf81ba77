"""The verdict on a zip file: is it a sound, safe Word or Excel package, and which one?

An OOXML file is a zip of parts tied together by ``[Content_Types].xml`` and ``.rels``
links. This module bounds the zip from its central directory before anything is unpacked
(zip bombs, path tricks, encrypted members), refuses macros, has every part streamed
through :func:`~pipeline.safety.parts.read_member`, checks that every link points at a
part that is there and none at the outside world, and follows the main link to decide
"docx" or "xlsx" by content type, not by the file's extension.
"""

from __future__ import annotations

import os
import posixpath
import re
import struct
import zipfile
from typing import IO, Literal
from urllib.parse import unquote

from lxml import etree

from pipeline.safety.limits import Limits
from pipeline.safety.opc import target_part
from pipeline.safety.parsers import safe_parser
from pipeline.safety.parts import CT_STRINGS, Tally, read_member
from pipeline.safety.reasons import (
    LINK_ADVICE,
    damaged,
    damaged_unless_ok,
    encrypted,
    macros,
    mb,
    not_ours,
    too_large,
    unsafe,
)

_TYPES = "[Content_Types].xml"
_BIG_MEMBER = 1024 * 1024  # the ratio limit applies to members bigger than this
_MACRO_EXTS = frozenset({".docm", ".dotm", ".xlsm", ".xltm", ".xlam"})
_OFFICE_EXTS = frozenset({".docx", ".xlsx", ".dotx", ".xltx"}) | _MACRO_EXTS

_CT_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_CT_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_SAFE_EXTERNAL_RELS = ("/hyperlink", "/attachedTemplate")  # never fetched by our parsers
# A Word document whose members add up to no more than this is handed to its reader as the
# bytes the gate read; a bigger one is read again from the file (memory stays bounded).
HAND_OVER_BYTES = 32 * 1024 * 1024


PackageKind = Literal["docx", "xlsx", "odt", "ods"]


def check_package(
    fh: IO[bytes], ext: str, limits: Limits, deadline: float
) -> tuple[PackageKind, dict[str, bytes] | None]:
    """Check an OOXML package member by member; return its format or raise.

    With the format come the members as the gate read them (name: bytes) for a Word
    document whose members add up to at most :data:`HAND_OVER_BYTES`, so its reader need
    not open and inflate the zip again; ``None`` for any other package.
    """
    _check_central_directory(fh, limits)
    with damaged_unless_ok("its zip structure is broken"):
        zf = zipfile.ZipFile(fh)
    with zf:
        infos = zf.infolist()
        lower = check_listing(infos, limits)  # part names are case-insensitive in OPC
        # python-docx and openpyxl open [Content_Types].xml and _rels/.rels by exact name
        names = {info.filename for info in infos}
        if ext in _MACRO_EXTS or any(n.rsplit("/", 1)[-1] == "vbaproject.bin" for n in lower):
            raise macros()
        if _TYPES not in names:
            if "mimetype" in names:
                return _check_opendocument(zf, infos, lower, limits, deadline), None
            if ext in _OFFICE_EXTS:
                raise damaged("its list of contents is missing")
            raise not_ours("a zip archive", "drop the Word or Excel form itself")
        tally = Tally(limits)
        read: dict[str, bytes | None] = {
            _TYPES: read_member(zf, zf.getinfo(_TYPES), limits, tally, deadline, keep=True)
        }
        types = _parse_content_types(read[_TYPES] or b"")
        # only what may be a Word document is kept for its reader (Excel reads the file)
        word = _CT_DOCX in types[1].values()
        # bounded by the declared sizes: read_member refuses a member bigger than it says
        hand_over = word and sum(i.file_size for i in infos) <= HAND_OVER_BYTES
        # shared strings first: sheets are measured against them
        for info in sorted(infos, key=lambda i: _content_type(types, i.filename) != CT_STRINGS):
            if info.filename == _TYPES:
                continue
            ctype = _content_type(types, info.filename)
            keep = info.filename.lower().endswith(".rels")
            read[info.filename] = read_member(
                zf, info, limits, tally, deadline, keep=keep, ctype=ctype, hand_over=hand_over
            )
            if "macroenabled" in ctype or "vbaproject" in ctype:
                if "sheet.binary" in ctype:
                    raise not_ours("an Excel binary workbook (.xlsb)")
                raise macros()
    for name, data in read.items():
        if name.lower().endswith(".rels"):
            _check_relationships(data or b"", name, lower)
    kind = _main_format(types, read.get("_rels/.rels"), lower)
    parts = {name: data for name, data in read.items() if data is not None}
    return kind, parts if kind == "docx" and hand_over else None


_MANIFEST = "META-INF/manifest.xml"
_ODF_KINDS: dict[bytes, Literal["odt", "ods"]] = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
}


def _check_opendocument(
    zf: zipfile.ZipFile,
    infos: list[zipfile.ZipInfo],
    lower: set[str],
    limits: Limits,
    deadline: float,
) -> Literal["odt", "ods"]:
    """An OpenDocument text or spreadsheet, every member read once under the same limits;
    LibreOffice converts it before it is read. Macros and passwords are refused."""
    tally = Tally(limits)
    mimetype = read_member(zf, zf.getinfo("mimetype"), limits, tally, deadline, keep=True)
    kind = _ODF_KINDS.get((mimetype or b"").strip())
    if kind is None:
        raise not_ours("an OpenDocument file that is not a text document or spreadsheet")
    if any(n.startswith(("basic/", "scripts/")) for n in lower):
        raise macros()
    for info in infos:
        data = read_member(zf, info, limits, tally, deadline, keep=info.filename == _MANIFEST)
        if info.filename == _MANIFEST and b"encryption-data" in (data or b""):
            raise encrypted()
    return kind


def _check_central_directory(fh: IO[bytes], limits: Limits) -> None:
    """Bound the central directory *before* zipfile builds an object per entry.

    zipfile parses every entry in the directory whatever the entry count says, so a
    small file with a huge directory could cost a lot of memory just to list it.
    """
    fh.seek(0, os.SEEK_END)
    size = fh.tell()
    fh.seek(max(0, size - 65536 - 22))
    tail = fh.read()
    pos = tail.rfind(b"PK\x05\x06")
    if pos < 0 or len(tail) - pos < 22:
        raise damaged("the end of the file is missing")
    count, cd_size = struct.unpack_from("<HL", tail, pos + 10)
    if (
        (count == 0xFFFF or cd_size == 0xFFFFFFFF)
        and pos >= 20
        and tail[pos - 20 : pos - 16] == b"PK\x06\x07"
    ):
        fh.seek(struct.unpack_from("<Q", tail, pos - 12)[0])
        record = fh.read(56)
        if len(record) < 56 or record[:4] != b"PK\x06\x06":
            raise damaged("the end of the file is missing")
        count, cd_size = struct.unpack_from("<QQ", record, 32)
    if count > limits.max_members or cd_size > limits.max_members * 512:
        raise too_large(f"it holds more than {limits.max_members} parts")
    fh.seek(0)


def check_listing(infos: list[zipfile.ZipInfo], limits: Limits) -> set[str]:
    """Reject zip bombs and path tricks using only the central directory.

    Returns the part names lower-cased (no two are the same, ignoring case).
    """
    if len(infos) > limits.max_members:
        raise too_large(f"it holds more than {limits.max_members} parts")
    total = 0
    seen: set[str] = set()
    for info in infos:
        name = info.filename
        parts = name.replace("\\", "/").split("/")
        if (
            "\x00" in name
            or name.startswith(("/", "\\"))
            or re.match(r"[A-Za-z]:", name)
            or ".." in parts
        ):
            raise damaged("it has parts named outside the document")
        if name.lower() in seen:
            raise damaged("it has two parts with the same name")
        seen.add(name.lower())
        if info.flag_bits & 0x1:
            raise encrypted()
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.max_member_bytes or total > limits.max_uncompressed_bytes:
            limit = f"{mb(limits.max_uncompressed_bytes)} ({mb(limits.max_member_bytes)} a part)"
            raise too_large(f"it unpacks to more than the limit of {limit}")
        if info.file_size > _BIG_MEMBER and ratio > limits.max_ratio:
            raise too_large(f"a part unpacks to over {limits.max_ratio:g} times its packed size")
    return seen


_PARSER = safe_parser()


def _safe_parse(data: bytes, what: str) -> etree._Element:
    """Parse a small package part with entities, DTDs and network access all off."""
    with damaged_unless_ok(f"its {what} cannot be read"):
        return etree.fromstring(data, _PARSER)


def _parse_content_types(data: bytes) -> tuple[dict[str, str], dict[str, str]]:
    """Defaults (by extension) and Overrides (by part name), keys lower-cased as OPC says."""
    defaults: dict[str, str] = {}
    overrides: dict[str, str] = {}
    for el in _safe_parse(data, "list of contents"):
        if not isinstance(el.tag, str):
            continue
        kind = etree.QName(el).localname
        ctype = str(el.get("ContentType", "")).strip().lower()
        if kind == "Default":
            defaults[str(el.get("Extension", "")).lower()] = ctype
        elif kind == "Override":
            overrides[str(el.get("PartName", "")).lower()] = ctype
    return defaults, overrides


def _content_type(types: tuple[dict[str, str], dict[str, str]], member: str) -> str:
    defaults, overrides = types
    name = member.lower()
    return overrides.get("/" + name) or defaults.get(
        name.rsplit(".", 1)[-1] if "." in name else "", ""
    )


def _check_relationships(data: bytes, rels_name: str, names: set[str]) -> None:
    """Refuse links to missing parts, and outside links a tool could fetch.

    python-docx loads every linked part and fails on a missing one, so that is damage.
    Hyperlinks are ordinary in forms, and Word records a network template for every
    document made from a corporate template; neither python-docx nor openpyxl follows
    them. Remote images, OLE links and data sources are refused.
    """
    folder = posixpath.dirname(posixpath.dirname(rels_name))
    source = posixpath.join(folder, posixpath.basename(rels_name)[: -len(".rels")])
    if rels_name != "_rels/.rels" and source.lower() not in names:
        return  # links of a part that is not there: nothing will read them
    for el in _safe_parse(data, f"links ({rels_name})").iter():
        if not isinstance(el.tag, str) or etree.QName(el).localname != "Relationship":
            continue
        if str(el.get("TargetMode", "")).lower() != "external":
            target = str(el.get("Target", ""))
            part = target_part(source, target)
            if target and part.lower() not in names:
                raise damaged(f"a part it refers to is missing ({part})")
        else:
            rtype = str(el.get("Type", ""))
            if not rtype.endswith(_SAFE_EXTERNAL_RELS):
                kind = rtype.rsplit("/", 1)[-1] or "unknown"
                raise unsafe(f"it links to an outside file or address ({kind})", LINK_ADVICE)


def _main_format(
    types: tuple[dict[str, str], dict[str, str]], rels: bytes | None, lower: set[str]
) -> Literal["docx", "xlsx"]:
    """Follow the package's officeDocument link to its main part and judge by its type."""
    if rels is None:
        raise damaged("its list of links is missing")
    target = None
    for el in _safe_parse(rels, "list of links").iter():
        if isinstance(el.tag, str) and str(el.get("Type", "")).endswith("/officeDocument"):
            target = unquote(str(el.get("Target", "")))
            break
    if target is None:
        raise damaged("it has no main document")
    part = posixpath.normpath(posixpath.join("/", target.replace("\\", "/")))
    if part.lstrip("/").lower() not in lower:
        raise damaged("its main document is missing")
    ctype = _content_type(types, part.lstrip("/"))
    if ctype == _CT_DOCX:
        return "docx"
    if ctype == _CT_XLSX:
        return "xlsx"
    if "presentationml" in ctype:
        raise not_ours("a PowerPoint file")
    if "wordprocessingml.template" in ctype:
        raise not_ours("a Word template (.dotx)")
    if "spreadsheetml.template" in ctype:
        raise not_ours("an Excel template (.xltx)")
    raise not_ours("an Office file that is not a Word document or Excel workbook")

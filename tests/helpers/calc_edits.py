"""Manager edits openpyxl cannot make, made by LibreOffice Calc through UNO (pivot, shapes...).

Run by a Python that can ``import uno`` (/usr/bin/python3), not the venv:

    python3 calc_edits.py PROFILE_DIR JOBS_JSON

JOBS_JSON is a list of {"src", "dst", "edit"}; one headless soffice (with its own profile in
PROFILE_DIR) does them all and is then stopped, so a test module starts LibreOffice once.
Edits: "pivot" (a DataPilot of the Register on a new sheet), "shapes" (a rectangle with text
and a text box on the Register), "picture" (a small PNG), "range" (the Excel table turned into a plain range),
"signoff" (a change type and a sign-off level typed in the first policy's row).
It refuses to touch anything but the copies it is given.
"""

from __future__ import annotations

import contextlib
import json
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path
from typing import Any

import uno
from com.sun.star.awt import Point, Size
from com.sun.star.beans import PropertyValue
from com.sun.star.table import CellAddress

ROW, DATA = 1, 4  # com.sun.star.sheet.DataPilotFieldOrientation
COUNT = 6  # com.sun.star.sheet.GeneralFunction.COUNT


def _prop(name: str, value: Any) -> Any:
    prop = PropertyValue()
    prop.Name, prop.Value = name, value
    return prop


_CTX: list[Any] = []  # the remote component context, for the graphic provider


def _connect(pipe: str) -> Any:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    for _ in range(120):
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            _CTX.append(ctx)
            return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        except Exception:  # noqa: BLE001 - not listening yet
            time.sleep(0.25)
    raise SystemExit("LibreOffice did not start")


def _pivot(doc: Any) -> None:
    sheet = doc.Sheets.getByName("Register")
    cursor = sheet.createCursor()
    cursor.gotoEndOfUsedArea(False)
    last_row, last_col = cursor.RangeAddress.EndRow, cursor.RangeAddress.EndColumn
    headers = [sheet.getCellByPosition(c, 0).String for c in range(last_col + 1)]
    desc = sheet.DataPilotTables.createDataPilotDescriptor()
    desc.SourceRange = sheet.getCellRangeByPosition(0, 0, last_col, last_row).RangeAddress
    fields = desc.DataPilotFields
    fields.getByIndex(headers.index("Status")).Orientation = ROW
    data = fields.getByIndex(headers.index("Reference"))
    data.Orientation, data.Function = DATA, COUNT
    doc.Sheets.insertNewByName("Pivot", doc.Sheets.Count)
    target = doc.Sheets.getByName("Pivot")
    where = CellAddress()
    where.Sheet, where.Column, where.Row = doc.Sheets.Count - 1, 0, 0
    target.DataPilotTables.insertNewByName("ByStatus", where, desc)


def _shapes(doc: Any) -> None:
    sheet = doc.Sheets.getByName("Register")
    for kind, text, x in (("RectangleShape", "Check with Sarah", 2000), ("TextShape", "Q3", 9000)):
        shape = doc.createInstance(f"com.sun.star.drawing.{kind}")
        shape.Position, shape.Size = Point(x, 12000), Size(5000, 2000)
        sheet.DrawPage.add(shape)
        shape.String = text


def _png() -> bytes:
    """A 2x2 red PNG, made here so the test needs no image library."""
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + (chunk(b"IEND", b""))
    )


def _picture(doc: Any) -> None:
    png = Path(doc.URL[len("file://") :]).with_suffix(".png")
    png.write_bytes(_png())
    ctx = _CTX[-1]
    provider = ctx.ServiceManager.createInstanceWithContext(
        "com.sun.star.graphic.GraphicProvider", ctx
    )
    graphic = provider.queryGraphic((_prop("URL", png.as_uri()),))
    shape = doc.createInstance("com.sun.star.drawing.GraphicObjectShape")
    shape.Graphic = graphic
    doc.Sheets.getByName("Register").DrawPage.add(shape)
    shape.Position, shape.Size = Point(2000, 12000), Size(2000, 2000)


def _range(doc: Any) -> None:
    ranges = doc.DatabaseRanges
    for name in ranges.ElementNames:
        ranges.removeByName(name)


def _signoff(doc: Any) -> None:
    """A manager signs the first policy off: Change type and Sign-off level typed in row 2."""
    sheet = doc.Sheets.getByName("Register")
    headers = {sheet.getCellByPosition(c, 0).getString(): c for c in range(40)}
    sheet.getCellByPosition(headers["Change type"], 1).setString("Major")
    sheet.getCellByPosition(headers["Sign-off level"], 1).setString("OSLT")


EDITS = {
    "pivot": _pivot,
    "shapes": _shapes,
    "picture": _picture,
    "range": _range,
    "signoff": _signoff,
}


def main(profile: Path, jobs: list[dict[str, str]]) -> None:
    pipe = f"pipeline-tests-{profile.name}"
    soffice = subprocess.Popen(
        ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible",
         "--norestore", f"--accept=pipe,name={pipe};urp;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        desktop = _connect(pipe)
        for job in jobs:
            url = Path(job["src"]).resolve().as_uri()
            doc = desktop.loadComponentFromURL(url, "_blank", 0, (_prop("Hidden", True),))
            try:
                EDITS[job["edit"]](doc)
                out = Path(job["dst"]).resolve().as_uri()
                doc.storeToURL(out, (_prop("FilterName", "Calc Office Open XML"),))
            finally:
                doc.close(True)
        with contextlib.suppress(Exception):  # the bridge drops as soffice exits
            desktop.terminate()
        soffice.wait(timeout=60)
    finally:
        if soffice.poll() is None:
            soffice.kill()
            soffice.wait()


if __name__ == "__main__":
    main(Path(sys.argv[1]), json.loads(sys.argv[2]))

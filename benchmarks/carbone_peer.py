"""The peer row of ``make bench``: Carbone rendering the same policy to PDF, side by side.

Carbone (the ``carbone`` npm package, pinned in benchmarks/peer/package.json and installed
by benchmarks/peer/setup.sh, which ``make bench`` runs) is the best-known open-source
LibreOffice-based document generator. It gets the sample policy's content as the pipeline
reads it (examples/personal-budgets-policy.docx: title, details, every section's heading and
text) in a Carbone DOCX template built here, starts its two LibreOffice factories before the
clock, and converts each document to PDF. It does not validate, tag, journal or register
anything: the comparison is deliberately generous to the peer.

It refuses to guess: when node or carbone is missing the row says so and is skipped.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from docx import Document

from pipeline.convert.base import find_soffice
from pipeline.forms.read import read_form
from pipeline.framework_load import default_framework
from pipeline.records import ListItem, SubHeading, Table, block_text
from pipeline.safety.check import check_file

PEER = Path(__file__).resolve().parent / "peer"
POLICY = Path(__file__).resolve().parent.parent / "examples" / "personal-budgets-policy.docx"


def policy_data(sample: Path = POLICY) -> dict[str, Any]:
    """The sample policy's content as Carbone data: read by the pipeline's own reader."""
    fw = default_framework()
    record = read_form(sample, fw, check_file(sample))
    form = fw.form(record.form_type)
    details = [
        {"label": f.label, "value": record.value(f.key) or "Not recorded"}
        for f in form.fields
        if f.key != form.title_field and f.type != "longtext" and f.published
    ]
    sections = []
    for section in record.sections:
        paras = []
        for block in section.blocks:
            if isinstance(block, Table):
                paras.extend({"text": " | ".join(row)} for row in block.rows)
            elif isinstance(block, ListItem):
                paras.append({"text": "\u2022 " + block.text})
            elif isinstance(block, SubHeading):
                paras.append({"text": block.text})
            else:
                paras.append({"text": block_text(block)})
        sections.append({"heading": section.heading, "paras": paras})
    return {
        "title": record.value(form.title_field),
        "council": fw.council,
        "details": details,
        "sections": sections,
    }


def build_template(path: Path) -> Path:
    """A Carbone DOCX template: title, details table (a row loop), sections with their text."""
    doc = Document()
    doc.add_paragraph("{d.title}", style="Title")
    doc.add_paragraph("{d.council}")
    table = doc.add_table(rows=3, cols=2)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("Detail", "Value"), strict=True):
        cell.text = text
    for cell, text in zip(
        table.rows[1].cells, ("{d.details[i].label}", "{d.details[i].value}"), strict=True
    ):
        cell.text = text
    loop = ("{d.details[i+1].label}", "{d.details[i+1].value}")
    for cell, text in zip(table.rows[2].cells, loop, strict=True):
        cell.text = text
    doc.add_paragraph("{d.sections[i].heading}", style="Heading 1")
    doc.add_paragraph("{d.sections[i].paras[i].text}")
    doc.add_paragraph("{d.sections[i].paras[i+1].text}")
    doc.add_paragraph("{d.sections[i+1].heading}", style="Heading 1")
    doc.save(str(path))
    return path


def available() -> str:
    """Why the peer cannot run here ("" when it can)."""
    if shutil.which("node") is None:
        return "no node on PATH (run benchmarks/peer/setup.sh)"
    if not (PEER / "node_modules" / "carbone" / "package.json").exists():
        return "carbone not installed (run benchmarks/peer/setup.sh)"
    return ""


def _env() -> dict[str, str]:
    """Carbone looks for ``soffice.bin`` on PATH (Debian keeps it in LibreOffice's program
    folder) and then for a python3 that can ``import uno`` (Debian's /usr/bin/python3)."""
    program = Path(os.path.realpath(find_soffice("soffice"))).parent
    return {**os.environ, "PATH": os.pathsep.join([str(program), "/usr/bin", os.environ["PATH"]])}


def carbone(tmp: Path, count: int) -> dict[str, Any]:
    """Carbone's ms per document over ``count`` policies to PDF, LibreOffice already up."""
    missing = available()
    if missing:
        return {"skipped": missing}
    folder = tmp / "carbone"
    folder.mkdir()
    template = build_template(folder / "policy-template.docx")
    data = folder / "policy.json"
    data.write_text(json.dumps(policy_data()), encoding="utf-8")
    cmd = ["node", str(PEER / "render.js"), str(template), str(data), str(count)]
    cmd.append(str(folder / "out"))
    out = subprocess.run(cmd, cwd=PEER, env=_env(), capture_output=True, text=True, timeout=900)
    if out.returncode != 0:
        return {"skipped": f"carbone failed: {out.stderr.strip()[-300:]}"}
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def peer_rows(peer: dict[str, Any], ours: dict[str, Any]) -> list[tuple[str, str, str]]:
    """The table's peer rows: Carbone, the pipeline on the same policies, and the ratio."""
    n = ours["forms"]
    mine = ours["seconds"] / n * 1000
    rows = [(f"(p) pipeline, {n} policies, LO up", f"{mine:.0f} ms/doc", "")]
    if "skipped" in peer:
        return [*rows, ("(p) peer: Carbone", "skipped: " + peer["skipped"], "")]
    ratio = mine / peer["ms_per_doc"]
    good = "OK" if ratio <= 0.8 else "MISSED"
    return [
        *rows,
        (
            f"(p) Carbone {peer['version']}, same {peer['count']}",
            f"{peer['ms_per_doc']:.0f} ms/doc",
            "",
        ),
        ("(p) pipeline vs Carbone, per doc", f"{ratio:.2f}x", f"<= 0.8x {good}"),
    ]

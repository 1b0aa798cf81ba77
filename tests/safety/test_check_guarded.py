"""The safety gate and the parsers behind it, on XXE, billion laughs and the real-world corpus.

Files are crafted for real (python-docx, openpyxl and zipfile write them; no mocks), and
the POI corpus of 587 real-world Office files is run through the gate and the parsers in
a guarded worker process (this file, run as a script) with a memory ceiling and per-file
time limits, so a hang or a memory blow-up fails the test instead of the machine.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

# not tests.helpers.paths.CHECKOUT: run as the worker script, tests is not importable until
# the checkout is on sys.path, which is what this line puts right
REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # when run as the worker script
    sys.path.insert(0, str(REPO))

import docx  # noqa: E402
import docx.opc.oxml  # noqa: E402
import docx.oxml.parser  # noqa: E402
import openpyxl  # noqa: E402
import openpyxl.xml  # noqa: E402
from lxml import etree  # noqa: E402

from pipeline.errors import RejectedFile  # noqa: E402
from pipeline.safety import parsers as safety_parsers  # noqa: E402
from pipeline.safety import reasons  # noqa: E402
from pipeline.safety.check import check_file  # noqa: E402
from tests.helpers.gate_files import DOC, SHEET, reject, rewrite, valid_reason  # noqa: E402
from tests.helpers.packages import package_parts as members  # noqa: E402

# -- XXE and billion laughs: the gate, and the parsers behind it --------------------------

LAUGHS = b'<!DOCTYPE lolz [<!ENTITY lol "lol">' + b"".join(
    b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10)
) + b"]>"  # fmt: skip


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text("TOP-SECRET-7731")
    return path


def with_doctype(xml: bytes, doctype: bytes, entity: bytes) -> bytes:
    """Insert a DOCTYPE (after any XML declaration) and use its entity for the form's text."""
    xml = xml.replace(b"Policy title", entity)
    if xml.startswith(b"<?xml"):
        decl, rest = xml.split(b"?>", 1)
        return decl + b"?>" + doctype + rest
    return doctype + xml


def xxe(secret: Path) -> bytes:
    return b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "%s">]>' % secret.as_uri().encode()


def hostile(source: Path, target: Path, doctype: bytes, entity: bytes) -> Path:
    part = DOC if source.suffix == ".docx" else SHEET
    return rewrite(source, target, {part: with_doctype(members(source)[part], doctype, entity)})


def test_xxe_and_billion_laughs_do_not_pass_the_gate(docx_file: Path, xlsx_file: Path, tmp_path: Path, secret: Path) -> None:  # fmt: skip
    xxe_docx = hostile(docx_file, tmp_path / "xxe.docx", xxe(secret), b"&xxe;")
    assert reject(xxe_docx).reason == reasons.UNSAFE
    laughs_xlsx = hostile(xlsx_file, tmp_path / "laughs.xlsx", LAUGHS, b"&lol9;")
    assert reject(laughs_xlsx).reason == reasons.UNSAFE


def test_with_the_gate_bypassed_the_parsers_neither_leak_nor_blow_up(docx_file: Path, xlsx_file: Path, tmp_path: Path, secret: Path) -> None:  # fmt: skip
    """Feed the hostile files straight to python-docx and openpyxl, in a guarded process."""
    attacks = {
        f"{kind}-{fmt}": (fmt, hostile(source, tmp_path / f"{kind}.{fmt}", doctype, entity))
        for fmt, source in (("docx", docx_file), ("xlsx", xlsx_file))
        for kind, doctype, entity in (("xxe", xxe(secret), b"&xxe;"), ("laughs", LAUGHS, b"&lol9;"))
    }
    for label, (fmt, path) in attacks.items():
        assert reject(path).reason == reasons.UNSAFE, label
        result = run_worker(["parse", fmt, str(path)], timeout=60)[0]  # a hang fails here
        assert result.get("error") != "MemoryError", label
        assert "TOP-SECRET" not in result.get("text", ""), label
        assert "lollollol" not in result.get("text", ""), label


def test_parsers_are_configured_safely() -> None:
    assert openpyxl.xml.DEFUSEDXML is True  # openpyxl parses sheets with defusedxml
    for module in (docx.oxml.parser, docx.opc.oxml):
        assert not safety_parsers._resolves_entities(module.oxml_parser)


def test_python_docx_parser_ignores_external_dtds_and_entities(tmp_path: Path, secret: Path) -> None:  # fmt: skip
    dtd = tmp_path / "evil.dtd"
    dtd.write_text(f'<!ENTITY leak SYSTEM "{secret.as_uri()}">')
    for xml in (
        f'<!DOCTYPE r SYSTEM "{dtd.as_uri()}"><r>&leak;</r>'.encode(),
        f'<!DOCTYPE r [<!ENTITY leak SYSTEM "{secret.as_uri()}">]><r>&leak;</r>'.encode(),
    ):
        root = docx.oxml.parser.parse_xml(xml)
        assert "TOP-SECRET" not in etree.tostring(root).decode()


def test_harden_parsers_replaces_an_entity_expanding_parser(monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    unsafe = etree.XMLParser(resolve_entities=True)
    unsafe.set_element_class_lookup(docx.oxml.parser.element_class_lookup)
    monkeypatch.setattr(docx.oxml.parser, "oxml_parser", unsafe)
    assert safety_parsers._resolves_entities(docx.oxml.parser.oxml_parser)
    safety_parsers.harden_parsers()
    assert docx.oxml.parser.oxml_parser is not unsafe
    assert not safety_parsers._resolves_entities(docx.oxml.parser.oxml_parser)
    document = docx.Document()  # python-docx still builds its own element classes
    assert document.add_paragraph("still works").text == "still works"


# -- the real-world corpus --------------------------------------------------------------


def run_worker(args: list[str], timeout: float, stdin: str = "") -> list[dict[str, Any]]:
    """Run this file as a guarded worker and return the JSON lines it printed."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONWARNINGS": "ignore"}
    proc = subprocess.run(
        [sys.executable, __file__, *args],
        input=stdin, capture_output=True, text=True, timeout=timeout, env=env, check=False,
    )  # fmt: skip
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    done = {line["file"] for line in lines if "verdict" in line}
    stuck = [line["file"] for line in lines if "start" in line and line["file"] not in done]
    assert proc.returncode == 0, f"worker died (rc {proc.returncode}) on {stuck}: {proc.stderr[-2000:]}"  # fmt: skip
    return [line for line in lines if "start" not in line]


def test_every_corpus_file_is_accepted_or_rejected_with_a_reason(poi_corpus: Path) -> None:
    files = sorted(str(p) for p in poi_corpus.rglob("*") if p.is_file())
    assert len(files) >= 587
    started = time.monotonic()
    halves = [files[0::2], files[1::2]]  # two guarded workers, one per core
    procs = [
        subprocess.Popen(
            [sys.executable, __file__, "corpus"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONPATH": str(REPO), "PYTHONWARNINGS": "ignore"},
        )
        for _ in halves
    ]  # fmt: skip
    results: list[dict[str, Any]] = []
    for proc, half in zip(procs, halves, strict=True):
        out, err = proc.communicate("\n".join(half), timeout=150)
        lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
        done = {line["file"] for line in lines if "verdict" in line}
        stuck = [line["file"] for line in lines if "start" in line and line["file"] not in done]
        assert proc.returncode == 0, f"worker died on {stuck}: {err[-2000:]}"
        results += [line for line in lines if "verdict" in line]
    assert len(results) == len(files)

    crashes = [r for r in results if r["verdict"].startswith("CRASH")]
    assert not crashes, crashes
    readable = {"docx", "xlsx", "doc", "rtf", "odt", "xls", "ods"}  # the last five converted
    assert all(valid_reason(r["verdict"]) for r in results if r["verdict"] not in readable)
    slow = [(r["file"], r["check_seconds"]) for r in results if r["check_seconds"] > 10]
    assert not slow, slow
    hangs = [r for r in results if r.get("parse_error") in {"ParseTimeout", "MemoryError"}]
    assert not hangs, hangs

    table = Counter(r["verdict"] for r in results)
    print(f"\ncorpus: {len(results)} files in {time.monotonic() - started:.1f}s")
    for verdict, count in table.most_common():
        print(f"  {count:4d}  {verdict}")
    print("passed the gate but the parser raised:")
    for r in results:
        if r.get("parse_error"):
            print(
                f"  {r['verdict']}  {r['parse_error']}  {Path(r['file']).relative_to(poi_corpus)}"
            )
    slowest = sorted(results, key=lambda r: -r.get("parse_seconds", 0))[:3]
    print("slowest parses:", [(Path(r["file"]).name, r.get("parse_seconds")) for r in slowest])


# -- the guarded worker (this file run as a script) ---------------------------------------


class ParseTimeout(Exception):
    """A parser ran past its per-file limit."""


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise ParseTimeout


def _parse(fmt: str, path: str) -> str:
    """Read a file the way the form reader will, and return all of its text."""
    if fmt == "docx":
        document = docx.Document(path)
        text = [p.text for p in document.paragraphs]
        text += [c.text for t in document.tables for row in t.rows for c in row.cells]
        return "\n".join(text)
    with open(path, "rb") as fh:  # a file object: openpyxl refuses paths not ending .xlsx
        workbook = openpyxl.load_workbook(fh, read_only=False, data_only=True)
        rows = (row for ws in workbook.worksheets for row in ws.iter_rows(values_only=True))
        return "\n".join(str(v) for row in rows for v in row if v is not None)


def _guarded(fmt: str, path: str) -> dict[str, Any]:
    signal.alarm(30)
    started = time.monotonic()
    try:
        text = _parse(fmt, path)
        result: dict[str, Any] = {"text": text[:10_000]}
    except BaseException as exc:  # record every kind, MemoryError and timeouts included
        result = {"error": type(exc).__name__, "detail": str(exc)[:200]}
    finally:
        signal.alarm(0)
    result["seconds"] = round(time.monotonic() - started, 2)
    return result


def _worker(argv: list[str]) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))  # a blow-up fails, not the host
    signal.signal(signal.SIGALRM, _alarm)
    if argv[0] == "parse":
        print(json.dumps({"file": argv[2], **_guarded(argv[1], argv[2])}), flush=True)
        return
    for name in sys.stdin.read().splitlines():
        print(json.dumps({"file": name, "start": True}), flush=True)
        started = time.monotonic()
        try:
            verdict: str = check_file(Path(name))
        except RejectedFile as exc:
            verdict = exc.reason
        except BaseException as exc:
            verdict = f"CRASH {type(exc).__name__}: {exc}"
        line: dict[str, Any] = {"file": name, "verdict": verdict}
        line["check_seconds"] = round(time.monotonic() - started, 2)
        if verdict in {"docx", "xlsx"}:
            parsed = _guarded(verdict, name)
            line["parse_seconds"] = parsed["seconds"]
            if "error" in parsed:
                line["parse_error"] = parsed["error"]
                line["parse_detail"] = parsed["detail"]
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    _worker(sys.argv[1:])

"""Row (g) of ``make bench``: the pipeline's own CPU per document, stage by stage.

Everything the batch does per document outside LibreOffice, each timed alone on the sample
forms in this process (CPU time, after one untimed warm-up, as a running batch has its
templates and parsers loaded): the safety check, reading, validation, the Word document,
the web pages (clean and DRAFT, as ``publish/prepare`` writes both), for a policy's new
version the comparison with the one before (tracked-changes Word document and the readable
comparison's source), finishing a PDF, and the journal transaction. The policy's total is
the sum of its rows, the figure the 20 ms target is about. It measures; it changes nothing.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from functools import partial
from pathlib import Path

from pipeline import atomic
from pipeline.assemble.render import Assembler, RenderContext
from pipeline.compare.stored import to_json
from pipeline.convert.base import find_soffice
from pipeline.convert.oneshot import pdf_export_argument
from pipeline.forms.read import read_form
from pipeline.framework import FormType
from pipeline.framework_load import default_framework
from pipeline.html.page import PageContext, render_documents
from pipeline.journal.store import Journal
from pipeline.journal.values import Event
from pipeline.journal.versions import save_version
from pipeline.pdf.finish import PdfMetadata, finalize_pdf
from pipeline.publish.changes import write_changes
from pipeline.publish.outbox import Outbox
from pipeline.records import FieldValue, FormRecord
from pipeline.safety.check import check_file, checked_file
from pipeline.validate.rules import Context, validate
from pipeline.workspace import load_workspace

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = (
    "personal-budgets-policy.docx",
    "personal-budgets-implementation-plan.docx",
    "personal-budgets-consultation-response.docx",
)
PUBLISHED = ("policy",)  # the kinds with web pages (publish.prepare's PUBLISHED_KINDS)


def cpu_ms(action: Callable[[], object], repeat: int) -> float:
    action()  # warm: templates and parsers loaded once per process in the pipeline too
    start = time.process_time()
    for _ in range(repeat):
        action()
    return (time.process_time() - start) / repeat * 1000


def earlier_version(record: FormRecord) -> FormRecord:
    """The policy as its previous version might have read: one section's text changed."""
    sections = list(record.sections)
    first = sections[0]
    sections[0] = replace(first, blocks=first.blocks[1:])  # a paragraph added since
    fields = {**record.fields, "version": FieldValue("2")}
    return replace(record, sections=sections, fields=fields)


def unfinished_pdf(ws_dir: Path) -> Path:
    """LibreOffice's own output for the sample policy, as the converter hands it over: what
    "finish a PDF" starts from (the outbox PDFs are finished already, and finishing twice
    leaves a PDF alone, cheaply). Made before timing or profiling starts."""
    fw = default_framework()
    ws = load_workspace(ws_dir)
    out = ws_dir / "unfinished"
    out.mkdir()
    sample = ROOT / "examples" / SAMPLES[0]
    context = RenderContext(
        policy_ref="BENCH-1", version="3", council=fw.council, generated="1 May 2026"
    )
    Assembler(ROOT / "templates", fw).render(
        read_form(sample, fw, check_file(sample)), out / "policy.docx", context=context
    )
    return _libreoffice_pdf(out / "policy.docx", out, pdfa=ws.converter.pdfa)


def stages(ws_dir: Path, raw: Path, repeat: int = 10) -> dict[str, float]:
    """CPU milliseconds per form for each stage the pipeline runs itself, on the samples;
    ``raw`` is :func:`unfinished_pdf`'s."""
    fw = default_framework()
    ws = load_workspace(ws_dir)
    outbox = Outbox(ws, fw)
    assembler = Assembler(ROOT / "templates", fw)
    context = RenderContext(
        policy_ref="BENCH-1", version="3", council=fw.council, generated="1 May 2026"
    )
    out = ws_dir / "stages"
    out.mkdir()
    meta = PdfMetadata(title="bench", subject="", author="", keywords="")
    results: dict[str, float] = {}
    policy = read_form(
        ROOT / "examples" / SAMPLES[0], fw, check_file(ROOT / "examples" / SAMPLES[0])
    )
    for name in SAMPLES:
        form = ROOT / "examples" / name
        kind = checked_file(form)  # as run.py: the reader gets the parts the gate read
        record = read_form(form, fw, kind)
        key = name.removeprefix("personal-budgets-").removesuffix(".docx")
        timed = {
            "safety check": partial(checked_file, form),
            "read": partial(read_form, form, fw, kind),
            "validate": partial(validate, record, fw, Context(today=date.today())),
            "render DOCX": partial(assembler.render, record, out / "x.docx", context=context),
        }
        if record.form_type in PUBLISHED:
            timed["render HTML (clean + DRAFT)"] = partial(
                _pages, record, fw.form(record.form_type), out
            )
            old = ("2", to_json(earlier_version(record)))
            new = ("3", to_json(record))
            timed["compare with version 2"] = partial(
                write_changes, outbox, "BENCH-1", old, new, title="Bench", language="en-GB",
                today=date.today(),
            )  # fmt: skip
        for stage, action in timed.items():
            results[f"{key}: {stage}"] = cpu_ms(action, repeat)

    def finish() -> None:
        shutil.copyfile(raw, out / "x.pdf")
        finalize_pdf(out / "x.pdf", meta)

    results["finish a PDF"] = cpu_ms(finish, repeat)
    journal = Journal(out / "journal.sqlite")
    try:
        results["journal transaction"] = cpu_ms(partial(_journal, journal, policy), repeat)
    finally:
        journal.close()
    own = [ms for stage, ms in results.items() if stage.startswith("policy: ")]
    shared = results["finish a PDF"] + results["journal transaction"]
    results["policy: total per document"] = sum(own) + shared
    return results


def _libreoffice_pdf(docx: Path, out: Path, *, pdfa: bool) -> Path:
    """``docx`` converted by LibreOffice with the pipeline's export settings, not finished."""
    profile = (out / "lo-profile").as_uri()
    subprocess.run(
        [find_soffice("soffice"), f"-env:UserInstallation={profile}", "--headless",
         "--norestore", "--convert-to", pdf_export_argument(pdfa), "--outdir", str(out),
         str(docx)],
        check=True, capture_output=True, stdin=subprocess.DEVNULL, timeout=300,
    )  # fmt: skip
    return docx.with_suffix(".pdf")


def _pages(record: FormRecord, form: FormType, out: Path) -> None:
    ctx = PageContext("Bench", "BENCH-1", "3", "Council", "1 May 2026", ())
    for draft, html in zip((False, True), render_documents(record, form, ctx), strict=True):
        atomic.write_text(out / f"page-{draft}.html", html)  # as publish/prepare writes both


_COUNT = [0]


def _journal(journal: Journal, record: FormRecord) -> None:
    """What run.py writes per accepted form, in one transaction."""
    _COUNT[0] += 1
    n = _COUNT[0]
    with journal.transaction():
        journal.upsert_policy(f"BENCH-{n}", {"title": f"Bench {n}", "version": "3"})
        save_version(journal, f"BENCH-{n}", "3", to_json(record))
        journal.add_event(
            Event(datetime.now(), "x.docx", "policy", f"BENCH-{n}", "bench", "accepted", "")
        )
        journal.record_file(f"{n:064d}", "x.docx", "accepted", {"ref": f"BENCH-{n}"})

"""Benchmarks: the pipeline's throughput, latency, memory and register cost on this machine.

    .venv/bin/python benchmarks/run.py [--forms N] [--quick]
    .venv/bin/python benchmarks/run.py --stages     # row (g) alone, printed, nothing written

Prints a table with the targets beside the figures and writes benchmarks/results/latest.json.
Batches run in child processes (``--child``) so each peak RSS is that batch's own.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

from carbone_peer import carbone
from stages import stages, unfinished_pdf
from table import table

from pipeline.convert.base import ConversionJob, find_soffice
from pipeline.convert.factory import make_converter
from pipeline.convert.settings import ConverterSettings
from pipeline.journal.store import Journal
from pipeline.pdf.finish import PdfMetadata
from pipeline.workspace import init_workspace

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
RESULTS = ROOT / "benchmarks" / "results"
SAMPLES = (
    "personal-budgets-policy.docx",
    "personal-budgets-implementation-plan.docx",
    "personal-budgets-consultation-response.docx",
)
TITLE = "Personal Budgets Policy"


def make_form(sample: Path, dest: Path, n: int) -> Path:
    """A copy of ``sample`` whose policy title reads "Personal Budgets Policy <n>"."""
    with zipfile.ZipFile(sample) as src, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.replace(TITLE.encode(), f"{TITLE} {n}".encode())
            out.writestr(item, data)
    return dest


def make_forms(
    folder: Path, count: int, start: int = 1, samples: tuple[str, ...] = SAMPLES
) -> list[Path]:
    """``count`` forms: policies, plans and responses in turn, each trio sharing a title."""
    folder.mkdir(parents=True, exist_ok=True)
    forms = []
    for i in range(count):
        n = start + i // len(samples)
        sample = EXAMPLES / samples[i % len(samples)]
        forms.append(make_form(sample, folder / f"{n:04d}-{sample.name}", n))
    return forms


def write_workspace(folder: Path, quiet: float | None = None) -> Path:
    init_workspace(folder)
    if quiet is not None:
        config = folder / "pipeline.toml"
        text = config.read_text(encoding="utf-8")
        config.write_text(text.replace("quiet_seconds = 2.0", f"quiet_seconds = {quiet}"))
    return folder


def child_batch(ws_dir: Path, warm: bool = False) -> dict[str, Any]:
    """Run one batch over the workspace's inbox; time and peak RSS of this process.

    Cold (as ``pipeline run`` does) the time includes starting LibreOffice; ``warm`` starts
    it first and times only the batch, as a running ``pipeline watch`` would see it.
    """
    from pipeline.run import Pipeline
    from pipeline.workspace import load_workspace

    ws = load_workspace(ws_dir)
    start = time.perf_counter()
    cpu_start = _cpu()
    with Pipeline(ws) as pipeline:
        if warm:
            pipeline.converter  # noqa: B018 - start the pool before the clock
            start = time.perf_counter()
        result = pipeline.run()
        seconds = time.perf_counter() - start  # outputs and register saved; LibreOffice still up
        cpu_s = _cpu() - cpu_start  # this process only: LibreOffice is counted apart
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "seconds": seconds,
        "cpu_s": cpu_s,
        "accepted": len(result.accepted),
        "rejected": [f"{r.file}: {r.reason}" for r in result.rejected][:5],
        "rejected_count": len(result.rejected),
        "rss_mb": rss_mb,
        "register": result.register_note,
    }


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def batch(
    tmp: Path, name: str, count: int, warm: bool = False, samples: tuple[str, ...] = SAMPLES
) -> tuple[Path, dict[str, Any]]:
    ws = write_workspace(tmp / name)
    make_forms(ws / "inbox", count, samples=samples)
    cmd = [sys.executable, __file__, "--child", str(ws)] + (["--warm"] if warm else [])
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return ws, json.loads(out.stdout.strip().splitlines()[-1])


def outbox_docx(ws: Path) -> list[Path]:
    return sorted(p for p in (ws / "outbox").rglob("*.docx") if "publish" not in p.parts)


def floor(docx: list[Path], tmp: Path) -> dict[str, Any]:
    """(a) LibreOffice's warm conversion of the DOCX files the pipeline made."""
    out = tmp / "floor-out"
    out.mkdir()
    meta = PdfMetadata(title="bench", subject="", author="", keywords="")
    jobs = [ConversionJob(d, out / f"{i:04d}.pdf", meta) for i, d in enumerate(docx)]
    start = time.perf_counter()
    conv = make_converter(ConverterSettings(mode="warm", workers=2), tmp / "floor-state")
    started = time.perf_counter()
    try:
        results = conv.convert(jobs)
    finally:
        conv.close()
    end = time.perf_counter()
    convert_s = end - started
    return {
        "docs": len(jobs),
        "ok": sum(r.ok for r in results),
        "startup_s": started - start,
        "convert_s": convert_s,
        "docs_per_s": len(jobs) / convert_s,
        "docs_per_s_with_startup": len(jobs) / (end - start),
    }


def soffice(profile: Path, inputs: list[Path], outdir: Path) -> float:
    cmd = [find_soffice("soffice"), f"-env:UserInstallation={profile.as_uri()}", "--headless"]
    cmd += ["--norestore", "--convert-to", "pdf", "--outdir", str(outdir), *map(str, inputs)]
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, stdin=subprocess.DEVNULL, timeout=900)
    return time.perf_counter() - start


def oneshot(docx: list[Path], tmp: Path, sample: int) -> dict[str, Any]:
    """(c) one soffice per document (on a subset) and one soffice for all documents."""
    profile = tmp / "oneshot-profile"
    soffice(profile, docx[:1], tmp / "oneshot-warmup")  # make the profile; not timed
    subset = docx[:sample]
    each = [soffice(profile, [d], tmp / "oneshot-each") for d in subset]
    per_doc = statistics.mean(each)
    all_s = soffice(profile, docx, tmp / "oneshot-all")
    return {
        "per_process_docs": len(subset),
        "per_process_per_doc_s": per_doc,
        "per_process_extrapolated_s": per_doc * len(docx),
        "single_process_docs": len(docx),
        "single_process_s": all_s,
        "single_process_docs_per_s": len(docx) / all_s,
    }


def watch_latency(tmp: Path, drops: int) -> dict[str, Any]:
    """(d) time from a completed copy into the inbox to its PDF and register row, minus quiet."""
    try:
        from pipeline.watch.watcher import Watcher
    except ImportError as exc:
        return {"skipped": f"no pipeline.watch.Watcher ({exc})"}
    from pipeline.workspace import load_workspace

    ws = load_workspace(write_workspace(tmp / "ws-watch"))
    quiet = ws.watch.quiet_seconds
    staged = make_forms(tmp / "watch-forms", drops * 3, start=500)[::3]  # policies only
    watcher = Watcher(ws)
    watcher.start()
    latencies: list[float] = []
    timeouts = 0
    try:
        time.sleep(1.0)
        for n, form in enumerate(staged, start=500):
            title = f"{TITLE} {n}"
            pdfs = set(ws.outbox.rglob("*.pdf"))
            reg_mtime = ws.register.stat().st_mtime_ns
            target = ws.inbox / form.name
            tmp_copy = ws.inbox.parent / (form.name + ".part")
            shutil.copyfile(form, tmp_copy)
            tmp_copy.replace(target)  # the copy completes at once
            copied = time.perf_counter()
            deadline = copied + 60
            while time.perf_counter() < deadline:
                new_pdf = set(ws.outbox.rglob("*.pdf")) - pdfs
                changed = ws.register.stat().st_mtime_ns != reg_mtime
                if new_pdf and changed and in_register(ws.register, title):
                    break
                time.sleep(0.02)
            else:
                timeouts += 1
                continue
            latencies.append(time.perf_counter() - copied - quiet)
    finally:
        watcher.stop()
        watcher.join(120)
    if not latencies:
        return {"skipped": f"no drop finished within 60 s ({timeouts} timeouts)"}
    ordered = sorted(latencies)
    return {
        "drops": drops,
        "finished": len(latencies),
        "quiet_seconds": quiet,
        "p50_s": statistics.median(ordered),
        "p95_s": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))],
        "max_s": ordered[-1],
        "note": "includes register poll overhead (~20 ms + reading the xlsx)",
    }


def in_register(path: Path, title: str) -> bool:
    from openpyxl import load_workbook

    try:
        rows = load_workbook(path, read_only=True)["Register"].values
        return any(title in str(cell) for row in rows for cell in row[:3])
    except Exception:  # being written
        return False


def register_sync(
    tmp: Path, template: dict[str, Any], policies: int, updates: int
) -> dict[str, Any]:
    """(f) upsert ``updates`` rows and sync against a register of ``policies`` policies."""
    from pipeline.register import workbook

    base = {k: v for k, v in template.items() if k not in ("ref", "title")}
    path = tmp / "reg" / "register.xlsx"
    path.parent.mkdir()
    workbook.create_empty(path)
    journal = Journal(tmp / "reg" / "journal.sqlite")
    try:
        with journal.transaction():
            for i in range(policies):
                journal.upsert_policy(f"BENCH-{i:05d}", {**base, "title": f"Bench Policy {i}"})
        start, cpu = time.perf_counter(), time.process_time()
        workbook.sync(journal, path, today=date.today())
        first_s, first_cpu = time.perf_counter() - start, time.process_time() - cpu
        review = date.today().replace(day=1)
        start, cpu = time.perf_counter(), time.process_time()
        with journal.transaction():
            for i in range(0, policies, max(1, policies // updates)):
                # what a batch changes: status, version, review date (values the pipeline writes)
                change = {"status": "awaiting sign-off", "version": "2", "next_review": review}
                change["next_review_text"] = f"{review:%B %Y}"  # as an officer writes it
                journal.upsert_policy(f"BENCH-{i:05d}", change)
        upsert_s = time.perf_counter() - start
        result = workbook.sync(journal, path, today=date.today())
        total_s, total_cpu = time.perf_counter() - start, time.process_time() - cpu
        start, cpu = time.perf_counter(), time.process_time()  # one form's worth, as a drop
        journal.upsert_policy("BENCH-00007", {"status": "published"})
        workbook.sync(journal, path, today=date.today())
        one_s, one_cpu = time.perf_counter() - start, time.process_time() - cpu
    finally:
        journal.close()
    return {
        "policies": policies,
        "updates": updates,
        "first_sync_s": first_s,
        "upsert_s": upsert_s,
        "update_and_sync_s": total_s,
        "one_update_and_sync_s": one_s,
        # this process's CPU for the same: wall time here includes the fsyncs of the
        # register, its .bak and the journal, which wait on a shared disk
        "cpu_s": {"first_sync": first_cpu, "update_and_sync": total_cpu, "one": one_cpu},
        "written": result.written,
    }


def first_policy(ws: Path) -> dict[str, Any]:
    journal = Journal(ws / ".pipeline" / "journal.sqlite")
    try:
        rows = journal.policies()
    finally:
        journal.close()
    return rows[0] if rows else {"title": "x", "status": "Draft", "version": 1}


def stages_alone() -> int:
    """Row (g) by itself, on a workspace of the three samples (its PDF is finished)."""
    with tempfile.TemporaryDirectory(prefix="pipeline-stages-") as name:
        ws, _ = batch(Path(name), "ws", 3, warm=True)
        results = stages(ws, unfinished_pdf(ws))
    for stage, ms in results.items():
        print(f"{stage:<50} {ms:6.1f} ms CPU")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forms", type=int, default=100)
    parser.add_argument("--quick", action="store_true", help="20 forms, fewer repeats")
    parser.add_argument(
        "--large", action="store_true", help="also 1,000 forms and a 5,000-policy register"
    )
    parser.add_argument("--stages", action="store_true", help="row (g) alone: CPU per stage")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--warm", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child_batch(args.child, args.warm)))
        return 0
    if args.stages:
        return stages_alone()
    forms = 20 if args.quick else args.forms
    sample, drops = (5, 5) if args.quick else (10, 10)
    results: dict[str, Any] = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "host": platform.node(),
        "python": platform.python_version(),
        "forms": forms,
        "quick": args.quick,
    }
    with tempfile.TemporaryDirectory(prefix="pipeline-bench-") as name:
        tmp = Path(name)
        print("batch of 10 forms (RSS) ...", flush=True)
        _ws10, small = batch(tmp, "ws-10", 10)
        print(f"batch of {forms} forms ...", flush=True)
        ws, big = batch(tmp, "ws-n", forms)
        docx = outbox_docx(ws)
        big.update(forms=forms, docs=len(docx), docs_per_s=len(docx) / big["seconds"])
        big["per_doc_s"] = big["seconds"] / max(1, len(docx))
        print(f"batch of {forms} forms, LibreOffice already running ...", flush=True)
        _ws_warm, warm = batch(tmp, "ws-warm", forms, warm=True)
        warm.update(docs=len(docx), docs_per_s=len(docx) / warm["seconds"])
        warm["per_doc_s"] = warm["seconds"] / max(1, len(docx))
        print(f"floor: warm LibreOffice over {len(docx)} DOCX ...", flush=True)
        results["floor"] = floor(docx, tmp)
        warm["docs_per_s_vs_floor"] = results["floor"]["docs_per_s"] / warm["docs_per_s"]
        results["batch"] = big
        results["batch_warm"] = warm
        peers = 8 if args.quick else 40
        print(f"peer: {peers} policies, pipeline then Carbone, LibreOffice up ...", flush=True)
        _ws_peer, ours = batch(tmp, "ws-peer", peers, warm=True, samples=SAMPLES[:1])
        results["peer_pipeline"] = {**ours, "forms": peers}
        results["peer"] = carbone(tmp, peers)
        # LibreOffice alone on the pipeline's own DOCX of those policies: how much of the
        # pipeline's per-document figure is conversion with our export settings (tagged)
        (tmp / "peer-floor").mkdir()
        results["peer_floor"] = floor(outbox_docx(_ws_peer), tmp / "peer-floor")
        print("CPU per stage ...", flush=True)
        results["stages"] = stages(ws, unfinished_pdf(ws))
        results["rss"] = {"10": small["rss_mb"], str(forms): big["rss_mb"]}
        results["batch_10"] = small
        results["growth"] = {"10": small["seconds"] / 10, str(forms): big["seconds"] / forms}
        if not args.quick:
            print("batch of 500 forms (growth) ...", flush=True)
            _ws500, large = batch(tmp, "ws-500", 500)
            results["batch_500"] = large
            results["rss"]["500"] = large["rss_mb"]
            results["growth"]["500"] = large["seconds"] / 500
        if args.large:
            print("batch of 1,000 forms (growth) ...", flush=True)
            _ws1000, huge = batch(tmp, "ws-1000", 1000)
            results["batch_1000"] = huge
            results["rss"]["1000"] = huge["rss_mb"]
            results["growth"]["1000"] = huge["seconds"] / 1000
        print("one-shot soffice ...", flush=True)
        results["oneshot"] = oneshot(docx, tmp, sample)
        print("watch latency ...", flush=True)
        results["watch"] = watch_latency(tmp, drops)
        print("register sync ...", flush=True)
        results["register"] = register_sync(tmp, first_policy(ws), 1000, 100)
        if args.large:
            print("register sync, 5,000 policies ...", flush=True)
            (tmp / "reg").rename(tmp / "reg-1000")
            results["register_5000"] = register_sync(tmp, first_policy(ws), 5000, 100)
    rows = table(results)
    results["table"] = rows
    width = max(len(r[0]) for r in rows)
    print(f"\n{'measure':<{width}}  {'figure':<40}  target")
    for label, figure, target in rows:
        print(f"{label:<{width}}  {figure:<40}  {target}")
    if big["rejected_count"]:
        print(f"\nwarning: {big['rejected_count']} forms rejected, e.g. {big['rejected']}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(f"\nwrote {RESULTS / 'latest.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

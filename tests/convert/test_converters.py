"""The publish stage against real LibreOffice and real pypdf.

LibreOffice ignores PDF export options it does not understand and still reports success, so
every test here checks the PDF itself (via ``inspect_pdf``), never just the exit status.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm
from pypdf import PdfReader

from pipeline.convert.base import ConversionJob, Converter, find_soffice
from pipeline.convert.factory import make_converter
from pipeline.convert.settings import ConverterSettings
from pipeline.errors import ConversionError
from pipeline.pdf.finish import PdfMetadata, inspect_pdf

HEADINGS = ["Purpose", "Who this applies to", "Review"]

pytestmark = pytest.mark.requires_libreoffice


def make_docx(path: Path, title: str) -> Path:
    """A small A4 policy: headings, body text, a table, a title and en-GB as default language."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    doc.core_properties.title = title
    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-GB")
    doc.add_heading(HEADINGS[0], level=1)
    doc.add_paragraph("This policy sets out how the council assesses eligible needs.")
    doc.add_heading(HEADINGS[1], level=2)
    table = doc.add_table(rows=2, cols=2)
    table.style = "Table Grid"
    for (r, c), text in {
        (0, 0): "Group",
        (0, 1): "Rule",
        (1, 0): "Adults",
        (1, 1): "Care Act",
    }.items():
        table.cell(r, c).text = text
    doc.add_page_break()  # type: ignore[no-untyped-call]
    doc.add_heading(HEADINGS[2], level=1)
    doc.add_paragraph("Reviewed every year by the policy team.")
    doc.save(str(path))
    return path


def metadata(title: str) -> PdfMetadata:
    return PdfMetadata(
        title=title,
        subject="Adult social care",
        author="Policy team",
        keywords="care, policy",
        version="1.3",
    )


def assert_accessible(pdf: Path, title: str) -> None:
    report = inspect_pdf(pdf)
    assert report.tagged and report.has_struct_tree
    assert report.lang == "en-GB"
    assert report.display_doc_title
    assert report.title == title
    assert report.outline == HEADINGS
    assert report.fonts_embedded
    assert report.pages == 2
    for width, height in report.page_size_mm:
        assert abs(width - 210) <= 1 and abs(height - 297) <= 1
    for word in ("eligible", "Care Act", "Reviewed every year"):
        assert word in report.text


def office_processes(marker: Path) -> list[int]:
    """Pids of live processes whose command line mentions ``marker`` (a state dir)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
            state = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if str(marker).encode() in cmdline and state != "Z":
            found.append(int(entry))
    return found


def wait_gone(marker: Path, seconds: float = 10) -> list[int]:
    deadline = time.monotonic() + seconds
    while (left := office_processes(marker)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    src = tmp_path_factory.mktemp("src")
    bad = src / "damaged.docx"
    bad.write_bytes(os.urandom(4096))
    return {
        "one": make_docx(src / "one.docx", "Eligibility policy"),
        "two": make_docx(src / "two.docx", "Charging policy"),
        "bad": bad,
    }


def batch(sources: dict[str, Path], out: Path) -> list[ConversionJob]:
    return [
        ConversionJob(sources["one"], out / "one.pdf", metadata("Eligibility policy")),
        ConversionJob(sources["bad"], out / "damaged.pdf", metadata("Damaged")),
        ConversionJob(sources["two"], out / "two.pdf", metadata("Charging policy"), draft=True),
    ]


def check_batch(converter: Converter, sources: dict[str, Path], out: Path) -> None:
    started = time.monotonic()
    results = converter.convert(batch(sources, out))
    print(f"{type(converter).__name__}: {time.monotonic() - started:.2f}s for 3 jobs")
    assert [r.ok for r in results] == [True, False, True]
    assert results[1].error and "damaged.docx" in results[1].error
    assert "Word" in results[1].error  # tells the officer what to do
    assert not (out / "damaged.pdf").exists()
    assert_accessible(out / "one.pdf", "Eligibility policy")
    # the stamp keeps tags and bookmarks, and the title says DRAFT (a screen reader hears it)
    assert_accessible(out / "two.pdf", "DRAFT – Charging policy")
    assert "DRAFT" not in inspect_pdf(out / "one.pdf").text
    reader = PdfReader(out / "two.pdf")
    assert all("DRAFT" in page.extract_text() for page in reader.pages)
    assert reader.metadata is not None and str(reader.metadata["/Version"]) == "1.3"
    assert reader.metadata.subject == "Adult social care"
    assert not list(out.glob(".*"))  # no temp files left next to the PDFs


def test_oneshot_converts_batch_and_reports_bad_document(
    sources: dict[str, Path], tmp_path: Path
) -> None:
    state = tmp_path / "state"
    with make_converter(ConverterSettings(mode="oneshot", timeout=60), state) as converter:
        check_batch(converter, sources, tmp_path / "out")
    assert wait_gone(state) == []


def test_oneshot_pdfa_claims_part_2(sources: dict[str, Path], tmp_path: Path) -> None:
    settings = ConverterSettings(mode="oneshot", pdfa=True, timeout=60)
    job = ConversionJob(
        sources["one"], tmp_path / "a.pdf", metadata("Eligibility policy"), draft=True
    )
    with make_converter(settings, tmp_path / "state") as converter:
        assert converter.convert([job])[0].ok
    assert inspect_pdf(job.pdf).pdfa_part == "2"
    assert_accessible(job.pdf, "DRAFT – Eligibility policy")  # a draft says so in its title


@pytest.mark.requires_uno
def test_warm_pool_converts_batch_and_closes_cleanly(
    sources: dict[str, Path], tmp_path: Path
) -> None:
    state = tmp_path / "state"
    converter = make_converter(ConverterSettings(mode="warm", workers=2, timeout=60), state)
    try:
        assert type(converter).__name__ == "WarmConverter"
        assert len(office_processes(state)) >= 4  # two workers, each with its soffice
        check_batch(converter, sources, tmp_path / "out")
        again = converter.convert(batch(sources, tmp_path / "again"))  # the pool stays usable
        assert [r.ok for r in again] == [True, False, True]
    finally:
        converter.close()
    assert office_processes(state) == []


@pytest.mark.requires_uno
def test_warm_pool_converts_while_later_jobs_are_still_being_made(
    sources: dict[str, Path], tmp_path: Path
) -> None:
    """The batch renders the next document while LibreOffice converts this one."""
    first = ConversionJob(sources["one"], tmp_path / "one.pdf", metadata("Eligibility policy"))
    second = ConversionJob(sources["two"], tmp_path / "two.pdf", metadata("Charging policy"))
    seen_before_second: list[bool] = []

    def jobs() -> Iterator[ConversionJob]:
        yield first
        deadline = time.monotonic() + 60
        while not first.pdf.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        seen_before_second.append(first.pdf.exists())
        yield second

    with make_converter(ConverterSettings(workers=2, timeout=60), tmp_path / "s") as converter:
        results = converter.convert(jobs())
    assert seen_before_second == [True]  # converted before the generator was exhausted
    assert [r.job for r in results] == [first, second] and all(r.ok for r in results)


@pytest.mark.requires_uno
def test_a_failure_making_jobs_stops_the_pool_cleanly(
    sources: dict[str, Path], tmp_path: Path
) -> None:
    job = ConversionJob(sources["one"], tmp_path / "one.pdf", metadata("Eligibility policy"))

    def jobs() -> Iterator[ConversionJob]:
        yield job
        raise RuntimeError("rendering failed")

    state = tmp_path / "state"
    with make_converter(ConverterSettings(workers=2, timeout=60), state) as converter:
        with pytest.raises(RuntimeError, match="rendering failed"):
            converter.convert(jobs())
        assert job.pdf.exists()  # what was already handed over was finished
        assert converter.convert([job])[0].ok  # and the pool still works
    assert wait_gone(state) == []


@pytest.mark.requires_uno
def test_warm_worker_recovers_when_soffice_is_killed(
    sources: dict[str, Path], tmp_path: Path
) -> None:
    state = tmp_path / "state"
    job = ConversionJob(sources["one"], tmp_path / "one.pdf", metadata("Eligibility policy"))
    with make_converter(ConverterSettings(mode="warm", workers=1, timeout=60), state) as converter:
        worker = converter.workers[0]  # type: ignore[attr-defined]
        first = worker.soffice_pid
        os.kill(first, signal.SIGKILL)
        assert converter.convert([job])[0].ok
        assert worker.soffice_pid != first
        assert_accessible(job.pdf, "Eligibility policy")
        os.kill(worker.soffice_pid, signal.SIGKILL)  # and again, mid-batch
        results = converter.convert([job, job])
        assert all(r.ok for r in results)
    assert wait_gone(state) == []


@pytest.mark.requires_uno
def test_warm_worker_is_recycled(
    sources: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # a relative state dir must work too
    job = ConversionJob(sources["one"], Path("one.pdf"), metadata("Eligibility policy"))
    settings = ConverterSettings(mode="warm", workers=1, recycle_after=2)
    with make_converter(settings, Path("state")) as converter:
        worker = converter.workers[0]  # type: ignore[attr-defined]
        pids = []
        for _ in range(3):
            assert converter.convert([job])[0].ok
            pids.append(worker.soffice_pid)
        assert pids[0] == pids[1] != pids[2]
    assert wait_gone(tmp_path / "state") == []


@pytest.mark.requires_uno
def test_warm_hung_document_is_stopped_and_reported(
    sources: dict[str, Path], tmp_path: Path
) -> None:
    """A timeout too short for any document stands in for a hang: the worker is killed."""
    state = tmp_path / "state"
    job = ConversionJob(sources["one"], tmp_path / "one.pdf", metadata("x"))
    settings = ConverterSettings(mode="warm", workers=1, timeout=0.01)
    with make_converter(settings, state) as converter:
        result = converter.convert([job])[0]
        assert not result.ok and result.error and "longer than" in result.error
        assert wait_gone(state) == []  # the hung office was killed, not left behind
    assert not job.pdf.exists()


def test_missing_libreoffice_says_how_to_install() -> None:
    with pytest.raises(ConversionError, match="make demo"):
        find_soffice("no-such-soffice-here")


@pytest.fixture
def converter_for_errors(tmp_path: Path) -> Iterator[Converter]:
    with make_converter(ConverterSettings(mode="oneshot"), tmp_path / "state") as converter:
        yield converter


def test_missing_and_non_word_files_are_reported_not_raised(
    converter_for_errors: Converter, tmp_path: Path
) -> None:
    text = tmp_path / "notes.docx"
    text.write_bytes(b"PK\x03\x04 not really a zip")
    jobs = [
        ConversionJob(tmp_path / "gone.docx", tmp_path / "gone.pdf", metadata("x")),
        ConversionJob(text, tmp_path / "notes.pdf", metadata("x")),
    ]
    results = converter_for_errors.convert(jobs)
    assert [r.ok for r in results] == [False, False]
    assert results[0].error and "not found" in results[0].error
    assert results[1].error and "notes.docx" in results[1].error

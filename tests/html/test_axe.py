"""Every web page the sample forms produce passes axe-core's WCAG 2.2 A/AA rules.

axe-core is nobody here's work: its script (axe 4.9) comes with the ``selenium-axe-python``
package (``axe-selenium-python``'s maintained fork; the original carries axe 3.5, which knows
no WCAG 2.1 or 2.2 rules) and
runs in Debian's own Chromium (no browser download). Each page is checked in the light and the
dark colour scheme, and at 320 CSS pixels wide (a 1280-pixel window at 400% zoom) it must not
need scrolling sideways. The pages are the sample forms', and a policy's comparison with its
previous version (its page, and the index linking it from the policy's entry).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import selenium_axe_python
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from tests.helpers.versions import Edits, published_then_changed

pytestmark = [pytest.mark.requires_chromium, pytest.mark.requires_libreoffice, pytest.mark.slow]

AXE = Path(selenium_axe_python.__file__).parent / "axe-core" / "axe.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,1000"):
        options.add_argument(arg)
    service = Service(executable_path=shutil.which("chromedriver") or "chromedriver")
    driver = webdriver.Chrome(options=options, service=service)
    try:
        yield driver
    finally:
        driver.quit()


EDITS = Edits(
    reword={"5.2": ("not entitled", "not eligible"), "8.8": ("every year", "every six months")},
    add_after={"8.5": "We will tell you in writing how your personal budget was worked out."},
    remove=frozenset({"8.11"}),
)


@pytest.fixture(scope="module")
def compared(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The comparison's pages, beside its PDF and published, and the index that links it."""
    ws, _ = published_then_changed(tmp_path_factory.mktemp("compared"), EDITS)
    found = [
        *sorted(ws.outbox.glob("*/*/changes-since-*.html")),
        *sorted(ws.publish_dir.glob("*-changes.html")),
        ws.publish_dir / "index.html",
    ]
    assert len(found) == 3 and "-changes.html" in found[2].read_text(encoding="utf-8")
    return found


def pages(outbox: Path) -> list[Path]:
    found = sorted(outbox.rglob("*.html"))
    assert (outbox / "publish" / "index.html") in found
    assert len([p for p in found if p.parent.name == "publish"]) >= 3  # index + policy + response
    return found


def violations(driver: webdriver.Chrome, page: Path, scheme: str) -> list[str]:
    driver.execute_cdp_cmd(
        "Emulation.setEmulatedMedia",
        {"features": [{"name": "prefers-color-scheme", "value": scheme}]},
    )
    driver.get(page.as_uri())
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
        ".then(r => done(JSON.stringify(r.violations)), e => done(JSON.stringify("
        "[{id: 'axe-error', help: String(e), nodes: []}])));",
        WCAG_22_AA,
    )
    return [
        f"{page.name} ({scheme}): {v['id']}: {v['help']} at "
        + ", ".join(str(n.get("target")) for n in v["nodes"][:3])
        for v in json.loads(result)
    ]


def test_axe_core_finds_no_violation_on_any_page_light_or_dark(
    browser: webdriver.Chrome, sample_outbox: Path
) -> None:
    browser.set_script_timeout(60)
    found = [
        v
        for page in pages(sample_outbox)
        for scheme in ("light", "dark")
        for v in violations(browser, page, scheme)
    ]
    assert found == []


def test_axe_core_finds_no_violation_on_a_comparison_light_or_dark(
    browser: webdriver.Chrome, compared: list[Path]
) -> None:
    browser.set_script_timeout(60)
    found = [
        v for page in compared for s in ("light", "dark") for v in violations(browser, page, s)
    ]
    assert found == []


def test_axe_core_reports_a_real_violation(browser: webdriver.Chrome, tmp_path: Path) -> None:
    """The check itself can fail: an image without alt text and a page without a language."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<!DOCTYPE html><html><head><title>x</title></head><body><main>"
        "<img src='x.png'></main></body></html>",
        encoding="utf-8",
    )
    found = violations(browser, bad, "light")
    assert any("image-alt" in v for v in found) and any("html-has-lang" in v for v in found)


def test_pages_reflow_at_400_percent_zoom(
    browser: webdriver.Chrome, sample_outbox: Path, compared: list[Path]
) -> None:
    browser.set_window_size(320 + 16, 1000)  # 1280 CSS pixels at 400%: 320 wide, as WCAG 1.4.10
    try:
        wide = []
        for page in [*pages(sample_outbox), *compared]:
            browser.get(page.as_uri())
            scroll, client = browser.execute_script(
                "return [document.documentElement.scrollWidth,"
                " document.documentElement.clientWidth];"
            )
            if scroll > client:
                wide.append(f"{page.name}: {scroll} > {client}")
        assert wide == []
    finally:
        browser.set_window_size(1280, 1000)

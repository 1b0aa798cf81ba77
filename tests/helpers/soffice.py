"""LibreOffice converting a file in a test: one way, with a profile of the test's own.

The product's converters are what the tests test; this is the independent reader the tests
check them with (does LibreOffice open the file, what text does it see).
"""

from __future__ import annotations

import subprocess
from pathlib import Path


def libreoffice(path: Path, to: str, outdir: Path) -> Path:
    """``path`` converted by LibreOffice (``to`` as ``--convert-to`` takes it) into ``outdir``.

    The profile lives beside ``outdir``, so tests never share or touch a user's profile.
    """
    profile = (outdir.parent / "lo-profile").as_uri()
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", to,
         "--outdir", str(outdir), str(path)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return outdir / f"{path.stem}.{to.split(':')[0]}"

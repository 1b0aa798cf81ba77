"""Officers' other formats (.doc, .rtf, .odt; .xls, .ods) made into .docx/.xlsx to read.

LibreOffice reads them, so refusing them as "old format" sends the officer away for nothing.
Each file, already passed by the safety gate (:mod:`pipeline.safety.check`), is converted by
its own ``soffice`` run: its own profile (:func:`~pipeline.convert.base.claim_profile`) set
so that macros never run and links to other files are never updated, under a time limit,
its process group killed afterwards. The result goes through the safety gate again before
any reader touches it.

It never converts in place, never writes next to the officer's file, and never reads the
result itself: reading is :mod:`pipeline.forms`'.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from subprocess import DEVNULL, PIPE

from pipeline.convert.base import LIVE_GROUPS, claim_profile, find_soffice, kill_group
from pipeline.convert.settings import ConverterSettings
from pipeline.errors import RejectedFile

# What each kind becomes, and the LibreOffice export filter that writes it.
TARGETS = {
    "doc": ("docx", "MS Word 2007 XML"),
    "rtf": ("docx", "MS Word 2007 XML"),
    "odt": ("docx", "MS Word 2007 XML"),
    "xls": ("xlsx", "Calc MS Excel 2007 XML"),
    "ods": ("xlsx", "Calc MS Excel 2007 XML"),
}
# The profile's settings: macros never run (security level "very high", execution off) and
# links to other files are never updated: Writer's 0 is NEVER (sw/inc/linkenum.hxx: NEVER,
# MANUAL, AUTOMATIC), Calc's 1 is LM_NEVER (sc/inc/global.hxx: LM_ALWAYS, LM_NEVER, ...).
# --convert-to itself loads without running macros or updating links; these hold if that
# ever changes (tests/convert/test_legacy.py shows both, with a control that does run them).
_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Writer/Content/Update"><prop oor:name="Link" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Content/Update"><prop oor:name="Link" oor:op="fuse"><value>1</value></prop></item>
</oor:items>
"""


def converted_name(kind: str) -> str:
    """The file a converted form is read from: "form.docx" or "form.xlsx"."""
    return f"form.{TARGETS[kind][0]}"


def convert_legacy(
    path: Path, kind: str, outdir: Path, settings: ConverterSettings, state_dir: Path
) -> Path:
    """``path`` (a ``kind`` file) as .docx/.xlsx in ``outdir``; raises :class:`RejectedFile`
    (damaged) when LibreOffice cannot read it or takes longer than the time limit."""
    ext, export = TARGETS[kind]
    outdir.mkdir(parents=True, exist_ok=True)
    source = outdir / f"form.{kind}"  # a plain name: the officer's may hold anything
    shutil.copyfile(path, source)
    with claim_profile(state_dir, "legacy") as profile:
        user = profile / "user"
        user.mkdir(exist_ok=True)
        (user / "registrymodifications.xcu").write_text(_SETTINGS, encoding="utf-8")
        cmd = [find_soffice(settings.soffice), f"-env:UserInstallation={profile.as_uri()}"]
        cmd += ["--headless", "--norestore", "--nolockcheck", "--nologo", "--nodefault"]
        cmd += ["--convert-to", f"{ext}:{export}", "--outdir", str(outdir), str(source)]
        proc = subprocess.Popen(
            cmd, stdin=DEVNULL, stdout=PIPE, stderr=subprocess.STDOUT, start_new_session=True
        )
        LIVE_GROUPS.add(proc.pid)
        try:
            proc.communicate(timeout=settings.timeout)
        except subprocess.TimeoutExpired:
            raise RejectedFile(
                "damaged file",
                f"LibreOffice took longer than {settings.timeout:.0f} seconds to open it; "
                f"open it and save it as .{ext}, then drop that",
            ) from None
        finally:
            kill_group(proc.pid)
            proc.wait()
    result = outdir / f"form.{ext}"
    if not result.exists() or result.stat().st_size == 0:
        raise RejectedFile(
            "damaged file", f"it could not be opened; open it and save it as .{ext}, then drop that"
        )
    return result

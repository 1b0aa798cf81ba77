"""The control for the converter's safety tests: LibreOffice told to do what ours refuses.

:func:`open_permissively` loads a document through UNO with macros allowed to run
(``MacroExecutionMode`` ALWAYS_EXECUTE_NO_WARN), updates its links (``updateLinks()``) and
saves it as .docx. A fixture whose macro or link does nothing here proves nothing about the
converter, so each safety test runs its document through this first.

:func:`with_macro` writes the macro-bearing fixture the way LibreOffice itself saves one.
Each call starts its own ``soffice`` (its own profile, a pipe no other process knows) and ends it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import uuid
from pathlib import Path

# Run by the Python that has python3-uno (pipeline.convert.base.find_uno_python).
_SCRIPT = r"""
import sys, time, uno
from com.sun.star.beans import PropertyValue

def prop(name, value):
    p = PropertyValue(); p.Name, p.Value = name, value; return p

action, pipe, source, target = sys.argv[1:5]
local = uno.getComponentContext()
resolver = local.ServiceManager.createInstanceWithContext(
    "com.sun.star.bridge.UnoUrlResolver", local)
deadline = time.monotonic() + 120
while True:
    try:
        ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        break
    except Exception:
        if time.monotonic() > deadline:
            raise
        time.sleep(0.5)
desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
load = [prop("Hidden", True)]
if action == "permissive":
    load += [prop("MacroExecutionMode", 4), prop("UpdateDocMode", 3)]  # always; full update
doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(source), "_blank", 0, tuple(load))
if action == "permissive":
    doc.updateLinks()
    script = "vnd.sun.star.script:Standard.Module1.Main?language=Basic&location=document"
    if doc.BasicLibraries.hasByName("Standard"):
        doc.getScriptProvider().getScript(script).invoke((), (), ())
    doc.storeToURL(uno.systemPathToFileUrl(target), (prop("FilterName", "MS Word 2007 XML"),))
else:  # "macro": the document with a Basic macro bound to its OnLoad event
    library = doc.BasicLibraries.createLibrary("Standard")
    library.insertByName("Module1", sys.argv[5])
    event = (prop("EventType", "Script"), prop("Script", script := (
        "vnd.sun.star.script:Standard.Module1.Main?language=Basic&location=document")))
    any_event = uno.Any("[]com.sun.star.beans.PropertyValue", event)
    uno.invoke(doc.Events, "replaceByName", ("OnLoad", any_event))
    doc.storeToURL(uno.systemPathToFileUrl(target), (prop("FilterName", "writer8"),))
doc.close(True)
try:
    desktop.terminate()
except Exception:
    pass
sys.stdout.flush()
import os
os._exit(0)  # the bridge to a terminated office can crash tearing down; the work is done
"""


def _run(uno_python: str, workdir: Path, *args: str) -> None:
    pipe = f"control-{uuid.uuid4().hex}"
    profile = (workdir / f"profile-{pipe}").as_uri()
    office = subprocess.Popen(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--norestore",
         "--nologo", "--nodefault", f"--accept=pipe,name={pipe};urp;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        done = subprocess.run(
            [uno_python, "-c", _SCRIPT, args[0], pipe, *args[1:]],
            capture_output=True, text=True, timeout=240,
        )  # fmt: skip
        assert done.returncode == 0, (done.returncode, done.stdout[-500:], done.stderr[-2000:])
    finally:
        try:
            office.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(office.pid, signal.SIGKILL)
            office.wait()


def with_macro(uno_python: str, odt: Path, target: Path, writes: Path, workdir: Path) -> Path:
    """``odt`` saved by LibreOffice with a Basic macro, bound to its OnLoad event, that
    writes the file ``writes`` when it runs."""
    code = (
        "Sub Main\n  Dim n As Integer\n  n = FreeFile\n"
        f'  Open "{writes}" For Output As #n\n  Print #n, "the macro ran"\n  Close #n\n'
        "End Sub\n"
    )
    _run(uno_python, workdir, "macro", str(odt), str(target), code)
    return target


def open_permissively(uno_python: str, source: Path, target: Path, workdir: Path) -> Path:
    """``source`` loaded with macros allowed, its links updated and its macro run, saved as
    ``target`` (.docx)."""
    _run(uno_python, workdir, "permissive", str(source), str(target))
    return target

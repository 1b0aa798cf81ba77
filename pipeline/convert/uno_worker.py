"""One warm LibreOffice, driven over UNO, converting .docx to PDF on request.

Run with a Python that can ``import uno`` (Debian: ``/usr/bin/python3`` with the
``python3-uno`` package); the pipeline's own virtualenv usually cannot, which is why this
is a separate script rather than a module the parent imports. It must only use the
standard library and uno.

Protocol (JSON lines): the worker prints ``{"ready": true, "soffice_pid": N}`` once its
soffice answers, then for each request line ``{"id": .., "docx": .., "pdf": ..,
"filter_data": {..}}`` prints ``{"id": .., "ok": bool, "error": str, "fatal": bool}``.
``fatal`` means soffice itself died; the worker exits after saying so and the parent
starts a fresh one. EOF or ``{"quit": true}`` on stdin shuts soffice down.

Nothing but protocol lines may reach the parent on stdout, so file descriptor 1 is pointed
at stderr and the protocol uses a private duplicate of the original stdout.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import time
import uuid
from typing import IO, Any

import uno
from com.sun.star.beans import PropertyValue

DOCX_FILTER = "MS Word 2007 XML"  # refuse to guess: random bytes would import as plain text


def _props(**values: Any) -> tuple[Any, ...]:
    result = []
    for name, value in values.items():
        prop = PropertyValue()
        prop.Name = name
        prop.Value = value
        result.append(prop)
    return tuple(result)


def _soffice_bin_pid(marker: str) -> int | None:
    """The pid of the real office process (soffice is a launcher that forks soffice.bin)."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as fh:
                argv = fh.read().split(b"\0")
        except OSError:
            continue
        if argv and argv[0].endswith(b"soffice.bin") and any(marker.encode() in a for a in argv):
            return int(entry)
    return None


class Office:
    """One soffice process with its own profile, and the UNO connection to it."""

    def __init__(self, soffice: str, profile_url: str, startup_timeout: float) -> None:
        self.pipe = f"pipeline_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        self.proc = subprocess.Popen(
            [
                soffice,
                f"-env:UserInstallation={profile_url}",
                "--headless",
                "--invisible",
                "--nologo",
                "--norestore",
                "--nodefault",
                "--nolockcheck",
                f"--accept=pipe,name={self.pipe};urp;StarOffice.ComponentContext",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=sys.stderr,
        )
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local
        )
        deadline = time.monotonic() + startup_timeout
        while True:
            try:
                ctx = resolver.resolve(f"uno:pipe,name={self.pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise RuntimeError("LibreOffice did not start") from None
                time.sleep(0.1)
        self.desktop = ctx.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", ctx
        )
        self.pid = _soffice_bin_pid(self.pipe) or self.proc.pid

    def alive(self) -> bool:
        """False once soffice has gone: the launcher exits with it, and the bridge fails."""
        if self.proc.poll() is not None:
            return False
        try:
            self.desktop.getFrames()
        except Exception:
            return False
        return True

    def convert(self, docx: str, pdf: str, filter_data: dict[str, Any]) -> None:
        doc = self.desktop.loadComponentFromURL(
            uno.systemPathToFileUrl(docx),
            "_blank",
            0,
            _props(
                Hidden=True,
                ReadOnly=True,
                FilterName=DOCX_FILTER,
                MacroExecutionMode=0,  # NEVER_EXECUTE
                UpdateDocMode=0,  # NO_UPDATE: no links fetched while publishing
            ),
        )
        if doc is None:
            raise ValueError("LibreOffice could not open the document")
        try:
            fd = uno.Any("[]com.sun.star.beans.PropertyValue", _props(**filter_data))
            doc.storeToURL(
                uno.systemPathToFileUrl(pdf),
                _props(FilterName="writer_pdf_Export", FilterData=fd),
            )
        finally:
            with contextlib.suppress(Exception):
                doc.close(True)

    def shutdown(self) -> None:
        with contextlib.suppress(Exception):
            self.desktop.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def _reply(out: IO[str], message: dict[str, Any]) -> None:
    out.write(json.dumps(message) + "\n")
    out.flush()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--soffice", required=True)
    parser.add_argument("--profile-url", required=True)
    parser.add_argument("--startup-timeout", type=float, default=60.0)
    args = parser.parse_args()

    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    try:
        office = Office(args.soffice, args.profile_url, args.startup_timeout)
    except Exception as exc:
        _reply(out, {"ready": False, "error": str(exc)})
        return 1
    _reply(out, {"ready": True, "soffice_pid": office.pid})
    try:
        for line in sys.stdin:
            request = json.loads(line)
            if request.get("quit"):
                break
            try:
                office.convert(request["docx"], request["pdf"], request["filter_data"])
                _reply(out, {"id": request["id"], "ok": True})
            except Exception as exc:
                fatal = not office.alive()
                _reply(
                    out,
                    {"id": request["id"], "ok": False, "fatal": fatal, "error": str(exc)},
                )
                if fatal:
                    return 2
    finally:
        office.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())

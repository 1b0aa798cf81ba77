"""Errors meant for people.

Every failure a user can act on is a :class:`PipelineError` whose message is written for
the person who will read it (an officer, a manager or the administrator). The CLI catches
these at the edge and prints ``Error: <message>`` with the error's exit code; anything else
is a bug and exits 3 with the traceback written to a log.
"""

from __future__ import annotations


class PipelineError(Exception):
    """An expected failure, with a message a person can act on."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ConfigError(PipelineError):
    """The workspace, its pipeline.toml or the framework file is wrong."""


class FrameworkError(ConfigError):
    """The framework data file cannot be used; the message names the file and line."""


class WorkspaceNotFound(ConfigError):
    """No pipeline.toml in the current folder or any folder above it."""


class RejectedFile(PipelineError):
    """A dropped file that cannot be read as one of our forms.

    ``reason`` is a short phrase for the summary table ("encrypted or password-protected");
    ``message`` says what to do about it.
    """

    exit_code = 1

    def __init__(self, reason: str, advice: str = "") -> None:
        message = reason if not advice else f"{reason}: {advice}"
        super().__init__(message)
        self.reason = reason
        self.advice = advice


class ConversionError(PipelineError):
    """LibreOffice could not turn a document into a PDF."""

    exit_code = 1


class UnsafePath(PipelineError):
    """A path the pipeline was about to write would leave its folder, or cannot be a name.

    Raised by :func:`pipeline.paths.safe_path`; values from forms are checked long before,
    so this means a check was missed or the folder holds a link that leads elsewhere.
    """


class Fault(PipelineError):
    """The machine or its folders failed the pipeline, not a form: a full disk, a share gone.

    Made by :func:`pipeline.faults.explain`; the message says what happened, where, and what
    to do. The forms waiting are safe: a batch cut short hands its claims back.
    """


class ConverterUnavailable(ConversionError):
    """LibreOffice is not installed where pipeline.toml says, or will not start: a setup fault."""

    exit_code = 2

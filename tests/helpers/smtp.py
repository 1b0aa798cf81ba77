"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives, and stops cleanly.

It can be stopped and started again on the same port, as a mail server that goes down and
comes back. Each message is kept as the parsed email with its envelope recipients.
"""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


@dataclass(frozen=True)
class Received:
    recipients: tuple[str, ...]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def body(self) -> str:
        part = self.message.get_body(("plain",))
        assert part is not None
        return str(part.get_content()).replace("\r\n", "\n")  # type: ignore[attr-defined]

    def attachments(self) -> dict[str, str]:
        return {
            str(a.get_filename()): str(a.get_content()).replace("\r\n", "\n")  # type: ignore[attr-defined]
            for a in self.message.iter_attachments()
        }


class _Keep:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_RCPT(  # noqa: N802
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if address in self.server.refusing:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        with self.server.lock:
            self.server.received.append(Received(tuple(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SmtpServer:
    """``start()``, ``stop()``, ``received`` (a list, in arrival order), ``port``;
    ``refusing``: addresses it turns away."""

    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[Received] = []
        self.lock = threading.Lock()
        self.refusing: set[str] = set()  # recipients the server answers 550
        self._controller: Controller | None = None

    def start(self) -> None:
        assert self._controller is None
        self._controller = Controller(_Keep(self), hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def to(self, address: str) -> list[Received]:
        with self.lock:
            return [r for r in self.received if address in r.recipients]

    def mail_settings(self, sender: str = "pipeline@council.example", manager: str = "") -> str:
        """The ``[mail]`` section of pipeline.toml pointing at this server."""
        text = f'\n[mail]\nhost = "127.0.0.1"\nport = {self.port}\nstarttls = false\n'
        text += f'from = "{sender}"\ntimeout = 5\n'
        return text + (f'manager = "{manager}"\n' if manager else "")

"""A real SMTP server for tests (aiosmtpd), in this process or as its own process.

As its own process (`python -m mysteryshop.tests.smtp PORT DIRECTORY`) it writes each message
it accepts to DIRECTORY as a numbered .eml file, so a test can stop it (the mail server is
down), start it again, and count what arrived.
"""

from __future__ import annotations

import email
import email.policy
import socket
import sys
import threading
import time
from pathlib import Path

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Collector:
    """Keeps every message it accepts; refuses (550) the addresses in `refuse`."""

    def __init__(self, directory: Path | None = None, refuse: tuple[str, ...] = ()):
        self.directory = directory
        self.refuse = set(refuse)
        self.messages: list[email.message.Message] = []
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd's hook names)
        if address in self.refuse:
            return "550 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append(message)
            if self.directory is not None:
                name = f"{time.time_ns()}-{len(self.messages):06d}.eml"
                (self.directory / f".{name}").write_bytes(envelope.content)
                (self.directory / f".{name}").rename(self.directory / name)  # whole files only
        return "250 Message accepted for delivery"


class SMTPServer:
    """An aiosmtpd server on 127.0.0.1 in a thread of this process."""

    def __init__(self, port: int | None = None, **collector):
        self.port = port or free_port()
        self.collector = Collector(**collector)
        self._controller = Controller(self.collector, hostname="127.0.0.1", port=self.port)

    @property
    def messages(self):
        return self.collector.messages

    def start(self):
        self._controller.start()
        return self

    def stop(self):
        self._controller.stop()


def messages_in(directory: Path) -> list[email.message.Message]:
    """The messages a server process wrote into `directory`, oldest first."""
    return [
        email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        for path in sorted(directory.glob("*.eml"))
    ]


if __name__ == "__main__":
    port, directory = int(sys.argv[1]), Path(sys.argv[2])
    server = SMTPServer(port, directory=directory).start()
    print(f"SMTP server listening on 127.0.0.1:{port}", flush=True)
    try:
        threading.Event().wait()
    finally:
        server.stop()

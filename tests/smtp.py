"""A real SMTP server on 127.0.0.1 (aiosmtpd) that tests start, send to, and read back."""

import asyncio
import contextlib
import email
import os
import socket
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from tests.listeners import closed_port


def free_port() -> int:
    """A port with nothing listening: the first free one of TEST_SMTP_PORTS ("8150-8159") when a
    machine shared by several people gives each a range, else one the system picks."""
    span = os.environ.get("TEST_SMTP_PORTS", "")
    if not span:
        return closed_port()
    first, last = (int(part) for part in span.split("-"))
    for port in range(first, last + 1):
        with contextlib.suppress(OSError), socket.socket() as probe:
            probe.bind(("127.0.0.1", port))
            return port
    raise RuntimeError(f"No free port in TEST_SMTP_PORTS={span}")


class Inbox:
    """What the server received: each message with the envelope's recipients."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.received: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        # A slow server keeps a sender inside its transaction, so that runs overlap.
        await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.received.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [message for recipients, message in self.received if address in recipients]

    def recipients(self) -> list[str]:
        return sorted(address for recipients, _ in self.received for address in recipients)


@contextlib.contextmanager
def smtp_server(delay: float = 0.0, port: int | None = None) -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox(delay)
    port = port or free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def parts(message: EmailMessage) -> tuple[str, str]:
    """The plain text and the HTML of a message."""
    return (
        message.get_body(preferencelist=("plain",)).get_content(),
        message.get_body(preferencelist=("html",)).get_content(),
    )

"""The one way the project sends e-mail.

Every e-mail goes through `send_email`: it is rendered now, inside the request or
task that decides to send it, and leaves only once that transaction commits, so a
rolled-back change never tells anyone anything. A mail server that is down or slow
must never fail or hold up a request.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string

from .links import site_url

logger = logging.getLogger(__name__)

Attachment = tuple[str, bytes, str]  # file name, content, MIME type


def send_email(
    *,
    to: str | Iterable[str],
    subject: str,
    template: str,
    context: dict | None = None,
    attachments: Iterable[Attachment] = (),
) -> None:
    """Send one e-mail to each address in `to` (each on their own) once the transaction commits.

    `template` is a plain-text template; its context always has `site_url`. Empty
    addresses are skipped.
    """
    addresses = [to] if isinstance(to, str) else list(to)
    context = {"site_url": site_url(), **(context or {})}
    body = render_to_string(template, context)
    attachments = list(attachments)
    messages = []
    for address in filter(None, addresses):
        message = EmailMessage(subject, body, to=[address])
        for name, content, mimetype in attachments:
            message.attach(name, content, mimetype)
        messages.append(message)
    if messages:
        transaction.on_commit(lambda: _deliver(messages))


def _deliver(messages: list[EmailMessage]) -> None:
    for message in messages:
        try:
            message.send()
        except Exception:
            logger.exception("Could not send %r.", message.subject)

"""Outbox: messages to citizens (and anybody else) by e-mail or SMS.

A message is first a row (``queue``): recipient, channel, subject, body, the
record it is about, status, attempts, last error. Sending happens after the
record's transaction (``send_queued``) and again from ``flask ozelkalem
outbox`` (cron): a mail server that is down leaves the message queued with the
error and it goes out on a later run; after ``OUTBOX_MAX_ATTEMPTS`` failures it
is marked failed (still in the table, with the last error, for a person to see).

E-mail goes through SMTP as configured (``SMTP_HOST``, ``SMTP_PORT``,
``SMTP_USER``, ``SMTP_PASSWORD``, ``SMTP_STARTTLS``, ``SMTP_FROM``,
``SMTP_TIMEOUT``: app config, else the environment). SMS goes through an
adapter (``SMS_BACKEND = "package.module:Class"``, a :class:`SmsBackend`); the
default backend writes the message to the log and leaves it in the outbox
table marked sent, so an operator can plug a provider in without code here.
"""
from __future__ import annotations

import datetime as dt
import importlib
import logging
import os
import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import click
from flask import current_app
from flask_appbuilder import Model
from sqlalchemy import Column, DateTime, Integer, String, Text

from app.extensions import db

log = logging.getLogger("ozelkalem.outbox")

QUEUED, SENT, FAILED = "queued", "sent", "failed"
STATUS_LABELS = {QUEUED: "Sırada", SENT: "Gönderildi", FAILED: "Gönderilemedi"}
CHANNELS = {"email": "E-posta", "sms": "SMS"}


class OutboxMessage(Model):
    __tablename__ = "outbox_message"
    id = Column(Integer, primary_key=True)
    channel = Column(String(10), nullable=False)             # email | sms
    recipient = Column(String(200), nullable=False)
    subject = Column(String(200), nullable=False, default="")
    body = Column(Text, nullable=False, default="")
    register = Column(String(64), index=True)                # the record it is about
    record_id = Column(Integer, index=True)
    status = Column(String(10), nullable=False, default=QUEUED, index=True)
    attempts = Column(Integer, nullable=False, default=0)
    last_error = Column(String(500))
    created_at = Column(DateTime, nullable=False, default=dt.datetime.now)
    sent_at = Column(DateTime)

    def status_label(self):
        return STATUS_LABELS.get(self.status, self.status)

    def channel_label(self):
        return CHANNELS.get(self.channel, self.channel)


def _setting(name, default=None):
    value = current_app.config.get(name)
    if value is None:
        value = os.environ.get(name, default)
    return default if value is None else value


def queue(channel, recipient, subject, body, record=None) -> OutboxMessage | None:
    """Add a message to the outbox (in the caller's transaction)."""
    recipient = (recipient or "").strip()
    if channel not in CHANNELS or not recipient:
        return None
    message = OutboxMessage(channel=channel, recipient=recipient[:200], subject=(subject or "")[:200],
                            body=body or "", status=QUEUED, attempts=0,
                            register=getattr(record, "__tablename__", None),
                            record_id=getattr(record, "id", None))
    db.session.add(message)
    return message


# -- transports -----------------------------------------------------------------


class SmsBackend:
    """Interface of an SMS provider: ``send`` raises on failure."""

    def send(self, recipient: str, body: str) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class LogSmsBackend(SmsBackend):
    """Default: no provider. The message is written to the log; the outbox row
    (marked sent) is the record an operator reads."""

    def send(self, recipient, body):
        log.info("SMS (kayıt) %s: %s", recipient, body)


def sms_backend() -> SmsBackend:
    path = _setting("SMS_BACKEND", "")
    if not path:
        return LogSmsBackend()
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)()


def send_email(recipient, subject, body):
    msg = EmailMessage()
    msg["From"] = _setting("SMTP_FROM", "ozelkalem@localhost")
    msg["To"] = recipient
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain="ozelkalem")
    msg.set_content(body, cte="quoted-printable")   # 7-bit safe for any server
    host, port = _setting("SMTP_HOST", "localhost"), int(_setting("SMTP_PORT", 25))
    with smtplib.SMTP(host, port, timeout=float(_setting("SMTP_TIMEOUT", 5))) as smtp:
        if str(_setting("SMTP_STARTTLS", "")).lower() in ("1", "true", "yes"):
            smtp.starttls()
        user = _setting("SMTP_USER", "")
        if user:
            smtp.login(user, _setting("SMTP_PASSWORD", ""))
        smtp.send_message(msg)


def deliver(message: OutboxMessage):
    if message.channel == "email":
        send_email(message.recipient, message.subject, message.body)
    else:
        sms_backend().send(message.recipient, message.body)


def send_queued(ids=None, limit=200) -> dict:
    """Try every queued message (or those in ``ids``) once; commit each
    result. Returns counts {sent, queued, failed}."""
    max_attempts = int(_setting("OUTBOX_MAX_ATTEMPTS", 10))
    query = db.session.query(OutboxMessage).filter(OutboxMessage.status == QUEUED)
    if ids is not None:
        if not ids:
            return {SENT: 0, QUEUED: 0, FAILED: 0}
        query = query.filter(OutboxMessage.id.in_(list(ids)))
    counts = {SENT: 0, QUEUED: 0, FAILED: 0}
    for message in query.order_by(OutboxMessage.id).limit(limit).all():
        message.attempts = (message.attempts or 0) + 1
        try:
            deliver(message)
        except Exception as exc:  # noqa: BLE001 - any transport error keeps it queued
            message.last_error = f"{type(exc).__name__}: {exc}"[:500]
            message.status = FAILED if message.attempts >= max_attempts else QUEUED
            log.warning("Outbox %s to %s not sent (attempt %s): %s", message.id, message.recipient,
                        message.attempts, message.last_error)
        else:
            message.status, message.sent_at, message.last_error = SENT, dt.datetime.now(), None
            log.info("Outbox %s sent to %s by %s", message.id, message.recipient, message.channel)
        counts[message.status] += 1
        db.session.commit()
    return counts


def send_soon(messages):
    """After the caller's commit: one immediate try of these messages. A
    failure is not the caller's failure (the message stays queued)."""
    ids = [m.id for m in messages if m is not None and m.id is not None]
    if not ids:
        return None
    try:
        return send_queued(ids)
    except Exception:  # noqa: BLE001
        db.session.rollback()
        log.exception("Outbox: immediate send failed; messages stay queued")
        return None


def _register_command():
    from app.cli import group

    @group.command("outbox")
    @click.option("--rounds", default=3, show_default=True, help="Deneme turu (turlar arasında bekler)")
    @click.option("--wait", default=5.0, show_default=True, help="Turlar arası bekleme (saniye)")
    def outbox_command(rounds, wait):
        """Sıradaki e-posta/SMS mesajlarını gönderir (gönderilemeyen sırada kalır)."""
        import time

        total = {SENT: 0, QUEUED: 0, FAILED: 0}
        for attempt in range(max(1, rounds)):
            counts = send_queued()
            for key, value in counts.items():
                total[key] += value if key != QUEUED else 0
            if not counts[QUEUED]:
                break
            if attempt + 1 < rounds:
                time.sleep(max(0.0, wait))
        waiting = db.session.query(OutboxMessage).filter(OutboxMessage.status == QUEUED).count()
        click.echo(f"Gönderildi: {total[SENT]}, sırada: {waiting}, gönderilemedi: {total[FAILED]}")


_register_command()

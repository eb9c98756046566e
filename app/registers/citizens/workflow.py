"""Stages of a citizen's request, who may move them, and the messages the
citizen gets. Every change is a ``RequestStage`` row (note, who, when) and an
audit entry; the view only calls :func:`move` and :func:`record_contact`.

Who may do what (tested as a matrix in tests/test_citizens.py):

* Memur (and anybody with edit on the register): record, forward to the unit,
  mark in progress, resolved, ask the citizen for confirmation, record a
  contact attempt.
* Müdür (or an active proxy, "Müdür V.") and Admin: all of that, plus close,
  reject, "outside our authority" and back steps (reason required).
"""
from __future__ import annotations

import datetime as dt

from flask import g

from app.core import approval, audit, outbox
from app.extensions import db
from app.registers.citizens.models import (
    COZULDU, FINAL, ILETILDI, ISLEMDE, KAPANDI, KAYIT, REDDEDILDI, STAGES, TEYIT, YETKI_DISI,
    CitizenRequest, RequestStage,
)

CLERK_MOVES = {(KAYIT, ILETILDI), (ILETILDI, ISLEMDE), (ISLEMDE, COZULDU), (COZULDU, TEYIT)}
BACK_STEPS = {(ILETILDI, KAYIT), (ISLEMDE, ILETILDI), (COZULDU, ISLEMDE), (TEYIT, COZULDU),
              (KAPANDI, ISLEMDE), (REDDEDILDI, KAYIT), (YETKI_DISI, KAYIT)}
REFUSALS = {(s, t) for s in (KAYIT, ILETILDI, ISLEMDE) for t in (REDDEDILDI, YETKI_DISI)}
DIRECTOR_MOVES = CLERK_MOVES | BACK_STEPS | REFUSALS | {(TEYIT, KAPANDI)}
NEEDS_REASON = BACK_STEPS | REFUSALS

DEFAULT_SETTINGS = {
    "citizens_kvkk_version": "2026-1",
    "citizens_contact_attempts": "3",
    "citizens_reminder_days": "3",
    "citizens_msg_iletildi": "{number} numaralı başvurunuz {unit} birimine iletildi. Durumu {url} adresinden "
                             "takip edebilirsiniz.",
    "citizens_msg_islemde": "{number} numaralı başvurunuz üzerinde çalışılıyor.",
    "citizens_msg_cozuldu": "{number} numaralı başvurunuz çözüldü. Sonucu teyit etmek için sizi arayacağız.",
    "citizens_msg_teyit": "",
    "citizens_msg_kapandi": "{number} numaralı başvurunuz kapatıldı. Teşekkür ederiz.",
    "citizens_msg_reddedildi": "{number} numaralı başvurunuz sonuçlandırılamadı: {note}",
    "citizens_msg_yetki_disi": "{number} numaralı başvurunuz belediyemizin yetki alanı dışındadır: {note}",
}
TEMPLATE_STAGES = [ILETILDI, ISLEMDE, COZULDU, TEYIT, KAPANDI, REDDEDILDI, YETKI_DISI]


class StageError(Exception):
    """A refused move; the message is shown to the user (Turkish)."""


def settings() -> dict:
    from app.settings.models import get_settings

    values = get_settings()
    return {key: values.get(key, default) for key, default in DEFAULT_SETTINGS.items()}


def required_attempts() -> int:
    try:
        return max(1, int(settings()["citizens_contact_attempts"]))
    except ValueError:
        return 3


def is_director(user) -> bool:
    names = {r.name for r in getattr(user, "roles", [])}
    return "Admin" in names or approval.approver_title(user) is not None


def allowed_moves(item: CitizenRequest, user) -> list[str]:
    moves = DIRECTOR_MOVES if is_director(user) else CLERK_MOVES
    return [to for (frm, to) in sorted(moves, key=lambda m: _order(m[1])) if frm == item.stage]


def _order(stage):
    order = [KAYIT, ILETILDI, ISLEMDE, COZULDU, TEYIT, KAPANDI, REDDEDILDI, YETKI_DISI]
    return order.index(stage)


def is_back_step(item, to) -> bool:
    return (item.stage, to) in BACK_STEPS


def public_status_url() -> str:
    from flask import url_for

    from app.settings.models import get_settings

    base = (get_settings().get("public_url") or "").strip().rstrip("/")
    path = url_for("RequestStatusView.index")
    return base + path if base else url_for("RequestStatusView.index", _external=True)


def close_problem(item) -> str | None:
    if item.confirmed():
        return None
    needed, failed = required_attempts(), item.contact_failures()
    if failed >= needed:
        return None
    return (f"Başvuru kapatılamaz: vatandaşın teyidi alınmadı ve kayıtlı başarısız ulaşma denemesi "
            f"{failed} (en az {needed} gerekir). Önce vatandaşa ulaşıp sonucu kaydedin.")


def move(item: CitizenRequest, to: str, user, note="", public=False, inform=False) -> RequestStage:
    note = (note or "").strip()
    if item.archived:
        raise StageError("Arşivdeki başvurunun aşaması değiştirilemez.")
    if to not in STAGES:
        raise StageError("Bilinmeyen aşama.")
    if (item.stage, to) not in DIRECTOR_MOVES:
        raise StageError(f"“{STAGES[item.stage]}” aşamasından “{STAGES[to]}” aşamasına geçilemez.")
    if to not in allowed_moves(item, user):
        raise StageError(f"“{STAGES[to]}” aşamasına yalnızca Müdür (veya vekili) geçirebilir.")
    if (item.stage, to) in NEEDS_REASON and not note:
        raise StageError("Bu işlem için gerekçe yazın (not alanı).")
    if to == KAPANDI:
        problem = close_problem(item)
        if problem:
            raise StageError(problem)
    row = RequestStage(request=item, kind="stage", from_stage=item.stage, to_stage=to, note=note[:2000],
                       public=bool(public), user_id=getattr(user, "id", None), at=dt.datetime.now())
    db.session.add(row)
    before = item.stage
    item.stage, item.stage_at = to, row.at
    item.closed_at = row.at if to in FINAL else None
    audit.record(item.__tablename__, item.id, "state",
                 f"{STAGES[before]} → {STAGES[to]}" + (f"; not: {note[:200]}" if note and public else ""),
                 commit=False)
    if inform:
        row.informed = bool(inform_citizen(item, to, note if public else ""))
    return row


def record_contact(item: CitizenRequest, result: str, channel: str, user, note="") -> RequestStage:
    from app.registers.citizens.models import CONTACT_CHANNELS, CONTACT_RESULTS

    if item.archived:
        raise StageError("Arşivdeki başvuruya görüşme sonucu kaydedilemez.")
    if item.stage != TEYIT:
        raise StageError("Vatandaşla görüşme sonucu yalnızca “Vatandaş teyidi” aşamasında kaydedilir.")
    if result not in CONTACT_RESULTS or channel not in CONTACT_CHANNELS:
        raise StageError("Görüşme sonucunu ve yolunu seçin.")
    row = RequestStage(request=item, kind="contact", contact_result=result, contact_channel=channel,
                       note=(note or "").strip()[:2000], cycle=item.confirmation_cycle(),
                       user_id=getattr(user, "id", None), at=dt.datetime.now())
    db.session.add(row)
    audit.record(item.__tablename__, item.id, "state", f"{CONTACT_RESULTS[result]} ({CONTACT_CHANNELS[channel]})",
                 commit=False)
    return row


class _Blank(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def message_text(item, stage, note="") -> str:
    template = settings().get(f"citizens_msg_{stage}") or ""
    if not template.strip():
        return ""
    values = _Blank(number=item.number or "", stage=STAGES.get(stage, stage), note=note or "",
                    unit=str(item.unit or ""), category=str(item.category or ""),
                    date=dt.date.today().strftime("%d.%m.%Y"), url=public_status_url())
    try:
        return template.format_map(values)
    except (ValueError, IndexError, AttributeError, KeyError):
        return template     # a template saved before the settings screen checked it


def inform_citizen(item, stage, note="") -> list:
    """Queue the stage's message to the citizen: e-mail when there is an
    address, SMS when there is a phone. Returns the queued messages."""
    body = message_text(item, stage, note)
    if not body:
        return []
    subject = f"Başvurunuz {item.number}: {STAGES.get(stage, stage)}"
    queued = [outbox.queue("email", item.citizen_email, subject, body, item),
              outbox.queue("sms", item.citizen_phone, subject, body, item)]
    messages = [m for m in queued if m is not None]
    g.setdefault("ozk_outbox", []).extend(messages)
    return messages


def send_pending_messages():
    """After the commit: try the messages this request queued once."""
    messages = g.pop("ozk_outbox", [])
    if messages:
        outbox.send_soon(messages)

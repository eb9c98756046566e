"""Printing a register record: builds the PDF context (letterhead from the
settings, number, date, approval block, verification code) and audits the
print. The verification page checks a paper copy against the register."""
from __future__ import annotations

import base64
import hashlib
import hmac

import json
import threading
import time
from collections import defaultdict, deque

from flask import abort, current_app, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access

from app.core import approval, audit, turkish
from app.extensions import db


def verification_code(item) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    msg = f"{item.__tablename__}:{item.id}:{getattr(item, 'number', '')}:{item.decided_at}".encode()
    digest = hmac.new(key, msg, hashlib.sha256).digest()
    return base64.b32encode(digest)[:10].decode()


def letterhead():
    from app.settings.models import get_settings
    from app.settings.views import logo_path

    s = get_settings()
    return {"municipality": s["municipality"], "unit": s["unit"], "detsis": s["detsis"],
            "address": s["address"], "phone": s["phone"], "email": s["email"], "web": s["web"],
            "logo_path": logo_path()}


def fingerprint(title, number, date, fields, signatures, notes, approved_at) -> str:
    """A short SHA-256 of what the paper says: the verification page shows it,
    so a reader can see whether the printed content is the registered one."""
    payload = json.dumps([str(title), number, date, [[str(k), str(v)] for k, v in fields],
                          [[str(s.get("title")), str(s.get("name"))] for s in signatures],
                          str(notes or ""), approved_at], ensure_ascii=False)
    digest = hashlib.sha256(payload.encode()).hexdigest().upper()
    return "-".join(digest[i:i + 4] for i in range(0, 16, 4))


def public_verification_url(item, code) -> str:
    """The verification page's address as printed: the installation's public
    address from the settings (Ayarlar → Genel adres), else this request's host."""
    from app.settings.models import get_settings

    path = url_for("PublicVerifyView.verify", register=item.__tablename__, pk=item.id, code=code)
    base = (get_settings().get("public_url") or "").strip().rstrip("/")
    if base:
        return base + path
    return url_for("PublicVerifyView.verify", register=item.__tablename__, pk=item.id, code=code,
                   _external=True)


def user_name(user_id) -> str:
    """The full name of a login (who drew up or approved a printed record)."""
    from flask_appbuilder.security.sqla.models import User

    user = db.session.get(User, user_id) if user_id else None
    return user.get_full_name() if user else ""


def doc_context(view, item, title, fields, signatures, date=None, notes=None):
    from app.core.customfields import pdf_fields

    approved = getattr(item, "state", None) == approval.APPROVED
    decider = getattr(item, "decided_by", None)
    code = verification_code(item) if approved else None
    day = turkish.format_day(date or item.created_at)
    approved_at = turkish.format_date(getattr(item, "decided_at", None))
    return {
        "title": title,
        "number": getattr(item, "number", None),
        "date": day,
        "approved": approved,
        "approver_name": decider.get_full_name() if decider else "",
        "approver_title": getattr(item, "decided_as", "") or "",
        "approved_at": approved_at,
        "verification_code": code,
        "verification_url": public_verification_url(item, code) if code else None,
        "fingerprint": fingerprint(title, getattr(item, "number", None), day, fields, signatures,
                                   notes, approved_at) if code else None,
        # + the fields added from the screen and marked "PDF" (printed, but not in the
        # fingerprint: a later change of the configuration must not make an approved
        # printout look altered; an approved record's values are locked anyway)
        "fields": list(fields or []) + pdf_fields(item),
        "signatures": signatures,
        "notes": notes,
    }


def record_pdf_response(view, item):
    from app.core.pdf import pdf_response, render_pdf

    ctx = view.pdf_context(item)
    extra = ctx.pop("extra", {})
    pdf = render_pdf(view.pdf_template, letterhead=letterhead(), doc=ctx, **extra)
    audit.record(item.__tablename__, item.id, "print", ctx.get("title"))
    return pdf_response(pdf, filename=f"{item.display_number()}.pdf")


class VerifyView(BaseView):
    """The old, logged-in address of the check: sends to the public page."""

    route_base = "/verify"

    @expose("/<register>/<int:pk>")
    @has_access
    def verify(self, register, pk):
        return redirect(url_for("PublicVerifyView.verify", register=register, pk=pk,
                                code=request.args.get("code", "")))


_HITS: dict = defaultdict(deque)
_HITS_LOCK = threading.Lock()


def _rate_limited() -> bool:
    """``VERIFY_RATE_LIMIT`` checks per minute and address (default 30)."""
    limit = int(current_app.config.get("VERIFY_RATE_LIMIT", 30))
    now = time.monotonic()
    key = request.remote_addr or "?"
    with _HITS_LOCK:
        hits = _HITS[key]
        while hits and now - hits[0] > 60:
            hits.popleft()
        if len(hits) >= limit:
            return True
        hits.append(now)
    return False


class PublicVerifyView(BaseView):
    """What the QR code on a printed document opens, without a login: does a
    document with this number and code exist, its register, date, state and
    the fingerprint of its printed content. No personal data."""

    route_base = "/dogrula"

    @expose("/<register>/<int:pk>")
    def verify(self, register, pk):
        from app.core.registry import REGISTRY
        from app.extensions import appbuilder

        if _rate_limited():
            return self.render_template("verify.html", limited=True, doc=None,
                                        title="Belge doğrulama"), 429
        code = (request.args.get("code") or "").strip().upper()[:40]
        entry = next((e for e in REGISTRY if e.model.__tablename__ == register), None)
        item = db.session.get(entry.model, pk) if entry is not None else None
        valid = bool(item is not None and code and not item.archived
                     and getattr(item, "state", None) == approval.APPROVED
                     and entry.view.pdf_template
                     and hmac.compare_digest(verification_code(item), code))
        doc = None
        if valid:
            view = next(v for v in appbuilder.baseviews if v.__class__ is entry.view)
            ctx = view.pdf_context(item)
            doc = {"register": str(entry.label), "number": ctx.get("number") or "",
                   "title": ctx.get("title"), "date": ctx.get("date"),
                   "state": item.state_label(), "approved_at": ctx.get("approved_at"),
                   "fingerprint": ctx.get("fingerprint"), "code": code}
        return self.render_template("verify.html", limited=False, doc=doc, code=code,
                                    title="Belge doğrulama"), (200 if valid else 404)

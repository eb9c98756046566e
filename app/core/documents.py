"""Printing a register record: builds the PDF context (letterhead from the
settings, number, date, approval block, verification code) and audits the
print. The verification page checks a paper copy against the register."""
from __future__ import annotations

import base64
import hashlib
import hmac

from flask import abort, current_app, request, url_for
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


def doc_context(view, item, title, fields, signatures, date=None, notes=None):
    approved = getattr(item, "state", None) == approval.APPROVED
    decider = getattr(item, "decided_by", None)
    code = verification_code(item) if approved else None
    return {
        "title": title,
        "number": getattr(item, "number", None),
        "date": turkish.format_day(date or item.created_at),
        "approved": approved,
        "approver_name": decider.get_full_name() if decider else "",
        "approver_title": getattr(item, "decided_as", "") or "",
        "approved_at": turkish.format_date(getattr(item, "decided_at", None)),
        "verification_code": code,
        "verification_url": url_for("VerifyView.verify", register=item.__tablename__, pk=item.id,
                                    code=code, _external=True) if code else None,
        "fields": fields,
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
    route_base = "/verify"

    @expose("/<register>/<int:pk>")
    @has_access
    def verify(self, register, pk):
        from app.core.register import REGISTRY

        entry = next((e for e in REGISTRY if e.model.__tablename__ == register), None)
        if entry is None:
            abort(404)
        item = db.session.get(entry.model, pk)
        code = request.args.get("code", "")
        valid = bool(item is not None and getattr(item, "state", None) == approval.APPROVED
                     and hmac.compare_digest(verification_code(item), code))
        return self.render_template("verify.html", item=item, valid=valid, code=code, entry=entry,
                                    title="Belge doğrulama")

"""The citizen's status page (no login): tracking number + the last four
digits of the phone → stage, dates and public notes. No personal data;
limited per client address and per tracking number (in-process counters like
the document verification page, app/core/documents.py)."""
from __future__ import annotations

import hmac
import threading
import time
from collections import defaultdict, deque

from flask import current_app, request
from flask_appbuilder import BaseView, expose

from app.core import turkish
from app.extensions import db
from app.registers.citizens.models import FINAL, PATH, STAGES, CitizenRequest

_HITS: dict = defaultdict(deque)
_LOCK = threading.Lock()


def _limited(key, limit, window=60.0, count=True) -> bool:
    now = time.monotonic()
    with _LOCK:
        hits = _HITS[key]
        while hits and now - hits[0] > window:
            hits.popleft()
        if len(hits) >= limit:
            return True
        if count:
            hits.append(now)
    return False


def reset_limits():
    with _LOCK:
        _HITS.clear()


def public_view(item) -> dict:
    """What the status page may show: no name, phone, e-mail, address or description."""
    rows = [s for s in item.stages if s.kind == "stage"]
    passed = {s.to_stage for s in rows}
    steps = [{"label": STAGES[s], "done": s in passed or s == item.stage,
              "current": s == item.stage} for s in PATH]
    return {
        "number": item.number,
        "category": str(item.category or ""),
        "unit": str(item.unit or ""),
        "received": turkish.format_day(item.received_on),
        "due": turkish.format_day(item.due_date) if item.due_date else "",
        "stage": STAGES.get(item.stage, item.stage),
        "final": item.stage in FINAL,
        "steps": steps,
        "history": [{"at": turkish.format_date(s.at), "stage": STAGES.get(s.to_stage, s.to_stage),
                     "note": s.note if s.public else ""} for s in rows],
    }


class RequestStatusView(BaseView):
    route_base = "/basvuru"
    default_view = "index"

    @expose("/", methods=["GET", "POST"])
    def index(self):
        number = (request.values.get("number") or "").strip().upper()[:20]
        last4 = (request.values.get("last4") or "").strip()[:8]
        error, found, status = None, None, 200
        if request.method == "POST":
            per_address = int(current_app.config.get("STATUS_RATE_LIMIT", 20))
            per_number = int(current_app.config.get("STATUS_NUMBER_LIMIT", 5))
            if _limited(("addr", request.remote_addr or "?"), per_address):
                error, status = ("Kısa sürede çok sayıda sorgulama yapıldı. Lütfen bir dakika sonra "
                                 "yeniden deneyin."), 429
            elif not number or not (len(last4) == 4 and last4.isdigit()):
                error, status = ("Takip numarasını (ör. TS-2026-0001) ve telefon numaranızın son 4 "
                                 "rakamını girin."), 400
            elif _limited(("number", number), per_number, window=900, count=False):
                error, status = ("Bu takip numarası için çok sayıda hatalı deneme yapıldı. Lütfen 15 "
                                 "dakika sonra yeniden deneyin."), 429
            else:
                item = (db.session.query(CitizenRequest)
                        .filter(CitizenRequest.number == number, CitizenRequest.archived.is_(False))
                        .one_or_none())
                if item is not None and item.last4() and hmac.compare_digest(item.last4(), last4):
                    found = public_view(item)
                else:
                    _limited(("number", number), per_number, window=900)   # a wrong try counts
                    error, status = ("Bu takip numarası ve telefon numarasının son 4 rakamıyla "
                                     "eşleşen bir başvuru bulunamadı. Bilgileri kontrol edip yeniden "
                                     "deneyin."), 404
        return self.render_template("citizens/status.html", title="Başvuru durumu sorgulama",
                                    error=error, found=found, number=number), status

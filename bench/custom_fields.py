"""Benchmark: a register's list, quick search and record page with 5 fields
added from the screen vs without them (issue 18: within 1.2×).

    PYTHONPATH=. .venv/bin/python bench/custom_fields.py --rows 20000 --db sqlite
    PYTHONPATH=. .venv/bin/python bench/custom_fields.py --db postgresql \\
        --url postgresql+psycopg://postgres@127.0.0.1:5432/wt_fields

Seeds ``--rows`` wreath orders (with values for the 5 fields in ``extra``),
then times the same requests (the Flask test client, logged in as the clerk)
without any definition and with 5 definitions (choice, text, whole number,
money, date; all in the list, two searchable, one a filter). Prints median
and p90 milliseconds and the ratio. Kept apart from bench/bench.py (which
measures the whole application) so that the two can change independently.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time

PASSWORD = "ozelkalem"


def make_app(url):
    from app import create_app

    tmp = tempfile.mkdtemp(prefix="ozk-bench-cf-")
    return create_app({
        "SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "WTF_CSRF_ENABLED": False,
        "DATA_DIR": os.path.join(tmp, "data"), "UPLOAD_DIR": os.path.join(tmp, "uploads"),
        "AUTH_RATE_LIMIT": "100000 per minute", "RATELIMIT_ENABLED": False, "DEMO_MODE": True,
    })


def seed(app, rows):
    from flask_appbuilder import Model
    from sqlalchemy import insert

    from app.cli import create_demo_users, sync_roles
    from app.core import turkish
    from app.core.db import create_schema_from_models, empty_postgres_schema
    from app.demo import load_demo_data
    from app.extensions import db
    from app.registers.protocol.models import WreathOrder
    from app.registers.reference.models import Contact

    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "postgresql":
            empty_postgres_schema(engine)
        else:
            Model.metadata.drop_all(engine)
        create_schema_from_models(engine)
        sync_roles()
        create_demo_users(PASSWORD)
        load_demo_data()
        db.session.commit()
        contacts = [c for (c,) in db.session.query(Contact.id).limit(50)]
        rnd = random.Random(7)
        words = ["Işık", "Çınar", "Gül", "Şükran", "Ömer", "Ayşe", "Kurdele", "Tebrik", "Açılış"]
        now = dt.datetime.now()
        batch = []
        for i in range(rows):
            msg = f"{rnd.choice(words)} {rnd.choice(words)} mesaj {i}"
            extra = {"oncelik": rnd.choice(["acil", "normal", "dusuk"]), "etiket": f"{rnd.choice(words)} {i}",
                     "adet": rnd.randint(1, 500), "tutar": f"{rnd.randint(1, 99999)}.50",
                     "gun": (dt.date(2026, 1, 1) + dt.timedelta(days=i % 365)).isoformat()}
            key = turkish.fold(f"tebrik mesaj {msg} {extra['oncelik']} {extra['etiket']}")
            batch.append({"occasion": "tebrik", "kind": "mesaj", "recipient_id": rnd.choice(contacts),
                          "message": msg, "state": "draft", "version": 1, "created_at": now, "updated_at": now,
                          "archived": False, "search_key": key, "search_ascii": turkish.ascii_fold(key),
                          "extra": extra, "number": f"CB-2026-{i:06d}"})
            if len(batch) == 2000:
                db.session.execute(insert(WreathOrder), batch)
                batch = []
        if batch:
            db.session.execute(insert(WreathOrder), batch)
        db.session.commit()
        db.session.remove()


def define(app, on):
    from app.core.customfields import CustomField, invalidate
    from app.extensions import db

    specs = [("oncelik", "Öncelik", "choice", [["acil", "Acil"], ["normal", "Normal"], ["dusuk", "Düşük"]],
              {"in_filter": True, "in_search": True}),
             ("etiket", "Etiket", "text", None, {"in_search": True}),
             ("adet", "Adet", "integer", None, {}), ("tutar", "Ek tutar", "money", None, {}),
             ("gun", "Teslim günü", "date", None, {})]
    with app.app_context():
        for key, label, kind, choices, flags in specs:
            row = db.session.query(CustomField).filter_by(register="wreath_order", key=key).first()
            if row is None:
                row = CustomField(register="wreath_order", key=key, label=label, kind=kind, choices=choices,
                                  **{f: flags.get(f, False) for f in ("in_filter", "in_search")})
                db.session.add(row)
            row.active = on
        db.session.commit()
        db.session.remove()
    invalidate()


def timed(client, url, n, warmup):
    for _ in range(warmup):
        assert client.get(url).status_code == 200, url
    times = []
    for _ in range(n):
        start = time.perf_counter()
        resp = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert resp.status_code == 200, url
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.9) - 1]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=20_000)
    ap.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    ap.add_argument("--url", help="database URL (default: a temporary SQLite file)")
    ap.add_argument("--n", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=3)
    args = ap.parse_args(argv)
    url = args.url or ("sqlite:///" + os.path.join(tempfile.mkdtemp(), "bench.db") if args.db == "sqlite"
                       else "postgresql+psycopg://postgres@127.0.0.1:5432/wt_fields")
    app = make_app(url)
    t0 = time.perf_counter()
    seed(app, args.rows)
    print(f"seeded {args.rows} wreath orders in {time.perf_counter() - t0:.1f} s ({url.split(':')[0]})")
    client = app.test_client()
    assert client.post("/login/", data={"username": "memur", "password": PASSWORD}).status_code == 302
    from app.extensions import db
    from app.registers.protocol.models import WreathOrder

    with app.app_context():
        pk = db.session.query(WreathOrder.id).order_by(WreathOrder.id.desc()).first()[0]
        db.session.remove()
    urls = {"list": "/wreathorderview/list/", "search": "/wreathorderview/list/?q=%C4%B1%C5%9F%C4%B1k",
            "show": f"/wreathorderview/show/{pk}"}
    results = {}
    for label, on in (("without", False), ("with 5", True), ("without (again)", False), ("with 5 (again)", True)):
        define(app, on)
        page = client.get(urls["list"]).data.decode()
        assert ("Teslim günü" in page) is on, "the fields are not (or still) in the list"
        for name, url_ in urls.items():
            results.setdefault(name, {})[label] = timed(client, url_, args.n, args.warmup)
    print(f"{'page':8} {'without':>16} {'with 5 fields':>16} {'ratio':>7}")
    worst = 0.0
    for name, r in results.items():
        base = min(r["without"][0], r["without (again)"][0])
        withf = min(r["with 5"][0], r["with 5 (again)"][0])
        ratio = withf / base if base else float("nan")
        worst = max(worst, ratio)
        print(f"{name:8} {base:13.1f} ms {withf:13.1f} ms {ratio:7.2f}")
    print(f"worst ratio {worst:.2f} (target ≤ 1.20)")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    sys.exit(main())

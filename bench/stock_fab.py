"""A stock Flask-AppBuilder app over the benchmark's database: the baseline
issue 19 was filed against ("side by side … 0.51–0.61× a stock FAB app").

Nothing of Özel Kalem is imported here. It is what a developer gets from
Flask-AppBuilder 5 for the contact register, declared with care:

* its own model mapped on the same ``contact`` table, the institution loaded
  by a join (``lazy="joined"``, as ContactView's model does), no N+1;
* a ``ModelView`` with the same list columns and ``search_columns`` as
  ContactView (no relation filter, so no whole-table dropdown);
* FAB's own security manager, templates, base layout, navbar and login, its
  default configuration, the Turkish locale, the view in the menu.

The view is named ``LeanContactView`` so that it answers to the permissions
bench.py gives the Memur role for the in-app baseline of the same name, and
the permission rows are the ones the real database holds.

bench.py runs it in its own process after seeding with ``--serve``: one path
per line on stdin, one JSON line back with the request's time and statement
count (Flask test client, nothing listening on a port), so that its requests
are interleaved with ours one by one. Standalone:

    python bench/stock_fab.py --url URL --username memur --password PW \
        --n 30 --warmup 3 --urls '{"list": "/leancontactview/list/", ...}'

prints per key the p50/p95 and the SQL statements per request.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time


def create_stock_app(url: str, secret: str = "bench-stock-fab"):
    from flask import Flask
    from flask_appbuilder import AppBuilder, Model, ModelView
    from flask_appbuilder.models.sqla.base import SQLA
    from flask_appbuilder.models.sqla.interface import SQLAInterface
    from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Text
    from sqlalchemy.orm import relationship

    class StockContact(Model):
        __tablename__ = "contact"
        __table_args__ = {"extend_existing": True}

        id = Column(Integer, primary_key=True)
        kind = Column(String(10), nullable=False)
        name = Column(String(200), nullable=False)
        title = Column(String(150))
        institution_id = Column(Integer, ForeignKey("contact.id"))
        institution = relationship("StockContact", remote_side=[id], lazy="joined", join_depth=1)
        protocol_rank = Column(Integer)
        phone = Column(String(40))
        email = Column(String(120))
        address = Column(Text)
        notes = Column(Text)
        council_member = Column(Boolean, nullable=False, default=False)

        def __repr__(self):
            return self.name

    class LeanContactView(ModelView):
        datamodel = SQLAInterface(StockContact)
        list_columns = ["kind", "name", "title", "institution", "protocol_rank", "phone"]
        search_columns = ["name", "title", "phone", "email"]

    app = Flask("stock_fab")
    app.config.update(
        SQLALCHEMY_DATABASE_URI=url, SECRET_KEY=secret, WTF_CSRF_ENABLED=False,
        FAB_UPDATE_PERMS=False, FAB_CREATE_DB=False, AUTH_TYPE=1, APP_NAME="Stock FAB",
        BABEL_DEFAULT_LOCALE="tr",
        LANGUAGES={"tr": {"flag": "tr", "name": "Türkçe"}, "en": {"flag": "gb", "name": "English"}},
    )
    db = SQLA()
    db.init_app(app)
    with app.app_context():
        appbuilder = AppBuilder(update_perms=False)
        appbuilder.init_app(app, db.session)
        appbuilder.add_view(LeanContactView, "Contacts", category="Rehber")
        sm = appbuilder.sm
        # the menu entries the Memur role needs to see its item (bench's database only)
        role = sm.find_role("Memur")
        for perm, view in (("menu_access", "Contacts"), ("menu_access", "Rehber"),
                           ("can_list", "LeanContactView"), ("can_show", "LeanContactView")):
            pv = sm.find_permission_view_menu(perm, view) or sm.add_permission_view_menu(perm, view)
            if role is not None and pv not in role.permissions:
                sm.add_permission_role(role, pv)
        db.session.commit()
        db.session.remove()
    return app, db


def logged_in(url, username, password):
    """The stock app with ``username`` logged in: ``get(path)`` -> (ms, statements,
    HTTP status) of one request through the test client."""
    from sqlalchemy import event

    app, db = create_stock_app(url)
    with app.app_context():
        engine = db.engine
    count = [0]

    @event.listens_for(engine, "before_cursor_execute")
    def _count(*_args):
        count[0] += 1

    client = app.test_client()
    resp = client.post("/login/", data={"username": username, "password": password})
    if resp.status_code != 302 or "/login" in resp.headers.get("Location", ""):
        raise SystemExit(f"stock FAB login failed: {resp.status_code} {resp.headers.get('Location')}")

    def get(path):
        count[0] = 0
        t = time.perf_counter()
        status = client.get(path).status_code
        return (time.perf_counter() - t) * 1000, count[0], status

    return get


def measure(url, username, password, urls, n, warmup):
    get = logged_in(url, username, password)
    out = {}
    for key, path in urls.items():
        for _ in range(warmup):
            get(path)
        times, queries = [], []
        for _ in range(n):
            ms, q, status = get(path)
            if status != 200:
                raise SystemExit(f"stock FAB {path}: HTTP {status}")
            times.append(ms)
            queries.append(q)
        times.sort()
        out[key] = {"url": path, "n": n, "p50_ms": round(statistics.median(times), 2),
                    "p95_ms": round(times[min(len(times) - 1, int(round(0.95 * len(times) + 0.5)) - 1)], 2),
                    "queries": int(statistics.median(queries)), "queries_max": max(queries)}
    return out


def serve(url, username, password):
    """One request per line read from stdin (a path), answered on stdout with
    its time and statement count: bench.py interleaves these requests with its
    own, request by request, so both baselines see the same moments."""
    get = logged_in(url, username, password)
    print("ready", flush=True)
    for line in sys.stdin:
        path = line.rstrip("\n")
        if not path:
            break
        ms, q, status = get(path)
        print(json.dumps({"ms": ms, "q": q, "status": status}), flush=True)


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--username", default="memur")
    ap.add_argument("--password", required=True)
    ap.add_argument("--urls", help="JSON object key → path (measure mode)")
    ap.add_argument("--serve", action="store_true", help="answer one path per stdin line (bench.py)")
    ap.add_argument("--n", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=3)
    args = ap.parse_args(argv)
    if args.serve:
        serve(args.url, args.username, args.password)
        return
    result = measure(args.url, args.username, args.password, json.loads(args.urls), args.n, args.warmup)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()

"""The home page per role against the list page (issue 17/19: "the home page
≤ 15 queries and ≤ 1.5× the list page").

Builds a fresh database with the roles, the demo users and the demo data, then
gives the clerk a draft in every register she submits to (the home page's
widest case: her "My submissions" spans every register), and measures through
the Flask test client, for each role, ``/`` and the contact list page the
clerk opens most (``/contactview/list/``). Writes ``bench/results/home.md``
and ``home.json``.

    make bench-home                                   # SQLite and PostgreSQL
    .venv/bin/python bench/home.py --db sqlite --n 50
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
RESULTS = os.path.join(ROOT, "bench", "results")
WORK = os.path.join(tempfile.gettempdir(), "ozk-bench-home")
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/ozk_bench_home"
PASSWORD = "ozelkalem"
ROLES = ("mudur", "memur", "denetci", "bilgiislem", "baskan", "admin")
MAX_QUERIES = 15
MAX_RATIO = 1.5


def pct(values, p):
    ordered = sorted(values)
    return ordered[max(0, -(-p * len(ordered) // 100) - 1)]


def measure(client, url, engine, n, warmup):
    from sqlalchemy import event

    counted = [0]

    def on(*_args):
        counted[0] += 1

    for _ in range(warmup):
        assert client.get(url).status_code == 200, url
    times, queries = [], []
    event.listen(engine, "before_cursor_execute", on)
    try:
        for _ in range(n):
            counted[0] = 0
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            queries.append(counted[0])
            assert response.status_code == 200, (url, response.status_code)
    finally:
        event.remove(engine, "before_cursor_execute", on)
    return {"p50_ms": round(statistics.median(times), 2), "p95_ms": round(pct(times, 95), 2),
            "queries": max(queries)}


def _machine_speed():
    import bench as B   # bench/bench.py, beside this script (as bench/load.py imports it)

    return B.machine_speed()


def worker(kind, n, warmup):
    os.makedirs(WORK, exist_ok=True)
    if kind == "postgresql":
        url = os.environ.get("BENCH_HOME_DATABASE_URL", PG_DEFAULT)
        from sqlalchemy import create_engine, text

        admin = create_engine(url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            name = url.rsplit("/", 1)[1]
            if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    else:
        path = os.path.join(WORK, "home.sqlite")
        if os.path.exists(path):
            os.remove(path)
        url = "sqlite:///" + path

    from app import create_app

    app = create_app({
        "SQLALCHEMY_DATABASE_URI": url, "TESTING": False, "WTF_CSRF_ENABLED": False,
        "DATA_DIR": os.path.join(WORK, "data"), "UPLOAD_DIR": os.path.join(WORK, "uploads"),
        "RATELIMIT_ENABLED": False, "AUTH_RATE_LIMIT": "100000 per minute", "DEMO_MODE": True,
    })
    from sqlalchemy import select, update

    from app.cli import create_demo_users, sync_roles
    from app.core.inbox import approvable_entries
    from app.demo import load_demo_data
    from app.extensions import db
    from flask_appbuilder.security.sqla.models import User

    with app.app_context():
        engine = db.engine
        from app.core.db import create_schema_from_models, empty_postgres_schema

        if kind == "postgresql":
            empty_postgres_schema(engine)
        create_schema_from_models(engine)
        sync_roles()
        create_demo_users(PASSWORD)
        load_demo_data()
        db.session.commit()
        clerk = db.session.execute(select(User.id).where(User.username == "memur")).scalar_one()
        spanned = 0
        for entry in approvable_entries():
            model, table = entry.model, entry.model.__table__
            # the model's columns: a register defined on the screen reads only its own rows
            row = db.session.execute(select(model.id).where(model.archived.is_(False)).limit(1)).scalar()
            if row is not None:
                db.session.execute(update(table).where(table.c.id == row).values(state="draft", created_by_id=clerk))
                spanned += 1
        db.session.commit()
        db.session.remove()

    result = {"db": kind, "started_at": dt.datetime.now().isoformat(timespec="seconds"),
              "python": platform.python_version(), "machine": f"{platform.machine()}, {os.cpu_count()} CPU",
              "clerk_registers_spanned": spanned, "roles": {}, "machine_speed_ms": _machine_speed()}
    clients = {}
    for who in ROLES:
        client = app.test_client()
        response = client.post("/login/", data={"username": who, "password": PASSWORD})
        assert response.status_code == 302 and "/login" not in response.headers.get("Location", ""), who
        clients[who] = client
    result["list"] = measure(clients["memur"], "/contactview/list/", engine, n, warmup)
    for who in ROLES:
        home = measure(clients[who], "/", engine, n, warmup)
        home["ratio_to_list"] = round(home["p50_ms"] / result["list"]["p50_ms"], 2)
        result["roles"][who] = home
    print(json.dumps(result))


def markdown(runs):
    lines = ["# Home page per role against the list page", "",
             "`bench/home.py`: demo data, the clerk given a draft in every register she submits to; "
             "p50/p95 ms through the Flask test client, SQL statements per request (the most seen).", ""]
    for run in runs:
        lines += [f"## {run['db']} ({run['started_at']}, Python {run['python']}, {run['machine']})", "",
                  f"List page (`/contactview/list/`, clerk): {run['list']['p50_ms']} / {run['list']['p95_ms']} ms, "
                  f"{run['list']['queries']} queries. The clerk's drafts span {run['clerk_registers_spanned']} registers.",
                  "", "| role | home p50 / p95 ms | queries (≤ 15) | home ÷ list (≤ 1.5×) |", "|---|---|---|---|"]
        for who, home in run["roles"].items():
            q = "PASS" if home["queries"] <= MAX_QUERIES else "**FAIL**"
            r = "PASS" if home["ratio_to_list"] <= MAX_RATIO else "**FAIL**"
            lines.append(f"| {who} | {home['p50_ms']} / {home['p95_ms']} | {home['queries']} {q} | "
                         f"{home['ratio_to_list']}× {r} |")
        lines.append("")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--n", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker, args.n, args.warmup)
        return 0
    runs = []
    for kind in (("sqlite", "postgresql") if args.db == "both" else (args.db,)):
        env = dict(os.environ, PYTHONPATH=ROOT, FLASK_APP="app:create_app")
        out = subprocess.run([sys.executable, __file__, "--worker", kind, "--n", str(args.n),
                              "--warmup", str(args.warmup)], env=env, capture_output=True, text=True, cwd=ROOT)
        if out.returncode != 0:
            print(out.stderr[-3000:], file=sys.stderr)
            return out.returncode
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    os.makedirs(RESULTS, exist_ok=True)
    with open(os.path.join(RESULTS, "home.json"), "w", encoding="utf-8") as fh:
        json.dump(runs, fh, indent=2, ensure_ascii=False)
    report = markdown(runs)
    with open(os.path.join(RESULTS, "home.md"), "w", encoding="utf-8") as fh:
        fh.write(report + "\n")
    import targets

    targets.refresh()
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())

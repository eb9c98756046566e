#!/usr/bin/env python
"""Load test (issue 19, item 5): gunicorn as ``make serve`` runs it, on
PostgreSQL, with simulated clerks over loopback.

1. Seeds ``--rows`` contacts and duty slips (bench/bench.py's seeding) into
   ``LOAD_DATABASE_URL`` (default ``…/bench_speed_load``; its schema is dropped).
2. Starts ``gunicorn -w WORKERS`` (sync workers, ``OZELKALEM_ENV=production``,
   a random SECRET_KEY) on 127.0.0.1 and a free port, serving bench/load_app.py:
   the app plus a plain FAB ``ModelView`` over the same table.
3. Logs every clerk in once (excluded from the figures), then for each level of
   ``--clerks`` runs them ``--duration`` seconds: list (a random page), search,
   show, add a contact, edit the clerk's own contact, a duty-slip PDF now and
   then, with ``--think`` seconds (±50 %) between requests.
4. The same clerks, read-only (list/search/show), against our ContactView and
   against the plain FAB view, ``--ratio-clerks`` of them: the p50 ratio.
5. Checks in the database that every contact a clerk added exists exactly once
   with exactly one "create" audit entry, and that every edited contact holds
   the last saved value with exactly one "update" audit entry per save.

Results: bench/results/load.json and load.md. Quick run:
``make bench-load LOAD_ARGS="--quick"`` (20 s, 10/25 clerks, 5 000 rows).
"""
from __future__ import annotations

import argparse
import datetime as dt
import html.parser
import http.client
import json
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
RESULTS = os.path.join(BENCH, "results")
for path in (ROOT, BENCH):
    if path not in sys.path:
        sys.path.insert(0, path)

LOAD_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_speed_load"
TERMS = ["ışık", "yılmaz", "ay", "kaya", "mehmet", "ayşe", "öztürk", "şahin", "çelik", "ilıcak", "isik", "muhtar"]
MIX = [("list", 30), ("search", 25), ("show", 25), ("add", 7), ("edit", 8), ("pdf", 5)]
PASSWORD = os.environ.get("LOAD_PASSWORD", "Yuk-Testi-2026!Aa")
READ_MIX = [("list", 35), ("search", 30), ("show", 35)]


# ---------------------------------------------------------------------------
# HTTP with a cookie jar per clerk (no Secure-cookie check: loopback test)
# ---------------------------------------------------------------------------

class Client:
    def __init__(self, port):
        self.port = port
        self.cookies = {}
        self.conn = None
        self.http = 0            # HTTP requests answered (an add or an edit is two)

    def request(self, method, path, form=None):
        body = urllib.parse.urlencode(form) if form is not None else None
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
                   "Host": f"127.0.0.1:{self.port}"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                resp = self.conn.getresponse()
                data = resp.read()
                self.http += 1
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        for header, value in resp.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        if (resp.getheader("Connection") or "").lower() == "close":
            self.conn.close()
            self.conn = None
        return resp.status, resp.getheader("Location") or "", data


class FormParser(html.parser.HTMLParser):
    """The fields of every form on a page, as a browser would post them."""

    def __init__(self):
        super().__init__()
        self.forms, self.fields, self._select, self._textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.fields = {}
            self.forms.append(self.fields)
        if self.fields is None:
            return
        if tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields[a["name"]] = a.get("value") or ("y" if kind == "checkbox" else "")
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self.fields.setdefault(self._select, "")
        elif tag == "option" and self._select and "selected" in a:
            self.fields[self._select] = a.get("value", "")
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self.fields[self._textarea] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self.fields = None

    def handle_data(self, data):
        if self._textarea and self.fields is not None:
            self.fields[self._textarea] += data


def form_of(page: bytes) -> dict:
    """The page's main form: the one with the most fields."""
    parser = FormParser()
    parser.feed(page.decode("utf-8", "replace"))
    return dict(max(parser.forms, key=len)) if parser.forms else {}


# ---------------------------------------------------------------------------
# Seeding (bench/bench.py) and the server
# ---------------------------------------------------------------------------

LOCK_KEY = 1919_2026   # pg advisory lock: "a load test is using this database"


def hold_database(url):
    """A session-level advisory lock held for the whole run on a connection of
    its own. A second load test on the same database stops at once instead of
    re-seeding it under the first one (its DROP SCHEMA made an earlier run's
    last phase fail and its database check read the new seed)."""
    import bench as B
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    B.ensure_pg_database(url)
    conn = create_engine(url, poolclass=NullPool).connect()
    got = conn.exec_driver_sql(f"SELECT pg_try_advisory_lock({LOCK_KEY})").scalar()
    conn.commit()
    if not got:
        conn.close()
        raise SystemExit("another load test is using this database (LOAD_DATABASE_URL): run them one after "
                         "the other, or give each its own database")
    return conn


def seed(url, rows, clerks):
    import bench as B

    B.ensure_pg_database(url)
    from app import create_app

    work = tempfile.mkdtemp(prefix="ozk-load-")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": False, "DEMO_MODE": True,
                      "DATA_DIR": os.path.join(work, "data"), "UPLOAD_DIR": os.path.join(work, "uploads")})
    from sqlalchemy import select

    from app.cli import create_demo_users, sync_roles
    from app.demo import load_demo_data
    from app.extensions import appbuilder, db
    from app.registers.office.models import DutySlip
    from app.registers.reference.models import Contact

    _plain, lean = B.make_plain_view()
    with app.app_context():
        appbuilder.add_view_no_menu(lean)
        t = time.perf_counter()
        B.reset_schema(db)
        sync_roles()
        create_demo_users(B.PASSWORD)
        load_demo_data()
        db.session.commit()
        db.session.remove()
        B.seed(db, rows, random.Random(19))
        sm = appbuilder.sm
        # production refuses demo passwords: every account gets this run's password
        from flask_appbuilder.security.sqla.models import User
        from werkzeug.security import generate_password_hash

        hashed = generate_password_hash(PASSWORD)
        for user in db.session.query(User):
            user.password = hashed
        role = sm.find_role("Memur")
        for perm in ("can_list", "can_show"):
            pv = sm.find_permission_view_menu(perm, "LeanContactView") or \
                sm.add_permission_view_menu(perm, "LeanContactView")
            sm.add_permission_role(role, pv)
        db.session.commit()
        from sqlalchemy import text as sql_text

        db.session.execute(sql_text("UPDATE user_account SET must_change_password = false"))
        db.session.commit()
        ids = [r[0] for r in db.session.execute(
            select(Contact.id).where(Contact.archived.is_(False), Contact.institution_id.isnot(None))
            .order_by(Contact.id).limit(5000))]
        slips = [r[0] for r in db.session.execute(
            select(DutySlip.id).where(DutySlip.state == "approved", DutySlip.archived.is_(False)).limit(200))]
        # each clerk edits a contact of its own (no two clerks on one record)
        own = ids[-clerks:]
        # the list PDF of the "PDF alongside" phase: the largest number-prefix
        # search (gk-YYYY, gk-YYY) of at most 10,000 slips
        from sqlalchemy import func, text as text_sql

        years = dict(db.session.execute(
            select(func.substr(DutySlip.number, 4, 4), func.count())
            .where(DutySlip.archived.is_(False)).group_by(text_sql("1"))).all())
        choices = {f"gk-{y}": n for y, n in years.items()}
        for decade in {y[:3] for y in years}:
            choices[f"gk-{decade}"] = sum(n for y, n in years.items() if y.startswith(decade))
        fitting = sorted((n, q) for q, n in choices.items() if n <= 10_000)
        LIST_PDF["q"], LIST_PDF["rows"] = (fitting[-1][1], fitting[-1][0]) if fitting else (None, 0)
        db.session.remove()
    print(f"  seeded {rows} rows in {time.perf_counter() - t:.1f}s", flush=True)
    return work, ids[:-clerks], slips, own


LIST_PDF = {"q": None, "rows": 0}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


SECRET = secrets.token_hex(24)   # one per run: a restarted server keeps the clerks' sessions


def start_server(url, workers, work):
    port = free_port()
    env = dict(os.environ, OZELKALEM_ENV="production", SECRET_KEY=SECRET, DATABASE_URL=url,
               DATA_DIR=os.path.join(work, "data"), UPLOAD_DIR=os.path.join(work, "uploads"),
               PYTHONPATH=os.pathsep.join([ROOT, BENCH]), DEMO_MODE="0")
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    log = open(os.path.join(work, "gunicorn.log"), "w")
    proc = subprocess.Popen([gunicorn, "-w", str(workers), "-b", f"127.0.0.1:{port}", "--timeout", "120",
                             "load_app:create()"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({proc.returncode}); see {log.name}")
        try:
            status, _, _ = Client(port).request("GET", "/login/")
            if status == 200:
                return proc, port, log.name
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError("gunicorn did not answer within 60 s")


def stop_server(proc):
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


# ---------------------------------------------------------------------------
# Clerks
# ---------------------------------------------------------------------------

class Clerk:
    def __init__(self, n, port, run_id, own_id, ids, slips):
        self.n, self.client, self.run_id = n, Client(port), run_id
        self.own_id, self.ids, self.slips = own_id, ids, slips
        self.rnd = random.Random(1000 + n)
        self.added = []          # names that the app confirmed saved
        self.saves = 0           # confirmed edits of own_id
        self.last_note = None
        self.adds = 0

    def login(self):
        status, _, page = self.client.request("GET", "/login/")
        form = form_of(page)
        form.update(username="memur", password=PASSWORD)
        status, location, _ = self.client.request("POST", "/login/", form)
        if status != 302 or "/login" in location:
            raise RuntimeError(f"clerk {self.n}: login failed ({status} {location})")

    # each action returns (endpoint label, ok)
    def list(self, view="contactview"):
        page = self.rnd.randint(0, 20)
        status, _, _ = self.client.request("GET", f"/{view}/list/?page_{'ContactView' if view == 'contactview' else 'LeanContactView'}={page}")
        return status == 200

    def search(self, view="contactview"):
        term = urllib.parse.quote(self.rnd.choice(TERMS))
        if view == "contactview":
            path = f"/contactview/list/?q={term}"
        else:
            path = f"/{view}/list/?_flt_2_name={term}"
        status, _, _ = self.client.request("GET", path)
        return status == 200

    def show(self, view="contactview"):
        status, _, _ = self.client.request("GET", f"/{view}/show/{self.rnd.choice(self.ids)}")
        return status == 200

    def add(self):
        status, _, page = self.client.request("GET", "/contactview/add")
        if status != 200:
            return False
        form = form_of(page)
        self.adds += 1
        name = f"Yük Testi {self.run_id} {self.n:03d} {self.adds:05d}"
        form.update(kind="kisi", name=name, title="Memur", notes="yük testi")
        status, location, _ = self.client.request("POST", "/contactview/add", form)
        ok = status == 302 and "/add" not in location
        if ok:
            self.added.append(name)
        return ok

    def edit(self):
        path = f"/contactview/edit/{self.own_id}"
        status, _, page = self.client.request("GET", path)
        if status != 200:
            return False
        form = form_of(page)
        note = f"yük testi {self.run_id} düzenleme {self.n:03d}-{self.saves + 1:05d}"
        form["notes"] = note
        status, location, _ = self.client.request("POST", path, form)
        ok = status == 302 and "/edit/" not in location
        if ok:
            self.saves += 1
            self.last_note = note
        return ok

    def pdf(self):
        status, _, data = self.client.request("GET", f"/dutyslipview/pdf/{self.rnd.choice(self.slips)}")
        return status == 200 and data[:4] == b"%PDF"

    def list_pdf(self):
        q = urllib.parse.quote(LIST_PDF["q"] or "")
        status, location, data = self.client.request("GET", f"/dutyslipview/export.pdf?q={q}")
        if status == 302 and "/export-job/" in location:
            # a long list is made by a background process: the clerk's page polls until it is ready
            job = location.split("://", 1)[-1]
            job = job[job.index("/"):] if "://" in location else location
            while True:
                time.sleep(0.5)
                status, _, page = self.client.request("GET", job)
                state = re.search(rb'data-state="(\w+)"', page or b"")
                if status != 200 or not state or state.group(1) not in (b"queued", b"running"):
                    break
            if not state or state.group(1) != b"done":
                return False
            status, _, data = self.client.request("GET", job + "/file")
        return status == 200 and data[:4] == b"%PDF"


def run_phase(clerks, duration, think, mix, view="contactview"):
    samples = {}             # label -> [ms]
    errors = {}
    lock = threading.Lock()
    stop_at = time.time() + duration
    names = [m for m, _ in mix]
    weights = [w for _, w in mix]

    done_in_window = [0]
    http_in_window = [0]

    def loop(clerk):
        rnd = random.Random(clerk.n * 7 + int(time.time()))
        if think:
            time.sleep(rnd.uniform(0, think))   # spread the start
        while time.time() < stop_at:
            action = rnd.choices(names, weights)[0]
            t = time.perf_counter()
            http_before = clerk.client.http
            try:
                fn = getattr(clerk, action)
                ok = fn(view) if action in ("list", "search", "show") else fn()
            except Exception as exc:  # noqa: BLE001 - counted as an error
                ok = False
                clerk.last_error = repr(exc)
            ms = (time.perf_counter() - t) * 1000
            with lock:
                samples.setdefault(action, []).append(ms)
                if not ok:
                    errors[action] = errors.get(action, 0) + 1
                if time.time() <= stop_at:
                    done_in_window[0] += 1
                    http_in_window[0] += clerk.client.http - http_before
            if think:
                time.sleep(max(0.0, rnd.uniform(0.5 * think, 1.5 * think)))

    threads = [threading.Thread(target=loop, args=(c,), daemon=True) for c in clerks]
    t0 = time.time()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    # req/s over the measured window only: the requests finished before the
    # end of the window, divided by the window (the clerks' last think time
    # and the request in flight at the end are not part of it)
    out = summarize(samples, errors, max(stop_at - t0, 1e-9), done_in_window[0])
    out["http_rps"] = round(http_in_window[0] / max(stop_at - t0, 1e-9), 1)
    return out


def pct(values, p):
    s = sorted(values)
    if not s:
        return None
    k = max(0, min(len(s) - 1, int(round(p / 100 * len(s) + 0.5)) - 1))
    return round(s[k], 1)


def summarize(samples, errors, elapsed, in_window=None):
    out = {"elapsed_s": round(elapsed, 1), "endpoints": {}}
    total = 0
    for label, values in sorted(samples.items()):
        total += len(values)
        out["endpoints"][label] = {"n": len(values), "rps": round(len(values) / elapsed, 1),
                                   "p50": pct(values, 50), "p95": pct(values, 95), "p99": pct(values, 99),
                                   "errors": errors.get(label, 0)}
    out["rps"] = round((total if in_window is None else in_window) / elapsed, 1)
    out["requests"] = total
    out["errors"] = sum(errors.values())
    every = [v for label, values in samples.items() if label != "pdf" for v in values]
    out["non_pdf_p95"] = pct(every, 95)
    return out


# ---------------------------------------------------------------------------
# Verification in the database
# ---------------------------------------------------------------------------

def verify(url, clerks):
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    problems = []
    added = [name for c in clerks for name in c.added]
    with engine.connect() as conn:
        rows = {}
        if added:
            for name, rid, count in conn.execute(text(
                    "SELECT name, min(id), count(*) FROM contact WHERE name = ANY(:names) GROUP BY name"),
                    {"names": added}):
                rows[name] = (rid, count)
        missing = [n for n in added if n not in rows]
        doubled = [n for n, (_, c) in rows.items() if c != 1]
        if missing:
            problems.append(f"{len(missing)} added contacts missing, e.g. {missing[:3]}")
        if doubled:
            problems.append(f"{len(doubled)} added contacts stored more than once")
        ids = [rid for rid, _ in rows.values()]
        if ids:
            audit = dict(conn.execute(text(
                "SELECT record_id, count(*) FROM audit_entry WHERE action = 'create' AND record_id = ANY(:ids) "
                "AND register = 'contact' GROUP BY record_id"), {"ids": ids}).all())
            wrong = [i for i in ids if audit.get(i) != 1]
            if wrong:
                problems.append(f"{len(wrong)} added contacts without exactly one 'create' audit entry")
        extra = conn.execute(text("SELECT count(*) FROM contact WHERE name LIKE :p"),
                             {"p": f"Yük Testi {clerks[0].run_id} %"}).scalar() if clerks else 0
        if extra != len(added):
            problems.append(f"{extra} contacts named for this run, {len(added)} saves confirmed")
        edits = 0
        for c in clerks:
            if not c.saves:
                continue
            edits += c.saves
            note = conn.execute(text("SELECT notes FROM contact WHERE id = :i"), {"i": c.own_id}).scalar()
            if note != c.last_note:
                problems.append(f"contact {c.own_id}: last saved note lost ({note!r} != {c.last_note!r})")
            n = conn.execute(text(
                "SELECT count(*) FROM audit_entry WHERE action = 'update' AND register = 'contact' "
                "AND record_id = :i"), {"i": c.own_id}).scalar()
            if n != c.saves:
                problems.append(f"contact {c.own_id}: {c.saves} saves, {n} 'update' audit entries")
    engine.dispose()
    return {"added": len(added), "edits": edits, "problems": problems, "ok": not problems}


# ---------------------------------------------------------------------------

def markdown(result):
    lines = [f"# Load test ({result['generated_at']})", "",
             f"gunicorn {result['workers']} sync workers (`make serve`, production settings), PostgreSQL, "
             f"{result['rows']} contacts and duty slips, think time {result['think_s']} s ±50 %, "
             f"{result['duration_s']} s per level; clients on the same {os.cpu_count()}-CPU machine "
             f"(load average at start {result['loadavg_start']}, end {result['loadavg_end']}).", "",
             "req/s: clerks' actions per second (an add or an edit is one action and two HTTP requests: "
             "the form, then its POST; the times are the action's); HTTP req/s: every request the server "
             "answered." + (f" {result['calibration']}" if result.get("calibration") else ""), "",
             "| clerks | req/s | HTTP req/s | errors | non-PDF p95 ms | endpoint: req/s, p50 / p95 / p99 ms (errors) |",
             "|---|---|---|---|---|---|"]
    for level in result["levels"]:
        parts = [f"{k}: {v['rps']}, {v['p50']} / {v['p95']} / {v['p99']}" + (f" ({v['errors']})" if v["errors"] else "")
                 for k, v in level["endpoints"].items()]
        lines.append(f"| {level['clerks']} | {level['rps']} | {level.get('http_rps', '—')} | {level['errors']} | "
                     f"{level['non_pdf_p95']} | "
                     + "; ".join(parts) + " |")
    if result.get("ratio"):
        r = result["ratio"]
        lines += ["", f"Read-only mix, {r['clerks']} clerks, same server: Özel Kalem `ContactView` vs plain FAB "
                      f"`ModelView` (same search columns):", "",
                  "| page | ours p50 / p95 | plain FAB p50 / p95 | ratio p50 |", "|---|---|---|---|"]
        for k in ("list", "search", "show"):
            o, f = r["ours"]["endpoints"].get(k), r["fab"]["endpoints"].get(k)
            if o and f:
                lines.append(f"| {k} | {o['p50']} / {o['p95']} | {f['p50']} / {f['p95']} | "
                             f"{o['p50'] / f['p50']:.2f}× |")
    v = result["verify"]
    lines += ["", f"Database check: {v['added']} contacts added, {v['edits']} edits saved — "
                  + ("every one stored exactly once with its audit entries." if v["ok"]
                     else "PROBLEMS: " + "; ".join(v["problems"]))]
    targets = []
    for level in result["levels"]:
        if level["clerks"] == 100:
            targets.append(("100 clerks: non-PDF p95 ≤ 100 ms", f"{level['non_pdf_p95']} ms",
                            level["non_pdf_p95"] is not None and level["non_pdf_p95"] <= 100))
            targets.append(("100 clerks: 0 errors", str(level["errors"]), level["errors"] == 0))
    pa = result.get("pdf_alongside")
    if pa:
        ex = (pa.get("exports") or {}).get("endpoints", {}).get("list_pdf", {})
        lines += ["", f"List PDF alongside: {pa['clerks']} clerks on the read-only mix, alone and while one more "
                      f"clerk asks for the list PDF of `?q={pa['q']}` ({pa['rows']:,} duty slips) back to back "
                      f"({ex.get('n', 0)} made, p50 {ex.get('p50')} ms, errors {ex.get('errors', 0)}):", "",
                  "| read-only mix | req/s | p50 list / search / show ms | p95 (all) ms | errors |",
                  "|---|---|---|---|---|"]
        for label, ph in (("alone", pa["alone"]), ("with the list PDFs", pa["along"])):
            e = ph["endpoints"]
            lines.append(f"| {label} | {ph['rps']} | " + " / ".join(str(e.get(k, {}).get("p50")) for k in
                                                                    ("list", "search", "show"))
                         + f" | {ph['non_pdf_p95']} | {ph['errors']} |")
        a95, b95 = pa["alone"]["non_pdf_p95"], pa["along"]["non_pdf_p95"]
        targets.append((f"list PDF of {pa['rows']:,} rows ≤ 5 s under load (p50)", f"{ex.get('p50')} ms",
                        ex.get("p50") is not None and ex["p50"] <= 5000 and not ex.get("errors")))
        targets.append(("others not held up by it: read p95 with the list PDFs ≤ 100 ms",
                        f"{b95} ms (alone {a95} ms)", b95 is not None and b95 <= 100))
    sat = result.get("saturation")
    if sat:
        lines += ["", f"Saturation: {sat['clerks']} clerks with no think time (closed loop, same mix) for "
                      f"{sat['elapsed_s']} s: **{sat['rps']} req/s** ({sat.get('http_rps')} HTTP req/s), "
                      f"{sat['errors']} errors, non-PDF p95 "
                      f"{sat['non_pdf_p95']} ms (" + "; ".join(
                          f"{k}: {v['rps']}, {v['p50']} / {v['p95']}" for k, v in sat["endpoints"].items()) + ")."]
        best = max([sat] + result["levels"], key=lambda ph: ph.get("http_rps") or ph["rps"])
        label = (f"saturation ≥ 150 req/s (HTTP requests per second the {result['workers']} workers answered: "
                 "the highest of the closed loop and the clerk levels)")
    else:
        best = max(result["levels"], key=lambda ph: ph.get("http_rps") or ph["rps"]) if result["levels"] else {"rps": 0}
        label = "saturation ≥ 150 req/s (HTTP requests; highest level measured, no saturation phase run)"
    peak = best.get("http_rps") or best["rps"]
    targets.append((label, f"{peak} HTTP req/s ({best['rps']} actions/s)", peak >= 150))
    for extra in result.get("saturation_more") or []:
        lines += ["", f"Saturation with {extra['workers']} sync workers (`make serve`'s default is 3), "
                      f"{extra['clerks']} clerks, closed loop, same mix, {extra['elapsed_s']} s: "
                      f"**{extra['rps']} req/s** ({extra.get('http_rps')} HTTP req/s), {extra['errors']} errors, "
                      f"non-PDF p95 {extra['non_pdf_p95']} ms."]
        targets.append((f"saturation ≥ 150 req/s with {extra['workers']} workers (HTTP requests)",
                        f"{extra.get('http_rps')} HTTP req/s ({extra['rps']} actions/s)",
                        (extra.get("http_rps") or 0) >= 150))
    # every phase, not only the 100-clerk level: a phase whose requests fail makes its figures
    # (and the database check after it) meaningless
    phases = [(f"{lv['clerks']} clerks", lv) for lv in result["levels"]]
    if sat:
        phases.append(("saturation", sat))
    phases += [(f"saturation, {x['workers']} workers", x) for x in result.get("saturation_more") or []]
    if pa:
        phases += [("list PDF: alone", pa["alone"]), ("list PDF: alongside", pa["along"]),
                   ("list PDF: exports", pa.get("exports") or {})]
    if result.get("ratio"):
        phases += [("ratio: ours", result["ratio"]["ours"]), ("ratio: plain FAB", result["ratio"]["fab"])]
    failed = [f"{name} {ph.get('errors')}" for name, ph in phases if ph.get("errors")]
    targets.append(("0 errors in every phase", "; ".join(failed) or "0", not failed))
    targets.append(("nothing lost (DB check)", "ok" if v["ok"] else "problems", v["ok"]))
    result["targets"] = [{"target": t, "value": v, "pass": bool(ok)} for t, v, ok in targets]
    lines += ["", "| target | value | result |", "|---|---|---|"]
    lines += [f"| {t} | {val} | {'PASS' if ok else '**FAIL**'} |" for t, val, ok in targets]
    return "\n".join(lines) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clerks", default="50,100,200", help="comma-separated levels (default 50,100,200)")
    ap.add_argument("--duration", type=float, default=60, help="seconds per level (default 60)")
    ap.add_argument("--think", type=float, default=1.0, help="seconds between a clerk's requests (±50 %%)")
    ap.add_argument("--rows", type=int, default=20000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--ratio-clerks", type=int, default=50, help="clerks for the plain-FAB comparison (0: skip)")
    ap.add_argument("--pdf-clerks", type=int, default=25,
                    help="read-only clerks measured with and without a 10,000-row list PDF being made (0: skip)")
    ap.add_argument("--saturation-clerks", type=int, default=8,
                    help="clerks with no think time for the saturation figure (0: skip)")
    ap.add_argument("--saturation-workers", default="3",
                    help="also measure saturation with these worker counts (comma-separated; default 3, "
                         "what `make serve` starts; empty: only --workers)")
    ap.add_argument("--quick", action="store_true", help="20 s, 10 and 25 clerks, 5 000 rows, ratio at 10")
    args = ap.parse_args(argv)
    if args.quick:
        args.clerks, args.duration, args.rows, args.ratio_clerks = "10,25", 20, 5000, 10
    levels = [int(x) for x in args.clerks.split(",") if x.strip()]
    most = max(levels + [args.ratio_clerks, args.saturation_clerks, args.pdf_clerks])
    url = os.environ.get("LOAD_DATABASE_URL", LOAD_DEFAULT)
    print(f"== load test: {levels} clerks × {args.duration:.0f} s, {args.rows} rows, {url.split('@')[-1]}", flush=True)
    db_lock = hold_database(url)   # one load test per database: another one's seeding would wipe this one's
    work, ids, slips, own = seed(url, args.rows, most)
    proc, port, log = start_server(url, args.workers, work)
    run_id = dt.datetime.now().strftime("%H%M%S")
    import bench as B

    result = {"generated_at": dt.datetime.now().isoformat(timespec="seconds"), "rows": args.rows,
              "calibration": B.speed_note(B.machine_speed()),
              "workers": args.workers, "think_s": args.think, "duration_s": args.duration,
              "loadavg_start": [round(x, 2) for x in os.getloadavg()], "levels": []}
    try:
        clerks = [Clerk(i, port, run_id, own[i], ids, slips) for i in range(most)]
        t = time.perf_counter()
        for clerk in clerks:
            clerk.login()
            clerk.cookies_kept = clerk.client.cookies
        print(f"  {most} clerks logged in ({time.perf_counter() - t:.1f}s)", flush=True)
        for level in levels:
            summary = run_phase(clerks[:level], args.duration, args.think, MIX)
            summary["clerks"] = level
            result["levels"].append(summary)
            print(f"  {level:4d} clerks: {summary['rps']:6.1f} req/s, errors {summary['errors']}, "
                  f"non-PDF p95 {summary['non_pdf_p95']} ms  "
                  + ", ".join(f"{k} p50 {v['p50']}/p95 {v['p95']}" for k, v in summary["endpoints"].items()),
                  flush=True)
        if args.saturation_clerks:
            # Saturation: the most the server answers, not the load a few
            # clerks with think time offer (25 clerks thinking ~1 s can never
            # ask for more than ~25 req/s, however fast the server is). Closed
            # loop, no think time, the same mix, enough clerks to keep every
            # worker busy.
            sat = run_phase(clerks[:args.saturation_clerks], args.duration, 0.0, MIX)
            sat["clerks"] = args.saturation_clerks
            result["saturation"] = sat
            print(f"  saturation ({args.saturation_clerks} clerks, no think time): {sat['rps']} req/s, "
                  f"errors {sat['errors']}, non-PDF p95 {sat['non_pdf_p95']} ms", flush=True)
        if args.pdf_clerks and LIST_PDF["q"]:
            # Does a long list PDF hold other clerks up? The read-only mix
            # alone, then the same with one more clerk asking for the list PDF
            # (LIST_PDF rows) back to back.
            group = clerks[:args.pdf_clerks]
            alone = run_phase(group, args.duration, args.think, READ_MIX)
            exporter = Clerk(most, port, run_id, None, ids, slips)
            exporter.login()
            holder = {}

            def export_loop():
                holder["s"] = run_phase([exporter], args.duration, 0.0, [("list_pdf", 1)])

            th = threading.Thread(target=export_loop, daemon=True)
            th.start()
            along = run_phase(group, args.duration, args.think, READ_MIX)
            th.join()
            result["pdf_alongside"] = {"clerks": args.pdf_clerks, "q": LIST_PDF["q"], "rows": LIST_PDF["rows"],
                                       "alone": alone, "along": along, "exports": holder.get("s")}
            ex = holder.get("s", {}).get("endpoints", {}).get("list_pdf", {})
            print(f"  list PDF alongside ({LIST_PDF['rows']} rows, p50 {ex.get('p50')} ms): read p95 "
                  f"{alone['non_pdf_p95']} ms alone, {along['non_pdf_p95']} ms with the exports", flush=True)
        if args.ratio_clerks:
            group = clerks[:args.ratio_clerks]
            ours = run_phase(group, args.duration, args.think, READ_MIX)
            fab = run_phase(group, args.duration, args.think, READ_MIX, view="leancontactview")
            result["ratio"] = {"clerks": args.ratio_clerks, "ours": ours, "fab": fab}
            for k in ("list", "search", "show"):
                o, f = ours["endpoints"].get(k), fab["endpoints"].get(k)
                if o and f:
                    print(f"  ratio {k}: ours p50 {o['p50']} ms, FAB p50 {f['p50']} ms → {o['p50'] / f['p50']:.2f}×")
        more = [int(x) for x in (args.saturation_workers or "").split(",") if x.strip() and int(x) != args.workers]
        if args.saturation_clerks and more:
            # the same closed loop on a server started with another worker count (`make serve`
            # starts 3 by default): sync workers wait for the database with the CPU idle
            result["saturation_more"] = []
            for count in more:
                stop_server(proc)
                proc, port, log = start_server(url, count, work)
                for clerk in clerks:
                    clerk.client = Client(port)
                    clerk.client.cookies = clerk.cookies_kept
                clerks_n = min(args.saturation_clerks, len(clerks))
                sat = run_phase(clerks[:clerks_n], args.duration, 0.0, MIX)
                sat.update(clerks=clerks_n, workers=count)
                result["saturation_more"].append(sat)
                print(f"  saturation with {count} workers ({clerks_n} clerks): {sat['rps']} req/s "
                      f"({sat['http_rps']} HTTP), errors {sat['errors']}, non-PDF p95 {sat['non_pdf_p95']} ms",
                      flush=True)
        result["verify"] = verify(url, clerks)
        print(f"  database check: {result['verify']}", flush=True)
    finally:
        stop_server(proc)
        db_lock.close()
    result["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    errors = [getattr(c, "last_error", None) for c in clerks if getattr(c, "last_error", None)]
    result["sample_client_errors"] = errors[:5]
    os.makedirs(RESULTS, exist_ok=True)
    md = markdown(result)     # also puts the targets in ``result`` (bench/targets.py reads them)
    with open(os.path.join(RESULTS, "load.json"), "w", encoding="utf-8") as fh:
        json.dump(result, fh, ensure_ascii=False, indent=1)
    with open(os.path.join(RESULTS, "load.md"), "w", encoding="utf-8") as fh:
        fh.write(md)
    import targets

    targets.refresh()
    print()
    print(md)
    return 0 if result["verify"]["ok"] else 1


if __name__ == "__main__":
    sys.exit(main() or 0)

"""Every target of issue 19 in one table, from one run (``make bench-all``).

    make bench-all            # 100k on both databases, 1M on PostgreSQL, home page, load: ~35–45 min
    .venv/bin/python bench/targets.py            # only rebuild the table from the results on disk

``--run`` runs, one after the other on this machine, ``bench/bench.py`` (100 000
rows, SQLite and PostgreSQL), ``bench/bench.py --rows 1000000 --db postgresql``,
``bench/home.py`` and ``bench/load.py``, and records when the run started and
ended. Then (and without ``--run``) it reads ``latest.json``, ``home.json`` and
``load.json`` and writes ``bench/results/targets.md`` (+ ``targets.json``): one
line per target with its value, PASS/FAIL and the part of the run that measured
it; the same table is put at the top of ``latest.md``. Each part's time stamp is
printed beside it: when one falls outside the recorded run, the table says the
figures come from separate runs.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS = os.path.join(ROOT, "bench", "results")
BEGIN, END = "<!-- targets: bench/targets.py -->", "<!-- /targets -->"

STEPS = [
    ("100k, SQLite and PostgreSQL", ["bench/bench.py"]),
    # the 1M run is for the search targets; start-up and first PDF do not depend on the rows
    ("1M, PostgreSQL", ["bench/bench.py", "--rows", "1000000", "--db", "postgresql", "--skip-startup"]),
    ("home page", ["bench/home.py"]),
    ("load", ["bench/load.py"]),
]
# --quick: the same wiring on small data (a smoke run of a few minutes; its figures are not the targets')
QUICK_STEPS = [
    ("2k, SQLite and PostgreSQL", ["bench/bench.py", "--rows", "2000", "--n", "5", "--no-profile"]),
    ("home page", ["bench/home.py", "--n", "5"]),
    ("load", ["bench/load.py", "--quick"]),
]


def _read(name):
    path = os.path.join(RESULTS, name)
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def _issue19(check, run_):
    """Is this bench.py check one of issue 19's targets?"""
    if "issue 19" in check["target"]:
        return True
    if run_["rows"] >= 1_000_000:    # the 1M run counts for the search targets only
        return False
    if "SQL queries" in check["target"]:
        return True
    return check["line"].split(" ", 1)[0] in ("6.", "6c.", "6d.")


RUNS = ("sqlite@100000", "postgresql@100000", "postgresql@1000000")
QUICK_RUNS = ("sqlite@2000", "postgresql@2000")


def collect(runs=RUNS):
    """(rows, others, sources): issue 19's target rows, the other checks
    bench.py makes (older issues, the stricter baseline), and each part's
    time stamp and machine speed."""
    rows, others, sources = [], [], []
    latest = _read("latest.json") or {"runs": {}}
    for key in runs:
        run_ = latest["runs"].get(key)
        if not run_:
            rows.append({"part": key, "target": "(not measured)", "value": "—", "pass": False})
            continue
        part = f"bench.py {run_['db']} {run_['rows']:,}"
        sources.append({"part": part, "at": run_["started_at"], "until": run_.get("finished_at"),
                        "speed_ms": run_.get("machine_speed_ms")})
        for c in run_["checks"]:
            line = {"part": part, "target": f"{c['line']}: {c['target']}", "value": c["value"], "pass": c["pass"]}
            (rows if _issue19(c, run_) else others).append(line)
    for run_ in _read("home.json") or []:
        part = f"home.py {run_['db']}"
        sources.append({"part": part, "at": run_["started_at"], "until": None,
                        "speed_ms": run_.get("machine_speed_ms")})
        list_p50 = run_["list"]["p50_ms"]
        for role, h in run_["roles"].items():
            rows.append({"part": part, "target": f"home page ({role}): ≤ 15 statements, ≤ 1.5× the list page "
                                                 f"({list_p50} ms)",
                         "value": f"{h['queries']} statements, {h['p50_ms']} ms = {h['ratio_to_list']}×",
                         "pass": h["queries"] <= 15 and h["ratio_to_list"] <= 1.5})
    load = _read("load.json")
    if load:
        part = "load.py (gunicorn, PostgreSQL)"
        speed = re.search(r"took ([0-9.]+) ms", load.get("calibration") or "")
        sources.append({"part": part, "at": load["generated_at"], "until": None,
                        "speed_ms": float(speed.group(1)) if speed else None})
        if not load.get("targets"):
            rows.append({"part": part, "target": "(load.json written by an older load.py: run it again)",
                         "value": "—", "pass": False})
        for t in load.get("targets") or []:
            rows.append({"part": part, "target": t["target"], "value": t["value"], "pass": t["pass"]})
    return rows, others, sources


def _verdict(ok):
    return "n/a" if ok is None else ("PASS" if ok else "**FAIL**")


def markdown(rows, others, sources, window):
    passed = sum(1 for r in rows if r["pass"])
    out = [BEGIN, "## Issue 19: every target, one table", ""]
    stamps = [s["at"] for s in sources if s.get("at")]
    if window:
        inside = all(window["started"] <= s <= window["finished"] for s in stamps)
        if window.get("quick"):
            out.append("**A quick smoke run (`--quick`, small data): these figures are not the targets' measure.**")
        out.append(f"`make bench-all` ran from {window['started']} to {window['finished']}"
                   + (", and every figure below comes from that run." if inside else
                      "; **some figures below come from separate runs** (their times below)."))
    else:
        out.append("Assembled from the latest result of each benchmark (their times below), not one `make bench-all`.")
    out += ["", f"**{passed} of {len(rows)} targets pass.**", "",
            "| measured by | target | value | result |", "|---|---|---|---|"]
    for r in rows:
        out.append(f"| {r['part']} | {r['target']} | {r['value']} | {_verdict(r['pass'])} |")
    out += ["", "Parts of the run (machine speed: a fixed pure-Python workload in ms, lower is faster; the same "
                "machine type varies about 2× from session to session):", ""]
    for s in sources:
        speed = s["speed_ms"]
        speed = f"{speed} ms" if isinstance(speed, (int, float)) else (speed or "—")
        out.append(f"- {s['part']}: {s['at']}" + (f" – {s['until']}" if s.get("until") else "") + f"; {speed}")
    if others:
        out += ["", "Other checks `bench.py` makes (older issues' targets and the stricter in-app baseline; "
                    "not issue 19's):", "", "| measured by | check | value | result |", "|---|---|---|---|"]
        for r in others:
            out.append(f"| {r['part']} | {r['target']} | {r['value']} | {_verdict(r['pass'])} |")
    out += ["", END]
    return "\n".join(out)


def write(window=None):
    """Write targets.md/json and put the table at the top of latest.md."""
    if window is None:
        previous = _read("targets.json") or {}
        window = previous.get("window")
    rows, others, sources = collect(QUICK_RUNS if (window or {}).get("quick") else RUNS)
    md = markdown(rows, others, sources, window)
    os.makedirs(RESULTS, exist_ok=True)
    with open(os.path.join(RESULTS, "targets.json"), "w", encoding="utf-8") as fh:
        json.dump({"window": window, "targets": rows, "other_checks": others, "sources": sources}, fh,
                  ensure_ascii=False, indent=1)
    with open(os.path.join(RESULTS, "targets.md"), "w", encoding="utf-8") as fh:
        fh.write("# Özel Kalem benchmark — issue 19's targets\n\n" + md + "\n")
    latest = os.path.join(RESULTS, "latest.md")
    if os.path.exists(latest):
        with open(latest, encoding="utf-8") as fh:
            text = fh.read()
        if BEGIN in text and END in text:
            text = text[:text.index(BEGIN)] + text[text.index(END) + len(END):].lstrip("\n")
        head, _, rest = text.partition("\n\n")
        with open(latest, "w", encoding="utf-8") as fh:
            fh.write(head + "\n\n" + md + "\n\n" + rest)
    return rows, md


def refresh():
    """What each benchmark calls after writing its own results: the table
    again, from what is on disk now. Never fails the benchmark."""
    try:
        write()
    except Exception as exc:   # noqa: BLE001 - the benchmark's own results stay written
        print(f"(bench/targets.py: {exc!r})", file=sys.stderr)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--run", action="store_true", help="run every benchmark first (make bench-all)")
    ap.add_argument("--quick", action="store_true", help="with --run: small data, a smoke run of the wiring")
    args = ap.parse_args(argv)
    window = None
    if args.run:
        started = dt.datetime.now().isoformat(timespec="seconds")
        env = dict(os.environ, PYTHONPATH=ROOT, FLASK_APP="app:create_app")
        for name, cmd in (QUICK_STEPS if args.quick else STEPS):
            print(f"== {name}: {' '.join(cmd)}", flush=True)
            done = subprocess.run([sys.executable] + cmd, cwd=ROOT, env=env)
            if done.returncode != 0:
                print(f"{name} failed (rc={done.returncode})", file=sys.stderr)
                return done.returncode
        window = {"started": started, "finished": dt.datetime.now().isoformat(timespec="seconds"),
                  "quick": args.quick}
    rows, md = write(window)
    print(md)
    return 0 if all(r["pass"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())

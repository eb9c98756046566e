"""The background process of a list PDF job (see :mod:`app.core.exportjobs`).

Started as a script, ``python app/core/exportrunner.py <job id>``, it loads only
``app/core/pdf.py`` and ``app/core/turkish.py`` (plain modules) — not the app
package, Flask or Flask-AppBuilder, whose imports cost ~0.7 s — reads the job's
cells from the database, lays the PDF out, stores it and exits. It runs at a
lower priority (``OZK_JOB_NICE``, default 10), so web requests come first.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sys
import types
from pathlib import Path

log = logging.getLogger(__name__)

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
APP_DIR = Path(__file__).resolve().parent.parent


def _table():
    from sqlalchemy import Column, DateTime, Integer, LargeBinary, MetaData, String, Table, Text

    return Table("export_job", MetaData(), Column("id", Integer, primary_key=True),
                 Column("state", String(16)), Column("payload", Text), Column("content", LargeBinary),
                 Column("finished_at", DateTime), Column("error", String(300)))


def run(job_id, url) -> None:
    """Lay out the job's PDF and store it; a job already taken is left alone."""
    from sqlalchemy import create_engine, select, update

    table = _table()
    engine = create_engine(url, **({"connect_args": {"timeout": 30}} if url.startswith("sqlite") else {}))
    try:
        with engine.begin() as conn:
            claimed = conn.execute(update(table).where(table.c.id == job_id, table.c.state == QUEUED)
                                   .values(state=RUNNING)).rowcount
            payload = conn.execute(select(table.c.payload).where(table.c.id == job_id)).scalar()
        if not claimed or payload is None:
            return
        try:
            from app.core.pdf import render_list_pdf

            data = json.loads(payload)
            pdf = render_list_pdf(data["title"], data["headers"], data["rows"], data["kinds"],
                                  filters=data.get("filters") or "", letterhead=data.get("letterhead"),
                                  totals=data.get("totals"), date_text=data.get("date_text"))
            values = {"state": DONE, "content": pdf, "payload": None, "finished_at": dt.datetime.now()}
        except Exception as exc:  # noqa: BLE001 - recorded on the job, told to the user in words
            log.exception("list PDF job %s failed", job_id)
            values = {"state": FAILED, "payload": None, "finished_at": dt.datetime.now(),
                      "error": f"{type(exc).__name__}: {exc}"[:300]}
        with engine.begin() as conn:
            conn.execute(update(table).where(table.c.id == job_id).values(**values))
    finally:
        engine.dispose()


def _bare_packages():
    """``app`` and ``app.core`` as empty packages: their modules import without
    running ``app/__init__.py`` (which builds on Flask and Flask-AppBuilder)."""
    for name, path in (("app", APP_DIR), ("app.core", APP_DIR / "core")):
        if name not in sys.modules:
            module = types.ModuleType(name)
            module.__path__ = [str(path)]
            sys.modules[name] = module
    sys.modules["app"].core = sys.modules["app.core"]


def main(argv) -> int:
    try:
        os.nice(int(os.environ.get("OZK_JOB_NICE", "10")))
    except (OSError, ValueError):
        pass
    logging.basicConfig(level=logging.WARNING)
    _bare_packages()
    run(int(argv[0]), os.environ["OZK_JOB_DATABASE_URL"])
    return 0


if __name__ == "__main__":
    here = str(Path(__file__).resolve().parent)
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]   # app/core's modules are no top-level names
    sys.exit(main(sys.argv[1:]))

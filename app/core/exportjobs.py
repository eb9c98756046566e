"""Long list PDFs are made in the background, never in a web worker.

A list PDF of thousands of rows takes seconds of CPU. Made inside the
request, it held one of the few web workers (and a core) for that long, so
every other clerk waited. Here the request does only what needs the user's
rights — which rows, which columns, masked values, the cells' Turkish text —
stores that as a job (``export_job``) and answers at once with a page that
refreshes itself until the file is ready. The layout runs in a separate,
lower-priority process (``python -m app.core.exportrunner <id>``) that needs no
Flask app: it reads the job's text, lays it out with
:func:`app.core.pdf.render_list_pdf` and stores the file in the job row (so
any worker or app instance can hand it out). The job's text is cleared once
the file exists; jobs are deleted after ``EXPORT_JOB_KEEP_HOURS``.

Only the user who asked sees the job (another user, even of the same role,
gets 404), and only while the register still lets them export.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import secrets
import subprocess
import sys

from flask_appbuilder import Model
from sqlalchemy import Column, DateTime, Integer, LargeBinary, String, Text

log = logging.getLogger(__name__)

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
STALE_MINUTES = 15            # a job not finished by then is reported as failed
_children: list = []          # started processes, reaped at the next start


class ExportJob(Model):
    __tablename__ = "export_job"
    id = Column(Integer, primary_key=True)
    token = Column(String(64), nullable=False, unique=True)
    user_id = Column(Integer, nullable=False, index=True)
    view = Column(String(100), nullable=False)
    title = Column(String(300))
    filename = Column(String(200))
    rows = Column(Integer)
    state = Column(String(16), nullable=False, default=QUEUED)
    created_at = Column(DateTime, nullable=False, default=dt.datetime.now, index=True)
    finished_at = Column(DateTime)
    payload = Column(Text)           # the cells' text (JSON), cleared when the file exists
    content = Column(LargeBinary)    # the PDF
    error = Column(String(300))

    def stale(self, now=None) -> bool:
        now = now or dt.datetime.now()
        return self.state in (QUEUED, RUNNING) and \
            self.created_at < now - dt.timedelta(minutes=STALE_MINUTES)

    @property
    def shown_state(self) -> str:
        return FAILED if self.stale() else self.state


# --- in the web request ---------------------------------------------------

def busy(user_id) -> bool:
    """The user already has a list PDF being made (one at a time, like any heavy export)."""
    from app.extensions import db

    since = dt.datetime.now() - dt.timedelta(minutes=STALE_MINUTES)
    return db.session.query(ExportJob.id).filter(
        ExportJob.user_id == user_id, ExportJob.state.in_((QUEUED, RUNNING)),
        ExportJob.created_at >= since).first() is not None


def start(view_name, user_id, title, filename, payload) -> ExportJob:
    """Store the job, commit, and start its process (or run it here when
    ``EXPORT_JOB_RUNNER`` is ``"inline"``)."""
    from flask import current_app

    from app.extensions import db

    keep = float(current_app.config.get("EXPORT_JOB_KEEP_HOURS", 24))
    db.session.query(ExportJob).filter(
        ExportJob.created_at < dt.datetime.now() - dt.timedelta(hours=keep)
    ).delete(synchronize_session=False)
    job = ExportJob(token=secrets.token_urlsafe(24), user_id=user_id, view=view_name,
                    title=str(title)[:300], filename=filename[:200], rows=len(payload["rows"]),
                    state=QUEUED, created_at=dt.datetime.now(),
                    payload=json.dumps(payload, ensure_ascii=False))
    db.session.add(job)
    db.session.commit()
    url = db.engine.url.render_as_string(hide_password=False)
    if current_app.config.get("EXPORT_JOB_RUNNER", "process") == "inline":
        run(job.id, url)
        db.session.expire(job)
    else:
        _launch(job.id, url)
    return job


def _launch(job_id, url):
    global _children
    _children = [p for p in _children if p.poll() is None]     # reap the finished ones
    env = dict(os.environ, OZK_JOB_DATABASE_URL=url)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    _children.append(subprocess.Popen(
        [sys.executable, "-m", "app.core.exportrunner", str(job_id)], env=env, cwd=root,
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=None,
        start_new_session=True, close_fds=True))


def owned(token, view_name, user_id):
    """The job if it is this user's, for this register; else None."""
    from app.extensions import db

    if not token or len(token) > 64:
        return None
    return db.session.query(ExportJob).filter(
        ExportJob.token == token, ExportJob.view == view_name, ExportJob.user_id == user_id).first()


# --- in the background process ---------------------------------------------

def run(job_id, url) -> None:
    """Lay out the job's PDF and store it (the background process's work)."""
    from sqlalchemy import create_engine, update

    table = ExportJob.__table__
    engine = create_engine(url, **({"connect_args": {"timeout": 30}} if url.startswith("sqlite") else {}))
    try:
        with engine.begin() as conn:
            claimed = conn.execute(update(table).where(table.c.id == job_id, table.c.state == QUEUED)
                                   .values(state=RUNNING)).rowcount
            payload = conn.execute(table.select().with_only_columns(table.c.payload)
                                   .where(table.c.id == job_id)).scalar()
        if not claimed or payload is None:
            return
        try:
            data = json.loads(payload)
            from app.core.pdf import render_list_pdf

            pdf = render_list_pdf(data["title"], data["headers"], data["rows"], data["kinds"],
                                  filters=data.get("filters") or "", letterhead=data.get("letterhead"),
                                  totals=data.get("totals"), date_text=data.get("date_text"))
            values = {"state": DONE, "content": pdf, "payload": None, "finished_at": dt.datetime.now()}
        except Exception as exc:  # noqa: BLE001 - recorded on the job, shown to the user in words
            log.exception("list PDF job %s failed", job_id)
            values = {"state": FAILED, "payload": None, "finished_at": dt.datetime.now(),
                      "error": f"{type(exc).__name__}: {exc}"[:300]}
        with engine.begin() as conn:
            conn.execute(update(table).where(table.c.id == job_id).values(**values))
    finally:
        engine.dispose()


def main(argv=None) -> int:
    """``python -m app.core.exportrunner <job id>`` (started by :func:`start`)."""
    argv = sys.argv[1:] if argv is None else argv
    try:
        os.nice(int(os.environ.get("OZK_JOB_NICE", "10")))     # web requests come first
    except OSError:
        pass
    run(int(argv[0]), os.environ["OZK_JOB_DATABASE_URL"])
    return 0

"""Long list PDFs are made in the background, never in a web worker.

A list PDF of thousands of rows takes seconds of CPU. Made inside the
request, it held one of the few web workers (and a core) for that long, so
every other clerk waited. Here the request does only what needs the user's
rights — which rows, which columns, masked values, the cells' Turkish text —
stores that as a job (``export_job``) and answers at once with a page that
refreshes itself until the file is ready. The layout runs in a separate,
lower-priority process (``app/core/exportrunner.py``) that loads no
Flask: it reads the job's text, lays it out with
:func:`app.core.pdf.render_list_pdf` and stores the file in the job row (so
any worker or app instance can hand it out). The job's text is cleared once
the file exists; jobs are deleted after ``EXPORT_JOB_KEEP_HOURS``.

Only the user who asked sees the job (another user, even of the same role,
gets 404), and only while the register still lets them export.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import subprocess
import sys

from flask_appbuilder import Model
from sqlalchemy import Column, DateTime, Integer, LargeBinary, String, Text
from sqlalchemy.orm import deferred

from app.core.exportrunner import DONE, FAILED, QUEUED, RUNNING, run  # noqa: F401  (the process's work)

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
    # loaded only when read: the waiting page, refreshed every 2 s, needs neither
    payload = deferred(Column(Text))          # the cells' text (JSON), cleared when the file exists
    content = deferred(Column(LargeBinary))   # the PDF
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


def purge_expired() -> int:
    """Delete the jobs older than ``EXPORT_JOB_KEEP_HOURS`` (their files hold
    personal data): at every new job and at every ``flask kvkk anonymize``.
    In the caller's transaction."""
    from flask import current_app

    from app.extensions import db

    keep = float(current_app.config.get("EXPORT_JOB_KEEP_HOURS", 24))
    return db.session.query(ExportJob).filter(
        ExportJob.created_at < dt.datetime.now() - dt.timedelta(hours=keep)
    ).delete(synchronize_session=False)


def start(view_name, user_id, title, filename, payload) -> ExportJob:
    """Store the job, commit, and start its process (or run it here when
    ``EXPORT_JOB_RUNNER`` is ``"inline"``)."""
    from flask import current_app

    from app.extensions import db

    purge_expired()
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
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "exportrunner.py")
    _children.append(subprocess.Popen(
        [sys.executable, script, str(job_id)], env=env,
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=None,
        start_new_session=True, close_fds=True))


def owned(token, view_name, user_id):
    """The job if it is this user's, for this register; else None."""
    from app.extensions import db

    if not token or len(token) > 64:
        return None
    return db.session.query(ExportJob).filter(
        ExportJob.token == token, ExportJob.view == view_name, ExportJob.user_id == user_id).first()



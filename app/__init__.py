"""Özel Kalem: application factory."""
from __future__ import annotations

import logging
import os

from flask import Flask
from flask_wtf.csrf import CSRFProtect

import config as config_module
from app.extensions import appbuilder, db, migrate

csrf = CSRFProtect()


class ProxyFixFromConfig:
    """werkzeug's ProxyFix with the hop count read from ``PROXY_COUNT`` (default
    0: ``X-Forwarded-For`` is ignored and the socket address is the client)."""

    def __init__(self, app, wsgi_app):
        self.app, self.wsgi_app = app, wsgi_app

    def __call__(self, environ, start_response):
        hops = int(self.app.config.get("PROXY_COUNT") or 0)
        if hops > 0:
            from werkzeug.middleware.proxy_fix import ProxyFix

            return ProxyFix(self.wsgi_app, x_for=hops, x_proto=hops)(environ, start_response)
        return self.wsgi_app(environ, start_response)


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=os.path.join(config_module.BASE_DIR, "instance"))
    from app.core.rendering import LazyBuilderRule

    app.url_rule_class = LazyBuilderRule   # URL builders compiled on first use (start-up)
    app.config.from_object(config_module.Config)
    if overrides:
        app.config.update(overrides)
    config_module.check_production(app.config)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # psycopg 3 switches to server-side prepared statements after 5 runs and
        # PostgreSQL may then keep a generic plan that ignores the search term
        # (a 36 ms search became 1.5 s in the benchmark): never on its own.
        # Statements that ask for it are prepared (app/core/db.py, PREPARED);
        # psycopg ignores that ask when the threshold is None, hence a number.
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options.setdefault("connect_args", {}).setdefault("prepare_threshold", 2**31 - 1)
        options.setdefault("pool_pre_ping", True)
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    _database_timeouts(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        os.makedirs(os.path.dirname(app.config["SQLALCHEMY_DATABASE_URI"][len("sqlite:///"):]) or ".", exist_ok=True)
    logging.getLogger("flask_appbuilder").setLevel(logging.WARNING)

    from app.core import db as _db_glue  # noqa: F401  (SQLite functions/collation)
    from app import models as _models  # noqa: F401  (every model: Alembic, the registry)

    db.init_app(app)
    csrf.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(config_module.BASE_DIR, "migrations"))

    with app.app_context():
        _sqlite_busy_timeout(app)
        appbuilder.init_app(app, db.session)
        from app import views

        views.add_views(appbuilder)
        if app.config.get("PRODUCTION"):
            from app.cli import refuse_demo_users

            refuse_demo_users(app)

    from app import cli, errors, formatting
    from app.security import guards

    guards.init_app(app)
    app.wsgi_app = ProxyFixFromConfig(app, app.wsgi_app)

    cli.init_app(app)
    from app.core.pdf import start_warm_up

    warmed = start_warm_up(app)   # fonts and xhtml2pdf loaded before the first PDF is asked for
    formatting.init_app(app)
    from app.core import rendering

    rendering.init_app(app)   # one catalog lookup per request for the templates' _()
    errors.init_app(app)
    _security_headers(app)
    if warmed:
        _freeze_start_up_heap()
    return app


def _freeze_start_up_heap():
    """A worker ready to serve holds ~1 M objects that live as long as it does
    (modules, models, compiled templates and statements). Python's full garbage
    collection walks them all whenever it runs: a ~100 ms pause inside some
    request, typically the worker's first real one (the first PDF after start-up
    took 130-160 ms, 33 ms with this). Collected once now, they are moved out of
    the collector's sight (``gc.freeze``); what requests create is collected as
    before. Only where the warm-up ran: a served app, not tests or CLI commands."""
    import gc

    gc.collect()
    gc.freeze()


def _database_timeouts(app):
    """A database that does not answer ends in a 503 within seconds, not in a
    hung worker: connect timeout (PostgreSQL), statement timeout (PostgreSQL)
    or lock wait (SQLite ``timeout``/``busy_timeout``)."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    connect_s = int(app.config.get("DB_CONNECT_TIMEOUT") or 0)
    statement_ms = int(app.config.get("DB_STATEMENT_TIMEOUT_MS") or 0)
    if _cli_command() not in (None, "run"):
        statement_ms = 0  # `flask db upgrade`, `flask backup …`: long statements are expected
    app.config["DB_STATEMENT_TIMEOUT_MS"] = statement_ms
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    connect_args = dict(options.get("connect_args") or {})
    if url.startswith("postgresql"):
        if connect_s:
            connect_args.setdefault("connect_timeout", connect_s)
        if statement_ms:
            extra = f"-c statement_timeout={statement_ms} -c lock_timeout={statement_ms}"
            connect_args["options"] = (connect_args.get("options", "") + " " + extra).strip()
        options.setdefault("pool_timeout", max(connect_s, 1) if connect_s else 30)
    elif url.startswith("sqlite") and statement_ms:
        connect_args.setdefault("timeout", statement_ms / 1000)
    options["connect_args"] = connect_args
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def _cli_command():
    """The `flask <command>` being run, if any (None under gunicorn or tests)."""
    import click

    ctx = click.get_current_context(silent=True)
    while ctx is not None and ctx.parent is not None:
        ctx = ctx.parent
    return getattr(ctx, "invoked_subcommand", None) if ctx is not None else None


def _sqlite_busy_timeout(app):
    """app/core/db.py sets a fixed busy_timeout on every SQLite connection;
    the configured lock wait wins (registered after it)."""
    from sqlalchemy import event

    statement_ms = int(app.config.get("DB_STATEMENT_TIMEOUT_MS") or 0)
    engine = db.engine
    if engine.dialect.name != "sqlite" or not statement_ms:
        return

    @event.listens_for(engine, "connect")
    def _busy(dbapi_connection, record):  # pragma: no cover - glue
        dbapi_connection.execute(f"PRAGMA busy_timeout={int(statement_ms)}")


# Content-Security-Policy: everything from this origin, nothing remote.
# 'unsafe-inline' for scripts and styles: Flask-AppBuilder's templates (and a
# few of ours) carry inline <script> blocks, inline handlers and style="" attributes.
CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
       "base-uri 'self'; form-action 'self'; frame-ancestors 'self'")
DOWNLOAD_TYPES = ("application/pdf", "text/csv", "application/vnd.openxmlformats",
                  "application/octet-stream", "application/zip", "image/")


def _security_headers(app):
    @app.after_request
    def headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")  # our own add-contact dialog is a same-origin frame
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        from flask import request

        if not request.path.startswith("/static") and (
            "Content-Disposition" in response.headers
            or (response.mimetype or "").startswith(DOWNLOAD_TYPES)
        ):
            response.headers["Cache-Control"] = "no-store"
            response.headers.pop("Expires", None)
            response.headers.pop("ETag", None)
            response.headers.pop("Last-Modified", None)
        return response

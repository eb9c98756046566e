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
    app.config.from_object(config_module.Config)
    if overrides:
        app.config.update(overrides)
    config_module.check_production(app.config)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # psycopg 3 switches to server-side prepared statements after 5 runs and
        # PostgreSQL may then keep a generic plan that ignores the search term
        # (a 36 ms search became 1.5 s in the benchmark): always plan afresh.
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options.setdefault("connect_args", {}).setdefault("prepare_threshold", None)
        options.setdefault("pool_pre_ping", True)
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        os.makedirs(os.path.dirname(app.config["SQLALCHEMY_DATABASE_URI"][len("sqlite:///"):]) or ".", exist_ok=True)
    logging.getLogger("flask_appbuilder").setLevel(logging.WARNING)

    from app.core import db as _db_glue  # noqa: F401  (SQLite functions/collation)
    from app import models as _models  # noqa: F401  (every model: Alembic, the registry)

    db.init_app(app)
    csrf.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(config_module.BASE_DIR, "migrations"))

    with app.app_context():
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
    formatting.init_app(app)
    errors.init_app(app)
    return app

"""The app gunicorn serves for the load test (bench/load.py): Özel Kalem
exactly as ``make serve`` builds it, plus a plain Flask-AppBuilder
``ModelView`` over the same contact table (``/leancontactview/``, the same
search columns as ContactView) for the side-by-side ratio."""
from __future__ import annotations


def create():
    from app import create_app
    from app.extensions import appbuilder
    from bench import make_plain_view

    app = create_app()
    _plain, lean = make_plain_view()
    with app.app_context():
        appbuilder.add_view_no_menu(lean)
    return app

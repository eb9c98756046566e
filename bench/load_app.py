"""The app gunicorn serves for the load test (bench/load.py): Özel Kalem
exactly as ``make serve`` builds it, plus a plain Flask-AppBuilder
``ModelView`` over the same contact table (``/leancontactview/``, the same
search columns as ContactView) for the side-by-side ratio.

With ``LOAD_PROFILE=DIR`` each worker runs under cProfile and writes
``DIR/worker-PID.prof`` when it stops (``bench/load.py --profile DIR``), to
see where a worker's time goes under the load rather than in one request."""
from __future__ import annotations

import os


def _profiled(wsgi, out_dir):
    import atexit
    import cProfile

    prof = cProfile.Profile()

    def dump():
        prof.disable()
        prof.dump_stats(os.path.join(out_dir, f"worker-{os.getpid()}.prof"))

    state = {"on": False}

    def app(environ, start_response):
        if not state["on"]:
            state["on"] = True
            atexit.register(dump)
            prof.enable()
        return wsgi(environ, start_response)

    return app


def create():
    from app import create_app
    from app.extensions import appbuilder
    from bench import make_plain_view

    app = create_app()
    _plain, lean = make_plain_view()
    with app.app_context():
        appbuilder.add_view_no_menu(lean)
    out_dir = os.environ.get("LOAD_PROFILE")
    if out_dir:
        os.makedirs(out_dir, exist_ok=True)
        app.wsgi_app = _profiled(app.wsgi_app, out_dir)
    return app

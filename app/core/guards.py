"""Request guards: malformed URLs and query strings end in a Turkish 400/404,
never in a 500 and never in a database error.

One ``before_request`` check covers every view (registers and FAB's own):

* ``<pk>`` in the URL must be a whole number the database can hold, else 404;
* FAB's list arguments: ``page_<View>`` (0…``MAX_PAGE``), ``psize_<View>``
  (1…``MAX_PAGE_SIZE``), ``_oc_<View>`` (one of the view's sortable columns),
  ``_od_<View>`` (``asc``/``desc``), ``_flt_<n>_<column>`` (an existing filter;
  a number or a record reference where the column holds one), else 400;
* no NUL byte in the query string (400);
* ``…/action_post`` only with an action the view declares (400);
* bulk forms' ``record=<View>:<id>`` tokens well-formed (400).

``parse_pk`` and ``parse_record_token`` are the conversions the rest of the
core uses for ids coming from users (URLs, pickers, bulk forms).
"""
from __future__ import annotations

import re

from flask import abort, request

MAX_PK = 2**31 - 1           # INTEGER primary keys on SQLite and PostgreSQL
MAX_PAGE = 1_000_000
MAX_PAGE_SIZE = 1_000
_DIGITS = re.compile(r"[0-9]{1,10}")


def parse_pk(value):
    """A record id from user input: ASCII digits, 1…2³¹-1; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value <= MAX_PK else None
    text = str(value or "").strip()
    if not _DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if 0 < number <= MAX_PK else None


def parse_record_token(token):
    """``"GiftView:12"`` or ``"GiftView:12:3"`` (bulk forms; the last part is the
    version the approver saw) → ``("GiftView", 12)``; None when malformed."""
    name, sep, rest = str(token or "").partition(":")
    pk, _sep, version = rest.partition(":")
    number = parse_pk(pk)
    if not sep or not name or number is None or (_sep and not version.isdigit()):
        return None
    return name, number


def _int_arg(value, low, high):
    text = (value or "").strip()
    if not _DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if low <= number <= high else None


def _view_of_endpoint():
    from flask import current_app

    endpoint = request.endpoint or ""
    if "." not in endpoint:
        return None
    name = endpoint.split(".", 1)[0]
    appbuilder = current_app.extensions.get("appbuilder")
    if appbuilder is None:
        return None
    return _views_by_name(appbuilder).get(name)


def _views_by_name(appbuilder):
    cache = getattr(appbuilder, "_ozk_views_by_name", None)
    if cache is None or len(cache) != len(appbuilder.baseviews):
        cache = {v.__class__.__name__: v for v in appbuilder.baseviews}
        appbuilder._ozk_views_by_name = cache
    return cache


def _integer_pk(view):
    datamodel = getattr(view, "datamodel", None)
    if datamodel is None:
        return False
    try:
        from sqlalchemy import Integer

        column = datamodel.obj.__mapper__.primary_key
        return len(column) == 1 and isinstance(column[0].type, Integer)
    except Exception:  # noqa: BLE001 - not an SQLAlchemy model
        return False


def _check_pk(view):
    args = request.view_args or {}
    for key in ("pk", "attachment_id"):
        if key in args and (isinstance(args[key], int) or (view is not None and _integer_pk(view))):
            if parse_pk(args[key]) is None:
                abort(404)


def _check_list_args(view):
    from flask import current_app

    appbuilder = current_app.extensions.get("appbuilder")
    views = _views_by_name(appbuilder) if appbuilder is not None else {}
    bad_dates = []
    refuse_masked = getattr(view, "_refuse_masked_args", None)
    if refuse_masked is not None:  # a field the user sees masked: its own Turkish 400
        refuse_masked()
    for arg in request.args:
        values = request.args.getlist(arg)
        if any("\x00" in v for v in values) or "\x00" in arg:
            abort(400)
        if arg.startswith("page_"):
            if any(_int_arg(v, 0, MAX_PAGE) is None for v in values):
                abort(400)
        elif arg.startswith("psize_"):
            if any(_int_arg(v, 1, MAX_PAGE_SIZE) is None for v in values):
                abort(400)
        elif arg.startswith("_od_"):
            if any(v not in ("asc", "desc") for v in values):
                abort(400)
        elif arg.startswith("_oc_"):
            target = views.get(arg[4:])
            allowed = getattr(target, "order_columns", None)
            if target is not None and allowed is not None and any(v not in allowed for v in values):
                abort(400)
        elif arg.startswith("_flt_"):
            if not _check_filter(view, arg, values):
                bad_dates.append(arg)
    if bad_dates:
        return _without_args(bad_dates)


def _check_filter(view, arg, values):
    match = re.fullmatch(r"_flt_(\d+)_(.+)", arg)
    if not match:
        abort(400)
    index, column = int(match.group(1)), match.group(2)
    filters = getattr(view, "_filters", None)
    all_filters = getattr(filters, "_all_filters", None) or {}
    if column not in all_filters:
        return True  # FAB ignores filters on unknown columns
    if index >= len(all_filters[column]):
        abort(400)
    datamodel = getattr(view, "datamodel", None)
    try:
        relation = datamodel.is_relation(column)
        integer = datamodel.is_integer(column)
        boolean = datamodel.is_boolean(column)
        dated = datamodel.is_date(column) or datamodel.is_datetime(column)
    except Exception:  # noqa: BLE001
        return True
    if dated:
        from app.core.turkish import parse_datetime_text

        return all(parse_datetime_text(v) is not None for v in values if v.strip())
    if boolean and any(v != "y" for v in values):
        abort(400)  # FAB's boolean filter knows only "y" (its check box); anything else reaches SQL raw
    if relation or integer:
        for value in values:
            if value == "":
                continue
            if relation and parse_pk(value) is None:
                abort(400)
            if integer and not relation:
                text = value.strip().lstrip("-")
                if not _DIGITS.fullmatch(text):
                    abort(400)
    return True


def _without_args(names):
    """A date filter that is not a date: the list without it and a Turkish
    message saying how to write one (not an error page for a typo)."""
    from urllib.parse import urlencode

    from flask import flash, redirect
    from flask_babel import gettext

    flash(gettext("A date filter was ignored: write the date as dd.mm.yyyy (e.g. 26.11.2026), "
                  "a time as 26.11.2026 14:30."), "warning")
    query = urlencode([(k, v) for k, v in request.args.items(multi=True) if k not in names])
    return redirect(request.path + ("?" + query if query else ""))


def _check_action(view):
    endpoint = request.endpoint or ""
    if endpoint.endswith(".action") and view is not None:
        if (request.view_args or {}).get("name") not in (getattr(view, "actions", None) or {}):
            abort(404)
        return
    if not endpoint.endswith(".action_post") or request.method != "POST":
        return
    # FAB's action_post has no has_access: it checks the named action's permission
    actions = getattr(view, "actions", None) or {}
    if request.form.get("action") not in actions:
        abort(400)
    if any(parse_pk(pk) is None for pk in request.form.getlist("rowid")) and _integer_pk(view):
        abort(400)


def _check_record_tokens():
    """Bulk forms post ``record=<View>:<id>`` tokens (the approval inbox)."""
    if request.method != "POST" or "record" not in request.form:
        return
    if any(parse_record_token(t) is None for t in request.form.getlist("record")):
        abort(400)


def check_request():
    """``before_request``: refuse malformed ids and list arguments."""
    if request.path.startswith("/static"):
        return
    view = _view_of_endpoint()
    _check_pk(view)
    response = _check_list_args(view)
    if response is not None:
        return response
    _check_action(view)
    _check_record_tokens()


def init_app(app):
    app.before_request(check_request)

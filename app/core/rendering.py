"""Page rendering without repeated work (issue 19, item 3).

Templates call ``_()`` a few hundred times per list page (button titles per
row, menu labels); Flask-Babel looks the current translations up again on
every call (context stack, locale, domain). The catalog a request uses is
fixed for that request: it is looked up once and kept in ``g``.
"""
from __future__ import annotations

import re

from flask import g
from flask_babel import LazyString, get_translations
from werkzeug.routing import Rule as _Rule


def _translations():
    try:
        return g._ozk_translations
    except AttributeError:
        catalog = g._ozk_translations = get_translations()
        return catalog


def locale_name():
    """This request's language as text (``str(get_locale())``), looked up
    once per request: the frame's fragments, the menu key and the scripts'
    words each asked Flask-Babel again (~10 times a page). Flask-Babel keeps
    the locale per request too; this keeps its text."""
    try:
        return g._ozk_locale_name
    except AttributeError:
        from flask_babel import get_locale

        name = g._ozk_locale_name = str(get_locale())
        return name


def init_app(app):
    """Install the per-request catalog for the templates' ``_``/``gettext``
    (after Flask-Babel, which installs its own)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
    )
    init_menu(app)


# -- the menu: rendered once per role set (see app/security/permcache.py) -----
def _menu_key():
    from flask import current_app, request

    from app.core.inbox import may_decide_cached
    from app.extensions import db

    version = g.get("_ozk_perm_version")
    user = g.get("user")
    if version is None or user is None or not getattr(user, "is_authenticated", False):
        return None
    sm = current_app.appbuilder.sm
    role_ids = tuple(sorted(r.id for r in sm.get_user_roles(user) if r is not None))
    return ("menu", id(current_app), str(db.engine.url), version[0], role_ids, locale_name(),
            request.script_root, bool(may_decide_cached(user)))


def menu_key():
    """This request's menu key (None: not cacheable: anonymous, or the roles
    changed in this request)."""
    key = g._ozk_menu_key = _menu_key()
    return key


def menu_get():
    """The rendered menu for this request's key, or None (then the template
    renders it and hands it to ``menu_put``)."""
    from app.security import permcache

    key = menu_key()
    if key is None:
        return None
    return permcache._MENUS.get(key)


def menu_put(html):
    from markupsafe import Markup

    from app.security import permcache

    html = Markup(html)
    key = g.get("_ozk_menu_key")
    if key is not None and "_ozk_perm_version" in g:   # no role change in this request
        permcache.cached_menu(key, lambda: html)
    return html


def init_menu(app):
    app.jinja_env.globals["ozk_menu_get"] = menu_get
    app.jinja_env.globals["ozk_menu_put"] = menu_put
    app.jinja_env.globals["ozk_list_rows"] = list_rows
    app.jinja_env.globals["ozk_show_rows"] = show_rows
    app.jinja_env.globals["ozk_i18n_json"] = i18n_json
    app.jinja_env.globals["ozk_fragment"] = fragment
    app.jinja_env.globals["ozk_menu_key"] = menu_key
    app.jinja_env.globals["ozk_label"] = label_text
    app.jinja_env.globals["ozk_record_url"] = record_url
    # the templates' csrf_token(): flask-wtf's, with the signed token kept per session
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.before_request(offer_kept_csrf_token)
    # the list's page, page-size and sort links: one url_for per kind and page
    for name, fn in (("link_page", link_page), ("link_page_size", link_page_size), ("link_order", link_order)):
        app.jinja_env.filters[name] = fn


# -- the list's links: one url_for per kind per request -----------------------
#: stands for the value in a link built once per request (letters and underscores:
#: url_for leaves it as it is)
LINK_MARK = "__ozk_link_value__"
_SIMPLE_VALUE = re.compile(r"^[A-Za-z0-9_]+$")


def _link_template(kind, modelview_name):
    """The link FAB's filter builds (the request's endpoint, path and query
    arguments, with ``kind``'s argument set), with LINK_MARK for the value,
    built once per request and kind."""
    from flask import request, url_for

    cache = g.setdefault("_ozk_link_templates", {})
    key = (kind, modelview_name)
    template = cache.get(key)
    if template is None:
        args = request.args.copy()
        if kind == "page":
            args["page_" + modelview_name] = LINK_MARK
        elif kind == "psize":
            args["psize_" + modelview_name] = LINK_MARK
        else:   # order, as FAB's filter: the direction flips whatever the column
            flip = ("_oc_" + modelview_name) in args
            args["_oc_" + modelview_name] = LINK_MARK
            args["_od_" + modelview_name] = "desc" if flip and args.get("_od_" + modelview_name) == "asc" \
                else "asc"
        template = cache[key] = url_for(
            request.endpoint, **dict(list(request.view_args.items()) + list(args.to_dict().items())))
    return template


_NO_TEMPLATE = ()


def record_url(endpoint, pk):
    """``url_for(endpoint, pk=pk)`` for a record's integer id, built with
    url_for once per request and endpoint (the home page's sections link
    dozens of records; url_for costs some tens of microseconds each).
    Any other pk, or an endpoint whose URL does not take the mark, goes to
    url_for as it is; an unknown endpoint raises as url_for does."""
    from flask import url_for

    if type(pk) is not int:
        return url_for(endpoint, pk=pk)
    cache = g.setdefault("_ozk_record_urls", {})
    parts = cache.get(endpoint)
    if parts is None:
        try:
            url = url_for(endpoint, pk=LINK_MARK)
        except Exception:   # noqa: BLE001 - e.g. an <int:pk> rule: url_for itself decides
            url = ""
        parts = cache[endpoint] = tuple(url.split(LINK_MARK)) if url.count(LINK_MARK) == 1 else _NO_TEMPLATE
    if not parts:
        return url_for(endpoint, pk=pk)
    return f"{parts[0]}{pk}{parts[1]}"


def _link(kind, value, modelview_name, fab_filter):
    """FAB's link for ``value``, from the request's link template when the
    value is a plain number or name (what the list passes) and the request
    itself does not hold the mark; FAB's filter otherwise."""
    from flask import request

    text = str(value)
    if not _SIMPLE_VALUE.match(text) or LINK_MARK.encode() in request.query_string \
            or LINK_MARK in request.path:
        return getattr(_FAB_FILTERS, fab_filter)(value, modelview_name)
    template = _link_template(kind, modelview_name)
    if template.count(LINK_MARK) != 1:
        return getattr(_FAB_FILTERS, fab_filter)(value, modelview_name)
    return template.replace(LINK_MARK, text)


def _fab_template_filters():
    """FAB's own link filters (they read only the request), for what the
    template shortcut does not cover."""
    from flask_appbuilder.filters import TemplateFilters

    return TemplateFilters.__new__(TemplateFilters)


_FAB_FILTERS = _fab_template_filters()


def link_page(page, modelview_name):
    return _link("page", page, modelview_name, "link_page_filter")


def link_page_size(page_size, modelview_name):
    return _link("psize", page_size, modelview_name, "link_page_size_filter")


def link_order(column, modelview_name):
    return _link("order", column, modelview_name, "link_order_filter")


# -- the CSRF token: signed once per session and process -----------------------
_SIGNED_TOKENS: dict = {}
_SIGNED_TOKENS_MAX = 20000


def _token_key():
    """(secret, the session's raw token), or None when there is none yet."""
    from flask import current_app, session

    if current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token") != "csrf_token":
        return None
    raw = session.get("csrf_token")
    if not raw or not isinstance(raw, str):
        return None
    return (current_app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key, raw)


def _kept_token(key):
    from flask import current_app

    hit = _SIGNED_TOKENS.get(key) if key is not None else None
    if hit is not None and _token_fresh(hit[1], current_app.config.get("WTF_CSRF_TIME_LIMIT", 3600)):
        return hit[0]
    return None


def _keep_token(key, token):
    import time

    if key is None or not token or _kept_token(key) is not None:
        return
    if len(_SIGNED_TOKENS) >= _SIGNED_TOKENS_MAX:
        _SIGNED_TOKENS.clear()
    _SIGNED_TOKENS[key] = (token, time.time())


def offer_kept_csrf_token():
    """Before each request: the session's kept signed token, if any, where
    flask-wtf looks first (``g.csrf_token``), so that forms (FlaskForm's
    hidden field) and templates alike use it instead of signing anew."""
    if "csrf_token" not in g:
        kept = _kept_token(_token_key())
        if kept is not None:
            g.csrf_token = g._ozk_csrf_kept = kept


def csrf_token():
    """flask-wtf's ``generate_csrf()`` for the current session, without
    signing the session's token again on every page (an HMAC, a JSON dump
    and a base64 per request): the signed form is kept per (secret, session
    token) in this process. It is the token flask-wtf would give (the
    session's token, signed with the same key and salt, only at an earlier
    time), so forms check it as before; see ``_token_fresh`` for the time
    limit."""
    from flask_wtf.csrf import generate_csrf

    if "csrf_token" in g:
        token = g.csrf_token
        if g.get("_ozk_csrf_kept") == token:    # already kept (or offered from the kept ones)
            return token
    else:
        token = _kept_token(_token_key())
        if token is not None:
            g.csrf_token = g._ozk_csrf_kept = token
            return token
        token = generate_csrf()
    if token != CSRF_MARK:
        _keep_token(_token_key(), token)
        g._ozk_csrf_kept = token
    return token


def _token_fresh(signed_at, limit):
    """A kept token is reused while it is under a tenth of the time limit
    old (none: always), so a page's form stays valid at least 90 % as long
    as with a token signed for it."""
    if limit is None:
        return True
    import time

    return time.time() - signed_at < limit / 10


# -- labels: a lazy label translated once per language ----------------------------
_LABELS: dict = {}
_LABELS_MAX = 20000


def label_text(label):
    """A column label as text. Labels are lazy strings; escaping one
    (``{{ label }}``, ``escape(label)``) translated it twice, each through
    Flask-Babel's context lookups: ~40 times per record page. Kept per
    (what the lazy string says, catalog) in this process, so a title made
    anew per request (``_l("Settings")``) is one entry, and no label object
    is kept alive. Anything else (a plain string, ``Markup``) is itself."""
    if not isinstance(label, LazyString):
        return label
    try:
        key = (label._func, label._args, tuple(sorted(label._kwargs.items())), id(_translations()))
        hit = _LABELS.get(key)
    except TypeError:          # an unhashable argument: translate it as it is
        return str(label)
    if hit is None:
        if len(_LABELS) >= _LABELS_MAX:
            _LABELS.clear()
        hit = _LABELS[key] = str(label)
    return hit


# -- the page's frame: rendered once per key -----------------------------------
#: a stand-in for the request's CSRF token inside a kept fragment (the token
#: differs per session; it is put in when the fragment is sent)
CSRF_MARK = "__ozk_csrf_token__"
_FRAGMENTS: dict = {}
_FRAGMENTS_MAX = 5000


def fragment(name, *parts, caller):
    """``{% call ozk_fragment('navbar', key…) %}…{% endcall %}``: the block's
    HTML, rendered the first time per (application, name, script root,
    language, ``parts``) and kept in this process; later pages send the kept
    HTML. For the frame every page repeats: the stylesheet and script tags,
    the dialogs, the navbar, the footer (each page rendered them afresh:
    about half of a record page's template time).

    The block must depend on nothing but the key: ``parts`` names what else it
    reads (the menu key, the user, the bell). A part that is ``None`` means
    "not cacheable": the block is rendered as usual, as it is when a CSP
    nonce is configured (a nonce differs per page). ``csrf_token()`` inside
    the block renders a stand-in that each page replaces with its own token."""
    from flask import current_app, request, session
    from markupsafe import Markup

    if any(p is None for p in parts) or "csp_nonce" in current_app.jinja_env.globals:
        return caller()
    key = (id(current_app), name, request.script_root, locale_name(), session.get("locale"), *parts)
    html = _FRAGMENTS.get(key)
    if html is None:
        missing = object()
        token = g.get("csrf_token", missing)   # what generate_csrf() keeps for the request
        g.csrf_token = CSRF_MARK
        try:
            html = str(caller())
        finally:
            if token is missing:
                g.pop("csrf_token", None)
            else:
                g.csrf_token = token
        if len(_FRAGMENTS) >= _FRAGMENTS_MAX:
            _FRAGMENTS.clear()
        _FRAGMENTS[key] = html
    if CSRF_MARK in html:
        html = html.replace(CSRF_MARK, csrf_token())
    return Markup(html)


def forget_fragments():
    _FRAGMENTS.clear()


# -- list rows: put together in Python -----------------------------------------
def _quote_pk(pk):
    from urllib.parse import quote

    from markupsafe import escape

    return str(escape(quote(str(pk), safe="")))


def list_rows(value_columns, pks, include_columns, formatters, btn_edit, btn_view, select_label):
    """The list's ``<tr>`` rows, as FAB's widget renders them (same markup,
    every value escaped the way Jinja's autoescape does: ``None`` prints as
    ``None``, ``__html__`` is honoured), without Jinja's per-cell overhead.
    ``btn_edit``/``btn_view``: the page's buttons rendered once with the
    placeholder key ``__ozk_pk__`` (None: no button column); a row whose
    ``__editable__`` is false gets the one without the edit pencil."""
    from markupsafe import Markup, escape

    out = []
    add = out.append
    # plain str: ``"<td>" + Markup(...)`` would escape the "<td>" (Markup.__radd__)
    btn_edit = None if btn_edit is None else str(btn_edit)
    btn_view = None if btn_view is None else str(btn_view)
    columns = [(name, formatters.get(name)) for name in include_columns]
    select = str(escape(select_label)) if select_label is not None else None
    for item, pk in zip(value_columns, pks):
        add("<tr>")
        if select is not None:
            epk = str(escape(pk))
            add(f'<td><input id="{epk}" class="action_check" name="rowid" value="{epk}" '
                f'type="checkbox" aria-label="{select}"></td>')
        if btn_edit is not None:
            template = btn_edit if item.get("__editable__", True) else btn_view
            add('<td class="text-center">' + template.replace("__ozk_pk__", _quote_pk(pk)) + "</td>")
        for name, formatter in columns:
            value = item[name]
            add("<td>" + str(escape(formatter(value) if formatter else value)) + "</td>")
        add("</tr>")
    return Markup("\n".join(out))


def show_rows(include_columns, value_columns, label_columns, formatters):
    """The record page's label/value rows, as the show widget's template
    renders them (same markup and escaping), put together in Python: a
    macro call, a dictionary lookup and an index search per field in Jinja
    were a quarter of the record page's content."""
    from markupsafe import Markup, escape

    out = []
    for name, value in zip(include_columns, value_columns):
        formatter = formatters.get(name)
        shown = formatter(value) if formatter else value
        out.append('        <tr>\n            <th class="col-lg-2 col-md-2 col-sm-2">'
                   + str(escape(label_text(label_columns.get(name))))
                   + '</th>\n            <td>\n                <span style="white-space: pre-line">'
                   + str(escape(shown)) + "</span>\n            </td>\n        </tr>")
    return Markup("\n".join(out))


# -- the scripts' words (ozelkalem_base.html): one JSON per language ----------
_I18N: dict = {}


def _i18n_words(_):
    return {
        "noResults": _("No results"), "searching": _("Searching…"), "choose": _("Choose…"),
        "typeToSearch": _("Type to search…"), "removeAll": _("Clear"), "loadingMore": _("Loading more…"),
        "errorLoading": _("The results could not be loaded."),
        "today": _("Today"), "clear": _("Clear"),
        "confirmReject": _("Reject this record? It goes back to the clerk with your reason."),
        "confirmReopen": _("Reopen this approved record? Its printed copies stop being valid until it is "
                           "approved again."),
        "confirmBulk": _("Approve all selected records?"),
        "days": [_("Sunday"), _("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"),
                 _("Saturday")],
        "daysMin": [_("Su"), _("Mo"), _("Tu"), _("We"), _("Th"), _("Fr"), _("Sa")],
        "months": [_("January"), _("February"), _("March"), _("April"), _("May"), _("June"), _("July"),
                   _("August"), _("September"), _("October"), _("November"), _("December")],
    }


def i18n_json():
    """The words ozk.js needs, as the page's JSON block: translated and
    serialised once per language and process (they were ~40 ``_()`` calls
    and a ``tojson`` on every page)."""
    from flask import current_app
    from flask.json import dumps
    from markupsafe import Markup

    key = (id(current_app), locale_name())
    hit = _I18N.get(key)
    if hit is None:
        catalog = _translations()
        words = _i18n_words(catalog.ugettext)
        # as Jinja's tojson: HTML-safe JSON
        text = (dumps(words).replace("<", "\\u003c").replace(">", "\\u003e")
                .replace("&", "\\u0026").replace("'", "\\u0027"))
        hit = _I18N[key] = Markup(text)
    return hit


# -- FAB's "Add filter" search widget: rendered once while no filter is active --
_SEARCH: dict = {}


def _search_widget_class():
    from flask_appbuilder.widgets import SearchWidget
    from wtforms import fields as wf

    static_fields = (wf.StringField, wf.TextAreaField, wf.IntegerField, wf.FloatField, wf.DecimalField,
                     wf.DateField, wf.DateTimeField, wf.BooleanField, wf.SelectField)

    class CachedSearchWidget(SearchWidget):
        """FAB's search widget. With no filter active its HTML depends only on
        the view, the columns offered (masking removes some per role), the
        language and the fields' static markup: kept per process for that key.
        Fields whose choices come from the database, an active filter or a CSP
        nonce: rendered every time, as FAB does."""

        def _key(self, kwargs):
            from flask import current_app
            from flask_babel import get_locale

            args = self.template_args
            if kwargs or self.filters is None or self.filters.get_filters_values_tojson():
                return None
            if "csp_nonce" in current_app.jinja_env.globals:
                return None
            form, cols = args.get("form"), tuple(args.get("include_cols") or ())
            try:
                if any(not isinstance(form[col], static_fields) for col in cols):
                    return None
                if any(getattr(form[col], "query_func", None) or getattr(form[col], "datamodel", None)
                       for col in cols):
                    return None
            except KeyError:
                return None
            return (id(current_app), self.template, args.get("route_base"), cols,
                    tuple(args.get("exclude_cols") or ()), str(get_locale()))

        def __call__(self, **kwargs):
            key = self._key(kwargs)
            if key is None:
                return super().__call__(**kwargs)
            hit = _SEARCH.get(key)
            if hit is None:
                if len(_SEARCH) > 500:
                    _SEARCH.clear()
                hit = _SEARCH[key] = super().__call__(**kwargs)
            return hit

    return CachedSearchWidget


CachedSearchWidget = _search_widget_class()


# -- start-up: URL builders compiled when first used --------------------------


class LazyBuilderRule(_Rule):
    """A URL rule whose two builder functions (what ``url_for`` runs) are
    generated and compiled the first time the rule builds a URL, not when the
    rule is added. Werkzeug writes Python source for both builders of every
    rule at start-up: ~930 rules (FAB gives each view a dozen) cost ~0.4 s of
    every worker's start, for URLs most workers never build. Matching (the
    rule's regular expression) is unchanged; a built URL is the same."""

    def _compile_builder(self, append_unknown=True):
        attr = "_build_unknown" if append_unknown else "_build"

        def build_once(rule, *args, **values):
            real = _Rule._compile_builder(rule, append_unknown).__get__(rule, None)
            setattr(rule, attr, real)   # later calls go straight to the compiled builder
            return real(*args, **values)

        return build_once

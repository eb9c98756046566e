"""Page rendering without repeated work (issue 19, item 3).

Templates call ``_()`` a few hundred times per list page (button titles per
row, menu labels); Flask-Babel looks the current translations up again on
every call (context stack, locale, domain). The catalog a request uses is
fixed for that request: it is looked up once and kept in ``g``.
"""
from __future__ import annotations

from flask import g
from flask_babel import get_translations


def _translations():
    try:
        return g._ozk_translations
    except AttributeError:
        catalog = g._ozk_translations = get_translations()
        return catalog


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

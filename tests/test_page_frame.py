"""Issue 19, item 3: the frame every page repeats (stylesheet and script tags,
dialogs, navbar, footer) is rendered once per key and process
(``ozk_fragment``, app/core/rendering.py). A kept fragment must never show one
user's navbar, name, bell or CSRF token to another, nor an old state."""
from __future__ import annotations

import re

import pytest

from app.core import rendering
from app.extensions import db

CSRF = re.compile(r'name="csrf_token" value="([^"]*)"')


def _navbar(html: bytes) -> str:
    text = html.decode()
    return text[text.index("<header"):text.index("</header>")]


def _user_menu_name(html: bytes) -> str:
    match = re.search(r'id="ozk-user-menu">\s*<span class="fa fa-user"></span>\s*([^<]+?)<b', html.decode())
    assert match, "no user menu"
    return match.group(1).strip()


@pytest.fixture
def fresh_fragments():
    rendering.forget_fragments()
    yield
    rendering.forget_fragments()


def test_each_user_gets_their_own_navbar_from_the_kept_frame(app, clients, fresh_fragments):
    names = {}
    with app.app_context():
        from app.extensions import appbuilder

        for username in ("memur", "mudur", "bilgiislem"):
            names[username] = appbuilder.sm.find_user(username=username).get_full_name()
        db.session.remove()
    # twice round: the second round is served from the kept fragments
    for _round in range(2):
        for username in ("memur", "mudur", "bilgiislem"):
            html = clients[username].get("/contactview/list/").data
            assert _user_menu_name(html) == names[username]
    assert rendering._FRAGMENTS, "the frame was not kept"
    # the menus differ by role: Bilgi İşlem's holds the user screens, the clerk's does not
    assert "/users/list/" in _navbar(clients["bilgiislem"].get("/contactview/list/").data)
    assert "/users/list/" not in _navbar(clients["memur"].get("/contactview/list/").data)


def test_two_clerks_with_the_same_role_each_see_their_own_name(app, login, fresh_fragments):
    """Same roles, same (empty) bell: only the user part of the key tells them apart."""
    from app.extensions import appbuilder

    people = {"cerceve1": ("Çiğdem", "İnce"), "cerceve2": ("Işıl", "Öztürk")}
    with app.app_context():
        sm = appbuilder.sm
        roles = list(sm.find_user(username="memur").roles)
        for username, (first, last) in people.items():
            if sm.find_user(username=username) is None:
                sm.add_user(username, first, last, f"{username}@ornek.bel.tr", roles, "ozelkalem")
        db.session.remove()
    browsers = {username: login(username) for username in people}
    for _round in range(2):
        for username, (first, last) in people.items():
            assert _user_menu_name(browsers[username].get("/contactview/list/").data) == f"{first} {last}"


def test_kept_fragments_carry_the_requests_own_csrf_token(app, login, fresh_fragments):
    first, second = login("memur"), login("memur")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        tokens = {}
        for name, client in (("first", first), ("second", second)):
            for _ in range(2):   # the second page comes from the kept navbar
                html = client.get("/contactview/list/").data.decode()
                assert rendering.CSRF_MARK not in html
                found = set(CSRF.findall(html))
                assert len(found) == 1 and "" not in found
            tokens[name] = found.pop()
        # two sessions, two tokens: the kept navbar did not hand out the first one's
        assert tokens["first"] != tokens["second"]
        # the logout form in the kept navbar works (POST with that page's token)
        resp = second.post("/logout/", data={"csrf_token": tokens["second"]})
        assert resp.status_code == 302
        assert second.get("/contactview/list/").status_code == 302   # logged out: to the login page
        # and the other session's token is refused for this one
        assert first.post("/logout/", data={"csrf_token": "x" + tokens["first"]}).status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_the_bell_and_a_new_name_show_on_the_next_page(app, clients, fresh_fragments):
    from app.extensions import appbuilder
    from app.notify.models import Notification
    from app.notify.views import forget_bell

    client = clients["denetci"]
    before = _navbar(client.get("/contactview/list/").data)
    client.get("/contactview/list/")
    with app.app_context():
        user = appbuilder.sm.find_user(username="denetci")
        uid, first_name = user.id, user.first_name
        db.session.add(Notification(user_id=uid, kind="info", text="Çerçeve sınaması: yeni bildirim <b>kalın değil</b>"))
        user.first_name = "Yeniadlı"
        db.session.commit()
        db.session.remove()
    forget_bell([uid])
    try:
        after = _navbar(client.get("/contactview/list/").data)
        assert after != before
        assert "Çerçeve sınaması: yeni bildirim &lt;b&gt;kalın değil&lt;/b&gt;" in after
        assert "Yeniadlı" in after
    finally:
        with app.app_context():
            db.session.query(Notification).filter_by(user_id=uid).delete()
            appbuilder.sm.find_user(username="denetci").first_name = first_name
            db.session.commit()
            db.session.remove()
        forget_bell([uid])


def test_the_frame_follows_the_language(app, login, fresh_fragments):
    client = login("memur")
    assert "Çıkış" in _navbar(client.get("/contactview/list/").data)
    assert client.get("/lang/en").status_code == 302
    english = client.get("/contactview/list/").data.decode()
    assert "Logout" in _navbar(english.encode()) and "Çıkış" not in _navbar(english.encode())
    assert '"months": ["January"' in english or '"months":["January"' in english
    client.get("/lang/tr")
    assert "Çıkış" in _navbar(client.get("/contactview/list/").data)


def test_with_a_csp_nonce_nothing_is_kept(app, clients, fresh_fragments):
    app.jinja_env.globals["csp_nonce"] = lambda: "nonce-sinama-123"
    try:
        html = clients["memur"].get("/contactview/list/").data.decode()
        assert 'nonce="nonce-sinama-123"' in html
        assert not rendering._FRAGMENTS
    finally:
        del app.jinja_env.globals["csp_nonce"]


def test_a_session_signs_its_csrf_token_once_and_forms_accept_it(app, login):
    """The signed CSRF token is kept per session (rendering.csrf_token): the
    same on the next page, another session's differs, and forms accept it."""
    first, second = login("memur"), login("memur")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        import time

        pages = []
        for path in ("/contactview/list/", "/contactview/list/", "/contactview/add", "/contactview/list/"):
            pages.append(CSRF.findall(first.get(path).data.decode()))
            time.sleep(1.1)   # itsdangerous signs with a timestamp in seconds: a new signing would differ
        # the first page signs it (the login form made the session's token); then pages,
        # and forms (the add page's FlaskForm), all carry that same signed token
        assert all(p and set(p) == set(pages[0]) for p in pages), pages
        other = set(CSRF.findall(second.get("/contactview/list/").data.decode()))
        assert other and other != set(pages[0])
        # the kept token is the one flask-wtf checks: a form posted with it goes through
        token = pages[-1][0]
        assert first.post("/logout/", data={"csrf_token": token}).status_code == 302
        assert first.get("/contactview/list/").status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_a_kept_csrf_token_is_signed_again_when_a_time_limit_would_run_short(app, login):
    """With WTF_CSRF_TIME_LIMIT set, a token signed more than a tenth of the
    limit ago is not handed out again: the page gets a freshly signed one."""
    client = login("memur")
    app.config.update(WTF_CSRF_ENABLED=True, WTF_CSRF_TIME_LIMIT=3600)
    try:
        token = CSRF.findall(client.get("/contactview/list/").data.decode())[0]
        assert CSRF.findall(client.get("/contactview/list/").data.decode())[0] == token
        for key, (kept, signed_at) in list(rendering._SIGNED_TOKENS.items()):
            if kept == token:   # signed 400 s ago, as far as the cache knows
                rendering._SIGNED_TOKENS[key] = (kept, signed_at - 400)
        import time

        time.sleep(1.1)   # itsdangerous signs with a timestamp in seconds
        fresh = CSRF.findall(client.get("/contactview/list/").data.decode())[0]
        assert fresh != token
        assert client.post("/logout/", data={"csrf_token": fresh}).status_code == 302
    finally:
        app.config.update(WTF_CSRF_ENABLED=False, WTF_CSRF_TIME_LIMIT=None)


def test_column_labels_follow_the_language_once_kept(app, login):
    """Column labels are translated once per language and kept
    (rendering.label_text): the kept Turkish label never shows on an English
    page, nor the other way round; list headers and the record page alike."""
    from app.extensions import appbuilder
    from app.registers.reference.models import Contact

    with app.app_context():
        contact_id = db.session.query(Contact.id).filter(Contact.archived.is_(False)).order_by(Contact.id).first()[0]
        view = next(v for v in appbuilder.baseviews if v.__class__.__name__ == "ContactView")
        label = view.label_columns["name"]
        db.session.remove()
    client = login("memur")
    with app.test_request_context():
        from flask_babel import force_locale

        with force_locale("tr"):
            turkish = str(label)
        with force_locale("en"):
            english = str(label)
    assert turkish != english
    for _round in range(2):
        for lang, want, not_want in (("tr", turkish, english), ("en", english, turkish)):
            client.get(f"/lang/{lang}")
            for path in ("/contactview/list/", f"/contactview/show/{contact_id}"):
                html = client.get(path).data.decode()
                assert f">{want}" in html, (lang, path)
                assert f">{not_want}<" not in html and f">{not_want}\n" not in html, (lang, path)
    client.get("/lang/tr")


def test_kept_labels_are_keyed_by_what_they_say(app):
    """A lazy title made anew per request is one kept entry, not one per
    request; arguments count; Markup and plain strings pass through as
    they are; a lazy string with an unhashable argument is still translated."""
    from flask_babel import force_locale, lazy_gettext
    from markupsafe import Markup

    from app.core import rendering

    with app.test_request_context():
        with force_locale("en"):
            rendering._LABELS.clear()
            texts = {rendering.label_text(lazy_gettext("Settings")) for _ in range(50)}
            assert len(rendering._LABELS) == 1 and len(texts) == 1
            one = rendering.label_text(lazy_gettext("%(n)s records", n=1))
            two = rendering.label_text(lazy_gettext("%(n)s records", n=2))
            assert (one, two) == ("1 records", "2 records") and len(rendering._LABELS) == 3
            assert rendering.label_text(lazy_gettext("%(n)s records", n=[3])) == "[3] records"
            mark = Markup("<b>x</b>")
            assert rendering.label_text(mark) is mark and rendering.label_text("düz") == "düz"
            assert rendering.label_text(None) is None


@pytest.mark.parametrize("url", [
    "/contactview/list/",
    "/contactview/list/?q=%C4%B1%C5%9F%C4%B1k&page_ContactView=3",
    "/contactview/list/?_oc_ContactView=name&_od_ContactView=asc&psize_ContactView=50",
    "/contactview/list/?_oc_ContactView=name&_od_ContactView=desc&_flt_0_kind=kisi&q=a+b%26c%3Cx%3E",
    "/contactview/list/?q=__ozk_link_value__",
    "/contactview/list/?page_ContactView=2&page_ContactView=5",
])
def test_list_links_are_fabs_links(app, url):
    """The page, page-size and sort links come from one url_for per kind and
    request (rendering.link_page & co.): each must equal FAB's own filter's
    link for every value, whatever the request's query holds."""
    from flask_appbuilder.filters import TemplateFilters

    fab = TemplateFilters.__new__(TemplateFilters)
    with app.test_request_context(url):
        for value in (0, 1, 7, 25, 100, "name", "x y", "ı"):
            assert rendering.link_page(value, "ContactView") == fab.link_page_filter(value, "ContactView")
            assert rendering.link_page_size(value, "ContactView") == fab.link_page_size_filter(value, "ContactView")
            assert rendering.link_order(value, "ContactView") == fab.link_order_filter(value, "ContactView")


def test_the_list_page_links_carry_the_search(app, clients):
    """On the page itself: the pager and the column headers keep the search."""
    html = clients["memur"].get("/contactview/list/?q=a&psize_ContactView=5").data.decode()
    links = re.findall(r'href="(/contactview/list/\?[^"]*)"', html)
    pager = [h for h in links if "page_ContactView=" in h]
    order = [h for h in links if "_oc_ContactView=" in h]
    assert order and pager and all(h.startswith("/contactview/list/?q=a&amp;psize_ContactView=5&amp;") for h in order + pager)


@pytest.mark.parametrize("script_root", ["", "/ozelkalem"])
def test_record_links_are_url_fors_links(app, script_root):
    """``record_url`` (the home page's record links, built once per request
    and endpoint) gives exactly url_for's URL: every id, under a script
    root, for an action other than show; a non-integer pk and an unknown
    endpoint behave as url_for does."""
    from flask import url_for
    from werkzeug.routing import BuildError

    with app.test_request_context("/", environ_overrides={"SCRIPT_NAME": script_root}):
        for pk in (1, 7, 10, 123456789, 0):
            assert rendering.record_url("ContactView.show", pk) == url_for("ContactView.show", pk=pk)
            assert rendering.record_url("PhoneCallView.callback_done", pk) == \
                url_for("PhoneCallView.callback_done", pk=pk)
        assert rendering.record_url("ContactView.show", 5).startswith(script_root + "/contactview/show/")
        assert rendering.record_url("ContactView.show", "a b") == url_for("ContactView.show", pk="a b")
        assert rendering.record_url("ContactView.show", True) == url_for("ContactView.show", pk=True)
        with pytest.raises(BuildError):
            rendering.record_url("NoSuchView.show", 3)

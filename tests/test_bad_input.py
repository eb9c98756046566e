"""Hostile and broken input on every register's add and edit form.

Each payload must give a form error (200) or be stored harmlessly (302):
never a 5xx, never half-saved, never rendered unescaped in HTML, CSV or PDF.
The forms are discovered from the registry, so a new register is covered
automatically."""
from __future__ import annotations

import csv
import io

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

"""Ordered signature steps (issue 16, first part), over HTTP and through the
public API, on SQLite and PostgreSQL.

The office "Abonelikler" register is given a three-step chain inside these
tests only (paraf by the preparer → paraf by the Müdür → imza by the Başkan):

- the order is enforced, a wrong role is refused with a Turkish message;
- any step returns the record to the preparer with a reason (shown like a rejection);
- signing for somebody: "a." (yetki devri, scoped to registers) and "V." (vekâlet;
  the Müdür's proxy from the leave register);
- "İmzamı bekleyenler": the inbox and the home section show the records whose
  CURRENT step is the user's;
- a register without a declared chain behaves as before (no step rows, the Müdür decides).
"""
from __future__ import annotations

import datetime as dt
import html as htmllib
import itertools

import pytest

from app.core import approval, signing
from app.core.audit import AuditEntry
from app.core.signing import IMZA, PARAF, PREPARER, SignatureDelegation, SignatureStep, Step
from app.extensions import db
from app.registers.office.models import Subscription

TODAY = dt.date.today()
CHAIN = [Step(PARAF, PREPARER), Step(PARAF, "Müdür"), Step(IMZA, "Başkan")]
_seq = itertools.count(1)


def text(resp) -> str:
    return htmllib.unescape(resp.data.decode())


@pytest.fixture(scope="module")
def signers(login):
    return {u: login(u) for u in ("memur", "mudur", "baskan", "baskanyardimcisi", "denetci")}


@pytest.fixture
def chained(monkeypatch):
    monkeypatch.setattr(Subscription, "signature_chain", CHAIN, raising=False)
    yield CHAIN


def sub_form(name):
    return {"publication": name, "publisher": "İmza Basın", "kind": "dergi", "copies": "1",
            "start_date": TODAY.isoformat(), "end_date": "2035-12-31",
            "cost": "100", "delivery_to": "Özel Kalem", "renewal_of": "", "notes": ""}


def new_subscription(app, client, label="İmza"):
    name = f"{label} dergisi {next(_seq)}-{dt.datetime.now().strftime('%H%M%S%f')}"
    resp = client.post("/subscriptionview/add", data=sub_form(name))
    assert resp.status_code == 302, text(resp)[-1500:]
    with app.app_context():
        return db.session.query(Subscription.id).filter_by(publication=name).scalar()


def fresh(app, pk):
    with app.app_context():
        obj = db.session.get(Subscription, pk)
        db.session.expunge(obj)
        return obj


def seen(app, pk):
    return {"version": str(fresh(app, pk).version)}


def step_rows(app, pk):
    with app.app_context():
        rows = (db.session.query(SignatureStep).filter_by(register="subscription", record_id=pk)
                .order_by(SignatureStep.position).all())
        return [(r.position, r.kind, r.role, r.state, r.on_behalf, r.user.username if r.user else None,
                 r.reason) for r in rows]


def user(username):
    from flask_appbuilder.security.sqla.models import User

    return db.session.query(User).filter_by(username=username).one()


def awaiting_ids(app, username):
    with app.app_context():
        return {(e.name, r.id) for e, r in signing.awaiting(user(username))}


def history(app, pk):
    with app.app_context():
        return [e.summary for e in db.session.query(AuditEntry)
                .filter_by(register="subscription", record_id=pk)
                .filter(AuditEntry.action.in_(("sign", "return"))).order_by(AuditEntry.id)]


def grant(app, username, for_role, kind, registers="", start=None, end=None):
    with app.app_context():
        row = SignatureDelegation(for_role=for_role, user_id=user(username).id, kind=kind,
                                  date_from=start or TODAY - dt.timedelta(days=1),
                                  date_to=end or TODAY + dt.timedelta(days=1),
                                  registers=registers, active=True)
        db.session.add(row)
        db.session.commit()
        return row.id


def end_grant(app, grant_id):
    with app.app_context():
        db.session.get(SignatureDelegation, grant_id).active = False
        db.session.commit()


def submitted(app, signers):
    pk = new_subscription(app, signers["memur"])
    resp = signers["memur"].post(f"/subscriptionview/submit/{pk}", follow_redirects=True)
    assert resp.status_code == 200
    assert fresh(app, pk).state == approval.PENDING
    return pk


# --- one-step registers: unchanged ------------------------------------------------
def test_a_register_without_a_chain_is_the_one_step_case_and_writes_no_steps(app, signers):
    pk = submitted(app, signers)
    assert step_rows(app, pk) == []
    assert ("SubscriptionView", pk) in awaiting_ids(app, "mudur")
    assert ("SubscriptionView", pk) not in awaiting_ids(app, "baskan")
    with app.app_context():
        record = db.session.get(Subscription, pk)
        assert signing.chain_of(record) == signing.DEFAULT_CHAIN
        step = signing.current(record)
        assert (step.kind, step.role, step.state) == (IMZA, "Müdür", signing.WAITING)
    # the Başkan has no say on a one-step record (the Müdür decides)
    resp = signers["baskan"].post(f"/subscriptionview/approve/{pk}", data=seen(app, pk), follow_redirects=True)
    assert "Onay yetkisi yalnızca Müdür" in text(resp)
    assert fresh(app, pk).state == approval.PENDING
    resp = signers["mudur"].post(f"/subscriptionview/approve/{pk}", data=seen(app, pk), follow_redirects=True)
    assert "Kayıt onaylandı" in text(resp)
    record = fresh(app, pk)
    assert record.state == approval.APPROVED and record.decided_as == "Müdür"
    assert step_rows(app, pk) == []
    with app.app_context():
        steps = signing.steps(db.session.get(Subscription, pk))
        assert len(steps) == 1 and steps[0].state == signing.SIGNED
        assert steps[0].signer_name == "İsmail Şahin" and steps[0].on_behalf == ""
    # the public API forwards to today's approval for a one-step register
    pk2 = submitted(app, signers)
    with app.app_context():
        record = db.session.get(Subscription, pk2)
        with pytest.raises(approval.ApprovalError):
            signing.return_to_preparer(record, user("mudur"), "  ")
        signing.return_to_preparer(record, user("mudur"), "Fiyat yüksek", version=record.version)
        db.session.commit()
    record = fresh(app, pk2)
    assert record.state == approval.REJECTED and record.decision_note == "Fiyat yüksek"


# --- the three-step chain ----------------------------------------------------------
def test_submission_is_the_preparers_paraf_and_the_order_is_enforced(app, signers, chained):
    pk = submitted(app, signers)
    rows = step_rows(app, pk)
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [
        (1, PARAF, PREPARER, "signed"), (2, PARAF, "Müdür", "waiting"), (3, IMZA, "Başkan", "waiting")]
    assert rows[0][5] == "memur"
    # only the Müdür's paraf is due: the Başkan is refused, in Turkish, and nothing moves
    assert ("SubscriptionView", pk) in awaiting_ids(app, "mudur")
    assert ("SubscriptionView", pk) not in awaiting_ids(app, "baskan")
    resp = signers["baskan"].post(f"/subscriptionview/approve/{pk}", data=seen(app, pk), follow_redirects=True)
    assert "Sıradaki adım 2. adım: Müdür parafı" in text(resp)
    assert "yetkiniz yok" in text(resp)
    assert step_rows(app, pk)[1][3] == "waiting" and fresh(app, pk).state == approval.PENDING
    # the preparer cannot take the Müdür's step either
    resp = signers["memur"].post(f"/subscriptionview/approve/{pk}", data=seen(app, pk), follow_redirects=True)
    assert "Sıradaki adım" in text(resp)
    # the Müdür's show page offers "Parafla"; the Başkan's offers nothing yet
    page = text(signers["mudur"].get(f"/subscriptionview/show/{pk}"))
    assert "ozk-signature-steps" in page and "Parafla (Müdür)" in page
    assert "ozk-approve" not in text(signers["baskan"].get(f"/subscriptionview/show/{pk}"))
    # the Müdür parafs: the record still waits, now for the Başkan
    signers["mudur"].post(f"/subscriptionview/approve/{pk}", data=seen(app, pk))
    assert [r[3] for r in step_rows(app, pk)] == ["signed", "signed", "waiting"]
    assert fresh(app, pk).state == approval.PENDING
    assert ("SubscriptionView", pk) not in awaiting_ids(app, "mudur")
    assert ("SubscriptionView", pk) in awaiting_ids(app, "baskan")
    # the Müdür cannot sign the Başkan's step
    resp = signers["mudur"].post(f"/subscriptionview/approve/{pk}", data=seen(app, pk), follow_redirects=True)
    assert "Belediye Başkanı imzası" in text(resp)
    # a stale version is refused
    resp = signers["baskan"].post(f"/subscriptionview/approve/{pk}", data={"version": "999"},
                                  follow_redirects=True)
    assert "kayıt siz incelerken değişti" in text(resp)
    page = text(signers["baskan"].get(f"/subscriptionview/show/{pk}"))
    assert "İmzala (Belediye Başkanı)" in page
    resp = signers["baskan"].post(f"/subscriptionview/approve/{pk}", data=seen(app, pk), follow_redirects=True)
    assert "Kayıt onaylandı" in text(resp)
    record = fresh(app, pk)
    assert record.state == approval.APPROVED and record.decided_as == "Belediye Başkanı"
    rows = step_rows(app, pk)
    assert [r[3] for r in rows] == ["signed"] * 3 and [r[5] for r in rows] == ["memur", "mudur", "baskan"]
    assert history(app, pk) == ["Hazırlayan parafladı", "Müdür parafladı", "Başkan imzaladı"]
    with app.app_context():
        steps = signing.steps(db.session.get(Subscription, pk))
    assert [s.signer_name for s in steps] == ["Ayşe Yılmaz", "İsmail Şahin", "Kemal Aydın"]
    assert steps[2].signer_title == "Belediye Başkanı" and steps[2].signed_at is not None
    with app.app_context():
        block = signing.signature_block(db.session.get(Subscription, pk))
    assert (block["behalf"], block["name"], block["title"]) == ("", "Kemal Aydın", "Belediye Başkanı")
    # history page says it in words
    page = text(signers["mudur"].get(f"/subscriptionview/history/{pk}"))
    assert "Müdür parafladı" in page and "Başkan imzaladı" in page


def test_any_step_returns_to_the_preparer_with_a_reason(app, signers, chained):
    pk = submitted(app, signers)
    signers["mudur"].post(f"/subscriptionview/approve/{pk}", data=seen(app, pk))
    resp = signers["baskan"].post(f"/subscriptionview/reject/{pk}", data={**seen(app, pk), "reason": ""},
                                  follow_redirects=True)
    assert "gerekçe" in text(resp).lower()
    assert fresh(app, pk).state == approval.PENDING
    resp = signers["baskan"].post(f"/subscriptionview/reject/{pk}",
                                  data={**seen(app, pk), "reason": "Bütçe onayı eksik"}, follow_redirects=True)
    assert "Kayıt reddedildi" in text(resp)
    record = fresh(app, pk)
    assert record.state == approval.REJECTED and record.decision_note == "Bütçe onayı eksik"
    rows = step_rows(app, pk)
    assert rows[2][3] == "returned" and rows[2][6] == "Bütçe onayı eksik" and rows[2][5] == "baskan"
    assert history(app, pk)[-1] == "İade edildi (Belediye Başkanı): Bütçe onayı eksik"
    # the preparer sees the reason like a rejection, corrects and submits again: a fresh chain
    page = text(signers["memur"].get(f"/subscriptionview/show/{pk}"))
    assert "Bütçe onayı eksik" in page and "ozk-submit" in page
    signers["memur"].post(f"/subscriptionview/submit/{pk}")
    assert [r[3] for r in step_rows(app, pk)] == ["signed", "waiting", "waiting"]
    # the Müdür returns at his step too
    signers["mudur"].post(f"/subscriptionview/reject/{pk}", data={**seen(app, pk), "reason": "Adet yanlış"})
    assert fresh(app, pk).state == approval.REJECTED
    assert step_rows(app, pk)[1][3] == "returned"
    # withdrawing clears the chain
    signers["memur"].post(f"/subscriptionview/submit/{pk}")
    signers["memur"].post(f"/subscriptionview/withdraw/{pk}")
    assert fresh(app, pk).state == approval.DRAFT and step_rows(app, pk) == []


def test_delegated_authority_signs_with_a_dot(app, signers, chained):
    pk = submitted(app, signers)
    signers["mudur"].post(f"/subscriptionview/approve/{pk}", data=seen(app, pk))
    # a delegation for other registers gives nothing here
    other = grant(app, "mudur", "Başkan", "a.", registers="letter")
    resp = signers["mudur"].post(f"/subscriptionview/approve/{pk}", data=seen(app, pk), follow_redirects=True)
    assert "yetkiniz yok" in text(resp)
    end_grant(app, other)
    # an expired one neither
    old = grant(app, "mudur", "Başkan", "a.", start=TODAY - dt.timedelta(days=10), end=TODAY - dt.timedelta(days=1))
    assert ("SubscriptionView", pk) not in awaiting_ids(app, "mudur")
    end_grant(app, old)
    covering = grant(app, "mudur", "Başkan", "a.", registers="letter, subscription")
    try:
        assert ("SubscriptionView", pk) in awaiting_ids(app, "mudur")
        page = text(signers["mudur"].get(f"/subscriptionview/show/{pk}"))
        assert "İmzala (Belediye Başkanı a.)" in page
        signers["mudur"].post(f"/subscriptionview/approve/{pk}", data=seen(app, pk))
    finally:
        end_grant(app, covering)
    record = fresh(app, pk)
    assert record.state == approval.APPROVED and record.decided_as == "Belediye Başkanı a."
    assert step_rows(app, pk)[2][4:6] == ("a.", "mudur")
    with app.app_context():
        last = signing.steps(db.session.get(Subscription, pk))[2]
    assert last.behalf_line == "Belediye Başkanı a." and last.signer_name == "İsmail Şahin"
    assert last.signer_title == "Müdür"
    with app.app_context():
        record = db.session.get(Subscription, pk)
        block = signing.signature_block(record)
        parafs = signing.paraf_block(record)
    assert (block["behalf"], block["name"], block["title"]) == ("Belediye Başkanı a.", "İsmail Şahin", "Müdür")
    assert [p["initials"] for p in parafs] == ["AY", "İŞ"]
    assert history(app, pk)[-1] == "Başkan adına Belediye Başkanı a. olarak İsmail Şahin imzaladı"


def test_deputy_mayor_stands_in_with_v(app, signers, chained):
    pk = submitted(app, signers)
    signers["mudur"].post(f"/subscriptionview/approve/{pk}", data=seen(app, pk))
    # without a vekâlet the Başkan Yardımcısı is refused
    resp = signers["baskanyardimcisi"].post(f"/subscriptionview/approve/{pk}", data=seen(app, pk),
                                            follow_redirects=True)
    assert "yetkiniz yok" in text(resp)
    page = text(signers["baskanyardimcisi"].get("/approvals/"))
    assert "İmzamı bekleyenler" in page and f"/subscriptionview/show/{pk}\"" not in page
    deputy = grant(app, "baskanyardimcisi", "Başkan", "V.")
    try:
        page = text(signers["baskanyardimcisi"].get("/approvals/"))
        assert f"/subscriptionview/show/{pk}\"" in page
        page = text(signers["baskanyardimcisi"].get("/"))
        assert "ozk-home-signing" in page and f"/subscriptionview/show/{pk}\"" in page
        signers["baskanyardimcisi"].post(f"/subscriptionview/approve/{pk}", data=seen(app, pk))
    finally:
        end_grant(app, deputy)
    record = fresh(app, pk)
    assert record.state == approval.APPROVED and record.decided_as == "Belediye Başkanı V."
    assert step_rows(app, pk)[2][4:6] == ("V.", "baskanyardimcisi")


def test_the_mudurs_proxy_from_the_leave_register_signs_mudur_steps_as_v(app, signers, chained, monkeypatch):
    pk = submitted(app, signers)
    with app.app_context():
        auditor_id = user("denetci").id
    monkeypatch.setattr(approval, "PROXY_PROVIDERS",
                        [lambda u, day: getattr(u, "id", None) == auditor_id])
    assert ("SubscriptionView", pk) in awaiting_ids(app, "denetci")
    with app.app_context():
        record = db.session.get(Subscription, pk)
        assert signing.acting_title(record, user("denetci")) == "Müdür V."
        signing.sign(record, user("denetci"), version=record.version)
        db.session.commit()
    assert step_rows(app, pk)[1][3:6] == ("signed", "V.", "denetci")
    with app.app_context():
        record = db.session.get(Subscription, pk)
        assert signing.current(record).role == "Başkan"
        # the proxy does not reach the Başkan's step
        with pytest.raises(approval.ApprovalError, match="Belediye Başkanı imzası"):
            signing.sign(record, user("denetci"))
        signing.sign(record, user("baskan"))
        db.session.commit()
    assert fresh(app, pk).state == approval.APPROVED


def test_inbox_and_home_show_what_waits_for_my_signature(app, signers, chained):
    pk = submitted(app, signers)
    link = f"/subscriptionview/show/{pk}\""
    assert link in text(signers["mudur"].get("/approvals/"))      # the Müdür's paraf is due
    page = text(signers["baskan"].get("/approvals/"))
    assert "İmzamı bekleyenler" in page and link not in page
    home = text(signers["baskan"].get("/"))
    assert "ozk-home-signing" in home and "İmzanızı bekleyen kayıt yok" in home
    # the clerk, who never signs here, has no such section
    assert "ozk-home-signing" not in text(signers["memur"].get("/"))
    signers["mudur"].post(f"/subscriptionview/approve/{pk}", data=seen(app, pk))
    assert link not in text(signers["mudur"].get("/approvals/"))
    page = text(signers["baskan"].get("/approvals/"))
    assert link in page
    assert link in text(signers["baskan"].get("/"))
    # bulk signing from the inbox signs the current step
    with app.app_context():
        version = db.session.get(Subscription, pk).version
    resp = signers["baskan"].post("/approvals/bulk", data={"record": f"SubscriptionView:{pk}:{version}"},
                                  follow_redirects=True)
    assert "1 kayıt onaylandı" in text(resp)
    assert fresh(app, pk).state == approval.APPROVED


def test_signer_roles_read_what_they_sign_and_nothing_personal(app, signers):
    for name in ("baskan", "baskanyardimcisi"):
        client = signers[name]
        assert client.get("/subscriptionview/list/").status_code == 200
        assert client.get("/approvals/").status_code == 200
        assert client.get("/phonecallview/list/").status_code == 403      # personal data
        assert client.get("/contactview/list/").status_code == 403
        assert client.get("/subscriptionview/add").status_code == 403
        assert client.get("/users/list/").status_code == 403
        assert client.get("/auditlog/list/").status_code == 403


def test_chain_by_document_kind(app, ctx, monkeypatch):
    chains = {"dergi": CHAIN, "*": [Step(PARAF, PREPARER), Step(IMZA, "Müdür")]}
    monkeypatch.setattr(Subscription, "signature_chain", chains, raising=False)
    monkeypatch.setattr(Subscription, "chain_key", lambda self: self.kind, raising=False)
    assert [s.role for s in signing.chain_of(Subscription(kind="dergi"))] == [PREPARER, "Müdür", "Başkan"]
    assert [s.role for s in signing.chain_of(Subscription(kind="gazete"))] == [PREPARER, "Müdür"]
    steps = signing.steps(Subscription(kind="gazete", state=approval.DRAFT))
    assert [(s.kind, s.title) for s in steps] == [(PARAF, "Hazırlayan"), (IMZA, "Müdür")]


@pytest.mark.parametrize("username", ["baskan", "baskanyardimcisi"])
def test_signer_roles_match_the_permission_matrix_over_http(app, login, username):
    """Every endpoint, requested as the Başkan / Başkan Yardımcısı, is allowed or
    refused as app/security/roles.py says (the matrix test covers the other roles)."""
    from app.security import roles as R
    from tests.test_permission_matrix import _allowed, _endpoints

    role = {"baskan": R.PRESIDENT, "baskanyardimcisi": R.DEPUTY_PRESIDENT}[username]
    client = login(username)
    wrong = []
    for endpoint, view, perm, url, http in _endpoints(app):
        expected = _allowed(app, role, view, perm)
        resp = client.get(url) if http == "GET" else client.post(url, data={})
        assert resp.status_code < 500, f"{endpoint} {url} → {resp.status_code}"
        if (resp.status_code == 403) == expected:
            wrong.append(f"{endpoint} ({perm}) {'allowed' if expected else 'refused'} expected, "
                         f"got {resp.status_code}")
    assert not wrong, f"{username}:\n" + "\n".join(wrong)


def test_the_next_signer_is_notified(app, signers, chained):
    from app.notify.models import Notification

    pk = submitted(app, signers)
    with app.app_context():
        baskan_id = user("baskan").id
        before = db.session.query(Notification).filter_by(user_id=baskan_id, record_id=pk,
                                                          view_name="SubscriptionView").count()
    assert before == 0
    signers["mudur"].post(f"/subscriptionview/approve/{pk}", data=seen(app, pk))
    with app.app_context():
        notes = db.session.query(Notification).filter_by(user_id=baskan_id, record_id=pk,
                                                         view_name="SubscriptionView").all()
        assert len(notes) == 1 and "kararınızı bekliyor" in notes[0].text


# --- a step held by one person -------------------------------------------------------
PERSON_CHAIN = [Step(PARAF, PREPARER), Step(PARAF, person="baskanyardimcisi", title="Genel Sekreter"),
                Step(IMZA, "Başkan")]


def test_a_step_named_for_one_person(app, signers, monkeypatch):
    monkeypatch.setattr(Subscription, "signature_chain", PERSON_CHAIN, raising=False)
    pk = submitted(app, signers)
    rows = step_rows(app, pk)
    assert [(r[1], r[2], r[3]) for r in rows] == [
        (PARAF, PREPARER, "signed"), (PARAF, "@baskanyardimcisi", "waiting"), (IMZA, "Başkan", "waiting")]
    # the Başkan (a role, not that person) is refused and told whose step it is
    resp = signers["baskan"].post(f"/subscriptionview/approve/{pk}", data=seen(app, pk), follow_redirects=True)
    assert "Genel Sekreter parafı" in text(resp) and "Selin Korkmaz veya onun adına" in text(resp)
    assert ("SubscriptionView", pk) in awaiting_ids(app, "baskanyardimcisi")
    assert ("SubscriptionView", pk) not in awaiting_ids(app, "baskan")
    assert ("SubscriptionView", pk) not in awaiting_ids(app, "mudur")
    # somebody standing in for that person by a delegation to "@baskanyardimcisi" signs as V.
    stand_in = grant(app, "mudur", "@baskanyardimcisi", "V.")
    try:
        assert ("SubscriptionView", pk) in awaiting_ids(app, "mudur")
    finally:
        end_grant(app, stand_in)
    assert ("SubscriptionView", pk) not in awaiting_ids(app, "mudur")
    signers["baskanyardimcisi"].post(f"/subscriptionview/approve/{pk}", data=seen(app, pk))
    assert [r[3] for r in step_rows(app, pk)] == ["signed", "signed", "waiting"]
    assert step_rows(app, pk)[1][5] == "baskanyardimcisi"
    signers["baskan"].post(f"/subscriptionview/approve/{pk}", data=seen(app, pk))
    assert fresh(app, pk).state == approval.APPROVED
    assert history(app, pk) == ["Hazırlayan parafladı", "Genel Sekreter parafladı", "Başkan imzaladı"]


def test_a_person_step_whose_person_is_missing_refuses_the_submission(app, signers, monkeypatch):
    monkeypatch.setattr(Subscription, "signature_chain",
                        [Step(PARAF, PREPARER), Step(IMZA, person="setting:nobody_here", title="Genel Sekreter")],
                        raising=False)
    pk = new_subscription(app, signers["memur"])
    resp = signers["memur"].post(f"/subscriptionview/submit/{pk}", follow_redirects=True)
    assert "Genel Sekreter" in text(resp) and "bulunamadı" in text(resp)
    assert fresh(app, pk).state == approval.DRAFT


# --- the screen "İmza yetki devirleri" -------------------------------------------------
def delegation_form(uid, **values):
    data = {"user_id": str(uid), "for_role": "Başkan", "kind": "V.",
            "date_from": TODAY.isoformat(), "date_to": (TODAY + dt.timedelta(days=3)).isoformat(),
            "note": "Yıllık izin süresince"}
    data.update(values)
    return data


def user_id(app, username):
    with app.app_context():
        return user(username).id


def test_delegation_screen_records_and_ends_a_delegation(app, signers, chained):
    pk = submitted(app, signers)
    signers["mudur"].post(f"/subscriptionview/approve/{pk}", data=seen(app, pk))
    assert ("SubscriptionView", pk) not in awaiting_ids(app, "denetci")
    page = text(signers["mudur"].get("/imzayetkisi/"))
    assert "Yeni yetki devri" in page and "Belediye Başkanı" in page
    # the Müdür records, on the Başkan's instruction, that the deputy stands in for him
    resp = signers["mudur"].post("/imzayetkisi/ekle", data=delegation_form(
        user_id(app, "baskanyardimcisi"), registers=["subscription"]), follow_redirects=True)
    assert "Yetki kaydedildi: Selin Korkmaz, Belediye Başkanı adına V." in text(resp)
    with app.app_context():
        grant_row = (db.session.query(SignatureDelegation).filter_by(for_role="Başkan", active=True)
                     .order_by(SignatureDelegation.id.desc()).first())
        grant_id, scope = grant_row.id, grant_row.registers
        logged = db.session.query(AuditEntry).filter_by(register="signature_delegation", record_id=grant_id).all()
    assert scope == "subscription" and [e.action for e in logged] == ["create"]
    page = text(signers["mudur"].get("/imzayetkisi/"))
    row = page.split(f'id="ozk-delegation-{grant_id}"')[1].split("</tr>")[0]
    assert "Selin Korkmaz" in row and "Yürürlükte" in row and "V. (vekâlet)" in row
    assert ("SubscriptionView", pk) in awaiting_ids(app, "baskanyardimcisi")
    # the auditor reads the list but has no form and cannot add or end
    page = text(signers["denetci"].get("/imzayetkisi/"))
    assert f'id="ozk-delegation-{grant_id}"' in page and "ozk-delegation-form" not in page
    assert "ozk-end-delegation" not in page
    assert signers["denetci"].post("/imzayetkisi/ekle", data=delegation_form(
        user_id(app, "denetci"))).status_code in (302, 403)
    assert signers["denetci"].post(f"/imzayetkisi/bitir/{grant_id}").status_code in (302, 403)
    with app.app_context():
        assert db.session.get(SignatureDelegation, grant_id).active
    # ended: the deputy no longer signs for the Başkan
    resp = signers["mudur"].post(f"/imzayetkisi/bitir/{grant_id}", follow_redirects=True)
    assert "Yetki sona erdirildi" in text(resp)
    assert ("SubscriptionView", pk) not in awaiting_ids(app, "baskanyardimcisi")
    page = text(signers["mudur"].get("/imzayetkisi/"))
    assert "Sona erdirildi" in page.split(f'id="ozk-delegation-{grant_id}"')[1].split("</tr>")[0]
    with app.app_context():
        actions = [e.action for e in db.session.query(AuditEntry)
                   .filter_by(register="signature_delegation", record_id=grant_id).order_by(AuditEntry.id)]
    assert actions == ["create", "update"]


@pytest.mark.parametrize("values, message", [
    ({"date_to": (TODAY - dt.timedelta(days=5)).isoformat()}, "Bitiş tarihi başlangıç tarihinden önce olamaz"),
    ({"date_from": "31.02.2026"}, "gg.aa.yyyy"),
    ({"for_role": "Admin"}, "Kimin adına"),
    ({"kind": "X"}, "Yetki türünü seçin"),
    ({"registers": ["no_such_table"]}, "Kayıt türlerini listeden seçin"),
    ({"user_id": "99999999"}, "Yetki verilen kişiyi"),
    ({"user_id": "<script>"}, "Yetki verilen kişiyi"),
])
def test_delegation_bad_input_is_refused_in_turkish_and_saves_nothing(app, signers, values, message):
    with app.app_context():
        before = db.session.query(SignatureDelegation).count()
    resp = signers["mudur"].post("/imzayetkisi/ekle", data=delegation_form(user_id(app, "baskanyardimcisi"), **values),
                                 follow_redirects=True)
    assert resp.status_code == 200 and message in text(resp)
    assert "<script>" not in resp.data.decode()
    with app.app_context():
        assert db.session.query(SignatureDelegation).count() == before


def test_nobody_records_a_delegation_for_himself(app, signers):
    with app.app_context():
        before = db.session.query(SignatureDelegation).count()
    resp = signers["mudur"].post("/imzayetkisi/ekle", data=delegation_form(user_id(app, "mudur")),
                                 follow_redirects=True)
    assert "Kendinize imza yetkisi kaydedemezsiniz" in text(resp)
    resp = signers["baskan"].post("/imzayetkisi/ekle", data=delegation_form(user_id(app, "baskan")),
                                  follow_redirects=True)
    assert "Kendinize imza yetkisi kaydedemezsiniz" in text(resp)
    with app.app_context():
        assert db.session.query(SignatureDelegation).count() == before


@pytest.mark.parametrize("username", ["memur", "bilgiislem"])
def test_delegation_screen_is_closed_to_clerks_and_it(app, login, username):
    client = login(username)
    assert client.get("/imzayetkisi/").status_code in (302, 403)
    assert client.post("/imzayetkisi/ekle", data=delegation_form(1)).status_code in (302, 403)

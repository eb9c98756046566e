"""Ordered signature steps (paraf and imza), the general case of approval.

A register declares its chain on the model::

    signature_chain = [Step("paraf", PREPARER), Step("paraf", "Müdür"), Step("imza", "Başkan")]

or a dict of chains keyed by document kind plus ``def chain_key(self) -> str``
(key ``"*"`` is the fallback). An Approvable register without a declaration
has the one-step chain ``[Step("imza", "Müdür")]``: it is served by
``app.core.approval`` exactly as before (no step rows are written), and this
module only describes it (``steps``/``current``/``awaiting``) and forwards to
it (``sign`` → approve, ``return_to_preparer`` → reject).

A register with a declared chain stores one ``signature_step`` row per step
when the record is submitted: the leading PREPARER steps are signed by the
submitter at once, then only the role of the current step (or somebody signing
for it) acts. Every step may return the record to the preparer with a reason
(state "rejected", the reason shown as today's rejection); the last step
makes the record approved. Each act is written to the audit trail in words.

A step may name one person instead of a role (``Step(PARAF, person="ahmet",
title="Hukuk Müşaviri")``); only that person (or whoever signs for
``@ahmet`` by a delegation) acts on it.

Who signs for whom (``signature_delegation`` table, managed on the screen
İmza yetki devirleri or with ``flask ozelkalem signing-delegate``): a row gives
a user the right to act for a role (or for one person, ``@username``) between two dates, as "a." (yetki devri: signing by delegated authority,
e.g. the Müdür for the Başkan on the letters the row covers) or "V." (vekâlet:
e.g. the Başkan Yardımcısı stands in for the Başkan). The Müdür's proxy from
the leave register signs Müdür steps as "Müdür V." (``approval.PROXY_PROVIDERS``).
"""
from __future__ import annotations

import datetime as dt
import functools
import sys
from dataclasses import dataclass

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import (Boolean, Column, Date, DateTime, ForeignKey, Integer, String, Text,
                        UniqueConstraint, and_, func)
from sqlalchemy.orm import relationship

from app.core import approval, audit
from app.core.approval import ApprovalError
from app.extensions import db

PARAF, IMZA = "paraf", "imza"
PREPARER = "preparer"
WAITING, SIGNED, RETURNED = "waiting", "signed", "returned"
DELEGATED, DEPUTY = "a.", "V."

PRESIDENT_ROLE, DEPUTY_PRESIDENT_ROLE = "Başkan", "Başkan Yardımcısı"
# roles whose people sign but do not decide today's one-step approvals
SIGNER_ROLES = {PRESIDENT_ROLE, DEPUTY_PRESIDENT_ROLE}
ROLE_TITLES = {
    approval.DIRECTOR_ROLE: approval.DIRECTOR_TITLE,
    PRESIDENT_ROLE: "Belediye Başkanı",
    DEPUTY_PRESIDENT_ROLE: "Belediye Başkan Yardımcısı",
    PREPARER: "Hazırlayan",
}
ROLE_WORDS = {PREPARER: "Hazırlayan"}
KIND_WORDS = {PARAF: ("paraf", "parafladı"), IMZA: ("imza", "imzaladı")}
STATE_WORDS = {WAITING: "Bekliyor", SIGNED: "Atıldı", RETURNED: "İade edildi"}

audit.ACTION_LABELS.update({"sign": _l("Signature step"), "return": _l("Returned to the preparer")})


@dataclass(frozen=True)
class Step:
    """One step: its kind (paraf/imza) and who holds it — a role, or one
    person (``person``: a username, ``"setting:<key>"`` naming the setting that
    holds the username, or a callable ``record -> username``), resolved when
    the record is submitted and stored as ``"@<username>"`` in the step row."""
    kind: str
    role: str | None = None
    title: str = ""
    person: object = None

    @property
    def label(self):
        return self.title or ROLE_TITLES.get(self.role, self.role or "")


PERSON_MARK = "@"


def _person_username(step, record):
    person = step.person
    if callable(person):
        person = person(record)
    person = getattr(person, "username", person)
    if isinstance(person, str) and person.startswith("setting:"):
        from app.settings.models import get_settings

        person = (get_settings().get(person[len("setting:"):]) or "").strip()
    return person or None


def _person_user(username):
    from flask_appbuilder.security.sqla.models import User

    if not username:
        return None
    return db.session.query(User).filter(User.username == username, User.active.is_(True)).first()


def _resolve(step, record):
    """(role column, title) of a step for this record; a person step whose
    person cannot be found refuses the submission in words."""
    if step.person is None:
        return step.role or PREPARER, step.label
    username = _person_username(step, record)
    user = _person_user(username)
    if user is None:
        raise ApprovalError(f"İmza zincirindeki \"{step.title or 'kişi'}\" adımının sahibi bulunamadı "
                            f"({username or 'tanımsız'}); Bilgi İşlem'e bildirin.")
    return f"{PERSON_MARK}{user.username}", step.title or _user_name(user)


DEFAULT_CHAIN = [Step(IMZA, approval.DIRECTOR_ROLE)]


class SignatureStep(Model):
    """One step of a record's chain (written when the record is submitted)."""

    __tablename__ = "signature_step"
    id = Column(Integer, primary_key=True)
    register = Column(String(64), nullable=False)
    record_id = Column(Integer, nullable=False)
    position = Column(Integer, nullable=False)
    kind = Column(String(8), nullable=False)
    role = Column(String(64), nullable=False)
    title = Column(String(100), nullable=False, default="")
    state = Column(String(12), nullable=False, default=WAITING, index=True)
    user_id = Column(Integer, ForeignKey("ab_user.id"))
    signed_at = Column(DateTime)
    on_behalf = Column(String(4), nullable=False, default="")
    reason = Column(Text)

    user = relationship("User", foreign_keys=[user_id], lazy="joined")

    __table_args__ = (UniqueConstraint("register", "record_id", "position",
                                       name="uq_signature_step_position"),)


class SignatureDelegation(Model):
    """Who may sign for a role, between two dates: "a." (yetki devri) or
    "V." (vekâlet). ``registers``: comma-separated table names or
    ``table:chain key`` (e.g. ``letter:giden_dis``); empty = every register."""

    __tablename__ = "signature_delegation"
    id = Column(Integer, primary_key=True)
    for_role = Column(String(64), nullable=False, index=True)
    user_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False, index=True)
    kind = Column(String(4), nullable=False, default=DEPUTY)
    date_from = Column(Date, nullable=False)
    date_to = Column(Date, nullable=False)
    registers = Column(String(500), nullable=False, default="")
    note = Column(String(300))
    active = Column(Boolean, nullable=False, default=True)

    user = relationship("User", foreign_keys=[user_id], lazy="joined")

    def covers(self, record) -> bool:
        tokens = {t.strip() for t in (self.registers or "").split(",") if t.strip()}
        if not tokens:
            return True
        table = getattr(record, "__tablename__", "")
        key = _chain_key(record)
        return table in tokens or (key is not None and f"{table}:{key}" in tokens)


# --- the chain of a record ---------------------------------------------------------
def declares_chain(model) -> bool:
    """True when the register declares its own chain (step rows are kept)."""
    return bool(getattr(model, "__approvable__", False) and getattr(model, "signature_chain", None))


def has_chain(record) -> bool:
    return declares_chain(type(record))


def _chain_key(record):
    fn = getattr(record, "chain_key", None)
    return fn() if callable(fn) else None


def chain_of(record) -> list:
    """The declared steps of a record (the default one-step chain when none)."""
    chain = getattr(type(record), "signature_chain", None)
    if not chain:
        return list(DEFAULT_CHAIN)
    if isinstance(chain, dict):
        key = _chain_key(record)
        found = chain.get(key) or chain.get("*")
        if not found:
            raise ApprovalError(f"Bu belge türü için imza zinciri tanımlı değil ({key}).")
        return list(found)
    return list(chain)


def _rows(record):
    return (db.session.query(SignatureStep)
            .filter_by(register=record.__tablename__, record_id=record.id)
            .order_by(SignatureStep.position).all())


def _user_name(user):
    if user is None:
        return ""
    return f"{user.first_name or ''} {user.last_name or ''}".strip() or user.username


def user_title(user) -> str:
    """The signer's own title (below the name in a signature block)."""
    names = [r.name for r in getattr(user, "roles", [])]
    for role in (PRESIDENT_ROLE, DEPUTY_PRESIDENT_ROLE, approval.DIRECTOR_ROLE):
        if role in names:
            return ROLE_TITLES[role]
    return names[0] if names else ""


@dataclass
class StepInfo:
    """One step as shown and printed."""
    position: int
    kind: str
    role: str
    title: str
    state: str
    user_id: int | None = None
    signer_name: str = ""
    signer_title: str = ""
    signed_at: dt.datetime | None = None
    on_behalf: str = ""
    reason: str | None = None

    @property
    def kind_label(self):
        return {PARAF: "Paraf", IMZA: "İmza"}.get(self.kind, self.kind)

    @property
    def state_label(self):
        return STATE_WORDS.get(self.state, self.state)

    @property
    def behalf_line(self) -> str:
        """"Belediye Başkanı a." / "Müdür V." above the signer, or ""."""
        return f"{self.title} {self.on_behalf}" if self.on_behalf else ""


def _info(row) -> StepInfo:
    return StepInfo(row.position, row.kind, row.role, row.title, row.state, row.user_id,
                    _user_name(row.user), user_title(row.user) if row.user else "",
                    row.signed_at, row.on_behalf or "", row.reason)


def steps(record) -> list:
    """Ordered steps of a record (StepInfo): the stored rows of a chained
    register (its declared chain, all waiting, before the first submission);
    for a one-step register the Müdür's decision described as a step."""
    if has_chain(record):
        rows = _rows(record) if record.id is not None else []
        if rows:
            return [_info(r) for r in rows]
        return [StepInfo(i + 1, s.kind, s.role or PREPARER, s.label, WAITING)
                for i, s in enumerate(chain_of(record))]
    step = DEFAULT_CHAIN[0]
    info = StepInfo(1, step.kind, step.role, step.label, WAITING)
    if record.state in (approval.APPROVED, approval.REJECTED) and record.decided_by_id:
        info.state = SIGNED if record.state == approval.APPROVED else RETURNED
        info.user_id = record.decided_by_id
        info.signer_name = _user_name(record.decided_by)
        info.signer_title = user_title(record.decided_by)
        info.signed_at = record.decided_at
        info.on_behalf = DEPUTY if record.decided_as == approval.PROXY_TITLE else ""
        if record.state == approval.REJECTED:
            info.reason = record.decision_note
    return [info]


def initials(name: str) -> str:
    """"Ayşe Yılmaz" → "AY" (paraf block of an official letter)."""
    return "".join("İ" if part[0] == "i" else part[0].upper() for part in (name or "").split())


def signature_block(record):
    """The signer of the last signed imza step, for a letter's signature block:
    {behalf: "Belediye Başkanı a." or "", name, title, signed_at}; None unsigned."""
    signed = [s for s in steps(record) if s.kind == IMZA and s.state == SIGNED]
    if not signed:
        return None
    last = signed[-1]
    title = last.title if not last.on_behalf else last.signer_title
    return {"behalf": last.behalf_line, "name": last.signer_name, "title": title,
            "signed_at": last.signed_at}


def paraf_block(record):
    """Signed paraf steps, in order: [{initials, name, title, signed_at}]."""
    return [{"initials": initials(s.signer_name), "name": s.signer_name, "title": s.title,
             "signed_at": s.signed_at}
            for s in steps(record) if s.kind == PARAF and s.state == SIGNED]


def _current_row(record):
    return (db.session.query(SignatureStep)
            .filter_by(register=record.__tablename__, record_id=record.id, state=WAITING)
            .order_by(SignatureStep.position).first())


def current(record):
    """The step waiting now (StepInfo), or None when nothing waits."""
    if record.state != approval.PENDING:
        return None
    if has_chain(record):
        row = _current_row(record)
        return _info(row) if row is not None else None
    return steps(record)[0]


# --- who may act ---------------------------------------------------------------------
def _roles(user):
    return {r.name for r in getattr(user, "roles", [])}


def active_delegations(user, day=None):
    day = day or dt.date.today()
    user_id = getattr(user, "id", None)
    if user_id is None:
        return []
    return db.session.execute(_delegations_statement(), {"user_id": user_id, "day": day}).scalars().all()


def _delegation_in_force(day):
    """The condition of a delegation in force on ``day`` (a date or a bound
    parameter)."""
    return and_(SignatureDelegation.active.is_(True),
                SignatureDelegation.date_from <= day, SignatureDelegation.date_to >= day)


def _delegated_to_bound_user():
    """Delegations in force for the person and day bound as ``user_id`` and ``day``."""
    from sqlalchemy import bindparam

    return and_(SignatureDelegation.user_id == bindparam("user_id"),
                _delegation_in_force(bindparam("day", type_=SignatureDelegation.date_from.type)))


@functools.lru_cache(maxsize=None)
def _delegations_statement():
    """A person's delegations active on a day (built once per process: every
    home page and show page of a chained record asks)."""
    from sqlalchemy import select

    return select(SignatureDelegation).where(_delegated_to_bound_user())


def capacity(record, row, user, day=None, grants=None):
    """"" (own role), "a." or "V." when ``user`` may act on step ``row`` of
    ``record``; None otherwise. ``grants``: the user's active delegations when
    the caller has them already (one query for many rows)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if row.role == PREPARER:
        return "" if user.id == record.submitted_by_id else None
    if row.role.startswith(PERSON_MARK):
        if row.role[1:] == user.username:
            return ""
    elif row.role in _roles(user):
        return ""
    if row.role == approval.DIRECTOR_ROLE and approval.has_active_proxy(user, day):
        return DEPUTY
    for grant in (active_delegations(user, day) if grants is None else grants):
        if grant.for_role == row.role and grant.covers(record):
            return grant.kind
    return None


def _who_may(row):
    if row.role == PREPARER:
        return "kaydı hazırlayan kişi"
    if row.role.startswith(PERSON_MARK):
        person = _person_user(row.role[1:])
        return f"{_user_name(person) or row.role[1:]} veya onun adına imza yetkisi olan kişi"
    return f"{row.role} veya onun adına imza yetkisi olan kişi"


def _refuse_wrong_person(record, row, user):
    noun = {PARAF: "parafı", IMZA: "imzası"}.get(row.kind, "imzası")
    raise ApprovalError(
        f"Sıradaki adım {row.position}. adım: {row.title} {noun}. Bu adımı yalnızca "
        f"{_who_may(row)} atabilir; sizin bu adımda yetkiniz yok.")


def acting_title(record, user):
    """What the show page offers ``user`` on a chained record awaiting a step:
    e.g. "Başkan", "Belediye Başkanı a.", or None."""
    if record.state != approval.PENDING or record.archived:
        return None
    row = _current_row(record)
    if row is None:
        return None
    behalf = capacity(record, row, user)
    if behalf is None:
        return None
    return f"{row.title} {behalf}" if behalf else row.title


def sign_label(record):
    row = _current_row(record) if record.state == approval.PENDING else None
    if row is None:
        return None
    return "Parafla" if row.kind == PARAF else "İmzala"


def _act_words(row, user, behalf):
    who = row.title if row.role.startswith(PERSON_MARK) else ROLE_WORDS.get(row.role, row.role)
    verb = KIND_WORDS.get(row.kind, ("", "imzaladı"))[1]
    if behalf:
        return f"{who} adına {row.title} {behalf} olarak {_user_name(user)} {verb}"
    return f"{who} {verb}"


def _audit(record, action, summary):
    audit.record(record.__tablename__, record.id, action, summary, commit=False)


# --- transitions ---------------------------------------------------------------------
def start(record, user):
    """Called by ``approval.submit`` for a chained register: fresh step rows;
    the leading PREPARER steps are the submitter's paraf."""
    db.session.query(SignatureStep).filter_by(register=record.__tablename__,
                                               record_id=record.id).delete()
    chain = chain_of(record)
    if not any(s.role != PREPARER for s in chain):
        raise ApprovalError("İmza zincirinde hazırlayan dışında en az bir adım olmalıdır.")
    now = dt.datetime.now()
    leading = True
    for i, step in enumerate(chain, start=1):
        role, title = _resolve(step, record)
        row = SignatureStep(register=record.__tablename__, record_id=record.id, position=i,
                            kind=step.kind, role=role, title=title, state=WAITING, on_behalf="")
        if leading and row.role == PREPARER:
            row.state, row.user_id, row.signed_at = SIGNED, user.id, now
            _audit(record, "sign", _act_words(row, user, ""))
        else:
            leading = False
        db.session.add(row)
    db.session.flush()
    first = _current_row(record)
    if first is not None and first.role != approval.DIRECTOR_ROLE:
        # the submission notice goes to the Müdür (app/notify/hooks.py); anybody else
        # whose step comes first is told here
        _notify_next(record, user)


def clear(record):
    """Withdrawn or reopened: the chain starts again at the next submission."""
    if record.id is not None:
        db.session.query(SignatureStep).filter_by(register=record.__tablename__,
                                                   record_id=record.id).delete()


def _check_open(record, user, version):
    if record.state != approval.PENDING:
        raise ApprovalError("Bu kayıt imza beklemiyor.")
    if getattr(record, "archived", False):
        raise ApprovalError("Arşivdeki kayıt imzalanamaz veya iade edilemez.")
    row = _current_row(record)
    if row is None:
        raise ApprovalError("Bu kaydın bekleyen imza adımı yok.")
    behalf = capacity(record, row, user)
    if behalf is None:
        _refuse_wrong_person(record, row, user)
    if row.role != PREPARER and user.id in (record.created_by_id, record.submitted_by_id):
        raise ApprovalError("Kişi kendi hazırladığı kaydı paraflayamaz, imzalayamaz veya iade edemez.")
    approval.check_version(record, version)
    return row, behalf


def sign(record, user, version=None, note=None):
    """The current step's paraf or imza; the last step approves the record."""
    if not has_chain(record):
        return approval.approve(record, user, note=note, version=version)
    row, behalf = _check_open(record, user, version)
    later = (db.session.query(func.count(SignatureStep.id))
             .filter_by(register=record.__tablename__, record_id=record.id, state=WAITING)
             .filter(SignatureStep.position > row.position).scalar())
    if not later:
        if approval.changed_content(record, user):
            raise ApprovalError("Bu kaydın içeriğini siz oluşturdunuz veya değiştirdiniz; içeriğini "
                                "değiştirdiğiniz kaydı imzalayamazsınız.")
        approval._problems(record)
    now = dt.datetime.now()
    row.state, row.user_id, row.signed_at, row.on_behalf = SIGNED, user.id, now, behalf
    _audit(record, "sign", _act_words(row, user, behalf))
    if later:
        _notify_next(record, user)
    if not later:
        record.state = approval.APPROVED
        record.decided_at = now
        record.decided_by_id = user.id
        record.decided_as = (f"{row.title} {behalf}" if behalf else row.title)[:20]
        record.decision_note = note or None
        hook = getattr(record, "on_approved", None)
        if hook:
            hook()
    db.session.flush()


def _notify_next(record, actor):
    """The people who hold the next step get a bell notification ("kararınızı
    bekliyor"), like the Müdür when a one-step record is submitted."""
    from flask_appbuilder.security.sqla.models import Role, User

    from app.core.registry import REGISTRY
    from app.notify.models import Notification

    db.session.flush()
    row = _current_row(record)
    entry = next((e for e in REGISTRY if e.model is type(record)), None)
    if row is None or entry is None:
        return
    if row.role == PREPARER:
        ids = {record.submitted_by_id}
    else:
        holders = (User.username == row.role[1:] if row.role.startswith(PERSON_MARK)
                   else User.roles.any(Role.name == row.role))
        ids = {u.id for u in db.session.query(User).filter(User.active.is_(True)).filter(holders)}
        today = dt.date.today()
        ids |= {g.user_id for g in db.session.query(SignatureDelegation)
                .filter(SignatureDelegation.for_role == row.role, _delegation_in_force(today))
                if g.covers(record)}
        if row.role == approval.DIRECTOR_ROLE and approval.PROXY_PROVIDERS:
            ids |= {u.id for u in db.session.query(User).filter(User.active.is_(True))
                    if approval.has_active_proxy(u)}
    number, described = getattr(record, "number", None), record.audit_reference()
    ref = f"{number} {described}" if number and number not in described else described
    text = f"{entry.label} · {ref}: kararınızı bekliyor."   # as app/notify/hooks.py says it
    for user_id in sorted(i for i in ids if i and i != getattr(actor, "id", None)):
        db.session.add(Notification(user_id=user_id, kind="submitted", text=text[:300],
                                    view_name=entry.name, record_id=record.id))
        db.session.info.setdefault("ozk_notified", set()).add(user_id)


def return_to_preparer(record, user, reason, version=None):
    """Any step sends the record back to the preparer with a reason."""
    if not has_chain(record):
        return approval.reject(record, user, reason, version=version)
    if not (reason or "").strip():
        raise ApprovalError("İade gerekçesi zorunludur.")
    row, behalf = _check_open(record, user, version)
    if row.role == PREPARER:
        raise ApprovalError("Hazırlayan kaydı kendine iade etmez; onaydan geri çekebilir.")
    now = dt.datetime.now()
    reason = reason.strip()
    row.state, row.user_id, row.signed_at, row.on_behalf, row.reason = RETURNED, user.id, now, behalf, reason
    _audit(record, "return", f"İade edildi ({row.title}{' ' + behalf if behalf else ''}): {reason}")
    record.state = approval.REJECTED
    record.decided_at = now
    record.decided_by_id = user.id
    record.decided_as = (f"{row.title} {behalf}" if behalf else row.title)[:20]
    record.decision_note = reason
    db.session.flush()


# --- what waits for a person ---------------------------------------------------------
def awaiting(user, day=None, chained_only=False, with_steps=False):
    """[(registry entry, record)] whose CURRENT step is ``user``'s, oldest
    first: today's one-step approvals for whoever may decide them (the Müdür,
    his proxy), and the chained records whose waiting step is the user's role,
    a role they sign for, or their own paraf as preparer. ``with_steps``:
    [(entry, record, current StepInfo or None)], with no query per row."""
    from app.core.registry import REGISTRY

    if user is None or not getattr(user, "is_authenticated", False):
        return []
    entries = [e for e in REGISTRY if getattr(e.model, "__approvable__", False)]
    rows = []
    if not chained_only and approval.approver_title(user, day) is not None:
        for entry in entries:
            model = entry.model
            if declares_chain(model):
                continue
            for item in (db.session.query(model)
                         .filter(model.state == approval.PENDING, model.archived.is_(False))
                         .order_by(model.submitted_at).limit(500)):
                rows.append((entry, item, None))
    chained = {e.model.__tablename__: e for e in entries if declares_chain(e.model)}
    if chained:
        # only the steps this person could take (``capacity`` decides per
        # record below): their paraf as preparer, their own name or roles, the
        # Müdür's (his proxy: asked per record, as before), the roles delegated
        # to them today (a subquery of the same statement: the delegations
        # themselves are read only when some step waits)
        roles = {PREPARER, PERSON_MARK + (user.username or ""), approval.DIRECTOR_ROLE} | _roles(user)
        current_rows = db.session.execute(_current_steps_statement(tuple(sorted(chained))),
                                          {"roles": sorted(roles), "user_id": user.id,
                                           "day": day or dt.date.today()}).scalars().all()
        grants = active_delegations(user, day) if current_rows else []
        wanted = {}
        for row in current_rows:
            wanted.setdefault(row.register, {})[row.record_id] = row
        for table, by_id in wanted.items():
            entry = chained[table]
            model = entry.model
            for item in (db.session.query(model)
                         .filter(model.id.in_(sorted(by_id)), model.state == approval.PENDING,
                                 model.archived.is_(False))):
                if capacity(item, by_id[item.id], user, day, grants=grants) is not None:
                    rows.append((entry, item, _info(by_id[item.id])))
    rows.sort(key=lambda r: r[1].submitted_at or r[1].created_at)
    return rows if with_steps else [(entry, item) for entry, item, _step in rows]


@functools.lru_cache(maxsize=None)
def _current_steps_statement(registers: tuple):
    """Each waiting record's current step (its first waiting one) in these
    registers, for the roles bound at each run (built once per set of
    registers)."""
    from sqlalchemy import bindparam, select

    first = (select(SignatureStep.register, SignatureStep.record_id, func.min(SignatureStep.position).label("pos"))
             .where(SignatureStep.state == WAITING, SignatureStep.register.in_(registers))
             .group_by(SignatureStep.register, SignatureStep.record_id).subquery())
    delegated = select(SignatureDelegation.for_role).where(_delegated_to_bound_user())
    return (select(SignatureStep)
            .join(first, (first.c.register == SignatureStep.register)
                  & (first.c.record_id == SignatureStep.record_id)
                  & (first.c.pos == SignatureStep.position))
            .where(SignatureStep.role.in_(bindparam("roles", expanding=True))
                   | SignatureStep.role.in_(delegated)))


def is_signer(user) -> bool:
    return bool(_roles(user) & SIGNER_ROLES)


approval.CHAINS = sys.modules[__name__]

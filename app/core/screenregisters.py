"""Registers defined on the screen (issue 18, part 3).

Bilgi İşlem (and Admin) define a simple register on the "Registers from the
screen" page (``app/core/screenregisterviews.py``): its Turkish name, menu
group and icon, its fields (the custom fields of part 2,
``app/core/customfields.py``), approval yes/no, yearly numbering with a
prefix yes/no, and which roles may read, add, edit and approve. No code, no
DDL, no restart:

* A definition is a ``ScreenRegister`` row (table ``screen_register``).
* Every screen register's records live in ONE shared table,
  ``screen_record``, mapped by ``ScreenRecord`` (a coded register: Register,
  Approvable, Numbered) with a ``register_key`` column (indexed) and the
  values in the ``extra`` JSON column of part 2. Each register is a
  single-table-inheritance subclass of ``ScreenRecord`` made at run time
  (polymorphic identity = the register's key), so a query through it reads
  only its own rows and everything the core does per model (numbering
  prefix, approval flag, custom fields, audit, attachments, history,
  exports, PDF) works per register. The subclass answers
  ``__tablename__`` with ``screen_<key>``: that is the register's name in
  the custom field definitions, the audit log, attachments, signatures and
  assignments (the SQL table stays ``screen_record``).
* The register's view is made with ``type()`` from ``ScreenRecordView`` (a
  ``RegisterView``) and put in ``REGISTRY``: menu, permission matrix, role
  grid, generic tests and the home page pick it up like a coded register.
* A register defined while the app runs is added to the running process at
  once (Flask refuses ``register_blueprint`` after the first request: the
  guard is lifted under a lock while the view is added); any other process
  (a second gunicorn worker) adds it once a signed-in request there has seen
  the new configuration version (``load_user`` reads it; a definition's flush
  replaces it), or, without signed-in requests, every
  ``SCREEN_REGISTERS_TTL`` seconds (default 5): one cheap ``count/max``
  query, by a WSGI wrapper, before routing.
* Rights: chosen per role for read / add / edit / approve (``actions_for``);
  ``flask ozelkalem setup`` keeps them (``roles.register_actions`` asks the
  register). Least privilege as for coded registers: a register with a
  field marked personal (KVKK) gives Bilgi İşlem, the Başkan and the Başkan
  Yardımcısı nothing, whatever was chosen, and the view refuses them at run
  time too (the permission rows are also removed when a field becomes
  personal).
"""
from __future__ import annotations

import datetime as dt
import re
import threading
import time

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Boolean, Column, DateTime, Integer, String, event, func, select
from sqlalchemy.orm import Session, declared_attr

from app.core.approval import Approvable
from app.core.declare import field
from app.core.register import Numbered, Register, trigram_index
from app.core.registry import CATEGORIES, REGISTRY, RegisterEntry
from app.extensions import db
from app.security import roles as R

KEY_RE = re.compile(r"^[a-z][a-z0-9_]{1,29}$")
PREFIX_RE = re.compile(r"^[A-ZÇĞİÖŞÜ]{1,6}$")
TABLE_PREFIX = "screen_"

# what each chosen right gives (``can_<action>`` on the register's view)
RIGHTS = {
    "read": {"list", "show", "export", "pdf", "attachments"},
    "add": {"add"},
    "edit": {"edit", "archive", "submit"},
    "approve": {"approve"},
}
RIGHT_LABELS = {"read": _l("May read"), "add": _l("May add"), "edit": _l("May edit"),
                "approve": _l("May approve")}
DEFAULT_RIGHTS = {"read": [R.CLERK, R.DIRECTOR, R.AUDITOR], "add": [R.CLERK, R.DIRECTOR],
                  "edit": [R.CLERK, R.DIRECTOR], "approve": [R.DIRECTOR]}
# menu groups a screen register may join (not the core's own screens)
GROUPS = ("reference", "mayor", "citizens", "correspondence", "protocol", "office")
ICONS = ["fa-list", "fa-archive", "fa-book", "fa-briefcase", "fa-calendar", "fa-car", "fa-clipboard",
         "fa-cube", "fa-envelope", "fa-file-text-o", "fa-flag", "fa-folder-open", "fa-gift", "fa-key",
         "fa-life-ring", "fa-map-marker", "fa-search", "fa-star", "fa-suitcase", "fa-tags", "fa-truck",
         "fa-users", "fa-wrench"]


class ScreenRegister(Model):
    """A register defined on the screen."""

    __tablename__ = "screen_register"
    __audited__ = True

    id = Column(Integer, primary_key=True)
    key = Column(String(30), nullable=False, unique=True)
    label = Column(String(100), nullable=False)
    category = Column(String(20), nullable=False, default="office")
    icon = Column(String(40), nullable=False, default="fa-list")
    approval = Column(Boolean, nullable=False, default=False)
    prefix = Column(String(6))                 # number prefix; None: no yearly numbering (not ``number_prefix``: that names a numbered model)
    rights = Column(JSON)                      # {"read": [role, …], "add": …, "edit": …, "approve": …}
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(DateTime, default=dt.datetime.now)
    updated_at = Column(DateTime, default=dt.datetime.now, onupdate=dt.datetime.now)

    def audit_reference(self):
        return f"{self.label} ({self.key})"

    def __repr__(self):
        return str(self.label)

    @property
    def table(self):
        return TABLE_PREFIX + self.key

    @property
    def view_name(self):
        return view_name(self.key)

    def category_label(self):
        return str(CATEGORIES.get(self.category, (self.category,))[0])

    def rights_text(self):
        rights = self.rights or {}
        return "; ".join(f"{RIGHT_LABELS[r]}: {', '.join(rights.get(r) or []) or '—'}" for r in RIGHTS)

    def numbering_text(self):
        return f"{self.prefix}-YYYY-NNNN" if self.prefix else "Yok"


def _watch():
    from app.security.permcache import watch_config

    watch_config(ScreenRegister)   # a definition's change replaces the configuration version


_watch()


class ScreenRecord(Register, Approvable, Numbered, Model):
    """The records of every register defined on the screen (one table)."""

    __tablename__ = "screen_record"
    __table_args__ = (trigram_index("screen_record"),)
    __screen_key__ = None

    register_key = Column(String(30), nullable=False, index=True)
    # what the record is called in lists of other screens, the audit log and
    # pickers: its first text field (kept on save)
    title = Column(String(200), info=field(_l("Title"), form=False, show=False))
    headline = {"text": "title"}      # what names a record where it is not loaded (app/core/headlines.py)

    @declared_attr.directive
    def __mapper_args__(cls):
        key = cls.__dict__.get("__screen_key__")
        if key:
            return {"polymorphic_identity": key}
        return {"version_id_col": cls.version, "polymorphic_on": cls.register_key,
                "polymorphic_identity": "_"}

    def __str__(self):
        return self.title or self.display_number()

    def approval_applies(self) -> bool:
        """Whether records of this register go through approval (the hook
        name of the core's approval on main)."""
        return bool(getattr(type(self), "__approvable__", False))


# ---------------------------------------------------------------------------
# run-time state of this process
# ---------------------------------------------------------------------------

_LOCK = threading.RLock()
MODELS: dict = {}     # key -> ScreenRecord subclass
VIEWS: dict = {}      # key -> view class
SPECS: dict = {}      # key -> {"label", "category", "icon", "rights", "active", "approval", "prefix"}
_SEEN = {"stamp": None, "at": 0.0, "version": None}


def view_name(key: str) -> str:
    return "Screen" + "".join(p[:1].upper() + p[1:] for p in key.split("_") if p) + "View"


def key_of_table(table: str):
    return table[len(TABLE_PREFIX):] if table and table.startswith(TABLE_PREFIX) and \
        table[len(TABLE_PREFIX):] in MODELS else None


def model_for(key: str):
    """The ScreenRecord subclass of a register (made once per process)."""
    with _LOCK:
        model = MODELS.get(key)
        if model is None:
            name = "ScreenRecord_" + key
            model = type(name, (ScreenRecord,), {"__screen_key__": key, "__module__": __name__})
            type.__setattr__(model, "__tablename__", TABLE_PREFIX + key)
            MODELS[key] = model
        return model


def is_personal(key: str) -> bool:
    """Whether any active field of the register holds personal data (KVKK)."""
    from flask import has_app_context

    from app.core import customfields as cf

    if has_app_context():
        defs = cf.definitions(TABLE_PREFIX + key)
    else:   # outside the app (a script reading the registry): the definitions last loaded
        defs = cf._CACHE["defs"].get(TABLE_PREFIX + key, ())
    return any(d.personal for d in defs)


def actions_for(key: str, role: str) -> set:
    """What ``role`` may do on the register (``can_<action>`` without ``can_``)."""
    spec = SPECS.get(key)
    if spec is None:
        return set()
    if role == R.ADMIN:
        return set(R.REGISTER_ACTIONS)
    if not spec.get("active"):
        return set()     # deactivated: nobody but Admin
    personal = is_personal(key)
    if personal and not R.REGISTER_RIGHTS.get(role, {}).get("personal"):
        return set()     # KVKK: Bilgi İşlem and the signers read no personal data
    rights = spec.get("rights") or {}
    out = set()
    for right, actions in RIGHTS.items():
        if role in (rights.get(right) or []):
            out |= actions | RIGHTS["read"]
    coded = R.REGISTER_RIGHTS.get(role, {}).get("personal" if personal else "other", set())
    if out:
        out |= {"history"} & coded           # the Müdür and the auditor read the history
    if "edit" in out:
        out |= {"restore"} & coded           # the Müdür restores from the archive
    if not spec.get("approval"):
        out -= {"submit", "approve"}
    if role == R.IT:
        out &= {"list", "show"}              # as on every coded register: reading, nothing more
    return out


class ScreenEntry(RegisterEntry):
    """A registry entry whose personal-data flag follows its fields."""

    @property
    def personal_data(self):
        key = self.extra.get("key")
        return bool(key) and is_personal(key)

    @personal_data.setter
    def personal_data(self, value):
        pass


def spec_of(row) -> dict:
    return {"label": row.label, "category": row.category, "icon": row.icon, "rights": dict(row.rights or {}),
            "active": bool(row.active), "approval": bool(row.approval), "prefix": row.prefix}


# ``(key, model) -> view class``: app/core/screenregisterviews.py sets it when imported (the
# screens import this module, not the other way round)
VIEW_FACTORY: list = []


def _view_class(key):
    if not VIEW_FACTORY:
        import importlib

        importlib.import_module("app.core.screenregisterviews")     # sets VIEW_FACTORY
    with _LOCK:
        view = VIEWS.get(key)
        if view is None:
            view = VIEW_FACTORY[0](key, model_for(key))
            VIEWS[key] = view
        return view


def activate(appbuilder, row, grant_rights=False):
    """Put a register in this process: model, view, registry, routes, menu
    (and, with ``grant_rights``, the roles' permission rows)."""
    from flask import current_app

    key = row.key
    with _LOCK:
        spec = spec_of(row)
        SPECS[key] = spec
        model = model_for(key)
        model.number_prefix = spec["prefix"] or None
        model.__approvable__ = spec["approval"]
        view = _view_class(key)
        entry = next((e for e in REGISTRY if e.name == view.__name__), None)
        if entry is None:
            REGISTRY.append(ScreenEntry(view, spec["category"], spec["label"], spec["icon"], False, True,
                                        {"key": key, "screen": True}))
        else:
            entry.label, entry.icon = spec["label"], spec["icon"]
        existing = next((v for v in appbuilder.baseviews if v.__class__ is view), None)
        if existing is None:
            app = current_app._get_current_object()
            started = app._got_first_request
            app._got_first_request = False     # Flask 3: no blueprint after the first request …
            try:
                cat_label, cat_icon = CATEGORIES[spec["category"]]
                appbuilder.add_view(view, view.__name__, label=spec["label"], icon=spec["icon"],
                                    category=spec["category"], category_label=cat_label,
                                    category_icon=cat_icon, menu_cond=lambda k=key: SPECS.get(k, {}).get("active"))
            finally:
                app._got_first_request = started   # … unless under this lock, by this function
        else:
            _update_menu(appbuilder, view.__name__, spec)
    if grant_rights:
        grant(appbuilder, key)


def _update_menu(appbuilder, name, spec):
    for item in appbuilder.menu.get_list():
        for child in item.childs or []:
            if child.name == name:
                child.label, child.icon = spec["label"], spec["icon"]


class _AsSystem:
    """The permission rows follow from the register's definition (audited
    with its author): written as the system, like ``flask ozelkalem setup``
    writes the coded registers' rows; the role grid's rules for a person
    editing roles (not one's own role, not Admin) are not asked. Bilgi İşlem
    cannot give itself more than list/show this way (``actions_for``)."""

    def __enter__(self):
        from flask import g, has_request_context

        self.g = g if has_request_context() else None
        self.user = getattr(self.g, "user", None) if self.g is not None else None
        if self.g is not None:
            self.g.user = None

    def __exit__(self, *exc):
        if self.g is not None:
            self.g.user = self.user


def grant(appbuilder, key):
    with _AsSystem():
        _grant(appbuilder, key)


def _grant(appbuilder, key):
    """The register's permission rows for every product role, as chosen
    (rows of other views untouched); Admin holds all of them."""
    sm = appbuilder.sm
    view = VIEWS[key]
    name = view.__name__
    appbuilder._add_permission(next(v for v in appbuilder.baseviews if v.__class__ is view), update_perms=True)
    appbuilder._add_permissions_menu(name, update_perms=True)
    category = SPECS[key]["category"]
    appbuilder._add_permissions_menu(category, update_perms=True)
    base = next(v for v in appbuilder.baseviews if v.__class__ is view).base_permissions
    for role_name in R.ROLES:
        role = sm.find_role(role_name)
        if role is None:
            continue
        actions = R.register_actions(role_name, False, name)
        wanted = {(f"can_{a}", name) for a in actions if f"can_{a}" in base}
        if "list" in actions and SPECS[key]["active"]:
            wanted |= {("menu_access", name), ("menu_access", category)}
        keep = [pv for pv in role.permissions if pv.view_menu.name != name]
        have = {(pv.permission.name, pv.view_menu.name) for pv in keep}
        for perm, view_menu in sorted(wanted):
            if (perm, view_menu) in have:
                continue
            pv = sm.find_permission_view_menu(perm, view_menu) or sm.add_permission_view_menu(perm, view_menu)
            keep.append(pv)
            have.add((perm, view_menu))
        role.permissions = keep
    db.session.commit()


def load(appbuilder, grant_rights=False):
    """Every defined register into this process (start-up, or after another
    process changed the definitions)."""
    try:
        rows = db.session.query(ScreenRegister).order_by(ScreenRegister.id).all()
    except Exception:  # noqa: BLE001 - table not migrated yet: no screen registers
        db.session.rollback()
        return
    for row in rows:
        activate(appbuilder, row, grant_rights=grant_rights)
    _SEEN.update(stamp=_stamp(), at=time.monotonic())


def _stamp():
    try:
        return tuple(db.session.execute(select(func.count(ScreenRegister.id),
                                               func.max(ScreenRegister.updated_at))).one())
    except Exception:  # noqa: BLE001
        db.session.rollback()
        return None


def _ttl(app):
    return float(app.config.get("SCREEN_REGISTERS_TTL", 0 if app.testing else 5))


class Refresher:
    """WSGI wrapper: before a request is routed, checks whether the
    definitions changed in another process (a second gunicorn worker defined
    a register) and adds them.

    Every signed-in request reads the configuration version in
    ``load_user``'s one statement (every flush of a ``ScreenRegister``
    replaces it: app/security/permcache.py): while this process has seen one
    in the last ``VERSION_FRESH_SECONDS``, the definitions are looked at only
    when it changed (the request after the one that saw the change). Without
    signed-in requests, every ``SCREEN_REGISTERS_TTL`` seconds."""

    VERSION_FRESH_SECONDS = 60

    def __init__(self, app, wsgi_app):
        self.app, self.wsgi_app = app, wsgi_app

    def __call__(self, environ, start_response):
        ttl = _ttl(self.app)
        if ttl > 0:
            from app.security.permcache import latest_config

            now, latest = time.monotonic(), latest_config()
            if latest is not None and now - latest[1] < self.VERSION_FRESH_SECONDS:
                if latest[0] != _SEEN.get("version"):
                    self.refresh(version=latest[0])
            elif now - _SEEN["at"] >= ttl:
                self.refresh()
        return self.wsgi_app(environ, start_response)

    def refresh(self, version=None):
        from app.extensions import appbuilder

        with _LOCK:
            if version is not None:
                if _SEEN.get("version") == version:
                    return
            elif time.monotonic() - _SEEN["at"] < _ttl(self.app) and _SEEN["stamp"] is not None:
                return
            with self.app.app_context():
                stamp = _stamp()
                if stamp != _SEEN["stamp"]:
                    load(appbuilder)
                _SEEN.update(stamp=stamp, at=time.monotonic())
                if version is not None:
                    _SEEN["version"] = version


def init_app(app, appbuilder):
    load(appbuilder)
    app.wsgi_app = Refresher(app, app.wsgi_app)


def changed_here():
    """This process changed the definitions (already applied)."""
    _SEEN.update(stamp=_stamp(), at=time.monotonic())


# ---------------------------------------------------------------------------
# the record's title, and KVKK: a field made personal takes the rights away
# ---------------------------------------------------------------------------


@event.listens_for(Session, "before_flush")
def _title(session, flush_context, instances):
    from app.core.customfields import definitions, text_of

    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, ScreenRecord) and type(obj) is not ScreenRecord:
            extra = obj.extra or {}
            title = ""
            for d in definitions(type(obj).__tablename__, session):
                if d.kind in ("text", "longtext", "choice") and not d.personal and extra.get(d.key):
                    title = text_of(d, extra[d.key])
                    break
            obj.title = (title or "")[:200] or None


@event.listens_for(Session, "after_flush")
def _personal_field(session, flush_context):
    """A custom field of a screen register marked personal: the roles that
    read no personal data lose their permission rows on it, in the same
    transaction (the view refuses them at run time anyway)."""
    from app.core.customfields import CustomField

    touched = {o.register for o in list(session.new) + list(session.dirty)
               if isinstance(o, CustomField) and o.personal and o.active
               and (o.register or "").startswith(TABLE_PREFIX)}
    for table in touched:
        key = table[len(TABLE_PREFIX):]
        if key not in VIEWS:
            continue
        roles = [r for r in R.ROLES if not R.REGISTER_RIGHTS.get(r, {}).get("personal")]
        _revoke(session.connection(), VIEWS[key].__name__, roles)


def _revoke(connection, view_menu, roles):
    from sqlalchemy import bindparam, text

    connection.execute(text(
        "DELETE FROM ab_permission_view_role WHERE role_id IN (SELECT id FROM ab_role WHERE name IN :roles) "
        "AND permission_view_id IN (SELECT pv.id FROM ab_permission_view pv JOIN ab_view_menu vm "
        "ON vm.id = pv.view_menu_id WHERE vm.name = :view)").bindparams(
        bindparam("roles", expanding=True)),
        {"roles": roles, "view": view_menu})


def may_read(user, key) -> bool:
    """The run-time KVKK check of a screen register's view: a register with
    personal data refuses a user whose roles are all product roles without
    personal-data rights (Bilgi İşlem, the signers), whatever rows the role
    grid holds; anything else is decided by the permission rows."""
    names = {r.name for r in getattr(user, "roles", [])}
    if R.ADMIN in names or not is_personal(key):
        return True
    return not all(n in R.REGISTER_RIGHTS and not R.REGISTER_RIGHTS[n].get("personal") for n in names)


# ---------------------------------------------------------------------------
# defining a register: checks (Turkish messages) and the initial fields
# ---------------------------------------------------------------------------


class DefinitionError(ValueError):
    def __init__(self, message, field="fields_text"):
        super().__init__(message)
        self.field = field


KIND_WORDS = {
    "metin": "text", "text": "text", "uzun metin": "longtext", "longtext": "longtext",
    "sayı": "integer", "tam sayı": "integer", "integer": "integer", "para": "money", "tutar": "money",
    "money": "money", "tarih": "date", "date": "date", "tarih saat": "datetime", "tarih ve saat": "datetime",
    "datetime": "datetime", "evet/hayır": "bool", "evet hayır": "bool", "bool": "bool", "seçim": "choice",
    "choice": "choice", "kişi": "contact", "kişi/kurum": "contact", "contact": "contact",
    "personel": "staff", "staff": "staff", "birim": "unit", "unit": "unit",
}


def parse_fields(text: str, register_table: str) -> list:
    """The fields typed on the definition form, one a line::

        *Eşya | metin
        Bulunduğu yer
        Bulunma tarihi | tarih
        Durum | seçim | Bekliyor, Teslim edildi
        Sahibi | metin | kişisel

    ``*`` first: required; kind (Turkish or the English key; default metin);
    for a choice its options separated by commas; ``kişisel``: personal data
    (KVKK). Returns CustomField rows' data; DefinitionError when wrong."""
    from app.core import customfields as cf

    rows, keys = [], set()
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if not lines:
        raise DefinitionError("En az bir alan yazın (her satıra bir alan, ör. “*Eşya | metin”).")
    if len(lines) > 40:
        raise DefinitionError("Bir kayıt defterinde en çok 40 alan tanımlanabilir.")
    for number, line in enumerate(lines, 1):
        parts = [p.strip() for p in line.split("|")]
        label = parts[0]
        required = label.startswith("*")
        label = label.lstrip("*").strip()[:100]
        if not label:
            raise DefinitionError(f"{number}. satır: alanın adını yazın.")
        kind_word = (parts[1] if len(parts) > 1 else "metin").strip()
        from app.core import turkish

        kind = KIND_WORDS.get(turkish.fold(kind_word)) or KIND_WORDS.get(kind_word.lower())
        if kind is None:
            raise DefinitionError(f"{number}. satır: “{kind_word[:30]}” bilinen bir alan türü değil "
                                  "(metin, uzun metin, sayı, para, tarih, tarih saat, evet/hayır, seçim, "
                                  "kişi, personel, birim).")
        rest = [p for p in parts[2:] if p]
        personal = any(turkish.fold(p) in ("kişisel", "kisisel") for p in rest)
        rest = [p for p in rest if turkish.fold(p) not in ("kişisel", "kisisel")]
        choices = []
        if kind == "choice":
            options = [o.strip() for o in ",".join(rest).split(",") if o.strip()]
            if not options:
                raise DefinitionError(f"{number}. satır: seçim alanı için seçenekleri virgülle yazın.")
            seen = set()
            for option in options[:50]:
                okey = cf.slug(option)
                if okey in seen:
                    raise DefinitionError(f"{number}. satır: “{option[:40]}” seçeneği iki kez yazılmış.")
                seen.add(okey)
                choices.append([okey, option[:100]])
        key = cf.slug(label)[:40]
        if not cf.KEY_RE.match(key):
            key = f"alan_{number}"
        if key in keys:
            raise DefinitionError(f"{number}. satır: “{label}” adında bir alan zaten var.")
        keys.add(key)
        text_like = kind in ("text", "longtext", "choice")
        rows.append({"register": register_table, "key": key, "label": label, "kind": kind,
                     "choices": choices or None, "required": required, "help": None,
                     "in_list": kind != "longtext", "in_form": True, "in_show": True,
                     "in_search": text_like, "in_filter": kind in ("choice", "bool"), "in_export": True,
                     "in_pdf": True, "position": number, "personal": personal, "active": True})
    return rows


def check_definition(row, creating: bool):
    """Normalise and check a definition (Turkish DefinitionError)."""
    from app.core import customfields as cf

    row.label = (row.label or "").strip()[:100]
    if not row.label:
        raise DefinitionError("Kayıt defterinin adını yazın.", "label")
    if creating:
        row.key = (row.key or "").strip().lower() or cf.slug(row.label)[:30]
        if not KEY_RE.match(row.key):
            raise DefinitionError("Anahtar 2–30 karakter olmalı: küçük harf, rakam ve alt çizgi; harfle başlamalı "
                                  "(ör. kayip_esya).", "key")
        name = view_name(row.key)
        taken = {e.name for e in REGISTRY if not e.extra.get("screen")} | \
            {e.model.__tablename__ for e in REGISTRY if not e.extra.get("screen")}
        if name in taken or row.key in taken or \
                db.session.query(ScreenRegister.id).filter(ScreenRegister.key == row.key).first():
            raise DefinitionError("Bu anahtarla bir kayıt defteri zaten var; başka bir anahtar yazın.", "key")
        if any(view_name(k) == name for k in MODELS if k != row.key):
            raise DefinitionError("Bu anahtar başka bir kayıt defterininkiyle karışıyor; başka bir anahtar yazın.", "key")
    if row.category not in GROUPS:
        raise DefinitionError("Menü grubunu seçin.", "category")
    if row.icon not in ICONS:
        raise DefinitionError("Simgeyi listeden seçin.", "icon")
    prefix = (row.prefix or "").strip()
    from app.core import turkish

    prefix = turkish.upper(prefix)
    if prefix and not PREFIX_RE.match(prefix):
        raise DefinitionError("Numara öneki 1–6 büyük harf olmalı (ör. KE); numara verilmeyecekse boş bırakın.", "prefix")
    if prefix and creating:
        used = {getattr(e.model, "number_prefix", None) for e in REGISTRY} | {
            p for (p,) in db.session.query(ScreenRegister.prefix).filter(ScreenRegister.prefix.isnot(None))}
        if prefix in used:
            raise DefinitionError(f"“{prefix}” öneki başka bir kayıt defterinde kullanılıyor; başka bir önek yazın.",
                                  "prefix")
    row.prefix = prefix or None
    rights = {}
    for right in RIGHTS:
        chosen = [r for r in (row.rights or {}).get(right) or [] if r in R.ROLES]
        rights[right] = sorted(set(chosen), key=R.ROLES.index)
    if not row.approval:
        rights["approve"] = []
    if not any(rights.values()):
        raise DefinitionError("En az bir rolün kayıtları okuyabilmesi gerekir.", "read_roles")
    row.rights = rights


# ---------------------------------------------------------------------------
# the configuration file (Özel alanlar → export/import) carries these registers
# ---------------------------------------------------------------------------

EXPORTED = ("key", "label", "category", "icon", "approval", "prefix", "rights", "active")


class ConfigExtension:
    """Registers defined on the screen travel with their fields: exported as
    ``registers``; on import the ones this installation lacks are checked as
    the definition screen checks them, added in the import's transaction and
    made live (with their rights) after it commits."""

    @staticmethod
    def export() -> dict:
        rows = db.session.query(ScreenRegister).order_by(ScreenRegister.id).all()
        return {"registers": [{k: getattr(r, k) for k in EXPORTED} for r in rows]}

    @staticmethod
    def prepare(payload):
        from app.core.customfields import ConfigError

        found = payload.get("registers") or []
        if not isinstance(found, list):
            raise ConfigError("Dosyadaki kayıt defterleri okunamadı.")
        new = []
        for data in found[:200]:
            if not isinstance(data, dict):
                raise ConfigError("Dosyadaki kayıt defterleri okunamadı.")
            key = str(data.get("key") or "").strip().lower()
            if db.session.query(ScreenRegister.id).filter(ScreenRegister.key == key).first():
                continue            # already here: its own definition stays as it is
            rights = data.get("rights") if isinstance(data.get("rights"), dict) else {}
            row = ScreenRegister(
                key=key, label=str(data.get("label") or "")[:100], category=str(data.get("category") or ""),
                icon=str(data.get("icon") or "fa-list"), approval=bool(data.get("approval")),
                prefix=(str(data["prefix"]) if data.get("prefix") else None),
                rights={r: [str(x) for x in (rights.get(r) or []) if isinstance(x, str)] for r in RIGHTS},
                active=bool(data.get("active", True)))
            try:
                check_definition(row, creating=True)
            except DefinitionError as exc:
                raise ConfigError(f"Kayıt defteri “{row.label or key}”: {exc}") from None
            if any(r.key == row.key for r in new):
                raise ConfigError(f"Kayıt defteri “{row.label}” dosyada iki kez var.")
            new.append(row)
        return new, {TABLE_PREFIX + r.key for r in new}

    @staticmethod
    def activate(rows):
        from flask import current_app

        for row in rows:
            activate(current_app.appbuilder, row, grant_rights=True)
        changed_here()


def _join_config():
    from app.core import customfields

    if not any(isinstance(e, ConfigExtension) for e in customfields.CONFIG_EXTENSIONS):
        customfields.CONFIG_EXTENSIONS.append(ConfigExtension())


def chosen_rights(role, view_name):
    """The rights chosen on a screen register's definition (app/security/roles.py
    asks here first), or None for any other view."""
    if not view_name or not view_name.startswith("Screen"):
        return None
    key = next((k for k, v in VIEWS.items() if v.__name__ == view_name), None)
    return actions_for(key, role) if key is not None else None


_join_config()
if chosen_rights not in R.RIGHTS_PROVIDERS:
    R.RIGHTS_PROVIDERS.append(chosen_rights)

"""One rule for personal data (KVKK) wherever a value can surface.

* ``personal_fields`` on a model: columns holding personal data (names of
  natural persons, titles, routes, leave dates, purposes, phones…). Their
  values never enter the audit log and ``flask kvkk anonymize`` blanks them.
* ``names_person = True`` on a model: ``str(record)`` names a natural person
  (a contact of kind "kişi", a staff member, a visit, a duty slip…). Audit
  summaries then carry the record number/id instead of ``str(record)``, and a
  viewer outside the personal-data roles sees the number instead of the name.
* ``masked_fields = {"column": "name"}``: a person's name (a text column or a
  link to a person) shown masked to roles outside :func:`personal_roles`
  in lists, show pages, exports, PDFs and pickers.
* ``masked_fields = {"column": "phone" | "identity"}``: :func:`mask_phone` /
  :func:`mask_identity` for roles outside ``UNMASKED_ROLES``.

The personal-data roles are the roles the permission matrix lets into
registers holding personal data (``app/security/roles.py``): Memur, Müdür,
Denetçi, Admin. Bilgi İşlem is not one of them.
"""
from __future__ import annotations

from flask import g, has_request_context

PERSONAL_MARK = "(kişisel veri)"


def personal_roles() -> set[str]:
    from app.security.roles import REGISTER_RIGHTS

    return {role for role, rights in REGISTER_RIGHTS.items() if rights.get("personal")}


def user_roles(user=None) -> set[str]:
    if user is None and has_request_context():
        user = getattr(g, "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    return {r.name for r in getattr(user, "roles", [])}


def may_see_personal(user=None) -> bool:
    """True for a user holding a personal-data role; outside a request (CLI,
    background work) there is no viewer to protect against."""
    if user is None and not has_request_context():
        return True
    return bool(user_roles(user) & personal_roles())


def names_person(obj) -> bool:
    flag = getattr(obj, "names_person", False)
    return bool(flag(obj) if callable(flag) else flag)


def reference(obj) -> str:
    """The record's number (or ``#id``): a reference that names nobody."""
    number = getattr(obj, "display_number", None)
    if callable(number):
        return str(number())
    return f"#{getattr(obj, 'id', '')}"


def safe_label(obj, user=None) -> str:
    """``str(obj)`` for whoever may see personal data or when the record
    names nobody; otherwise its number, or the personal-data mark."""
    if obj is None:
        return ""
    if not names_person(obj) or may_see_personal(user):
        return str(obj)
    if getattr(obj, "number", None):
        return str(obj.number)
    return PERSONAL_MARK


def mask_name(value, user=None):
    """A person's name (text or a linked record) for the current viewer."""
    if value is None or value == "":
        return ""
    if may_see_personal(user):
        return value
    if hasattr(value, "__table__"):
        return safe_label(value, user)
    return PERSONAL_MARK


def mask_phone(value):
    """``"0532 123 45 67"`` → ``"0532 *** ** 67"``: the operator/area code and
    the last two digits stay, the other digits become ``*``; spacing and
    punctuation are kept. Works for ``+90 …``, ``532…`` and short numbers."""
    if value is None:
        return None
    text = str(value)
    digits = sum(ch.isdigit() for ch in text)
    if digits == 0:
        return text
    tail = 2 if digits >= 4 else 0
    head = max(0, digits - 7)           # Turkish subscriber numbers are 7 digits
    out, seen = [], 0
    for ch in text:
        if ch.isdigit():
            seen += 1
            out.append(ch if seen <= head or seen > digits - tail else "*")
        else:
            out.append(ch)
    return "".join(out)


def mask_identity(value):
    """TC kimlik no ``"12345678901"`` → ``"123******01"``: the first three and
    the last two characters stay; anything shorter than six is fully masked."""
    if value is None:
        return None
    text = "".join(str(value).split())
    if not text:
        return text
    if len(text) < 6:
        return "*" * len(text)
    return text[:3] + "*" * (len(text) - 5) + text[-2:]

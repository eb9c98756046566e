"""The registry of registers: menu groups, the ``@register`` decorator and the
list that menus, permissions, the home page, the audit log, PDF verification,
KVKK and the generic tests read.

A module of its own (it imports nothing of the core) so that the modules the
register core uses (documents, audit views, the approval inbox) can read the
registry without importing ``app.core.register`` back.
"""
from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field

from flask_babel import lazy_gettext as _l


CATEGORIES = {
    # key: (label, icon); order is the menu order (REGISTERS.md sections)
    "reference": (_l("Reference data"), "fa-address-book"),
    "mayor": (_l("The mayor's office"), "fa-university"),
    "citizens": (_l("Citizens"), "fa-user-circle"),
    "correspondence": (_l("Correspondence"), "fa-envelope"),
    "protocol": (_l("Protocol and representation"), "fa-handshake-o"),
    "office": (_l("Office administration"), "fa-briefcase"),
    "approval": (_l("Approvals"), "fa-check-square-o"),
    "audit": (_l("Audit"), "fa-history"),
    "reports": (_l("Reports"), "fa-bar-chart"),
    "settings": (_l("Settings"), "fa-cogs"),
}


@dataclass
class RegisterEntry:
    view: type
    category: str
    label: object
    icon: str = "fa-list"
    personal_data: bool = False
    menu: bool = True
    extra: dict = dataclass_field(default_factory=dict)

    @property
    def name(self):
        return self.view.__name__

    @property
    def model(self):
        return self.view.datamodel.obj


REGISTRY: list[RegisterEntry] = []


def register(category: str, label, icon: str = "fa-list", personal_data: bool = False,
             menu: bool = True):
    """Class decorator that puts a RegisterView in the registry (menu,
    permissions, role matrix and generic tests pick it up from here).
    ``menu=False`` for detail registers reached from their parent record."""

    def wrap(view_cls):
        REGISTRY[:] = [e for e in REGISTRY if e.view.__name__ != view_cls.__name__]
        REGISTRY.append(RegisterEntry(view_cls, category, label, icon, personal_data, menu))
        view_cls.personal_data = personal_data
        return view_cls

    return wrap


def add_registered_views(appbuilder):
    for entry in REGISTRY:
        if not entry.menu:
            appbuilder.add_view_no_menu(entry.view, entry.name)
            continue
        cat_label, cat_icon = CATEGORIES[entry.category]
        appbuilder.add_view(
            entry.view, entry.name, label=entry.label, icon=entry.icon,
            category=entry.category, category_label=cat_label, category_icon=cat_icon,
        )



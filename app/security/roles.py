"""Roles as data. This file is the permission matrix: for every role, which
actions it may take on which view. ``flask ozelkalem setup`` writes it into
FAB's tables (idempotently); ``tests/test_permission_matrix.py`` requests
every cell over HTTP; ``docs/PERMISSIONS.md`` is generated from it.

Register actions (permission ``can_<action>`` on the register's view):
  list, show, add, edit, submit, approve (also reject/reopen), archive,
  restore, purge, export (CSV/XLSX/list PDF), pdf, history, attachments.
"""
from __future__ import annotations

ADMIN, CLERK, DIRECTOR, IT, AUDITOR = "Admin", "Memur", "Müdür", "Bilgi İşlem", "Denetçi"
ROLES = [CLERK, DIRECTOR, IT, AUDITOR]

REGISTER_ACTIONS = ["list", "show", "add", "edit", "submit", "approve", "archive", "restore",
                    "purge", "export", "pdf", "history", "attachments"]

_CLERK = {"list", "show", "add", "edit", "submit", "archive", "export", "pdf", "attachments",
          # approve is granted so that a clerk holding an active proxy (vekâlet)
          # for the Müdür can decide; the approval rule refuses everybody else.
          "approve"}
REGISTER_RIGHTS = {
    CLERK: {"personal": _CLERK, "other": _CLERK},
    DIRECTOR: {"personal": _CLERK | {"restore", "history"},
               "other": _CLERK | {"restore", "history"}},
    AUDITOR: {"personal": {"list", "show", "export", "pdf", "history", "attachments"},
              "other": {"list", "show", "export", "pdf", "history", "attachments"}},
    # Least privilege (KVKK): IT sees no register holding personal data.
    IT: {"personal": set(), "other": {"list", "show"}},
    ADMIN: {"personal": set(REGISTER_ACTIONS), "other": set(REGISTER_ACTIONS)},
}

# KVKK: roles that see phone and identity numbers unmasked in lists, show
# pages and exports (the people who call and write to citizens); the auditor
# and anybody else see them masked.
UNMASKED_ROLES = {CLERK, DIRECTOR, ADMIN}

# Views outside the registers: view -> {role: actions}
SELF_SERVICE = {  # every logged-in role manages its own profile and password
    "UserDBModelView": ["userinfo"],
    "UserInfoEditView": ["this_form_get", "this_form_post"],
    "ResetMyPasswordView": ["this_form_get", "this_form_post"],
}
OTHER_VIEWS = {
    "SettingsView": {IT: ["index", "logo"], DIRECTOR: ["index", "logo"], ADMIN: ["index", "logo"]},
    "AuditLogView": {DIRECTOR: ["list", "show"], AUDITOR: ["list", "show"],
                     IT: ["list", "show"], ADMIN: ["list", "show"]},
    "ApprovalInboxView": {DIRECTOR: ["index", "bulk"], CLERK: ["index", "bulk"], ADMIN: ["index", "bulk"]},
    "VerifyView": {r: ["verify"] for r in [CLERK, DIRECTOR, IT, AUDITOR, ADMIN]},
    "UserDBModelView": {IT: ["list", "show", "add", "edit", "delete", "userinfo"]},
    "RoleModelView": {IT: ["list", "show", "add", "edit", "delete"]},
    "PermissionModelView": {IT: ["list", "show"]},
    "ViewMenuModelView": {IT: ["list", "show"]},
    "PermissionViewModelView": {IT: ["list", "show"]},
    "ResetPasswordView": {IT: ["this_form_get", "this_form_post"]},
}

# Menu entries (menu_access) per role, by menu name.
SECURITY_MENUS = ["Security", "List Users", "List Roles", "Base Permissions", "Views/Menus",
                  "Permission on Views/Menus"]


def register_actions(role: str, personal_data: bool) -> set[str]:
    rights = REGISTER_RIGHTS.get(role, {})
    return set(rights.get("personal" if personal_data else "other", set()))


def view_actions(role: str, view_name: str) -> set[str]:
    """Allowed actions (without ``can_``) of a role on a non-register view."""
    actions = set(OTHER_VIEWS.get(view_name, {}).get(role, []))
    if role != "Public":
        actions |= set(SELF_SERVICE.get(view_name, []))
    return actions


def matrix(registry, exists=lambda view_name, action: True):
    """{role: {view_name: sorted actions}} over registers and other views;
    ``exists`` filters out actions a register does not have (no PDF, no approval)."""
    result = {}
    for role in ROLES + [ADMIN]:
        rows = {}
        for entry in registry:
            rows[entry.name] = sorted(a for a in register_actions(role, entry.personal_data)
                                      if exists(entry.name, a))
        for view_name in sorted(set(OTHER_VIEWS) | set(SELF_SERVICE)):
            rows[view_name] = sorted(view_actions(role, view_name))
        result[role] = rows
    return result

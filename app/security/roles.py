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
# the mayor and the deputy mayor: they sign (paraf/imza steps of a signature chain)
PRESIDENT, DEPUTY_PRESIDENT = "Başkan", "Başkan Yardımcısı"
ROLES = [CLERK, DIRECTOR, IT, AUDITOR, PRESIDENT, DEPUTY_PRESIDENT]

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
    # Least privilege: the signers read what they sign (list, show, print, the attached
    # files) and sign or return it (approve, which the signature chain limits to their
    # own step); no register holding personal data, nothing to add, edit or archive.
    PRESIDENT: {"personal": set(), "other": {"list", "show", "approve", "pdf", "attachments"}},
    DEPUTY_PRESIDENT: {"personal": set(), "other": {"list", "show", "approve", "pdf", "attachments"}},
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
    # FAB 5's permission screens are list-only (no show page)
    "PermissionModelView": {IT: ["list"]},
    "ViewMenuModelView": {IT: ["list"]},
    "PermissionViewModelView": {IT: ["list"]},
    "ResetPasswordView": {IT: ["this_form_get", "this_form_post"]},
    # "Güvenlik olayları": logins, lockouts, user/role/permission changes
    "SecurityEventsView": {DIRECTOR: ["list"], AUDITOR: ["list"], IT: ["list"], ADMIN: ["list"]},
    # the bell: everybody reads and opens their own notifications (branch home)
    "NotificationView": {r: ["list", "open", "read_all", "preference"] for r in [CLERK, DIRECTOR, IT, AUDITOR, ADMIN]},
    # the activity report (faaliyet raporu): the Müdür and the auditor (branch home)
    "ActivityReportView": {DIRECTOR: ["index", "pdf"], AUDITOR: ["index", "pdf"], ADMIN: ["index", "pdf"]},
    # branch agenda: the mayor's calendar (day/week/month, program PDFs), moving entries on it,
    # and one's own iCal address; not Bilgi İşlem (the agenda names people: KVKK)
    "AgendaCalendarView": {CLERK: ["calendar", "move", "feed"], DIRECTOR: ["calendar", "move", "feed"],
                           AUDITOR: ["calendar", "feed"], ADMIN: ["calendar", "move", "feed"]},
    # branch citizens: citizen requests' settings (KVKK notice, attempts, messages); Open311 API keys
    "CitizenSettingsView": {IT: ["index"], DIRECTOR: ["index"], ADMIN: ["index"]},
    "Open311KeyView": {IT: ["index", "issue", "revoke"], ADMIN: ["index", "issue", "revoke"]},
    # work assignment (G m6): the Müdür assigns; everybody sees and closes their own work ("İşlerim")
    "AssignmentView": {DIRECTOR: ["mine", "assign", "done"], CLERK: ["mine", "done"], IT: ["mine", "done"],
                       AUDITOR: ["mine", "done"], ADMIN: ["mine", "assign", "done"]},
    # branch letters: the letters' settings (sayı prefix, roles seeing secured letters, KEP, Bilgi için)
    "LetterSettingsView": {IT: ["index"], DIRECTOR: ["index"], ADMIN: ["index"]},
}

# branch signing: the Başkan and Başkan Yardımcısı open "İmzamı bekleyenler" (the approvals
# inbox, which shows anybody the records whose current step is theirs), verify printed
# documents and read their own notifications.
for _view, _actions in {"ApprovalInboxView": ["index", "bulk"], "VerifyView": ["verify"],
                        "NotificationView": ["list", "open", "read_all", "preference"]}.items():
    for _role in (PRESIDENT, DEPUTY_PRESIDENT):
        OTHER_VIEWS[_view][_role] = list(_actions)
# … and their program on the calendar and in their own calendar app (iCal); they do not move entries
for _role in (PRESIDENT, DEPUTY_PRESIDENT):
    OTHER_VIEWS["AgendaCalendarView"][_role] = ["calendar", "feed"]
# "İmza yetki devirleri": the Müdür records a delegation (on the Başkan's instruction) and the
# Başkan his own; nobody records one for himself (app/registers/signing/views.py); the
# auditor and the deputy read them
OTHER_VIEWS["SignatureDelegationView"] = {DIRECTOR: ["list", "add", "end"], PRESIDENT: ["list", "add", "end"],
                                          DEPUTY_PRESIDENT: ["list"], AUDITOR: ["list"]}

# Admin is not listed here: it holds every permission of every view
# (``flask ozelkalem setup`` gives it all of them) and the matrix says so.

# Menu entries (menu_access) per role, by menu name.
SECURITY_MENUS = ["Security", "List Users", "List Roles", "Base Permissions", "Views/Menus",
                  "Permission on Views/Menus"]


# Per-register exceptions to the personal/other rule: the mayor and his deputy
# read their own program (the agenda names people, so it is a personal-data register).
# They also read and sign the letters (paraf/imza on the signature chain).
_SIGNER_GRANTS = {"AgendaEntryView": {"list", "show", "pdf"},
                  "LetterView": {"list", "show", "pdf", "approve", "attachments"}}
REGISTER_GRANTS = {PRESIDENT: _SIGNER_GRANTS, DEPUTY_PRESIDENT: _SIGNER_GRANTS}


def register_actions(role: str, personal_data: bool, view_name: str | None = None) -> set[str]:
    rights = REGISTER_RIGHTS.get(role, {})
    actions = set(rights.get("personal" if personal_data else "other", set()))
    return actions | REGISTER_GRANTS.get(role, {}).get(view_name, set())


def view_actions(role: str, view_name: str) -> set[str]:
    """Allowed actions (without ``can_``) of a role on a non-register view."""
    actions = set(OTHER_VIEWS.get(view_name, {}).get(role, []))
    if role != "Public":
        actions |= set(SELF_SERVICE.get(view_name, []))
    return actions


def matrix(registry, exists=lambda view_name, action: True, other_views=None, all_actions=None):
    """{role: {view_name: sorted actions}} over registers and other views;
    ``exists`` filters out actions a view does not have (no PDF, no approval,
    FAB's list-only screens). ``other_views`` lists every non-register view
    (default: those named here); ``all_actions(view)`` gives every action of a
    view, which is what Admin holds."""
    result = {}
    names = sorted(set(other_views or []) | set(OTHER_VIEWS) | set(SELF_SERVICE))
    for role in ROLES + [ADMIN]:
        rows = {}
        for entry in registry:
            if role == ADMIN and all_actions is not None:
                rows[entry.name] = sorted(all_actions(entry.name))
                continue
            rows[entry.name] = sorted(a for a in register_actions(role, entry.personal_data, entry.name)
                                      if exists(entry.name, a))
        for view_name in names:
            if role == ADMIN and all_actions is not None:
                rows[view_name] = sorted(all_actions(view_name))
                continue
            rows[view_name] = sorted(a for a in view_actions(role, view_name) if exists(view_name, a))
        result[role] = rows
    return result

# issue 18: fields added from the screen ("Özel alanlar"): Bilgi İşlem (and Admin) manage the
# definitions and move them between installations; nobody else. Defining a field gives no
# access to any register's records.
OTHER_VIEWS["CustomFieldView"] = {IT: ["list", "show", "add", "edit", "export_config", "import_config"]}

# issue 18 part 3: registers defined on the screen ("Ekrandan kayıt defterleri"): Bilgi İşlem
# (and Admin) define them; each register's rights are chosen on its definition (read / add / edit /
# approve per role, app/core/screenregisters.py ``actions_for``), and this function answers with them
# for the matrix, ``flask ozelkalem setup`` and the role grid. A register with a personal-data field
# gives Bilgi İşlem and the signers nothing; Bilgi İşlem never more than list/show.
OTHER_VIEWS["ScreenRegisterView"] = {IT: ["list", "show", "add", "edit"]}
_coded_register_actions = register_actions
# ``(role, view_name) -> set of actions | None``: registers whose rights are chosen on the screen
# (app/core/screenregisters.py adds itself here, so that the roles do not import it back)
RIGHTS_PROVIDERS: list = []


def register_actions(role: str, personal_data: bool, view_name: str | None = None) -> set[str]:  # noqa: F811
    for provider in RIGHTS_PROVIDERS:
        chosen = provider(role, view_name)
        if chosen is not None:
            return chosen
    return _coded_register_actions(role, personal_data, view_name)

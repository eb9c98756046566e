"""Wires every view into Flask-AppBuilder: registers from the registry, then
the core screens (approval inbox, audit log, verification, settings)."""
from flask import current_app
from flask_babel import lazy_gettext as _l

from app.core.register import CATEGORIES, add_registered_views


def add_views(appbuilder):
    from app.core.inbox import ApprovalInboxView
    from app.core.auditviews import AuditLogView
    from app.core.documents import PublicVerifyView, VerifyView
    from app.registers import load_views
    from app.settings.views import SettingsView

    load_views()
    add_registered_views(appbuilder)
    from app.registers import add_extra_views

    add_extra_views(appbuilder)
    cat_label, cat_icon = CATEGORIES["approval"]
    appbuilder.add_view(ApprovalInboxView, "ApprovalInboxView", label=_l("Awaiting my approval"),
                        icon="fa-inbox", category="approval", category_label=cat_label,
                        category_icon=cat_icon)
    from app.core.inbox import approval_menu_for_deciders

    approval_menu_for_deciders(current_app)
    from app.registers.signing.views import add_delegation_view

    add_delegation_view(appbuilder)
    cat_label, cat_icon = CATEGORIES["audit"]
    appbuilder.add_view(AuditLogView, "AuditLogView", label=_l("Audit log"), icon="fa-history",
                        category="audit", category_label=cat_label, category_icon=cat_icon)
    from app.security.views import SecurityEventsView

    appbuilder.add_view(SecurityEventsView, "SecurityEventsView", label=_l("Security events"),
                        icon="fa-shield", category="audit", category_label=cat_label,
                        category_icon=cat_icon)
    from app.notify import hooks as _notify_hooks  # noqa: F401  (approval events → notifications)
    from app.notify import tiles as _home_tiles  # noqa: F401  (the home page's tiles per role)
    from app.notify import reminders as _reminders  # noqa: F401  (flask ozelkalem reminders)
    from app.notify.views import NotificationView, bell

    appbuilder.add_view_no_menu(NotificationView)
    from app.core.assignviews import AssignmentView

    appbuilder.add_view_no_menu(AssignmentView)   # "İşlerim": linked from the home page
    current_app.jinja_env.globals["ozk_bell"] = bell
    from app.reports.views import ActivityReportView

    cat_label, cat_icon = CATEGORIES["reports"]
    appbuilder.add_view(ActivityReportView, "ActivityReportView", label=_l("Activity report"),
                        icon="fa-bar-chart", category="reports", category_label=cat_label,
                        category_icon=cat_icon)
    from app.registers.agenda.views import AgendaCalendarView, AgendaIcalView

    cat_label, cat_icon = CATEGORIES["mayor"]
    appbuilder.add_view(AgendaCalendarView, "AgendaCalendarView", label=_l("Calendar"), icon="fa-calendar-o",
                        category="mayor", category_label=cat_label, category_icon=cat_icon)
    appbuilder.add_view_no_menu(AgendaIcalView)
    appbuilder.add_view_no_menu(VerifyView)
    appbuilder.add_view_no_menu(PublicVerifyView)
    cat_label, cat_icon = CATEGORIES["settings"]
    appbuilder.add_view(SettingsView, "SettingsView", label=_l("Office settings"), icon="fa-cog",
                        category="settings", category_label=cat_label, category_icon=cat_icon)
    from app.core.customfieldviews import add_views as add_custom_field_views

    add_custom_field_views(appbuilder)   # "Özel alanlar": fields added from the screen
    from app.core.screenregisterviews import add_views as add_screen_register_views

    add_screen_register_views(appbuilder)   # registers defined on the screen, and their definitions

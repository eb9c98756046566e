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
    cat_label, cat_icon = CATEGORIES["approval"]
    appbuilder.add_view(ApprovalInboxView, "ApprovalInboxView", label=_l("Awaiting my approval"),
                        icon="fa-inbox", category="approval", category_label=cat_label,
                        category_icon=cat_icon)
    from app.core.inbox import approval_menu_for_deciders

    approval_menu_for_deciders(current_app)
    cat_label, cat_icon = CATEGORIES["audit"]
    appbuilder.add_view(AuditLogView, "AuditLogView", label=_l("Audit log"), icon="fa-history",
                        category="audit", category_label=cat_label, category_icon=cat_icon)
    from app.security.views import SecurityEventsView

    appbuilder.add_view(SecurityEventsView, "SecurityEventsView", label=_l("Security events"),
                        icon="fa-shield", category="audit", category_label=cat_label,
                        category_icon=cat_icon)
    appbuilder.add_view_no_menu(VerifyView)
    appbuilder.add_view_no_menu(PublicVerifyView)
    cat_label, cat_icon = CATEGORIES["settings"]
    appbuilder.add_view(SettingsView, "SettingsView", label=_l("Office settings"), icon="fa-cog",
                        category="settings", category_label=cat_label, category_icon=cat_icon)

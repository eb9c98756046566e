"""Home page per role: what this person can do, with links."""
from flask import g, url_for
from flask_appbuilder import IndexView, expose
from flask_babel import gettext as _

from app.core.register import CATEGORIES, REGISTRY


class HomeView(IndexView):
    index_template = "home.html"

    @expose("/")
    def index(self):
        user = g.user
        if user is None or not user.is_authenticated:
            return self.render_template(self.index_template, appbuilder=self.appbuilder, groups=[], tasks=[])
        sm = self.appbuilder.sm
        groups = []
        for key, (label, icon) in CATEGORIES.items():
            items = []
            for entry in REGISTRY:
                if entry.category != key or not entry.menu or not sm.has_access("can_list", entry.name):
                    continue
                actions = []
                if sm.has_access("can_add", entry.name):
                    actions.append((_("New record"), url_for(f"{entry.name}.add")))
                items.append({"label": entry.label, "icon": entry.icon,
                              "url": url_for(f"{entry.name}.list"), "actions": actions})
            if items:
                groups.append({"label": label, "icon": icon, "items": items})
        tasks = []
        if sm.has_access("can_index", "ApprovalInboxView"):
            from app.core.inbox import pending_count

            tasks.append((_("Awaiting my approval"), url_for("ApprovalInboxView.index"), pending_count()))
        if sm.has_access("can_list", "AuditLogView"):
            tasks.append((_("Audit log"), url_for("AuditLogView.list"), None))
        if sm.has_access("can_list", "UserDBModelView"):
            tasks.append((_("Users"), url_for("UserDBModelView.list"), None))
        if sm.has_access("can_index", "SettingsView"):
            tasks.append((_("Settings"), url_for("SettingsView.index"), None))
        roles = ", ".join(r.name for r in user.roles)
        return self.render_template(self.index_template, appbuilder=self.appbuilder,
                                    groups=groups, tasks=tasks, roles=roles)

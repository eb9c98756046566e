"""The global audit log: read-only, filterable by user, register, action and date."""
from flask_appbuilder import ModelView
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l

from app.core import turkish
from app.core.audit import ACTION_LABELS, AuditEntry


class AuditLogView(ModelView):
    datamodel = SQLAInterface(AuditEntry)
    route_base = "/auditlog"
    base_permissions = ["can_list", "can_show"]
    include_route_methods = {"list", "show"}
    list_title = show_title = _l("Audit log")
    list_columns = ["at", "username", "ip", "register", "record_id", "action", "summary"]
    show_columns = list_columns + ["changes"]
    search_columns = ["username", "register", "action", "at", "record_id"]
    base_order = ("at", "desc")
    page_size = 50
    label_columns = {"at": _l("When"), "username": _l("User"), "ip": _l("Address"),
                     "register": _l("Register"), "record_id": _l("Record"),
                     "action": _l("Action"), "summary": _l("Summary"), "changes": _l("Changes")}
    formatters_columns = {"at": turkish.format_date,
                          "action": lambda a: str(ACTION_LABELS.get(a, a))}

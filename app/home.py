"""Home page per role: what this person can do, with links."""

from flask import g, url_for
from flask_appbuilder import IndexView, expose
from flask_babel import gettext as _

from app.core.register import CATEGORIES, REGISTRY
from app.core.rendering import label_text, record_url

# Sections a domain package adds to the home page (today's program, my call-backs,
# my action items…): ``@home_section(order)`` on ``fn(user, sm) -> dict | None``;
# the dict has ``template`` (included by home.html) and whatever that template reads.
HOME_SECTIONS: list = []


def home_section(order: int = 50):
    def wrap(fn):
        HOME_SECTIONS[:] = [s for s in HOME_SECTIONS if s[1].__qualname__ != fn.__qualname__
                            or s[1].__module__ != fn.__module__]
        HOME_SECTIONS.append((order, fn))
        HOME_SECTIONS.sort(key=lambda s: s[0])
        return fn
    return wrap


def home_sections(user, sm) -> list:
    sections = []
    for _order, fn in HOME_SECTIONS:
        section = fn(user, sm)
        if section:
            sections.append(section)
    return sections


def _groups(sm) -> list:
    groups = []
    for key, (label, icon) in CATEGORIES.items():
        items = []
        for entry in REGISTRY:
            if entry.category != key or not entry.menu or not sm.has_access("can_list", entry.name):
                continue
            actions = []
            if sm.has_access("can_add", entry.name):
                actions.append((_("New record"), url_for(f"{entry.name}.add")))
            # text, not lazy strings: kept per language (the key), and a lazy
            # label escaped in the template is translated anew on every page
            items.append({"label": label_text(entry.label), "icon": entry.icon,
                          "url": url_for(f"{entry.name}.list"), "actions": actions})
        if items:
            groups.append({"label": label_text(label), "icon": icon, "items": items})
    return groups


def register_groups_html(sm):
    """The home page's register links per menu group (``home_groups.html``):
    the same for every person with the same roles, so rendered once per role
    set, permission version, language and script root, like the menu (key:
    ``rendering._menu_key``; app/security/permcache.py). Thirty-odd links,
    each escaped anew, were a tenth of the Müdür's page."""
    from flask import render_template
    from markupsafe import Markup

    from app.core.rendering import _menu_key
    from app.security import permcache

    def render():
        return Markup(render_template("home_groups.html", groups=_groups(sm)))

    key = _menu_key() if "_ozk_perm_version" in g else None
    if key is None:
        return render()
    return permcache.cached_menu(("home-groups-html",) + key, render)


class HomeView(IndexView):
    index_template = "home.html"

    @expose("/")
    def index(self):
        from app.core.db import prepared_plans

        with prepared_plans():   # no user-typed term reaches this page's SQL
            return self._index()

    def _index(self):
        user = g.user
        if user is None or not user.is_authenticated:
            return self.render_template(self.index_template, appbuilder=self.appbuilder, tasks=[])
        sm = self.appbuilder.sm
        groups_html = register_groups_html(sm)
        sections = home_sections(user, sm)     # first: the tiles' counts serve the buttons below
        tasks = []
        from app.core import approval

        from app.core.inbox import approves_cached

        is_approver = approves_cached(user)
        if is_approver and sm.has_access("can_index", "ApprovalInboxView"):
            from app.core.inbox import pending_count

            tasks.append((_("Awaiting my approval"), url_for("ApprovalInboxView.index"), pending_count()))
        submissions = None if is_approver else my_submissions(user, sm)
        if sm.has_access("can_mine", "AssignmentView"):
            tasks.append((_("My work"), url_for("AssignmentView.mine"), None))
        if sm.has_access("can_list", "AuditLogView"):
            tasks.append((_("Audit log"), url_for("AuditLogView.list"), None))
        if sm.has_access("can_list", "UserDBModelView"):
            tasks.append((_("Users"), url_for("UserDBModelView.list"), None))
        if sm.has_access("can_index", "SettingsView"):
            tasks.append((_("Settings"), url_for("SettingsView.index"), None))
        roles = ", ".join(r.name for r in user.roles)
        return self.render_template(self.index_template, appbuilder=self.appbuilder,
                                    groups_html=groups_html, tasks=tasks, roles=roles, submissions=submissions,
                                    home_sections=sections)


_SUBMISSIONS_SQL: dict = {}


def _submissions_statement(entries, limit):
    """The one UNION of "My submissions" over these registers (built once per
    set of registers; the user is a bound parameter)."""
    from sqlalchemy import and_, bindparam, case, func, literal, or_, select, union_all

    from app.core import approval
    from app.core.headlines import headline_columns

    uid = bindparam("uid")

    parts = []
    for i, entry in enumerate(entries):
        model = entry.model
        mine = or_(model.created_by_id == uid, model.submitted_by_id == uid)
        at = case((model.state == approval.PENDING, model.submitted_at),
                  (model.state == approval.REJECTED, model.decided_at), else_=model.updated_at)
        parts.append(select(literal(i).label("reg"), model.id.label("id"), model.state.label("state"),
                            model.updated_at.label("at"), at.label("shown_at"), *headline_columns(model),
                            model.decision_note.label("note"))
                     .where(model.archived.is_(False),
                            or_(and_(model.state == approval.PENDING, model.submitted_by_id == uid),
                                and_(model.state == approval.REJECTED, mine),
                                and_(model.state == approval.DRAFT, model.created_by_id == uid))))
    union = union_all(*parts).subquery()
    # the newest ``limit`` of each state (many pending records never crowd the drafts out)
    ranked = select(union, func.row_number().over(partition_by=union.c.state,
                                                  order_by=(union.c.at.desc(), union.c.id.desc())).label("n")
                    ).subquery()
    return (select(ranked).where(ranked.c.n <= limit)
            .order_by(case((ranked.c.state == approval.PENDING, 0), (ranked.c.state == approval.REJECTED, 1), else_=2),
                      ranked.c.at.desc(), ranked.c.id.desc()))


def my_submissions(user, sm, limit=20):
    """"Onaya gönderdiklerim" for a person who does not approve: what they
    submitted (awaiting approval), what came back rejected (with the reason)
    and their drafts, across the registers they may open; None when they
    submit nothing anywhere. One UNION query gives every row with what names
    it (the number and the register's headline, see ``model_headline``): the
    page costs the same whatever the registers the rows come from."""
    from app.core import approval
    from app.core.headlines import headline_label
    from app.core.inbox import approvable_entries
    from app.extensions import db

    entries = [e for e in approvable_entries()
               if sm.has_access("can_list", e.name) and sm.has_access("can_submit", e.name)]
    if not entries:
        return None

    key = (tuple(e.name for e in entries), limit)
    statement = _SUBMISSIONS_SQL.get(key)
    if statement is None:
        statement = _SUBMISSIONS_SQL[key] = _submissions_statement(entries, limit)
    picked = db.session.execute(statement, {"uid": user.id}).all()
    groups = {approval.PENDING: [], approval.REJECTED: [], approval.DRAFT: []}
    for row in picked:
        if row.state not in groups or len(groups[row.state]) >= limit:
            continue
        entry = entries[row.reg]
        groups[row.state].append({"register": label_text(entry.label), "label": headline_label(entry.model, row),
                                  "at": row.shown_at,
                                  "note": row.note if row.state == approval.REJECTED else None,
                                  "url": record_url(f"{entry.name}.show", row.id)})
    return groups


HOME_WORK_ROWS = 10


@home_section(15)
def my_work(user, sm):
    """"İşlerim": what the Müdür assigned to this person, across registers,
    overdue first (one query; app/core/assignment.py)."""
    if not sm.has_access("can_mine", "AssignmentView"):
        return None
    from app.core import assignment

    rows = assignment.open_for(user.id, limit=HOME_WORK_ROWS + 1)
    if not rows:
        return None
    more = len(rows) > HOME_WORK_ROWS
    rows = rows[:HOME_WORK_ROWS]
    return {"template": "assignment/home_section.html", "work": rows, "more": more,
            "overdue_count": sum(1 for r in rows if r.overdue)}

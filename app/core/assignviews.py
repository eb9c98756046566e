"""Screens of work assignment: "İşlerim" (my assigned work), the assign form
on a record's show page (Müdür), and "done" (the assignee or the Müdür)."""
from __future__ import annotations

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _

from app.core import assignment
from app.core.assignment import Assignment, AssignmentError
from app.extensions import db

VIEW = "AssignmentView"


def may_assign(sm) -> bool:
    return sm.has_access("can_assign", VIEW)


def show_context(view, item) -> dict:
    """What a register's show page needs for the assignment box (empty when
    the register does not opt in or the user may neither assign nor see)."""
    if not assignment.is_assignable(item):
        return {}
    sm = view.appbuilder.sm
    rows = assignment.for_record(item)
    can_assign = may_assign(sm) and not getattr(item, "archived", False)
    return {"assignments": rows, "assign_allowed": can_assign,
            "assign_candidates": assignment.candidates(view.__class__.__name__) if can_assign else [],
            "assign_done_allowed": sm.has_access("can_done", VIEW)}


class AssignmentView(BaseView):
    route_base = "/islerim"
    default_view = "mine"
    base_permissions = ["can_mine", "can_assign", "can_done"]

    @expose("/")
    @has_access
    def mine(self):
        rows = assignment.open_for(g.user.id)
        done = (db.session.query(Assignment)
                .filter(Assignment.assigned_to_id == g.user.id, Assignment.done_at.isnot(None))
                .order_by(Assignment.done_at.desc()).limit(20).all())
        return self.render_template("assignment/mine.html", rows=rows, done=done, title=_("My work"))

    def _register_view(self, view_name):
        for view in self.appbuilder.baseviews:
            if view.__class__.__name__ == view_name and hasattr(view, "_record_or_404"):
                return view
        abort(404)

    def _record(self, view, pk):
        """The record as the register's own show page would give it to this
        user (its base filters: hidden letters, private entries), or 404."""
        from app.core.guards import parse_pk

        if parse_pk(str(pk)) is None or not self.appbuilder.sm.has_access("can_show", view.__class__.__name__):
            abort(404)
        item = view.datamodel.get(pk, view._base_filters)
        if item is None:
            abort(404)
        return item

    @expose("/ata/<view_name>/<int:pk>", methods=["POST"])
    @has_access
    def assign(self, view_name, pk):
        from flask_appbuilder.security.sqla.models import User

        from app.core.turkish import parse_date_text

        view = self._register_view(view_name)
        item = self._record(view, pk)
        back = url_for(f"{view_name}.show", pk=item.id)
        user_id = request.form.get("user_id", "")
        user = db.session.get(User, int(user_id)) if user_id.isdigit() and len(user_id) < 10 else None
        if user is None:
            flash(_("Choose the person the work is given to."), "danger")
            return redirect(back)
        if not assignment.user_may_open(user, view_name):
            flash(_("This person may not open this register's records; choose somebody who may."), "danger")
            return redirect(back)
        due_text = (request.form.get("due_date") or "").strip()
        due = parse_date_text(due_text) if due_text else None
        if due_text and due is None:
            flash(_("Due date: write a date as dd.mm.yyyy."), "danger")
            return redirect(back)
        try:
            assignment.assign(item, user, due, g.user, request.form.get("note"))
            db.session.commit()
        except AssignmentError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
            return redirect(back)
        flash(_("The work was assigned to %(name)s.", name=user.get_full_name()), "success")
        return redirect(back)

    @expose("/bitti/<int:assignment_id>", methods=["POST"])
    @has_access
    def done(self, assignment_id):
        row = db.session.get(Assignment, assignment_id)
        if row is None or (row.assigned_to_id != g.user.id and not may_assign(self.appbuilder.sm)) \
                or not self.appbuilder.sm.has_access("can_show", row.view_name):
            abort(404)
        view = self._register_view(row.view_name)
        item = view.datamodel.get(row.record_id, view._base_filters)
        if row.done_at is None and item is not None:
            assignment.complete(item, g.user, row)
            db.session.commit()
            flash(_("Marked as done."), "success")
        elif row.done_at is None:       # the record is gone or hidden from this user
            abort(404)
        target = request.form.get("next")
        if target == "show":
            return redirect(url_for(f"{row.view_name}.show", pk=row.record_id))
        return redirect(url_for(f"{VIEW}.mine"))

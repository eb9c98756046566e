"""Home section "İmzamı bekleyenler", the screen "İmza yetki devirleri" (who
signs for whom, between two dates: "a." or "V.") and
``flask ozelkalem signing-delegate`` (the same from the command line)."""
from __future__ import annotations

import datetime as dt

import click
from flask import abort, flash, g, redirect, request, url_for
from flask.cli import with_appcontext
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.core import signing
from app.home import home_section

HOME_LIMIT = 20


@home_section(15)
def awaiting_my_signature(user, sm):
    """What waits for this person's paraf or imza on a signature chain (for
    the Başkan and Başkan Yardımcısı always, with a link to the inbox; for
    anybody else only when a chained step waits for them)."""
    if not sm.has_access("can_index", "ApprovalInboxView"):
        return None
    rows = [(e, r) for e, r in signing.awaiting(user, chained_only=True)
            if sm.has_access("can_show", e.name)]   # one-step approvals: the Müdür's own tile
    if not rows and not signing.is_signer(user):
        return None
    items = []
    for entry, record in rows[:HOME_LIMIT]:
        step = signing.current(record)
        items.append({"entry": entry, "record": record, "step": step})
    return {"template": "signing/home_awaiting.html", "rows": items, "count": len(rows)}


def _parse_day(text):
    try:
        return dt.datetime.strptime(text.strip(), "%d.%m.%Y").date()
    except ValueError:
        raise click.BadParameter("Tarih gg.aa.yyyy biçiminde olmalıdır (örnek 01.12.2026).")


@click.command("signing-delegate")
@click.option("--role", "for_role", default=None, help="Whose signature: e.g. Başkan")
@click.option("--user", "username", default=None, help="Who signs for that role (username)")
@click.option("--kind", type=click.Choice([signing.DELEGATED, signing.DEPUTY]), default=signing.DEPUTY,
              help='"a." yetki devri, "V." vekâlet')
@click.option("--from", "date_from", default=None, help="dd.MM.yyyy")
@click.option("--to", "date_to", default=None, help="dd.MM.yyyy")
@click.option("--registers", default="", help="table names or table:kind, comma separated; empty = all")
@click.option("--note", default="")
@click.option("--end", "end_id", type=int, default=None, help="End the delegation with this id instead")
@with_appcontext
def delegate_command(for_role, username, kind, date_from, date_to, registers, note, end_id):
    """Who may sign for a role between two dates ("a." or "V.")."""
    from flask_appbuilder.security.sqla.models import User

    from app.core import audit
    from app.extensions import db

    if end_id is not None:
        grant = db.session.get(signing.SignatureDelegation, end_id)
        if grant is None:
            raise click.ClickException("Böyle bir yetki kaydı yok.")
        grant.active = False
        audit.record("signature_delegation", grant.id, "update", f"Yetki sona erdi: {grant.for_role}",
                     commit=False)
        db.session.commit()
        click.echo(f"Yetki #{grant.id} sona erdirildi.")
        return
    if not (for_role and username and date_from and date_to):
        raise click.UsageError("--role, --user, --from ve --to gereklidir (veya --end <no>).")
    user = db.session.query(User).filter_by(username=username).one_or_none()
    if user is None:
        raise click.ClickException(f"Kullanıcı bulunamadı: {username}")
    start, end = _parse_day(date_from), _parse_day(date_to)
    if end < start:
        raise click.ClickException("Bitiş tarihi başlangıçtan önce olamaz.")
    grant = signing.SignatureDelegation(for_role=for_role, user_id=user.id, kind=kind,
                                        date_from=start, date_to=end, registers=registers.strip(),
                                        note=note or None, active=True)
    db.session.add(grant)
    db.session.flush()
    audit.record("signature_delegation", grant.id, "create",
                 f"{user.username}: {for_role} {kind} {date_from}–{date_to} {registers}".strip(),
                 commit=False)
    db.session.commit()
    click.echo(f"Yetki #{grant.id}: {user.username}, {for_role} adına {kind} ({date_from} – {date_to}).")


# --- the screen ----------------------------------------------------------------------
KIND_LABELS = {signing.DELEGATED: "a. (yetki devri)", signing.DEPUTY: "V. (vekâlet)"}


def holder_choices():
    """Whose signature may be delegated: the roles and the persons the
    declared chains name (besides the preparer), and the signer roles."""
    from app.core.registry import REGISTRY

    roles = {signing.PRESIDENT_ROLE: signing.ROLE_TITLES[signing.PRESIDENT_ROLE],
             signing.DEPUTY_PRESIDENT_ROLE: signing.ROLE_TITLES[signing.DEPUTY_PRESIDENT_ROLE]}
    for entry in REGISTRY:
        chain = getattr(entry.model, "signature_chain", None) if signing.declares_chain(entry.model) else None
        chains = chain.values() if isinstance(chain, dict) else [chain or []]
        for steps in chains:
            for step in steps:
                if step.person is not None and isinstance(step.person, str) and not step.person.startswith("setting:"):
                    roles.setdefault(f"{signing.PERSON_MARK}{step.person}", step.title or step.person)
                elif step.role and step.role != signing.PREPARER:
                    roles.setdefault(step.role, step.label)
    return roles


def register_choices():
    """{token: label} of the registers a delegation may be limited to (the
    approvable registers; a chain by document kind also per kind)."""
    from app.core.registry import REGISTRY

    found = {}
    for entry in REGISTRY:
        model = entry.model
        if not getattr(model, "__approvable__", False):
            continue
        found[model.__tablename__] = str(entry.label)
        chain = getattr(model, "signature_chain", None)
        if isinstance(chain, dict):
            for key in chain:
                if key != "*":     # the kind's own label where a choice column names it
                    label = next((str(m[key]) for m in (model.choices or {}).values() if key in m), key)
                    found[f"{model.__tablename__}:{key}"] = f"{entry.label}: {label}"
    return found


class SignatureDelegationView(BaseView):
    """"İmza yetki devirleri": who signs for a role (or a named person) between
    two dates, as "a." (yetki devri) or "V." (vekâlet), for every register or
    the chosen ones. The Müdür records them (on the Başkan's written
    instruction); the auditor and the signers read them. A delegation is
    never deleted: it is ended, and both acts are in the audit log."""

    route_base = "/imzayetkisi"
    default_view = "list"
    base_permissions = ["can_list", "can_add", "can_end"]

    @expose("/")
    @has_access
    def list(self):
        from flask_appbuilder.security.sqla.models import User

        from app.extensions import db

        today = dt.date.today()
        rows = (db.session.query(signing.SignatureDelegation)
                .order_by(signing.SignatureDelegation.active.desc(),
                          signing.SignatureDelegation.date_to.desc(), signing.SignatureDelegation.id.desc())
                .limit(200).all())
        sm = self.appbuilder.sm
        may_add = sm.has_access("can_add", "SignatureDelegationView")
        users = (db.session.query(User).filter(User.active.is_(True)).order_by(User.first_name, User.last_name).all()
                 if may_add else [])
        return self.render_template("signing/delegations.html", rows=rows, today=today, users=users,
                                    holders=holder_choices(), registers=register_choices(),
                                    kinds=KIND_LABELS, may_add=may_add,
                                    may_end=sm.has_access("can_end", "SignatureDelegationView"),
                                    form=request.args, title=_("Signature delegations"))

    @expose("/ekle", methods=["POST"])
    @has_access
    def add(self):
        from flask_appbuilder.security.sqla.models import User

        from app.core import audit, turkish
        from app.extensions import db

        form = request.form
        errors = []
        holders, registers = holder_choices(), register_choices()
        for_role = form.get("for_role", "")
        if for_role not in holders:
            errors.append("Kimin adına imza atılacağını listeden seçin.")
        kind = form.get("kind", "")
        if kind not in KIND_LABELS:
            errors.append("Yetki türünü seçin: a. (yetki devri) veya V. (vekâlet).")
        user_id = form.get("user_id", "")
        user = (db.session.get(User, int(user_id)) if user_id.isdigit() and len(user_id) < 10 else None)
        if user is None or not user.active:
            errors.append("Yetki verilen kişiyi listeden seçin.")
        start = turkish.parse_date_text(form.get("date_from", ""))
        end = turkish.parse_date_text(form.get("date_to", ""))
        if start is None or end is None:
            errors.append("Başlangıç ve bitiş tarihini gg.aa.yyyy biçiminde girin.")
        elif end < start:
            errors.append("Bitiş tarihi başlangıç tarihinden önce olamaz.")
        elif end < dt.date.today():
            errors.append("Geçmişte biten bir yetki kaydedilmez.")
        chosen = [r for r in form.getlist("registers") if r]
        if any(r not in registers for r in chosen):
            errors.append("Kayıt türlerini listeden seçin.")
        if user is not None and user.id == g.user.id:
            errors.append("Kendinize imza yetkisi kaydedemezsiniz; bu kaydı yetkiyi veren başka bir yetkili girer.")
        elif user is not None and for_role in holders and (
                for_role in {r.name for r in user.roles}
                or for_role == f"{signing.PERSON_MARK}{user.username}"):
            errors.append("Kişi kendi imzası için kendine yetki veremez.")
        note = (form.get("note") or "").strip()[:300]
        if errors:
            for message in errors:
                flash(message, "danger")
            keep = {k: form.get(k, "") for k in ("for_role", "kind", "user_id", "date_from", "date_to", "note")}
            return redirect(url_for("SignatureDelegationView.list", **keep))
        grant = signing.SignatureDelegation(for_role=for_role, user_id=user.id, kind=kind, date_from=start,
                                            date_to=end, registers=", ".join(chosen), note=note or None,
                                            active=True)
        db.session.add(grant)
        db.session.flush()
        audit.record("signature_delegation", grant.id, "create", describe(grant, holders, registers), commit=False)
        db.session.commit()
        flash(f"Yetki kaydedildi: {describe(grant, holders, registers)}", "success")
        return redirect(url_for("SignatureDelegationView.list"))

    @expose("/bitir/<int:grant_id>", methods=["POST"])
    @has_access
    def end(self, grant_id):
        from app.core import audit
        from app.extensions import db

        grant = db.session.get(signing.SignatureDelegation, grant_id)
        if grant is None:
            abort(404)
        if not grant.active:
            flash("Bu yetki zaten sona ermiş.", "warning")
            return redirect(url_for("SignatureDelegationView.list"))
        grant.active = False
        audit.record("signature_delegation", grant.id, "update",
                     f"Yetki sona erdirildi: {describe(grant, holder_choices(), register_choices())}", commit=False)
        db.session.commit()
        flash("Yetki sona erdirildi.", "success")
        return redirect(url_for("SignatureDelegationView.list"))


def describe(grant, holders, registers) -> str:
    """"Selin Korkmaz, Belediye Başkanı adına V., 01.12.2026 – 05.12.2026 (Gelen ve Giden Evrak)"."""
    from app.core import turkish

    who = signing._user_name(grant.user) if grant.user else f"#{grant.user_id}"
    scope = ", ".join(registers.get(t.strip(), t.strip()) for t in (grant.registers or "").split(",") if t.strip())
    text = (f"{who}, {holders.get(grant.for_role, grant.for_role)} adına {grant.kind}, "
            f"{turkish.format_date(grant.date_from)} – {turkish.format_date(grant.date_to)}")
    return f"{text} ({scope})" if scope else f"{text} (tüm kayıt türleri)"


def add_delegation_view(appbuilder):
    """Under "Onaylar", after the approvals inbox (called from app/views.py)."""
    from app.core.registry import CATEGORIES

    cat_label, cat_icon = CATEGORIES["approval"]
    appbuilder.add_view(SignatureDelegationView, "SignatureDelegationView", label=_l("Signature delegations"),
                        icon="fa-share", category="approval", category_label=cat_label, category_icon=cat_icon)


def _attach_command():
    from app.cli import group

    if "signing-delegate" not in group.commands:
        group.add_command(delegate_command)


_attach_command()

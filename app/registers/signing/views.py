"""Home section "İmzamı bekleyenler" and ``flask ozelkalem signing-delegate``."""
from __future__ import annotations

import datetime as dt

import click
from flask.cli import with_appcontext

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


def _attach_command():
    from app.cli import group

    if "signing-delegate" not in group.commands:
        group.add_command(delegate_command)


_attach_command()

"""Command line: ``flask ozelkalem setup|demo|matrix``."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from werkzeug.security import check_password_hash

import config as config_module
from app.extensions import appbuilder, db
from app.security import roles as R

group = AppGroup("ozelkalem", help="Özel Kalem yönetim komutları")

DEMO_USERS = [
    # username, first, last, role, email
    ("admin", "Sistem", "Yöneticisi", R.ADMIN, "admin@ornek.bel.tr"),
    ("memur", "Ayşe", "Yılmaz", R.CLERK, "memur@ornek.bel.tr"),
    ("mudur", "İsmail", "Şahin", R.DIRECTOR, "mudur@ornek.bel.tr"),
    ("bilgiislem", "Gökhan", "Çelik", R.IT, "bilgiislem@ornek.bel.tr"),
    ("denetci", "Özlem", "Doğan", R.AUDITOR, "denetci@ornek.bel.tr"),
    ("baskan", "Kemal", "Aydın", R.PRESIDENT, "baskan@ornek.bel.tr"),
    ("baskanyardimcisi", "Selin", "Korkmaz", R.DEPUTY_PRESIDENT, "baskanyardimcisi@ornek.bel.tr"),
]


def init_app(app):
    app.cli.add_command(group)
    from app.ops import backup, kvkk
    app.cli.add_command(backup.group); app.cli.add_command(kvkk.group)


def _menu_names_for(role):
    """menu_access: the menu item of each view the role may open, and its category."""
    from app.core.register import REGISTRY

    names = set()
    for item in appbuilder.menu.get_list():
        for child in item.childs or []:
            view = child.name
            allowed = (R.register_actions(role, e.personal_data, e.name) for e in REGISTRY if e.name == view)
            acts = next(allowed, None)
            if acts is None:
                acts = R.view_actions(role, view)
            if {"list", "index"} & set(acts):
                names.update({view, item.name})
    if role == R.IT:
        names.update(R.SECURITY_MENUS)
    return names


def role_permission_pairs(role):
    """Every (permission, view) row a role holds after ``setup``; Admin holds all."""
    from app.core.register import REGISTRY

    pairs = set()
    if role == R.ADMIN:
        for baseview in appbuilder.baseviews:
            for perm in baseview.base_permissions or []:
                pairs.add((perm, baseview.__class__.__name__))
        for item in appbuilder.menu.get_list():
            if item.name:
                pairs.add(("menu_access", item.name))
            for child in item.childs or []:
                if child.name and child.name != "-":
                    pairs.add(("menu_access", child.name))
        return pairs
    for entry in REGISTRY:
        existing = set(_view_base_permissions(entry.name))
        for action in R.register_actions(role, entry.personal_data, entry.name):
            perm = f"can_{action}"
            if perm in existing:
                pairs.add((perm, entry.name))
    for view_name in set(R.OTHER_VIEWS) | set(R.SELF_SERVICE):
        existing = set(_view_base_permissions(view_name))
        for action in R.view_actions(role, view_name):
            if f"can_{action}" in existing:   # e.g. FAB 5's list-only permission screens
                pairs.add((f"can_{action}", view_name))
    for name in _menu_names_for(role):
        pairs.add(("menu_access", name))
    return pairs


def _all_actions(view_name):
    """Every action of a view as the matrix names it (``can_`` dropped)."""
    return [p[4:] if p.startswith("can_") else p for p in _view_base_permissions(view_name)]


def _other_view_names():
    from app.core.register import REGISTRY

    registers = {e.name for e in REGISTRY}
    return [v.__class__.__name__ for v in appbuilder.baseviews
            if v.base_permissions and v.__class__.__name__ not in registers]


def _view_base_permissions(view_name):
    for baseview in appbuilder.baseviews:
        if baseview.__class__.__name__ == view_name:
            return baseview.base_permissions
    return []


def sync_roles():
    sm = appbuilder.sm
    for name in (current_app.config["AUTH_ROLE_ADMIN"], current_app.config["AUTH_ROLE_PUBLIC"]):
        sm.add_role(name)
    appbuilder.add_permissions(update_perms=True)
    sm.security_cleanup(appbuilder.baseviews, appbuilder.menu)
    admin = sm.find_role(current_app.config["AUTH_ROLE_ADMIN"])
    all_pvs = db.session.query(sm.permissionview_model).all()
    admin.permissions = all_pvs
    for role_name in R.ROLES:
        role = sm.find_role(role_name) or sm.add_role(role_name)
        wanted = []
        for perm, view in sorted(role_permission_pairs(role_name)):
            pv = sm.find_permission_view_menu(perm, view)
            if pv is None:
                pv = sm.add_permission_view_menu(perm, view)
            wanted.append(pv)
        role.permissions = wanted
    db.session.commit()


def create_demo_users(password):
    sm = appbuilder.sm
    created = []
    for username, first, last, role_name, email in DEMO_USERS:
        role = sm.find_role(role_name)
        user = sm.find_user(username=username)
        if user is None:
            sm.add_user(username, first, last, email, role, password)
            created.append(username)
    return created


def refuse_demo_users(app):
    """Production refuses to start while a demo account keeps a demo password."""
    from flask_appbuilder.security.sqla.models import User
    from sqlalchemy import inspect

    try:
        if not inspect(db.engine).has_table("ab_user"):
            return
    except Exception:  # noqa: BLE001 - no database yet: nothing to check
        return
    demo_passwords = {config_module.DEFAULT_DEMO_PASSWORD, app.config.get("DEMO_PASSWORD")}
    for username, *_ in DEMO_USERS:
        user = db.session.query(User).filter_by(username=username).first()
        if user and any(p and check_password_hash(user.password, p) for p in demo_passwords):
            raise config_module.ProductionConfigError(
                f"Refusing to start in production: demo user '{username}' still has a demo password")
    db.session.remove()


@group.command("setup")
def setup_command():
    """Permissions and roles from code (safe to run again)."""
    sync_roles()
    click.echo("Roller ve yetkiler güncellendi: " + ", ".join(R.ROLES + [R.ADMIN]))


@group.command("demo")
def demo_command():
    """Demo users and demo records (safe to run again)."""
    if not current_app.config.get("DEMO_MODE"):
        raise click.ClickException("Demo verisi yalnızca demo kipinde yüklenir (DEMO_MODE).")
    password = current_app.config["DEMO_PASSWORD"]
    created = create_demo_users(password)
    from app.demo import load_demo_data

    n = load_demo_data()
    click.echo(f"Demo kullanıcıları: {len(created)} yeni; demo kayıtları: {n} yeni.")
    click.echo("")
    click.echo("  Demo girişleri (parola: %s)" % ("DEMO_PASSWORD ortam değişkenindeki" if password != config_module.DEFAULT_DEMO_PASSWORD else password))
    for username, first, last, role, _ in DEMO_USERS:
        click.echo(f"    {username:<12} {role:<12} {first} {last}")


@group.command("matrix")
def matrix_command():
    """Print the permission matrix as Markdown (docs/PERMISSIONS.md)."""
    from app.core.register import REGISTRY

    click.echo(permission_matrix_markdown(screen=any(e.extra.get("screen") for e in REGISTRY)), nl=False)


def permission_matrix_markdown(screen=False):
    """The matrix of the product (coded registers and screens); ``screen=True``
    adds the registers defined on this installation's screen (installation
    data, not code: docs/PERMISSIONS.md holds the product's part)."""
    from app.core.register import REGISTRY

    screen_names = {e.name for e in REGISTRY if e.extra.get("screen")}
    coded = [e for e in REGISTRY if not e.extra.get("screen")]
    m = R.matrix(coded, lambda view, action: f"can_{action}" in _view_base_permissions(view),
                 other_views=[v for v in _other_view_names() if v not in screen_names], all_actions=_all_actions)
    views = list(next(iter(m.values())).keys())
    roles = list(m.keys())
    lines = ["# Permission matrix", "",
             "Generated by `flask ozelkalem matrix` from `app/security/roles.py`; "
             "`tests/test_permission_matrix.py` requests every cell over HTTP.", "",
             "Memur holds `approve` and the approvals inbox (`ApprovalInboxView`) only to act "
             "under an active proxy (vekâlet); the approval rule refuses it otherwise. The "
             "**Onaylar** menu is shown only to a user who may decide today (the Müdür, or a "
             "holder of the Müdür's active proxy), whatever the role's permissions.", "",
             "Admin holds every permission of every view (`setup` gives it all of them). "
             "Actions without `can_` (e.g. `resetpasswords`) are FAB's list/show "
             "actions. Roles may be changed on the role grid (Güvenlik → Roller ve yetkiler); "
             "`flask ozelkalem setup` puts the product roles back as defined here.", "",
             "| view | " + " | ".join(roles) + " |",
             "|---|" + "---|" * len(roles)]
    personal = {e.name for e in REGISTRY if e.personal_data}
    for view in views:
        label = view + (" (personal data)" if view in personal else "")
        cells = [", ".join(m[r][view]) or "—" for r in roles]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines += ["", "## Registers defined on the screen", "",
              "Bilgi İşlem (and Admin) define simple registers on Ayarlar → Ekrandan kayıt defterleri "
              "(`ScreenRegisterView`). Each one's rights are chosen on its definition, per role: "
              "*may read* gives list, show, export, pdf and attachments (and history to the roles "
              "that hold it on coded registers: Müdür, Denetçi); *may add* gives add; *may edit* gives "
              "edit, archive and submit (and restore to the Müdür); *may approve* gives approve (the "
              "approval rule still limits deciding to the Müdür or a proxy). Adding, editing or "
              "approving implies reading. Bilgi İşlem never gets more than list and show; a register "
              "with a field marked personal gives Bilgi İşlem, Başkan and Başkan Yardımcısı nothing. "
              "Admin holds every action. `flask ozelkalem matrix` prints this installation's screen "
              "registers below; `flask ozelkalem setup` keeps their rights."]
    if screen:
        rows = [e for e in REGISTRY if e.extra.get("screen")]
        sm = R.matrix(rows, lambda view, action: f"can_{action}" in _view_base_permissions(view),
                      other_views=[], all_actions=_all_actions)
        lines += ["", "| register | " + " | ".join(roles) + " |", "|---|" + "---|" * len(roles)]
        for entry in rows:
            label = f"{entry.name} ({entry.label})" + (" (personal data)" if entry.personal_data else "")
            cells = [", ".join(sm[r][entry.name]) or "—" for r in roles]
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


@group.command("fields-export")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
def fields_export_command(path):
    """Özel alan tanımlarını bir JSON dosyasına yazar (test kurulumundan canlıya taşımak için)."""
    import json

    from app.core.customfields import export_config

    data = export_config()
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=1, default=str)
    click.echo(f"{len(data['fields'])} alan tanımı yazıldı: {path}")


@group.command("fields-import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def fields_import_command(path):
    """Bir JSON dosyasındaki özel alan tanımlarını alır (anahtarı aynı olan güncellenir, hiçbiri silinmez)."""
    from app.core.customfields import ConfigError, import_config

    with open(path, encoding="utf-8") as fh:
        raw = fh.read()
    try:
        created, updated = import_config(raw)
    except ConfigError as exc:
        raise click.ClickException(f"Yapılandırma alınamadı, hiçbir değişiklik kaydedilmedi: {exc}") from None
    click.echo(f"{created} yeni alan, {updated} alan güncellendi.")

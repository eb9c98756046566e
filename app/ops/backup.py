"""Backups: ``flask backup create [--output PATH]`` and ``flask backup restore PATH [--yes]``.

A backup is ONE ``.tar.gz`` archive:

* ``database.sqlite3`` (SQLite online backup API) or ``database.pgdump``
  (``pg_dump --format=custom``, taken in the same snapshot as the row counts);
* ``uploads/<name>`` — every file in ``UPLOAD_DIR`` (the attachments);
* ``data/<name>`` — the letterhead logo in ``DATA_DIR``, if any;
* ``manifest.json`` — created_at, dialect, Alembic revision, rows per table,
  sha256 and size of every other member (written last).

Restore extracts into a temporary directory and verifies every checksum and
the dialect *before* touching anything; then it replaces the database
(SQLite backup API into the live file / ``pg_restore --clean --if-exists
--no-owner --single-transaction``), puts the files back, moves upload files
the backup does not know to ``DATA_DIR/restore-<time>/`` (never deletes them),
saves the audit entries written after the backup there too (the restored
audit log cannot hold them), and prints the row counts. Both operations are
written to the audit log.
"""
from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import inspect, text

from app.core import audit
from app.extensions import db

group = AppGroup("backup", help="Yedekleme: veritabanı, ek dosyalar ve logo tek arşivde.")

FORMAT = 1
MANIFEST = "manifest.json"
DB_MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
DIALECT_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
PG_DUMP = "/usr/bin/pg_dump"
PG_RESTORE = "/usr/bin/pg_restore"
PG_LOCK_TIMEOUT_MS = 60000
LOGO_NAMES = ("logo.png", "logo.jpg")
CHUNK = 1024 * 1024
_MEMBER_RE = re.compile(r"(uploads|data)/([^/\\\x00]{1,255})")


class BackupError(click.ClickException):
    """A refused or failed backup/restore (Turkish message, exit code 1)."""


# ---------------------------------------------------------------------------
# database helpers
# ---------------------------------------------------------------------------


def _dialect():
    return db.engine.dialect.name


def _check_dialect(dialect):
    if dialect not in DB_MEMBER:
        raise BackupError(f"Bu veritabanı türü desteklenmiyor: {dialect} (yalnızca SQLite ve PostgreSQL).")


def _sqlite_path():
    database = db.engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError("Bellek içi SQLite veritabanı yedeklenemez veya geri yüklenemez.")
    return os.path.abspath(database)


def _raw_sqlite(path, **kwargs):
    """A plain sqlite3 connection (no SQLAlchemy connect hooks: they would
    switch a backup copy to WAL) with the app's SQL function and collation."""
    from app.core import turkish

    conn = sqlite3.connect(path, **kwargs)
    conn.create_function("tr_fold", 1, turkish.fold, deterministic=True)
    conn.create_collation("TURKISH", turkish.collate)
    return conn


def _quote(name):
    return '"' + name.replace('"', '""') + '"'


def table_counts(conn=None):
    """Rows per table of the app's database (every table, Alembic's included)."""
    if conn is None:
        with db.engine.connect() as fresh:
            return table_counts(fresh)
    if conn.dialect.name == "postgresql":
        names = conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                                  "ORDER BY tablename")).scalars().all()
    else:
        names = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table' "
                                  "AND name NOT LIKE 'sqlite_%' ORDER BY name")).scalars().all()
    return {n: conn.execute(text(f"SELECT count(*) FROM {_quote(n)}")).scalar_one() for n in names}


def _sqlite_facts(conn):
    """Row counts, Alembic revision and last audit id of a raw sqlite3 connection."""
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    counts = {n: conn.execute(f"SELECT count(*) FROM {_quote(n)}").fetchone()[0] for n in names}
    revision = (conn.execute("SELECT version_num FROM alembic_version").fetchone() or [None])[0] \
        if "alembic_version" in counts else None
    audit_max = conn.execute("SELECT max(id) FROM audit_entry").fetchone()[0] if "audit_entry" in counts else None
    return counts, revision, audit_max


def _sa_facts(conn):
    counts = table_counts(conn)
    revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar() \
        if "alembic_version" in counts else None
    audit_max = conn.execute(text("SELECT max(id) FROM audit_entry")).scalar() if "audit_entry" in counts else None
    return counts, revision, audit_max


def _pg_target():
    """libpq URL (``postgresql://``, no password) and environment (PGPASSWORD)
    for pg_dump/pg_restore: the password never appears on a command line."""
    url = db.engine.url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _tool_version(binary):
    if not os.access(binary, os.X_OK):
        raise BackupError(f"{binary} bulunamadı; PostgreSQL istemci araçlarını (postgresql-client) kurun.")
    out = subprocess.run([binary, "--version"], capture_output=True, text=True, check=False).stdout.strip()
    match = re.search(r"\)\s*(\d+)", out) or re.search(r"(\d+)", out)
    if not match:
        raise BackupError(f"{binary} sürümü okunamadı: {out!r}")
    return int(match.group(1)), out


def _check_pg_tool(binary, needed=None):
    """The client tool must be at least as new as the server (and, for
    pg_restore, as the pg_dump that wrote the archive)."""
    major, version = _tool_version(binary)
    with db.engine.connect() as conn:
        server = int(conn.execute(text("SHOW server_version_num")).scalar_one()) // 10000
    tool = os.path.basename(binary)
    if major < server:
        raise BackupError(f"{tool} sürümü ({major}) PostgreSQL sunucusundan ({server}) eski; "
                          f"en az {server} sürümlü PostgreSQL istemci araçlarını kurun.")
    if needed and major < needed:
        raise BackupError(f"Yedek PostgreSQL {needed} sürümlü pg_dump ile alınmış; {tool} sürümü ({major}) "
                          f"bu yedeği okuyamaz.")
    return major, version


def _dump_sqlite(dest):
    path = _sqlite_path()
    if not os.path.isfile(path):
        raise BackupError(f"SQLite veritabanı dosyası bulunamadı: {path}")
    src = _raw_sqlite(path, timeout=60)
    try:
        out = _raw_sqlite(dest)
        try:
            src.backup(out)  # online, consistent (WAL included)
            out.execute("PRAGMA journal_mode=DELETE")  # a self-contained single file
            check = out.execute("PRAGMA integrity_check").fetchone()[0]
            if check != "ok":
                raise BackupError(f"Veritabanı kopyası bütünlük denetiminden geçmedi: {check}")
            counts, revision, audit_max = _sqlite_facts(out)
        finally:
            out.close()
    finally:
        src.close()
    return {"row_counts": counts, "alembic_revision": revision, "audit_max_id": audit_max,
            "sqlite_version": sqlite3.sqlite_version}


def _dump_postgresql(dest):
    major, version = _check_pg_tool(PG_DUMP)
    url, env = _pg_target()
    # One REPEATABLE READ snapshot serves both the row counts and pg_dump
    # (--snapshot), so the manifest describes exactly what was dumped.
    with db.engine.connect() as conn:
        conn.execution_options(isolation_level="REPEATABLE READ")
        snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
        counts, revision, audit_max = _sa_facts(conn)
        result = subprocess.run(
            [PG_DUMP, "--format=custom", f"--snapshot={snapshot}", "--no-password",
             f"--file={dest}", f"--dbname={url}"],
            env=env, capture_output=True, text=True, check=False)
        conn.rollback()
    if result.returncode != 0:
        raise BackupError("pg_dump başarısız oldu:\n" + result.stderr.strip()[-2000:])
    return {"row_counts": counts, "alembic_revision": revision, "audit_max_id": audit_max,
            "pg_dump_version": version, "pg_dump_major": major}


# ---------------------------------------------------------------------------
# files
# ---------------------------------------------------------------------------


def _safe_name(name):
    return bool(name) and name not in (".", "..") and _MEMBER_RE.fullmatch("uploads/" + name) is not None


def _configured_logo():
    try:
        from app.settings.models import Setting

        row = db.session.get(Setting, "logo")
        return row.value if row is not None else None
    except Exception:  # noqa: BLE001 - no settings table (yet): no logo
        db.session.rollback()
        return None


def _collect_files():
    """[(arcname, path)] of every upload and the logo; warnings for skipped names."""
    files, warnings = [], []
    upload = current_app.config["UPLOAD_DIR"]
    if os.path.isdir(upload):
        for name in sorted(os.listdir(upload)):
            path = os.path.join(upload, name)
            if not os.path.isfile(path):
                continue
            if not _safe_name(name):
                warnings.append(f"Adı uygun olmayan dosya yedeğe alınmadı: {name!r}")
                continue
            files.append(("uploads/" + name, path))
    data_dir = current_app.config["DATA_DIR"]
    logos = set(LOGO_NAMES)
    configured = _configured_logo()
    if configured and _safe_name(configured):
        logos.add(configured)
    for name in sorted(logos):
        path = os.path.join(data_dir, name)
        if os.path.isfile(path):
            files.append(("data/" + name, path))
    return files, warnings


def _missing_attachments(present):
    try:
        from app.core.attachments import Attachment

        names = [r[0] for r in db.session.query(Attachment.stored_name)]
    except Exception:  # noqa: BLE001 - no attachment table
        db.session.rollback()
        return []
    finally:
        db.session.remove()
    return sorted(n for n in names if n not in present)


class _HashingReader:
    def __init__(self, fh):
        self.fh, self.sha, self.size = fh, hashlib.sha256(), 0

    def read(self, n=-1):
        data = self.fh.read(n)
        self.sha.update(data)
        self.size += len(data)
        return data


def _add_file(tar, arcname, path):
    with open(path, "rb") as fh:
        info = tar.gettarinfo(arcname=arcname, fileobj=fh)
        info.mode, info.uid, info.gid, info.uname, info.gname = 0o600, 0, 0, "", ""
        reader = _HashingReader(fh)
        tar.addfile(info, reader)
    return {"path": arcname, "size": reader.size, "sha256": reader.sha.hexdigest()}


def sha256_file(path):
    sha = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            sha.update(chunk)
    return sha.hexdigest()


def _os_user():
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001
        return None


# ---------------------------------------------------------------------------
# create
# ---------------------------------------------------------------------------


def _output_path(output, created):
    name = f"ozelkalem-{created:%Y%m%d-%H%M%S}.tar.gz"
    if not output:
        return os.path.join(current_app.config["DATA_DIR"], "backups", name)
    output = os.path.abspath(output)
    if os.path.isdir(output):
        return os.path.join(output, name)
    if os.path.exists(output):
        raise BackupError(f"Hedef dosya zaten var, üzerine yazılmaz: {output}")
    return output


def create_backup(output=None):
    """Write the archive; return (path, manifest). Needs an app context."""
    dialect = _dialect()
    _check_dialect(dialect)
    created = dt.datetime.now().astimezone()
    path = _output_path(output, created)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    work = tempfile.mkdtemp(prefix=".ozk-backup-", dir=os.path.dirname(path))
    part = path + ".part"
    try:
        dump = os.path.join(work, DB_MEMBER[dialect])
        facts = _dump_sqlite(dump) if dialect == "sqlite" else _dump_postgresql(dump)
        files, warnings = _collect_files()
        manifest = {"format": FORMAT, "app": "ozelkalem", "created_at": created.isoformat(timespec="seconds"),
                    "dialect": dialect, **facts, "database": None, "files": [], "warnings": warnings}
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            manifest["database"] = _add_file(tar, DB_MEMBER[dialect], dump)
            for arcname, file_path in files:
                try:
                    manifest["files"].append(_add_file(tar, arcname, file_path))
                except FileNotFoundError:
                    warnings.append(f"Dosya yedek sırasında silinmiş: {arcname}")
            present = {f["path"].split("/", 1)[1] for f in manifest["files"] if f["path"].startswith("uploads/")}
            missing = _missing_attachments(present)
            manifest["missing_attachments"] = missing
            if missing:
                warnings.append(f"{len(missing)} ek kaydının dosyası UPLOAD_DIR'de yok (yedekte de olmayacak).")
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(created.timestamp()), 0o600
            tar.addfile(info, io.BytesIO(data))
        os.replace(part, path)
    except BaseException:
        if os.path.exists(part):
            os.remove(part)
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    size = os.path.getsize(path)
    archive_sha = sha256_file(path)
    audit.record("backup", None, "backup_create", f"Yedek alındı: {os.path.basename(path)}",
                 {"path": path, "sha256": archive_sha, "size": size, "dialect": dialect,
                  "tables": len(manifest["row_counts"]), "rows": sum(manifest["row_counts"].values()),
                  "files": len(manifest["files"]), "os_user": _os_user()})
    return path, manifest


# ---------------------------------------------------------------------------
# verify + restore
# ---------------------------------------------------------------------------


def _valid_member(name):
    return name in DB_MEMBER.values() or (_MEMBER_RE.fullmatch(name) is not None
                                          and name.split("/", 1)[1] not in (".", ".."))


def read_backup(path, workdir):
    """Extract the archive into ``workdir`` and verify it against its manifest.
    Touches nothing else; raises :class:`BackupError` on any problem."""
    if not os.path.isfile(path):
        raise BackupError(f"Yedek dosyası bulunamadı: {path}")
    seen, manifest_bytes = {}, None
    try:
        with tarfile.open(path, "r:*") as tar:
            for member in tar:
                name = member.name
                if not member.isreg():
                    raise BackupError(f"Yedek arşivinde beklenmeyen öğe: {name!r}")
                if name == MANIFEST:
                    manifest_bytes = tar.extractfile(member).read(10 * 1024 * 1024)
                    continue
                if not _valid_member(name):
                    raise BackupError(f"Yedek arşivinde geçersiz dosya adı: {name!r}")
                if name in seen:
                    raise BackupError(f"Yedek arşivinde aynı dosya iki kez var: {name!r}")
                dest = os.path.join(workdir, *name.split("/"))
                os.makedirs(os.path.dirname(dest), exist_ok=True)
                sha, size = hashlib.sha256(), 0
                with tar.extractfile(member) as src, open(dest, "wb") as out:
                    while chunk := src.read(CHUNK):
                        sha.update(chunk)
                        out.write(chunk)
                        size += len(chunk)
                seen[name] = (sha.hexdigest(), size)
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise BackupError(f"Yedek dosyası okunamadı veya bozuk: {exc}") from exc
    if manifest_bytes is None:
        raise BackupError("Yedek arşivinde manifest.json yok; bu bir Özel Kalem yedeği değil.")
    try:
        manifest = json.loads(manifest_bytes.decode("utf-8"))
        expected = [manifest["database"], *manifest["files"]]
        row_counts = manifest["row_counts"]
        dialect = manifest["dialect"]
        created_at = manifest["created_at"]
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"manifest.json okunamadı: {exc}") from exc
    if manifest.get("format") != FORMAT or manifest.get("app") != "ozelkalem":
        raise BackupError(f"Desteklenmeyen yedek biçimi: {manifest.get('app')!r} sürüm {manifest.get('format')!r}.")
    if not (isinstance(row_counts, dict) and isinstance(dialect, str) and isinstance(created_at, str)):
        raise BackupError("manifest.json eksik veya hatalı.")
    if not isinstance(expected[0], dict) or expected[0].get("path") != DB_MEMBER.get(dialect):
        raise BackupError("manifest.json veritabanı dökümünü doğru tanımlamıyor.")
    listed = set()
    for entry in expected:
        member = entry.get("path") if isinstance(entry, dict) else None
        if member not in seen:
            raise BackupError(f"Yedek arşivinde eksik dosya: {member!r}")
        if seen[member] != (entry.get("sha256"), entry.get("size")):
            raise BackupError(f"Sağlama toplamı tutmuyor, yedek bozuk veya değiştirilmiş: {member}")
        listed.add(member)
    extra = sorted(set(seen) - listed)
    if extra:
        raise BackupError("Yedek arşivinde manifest'te olmayan dosyalar var: " + ", ".join(extra[:5]))
    return manifest


def _check_sqlite_dump(dump):
    try:
        conn = _raw_sqlite(f"file:{dump}?mode=ro", uri=True)
        try:
            check = conn.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"Yedekteki SQLite veritabanı açılamadı: {exc}") from exc
    if check != "ok":
        raise BackupError(f"Yedekteki SQLite veritabanı bütünlük denetiminden geçmedi: {check}")


def _check_pg_dump(dump, manifest):
    _check_pg_tool(PG_RESTORE, manifest.get("pg_dump_major"))
    result = subprocess.run([PG_RESTORE, "--list", dump], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError("pg_restore yedekteki dökümü okuyamadı:\n" + result.stderr.strip()[-2000:])


def _save_lost_audit(manifest, leftovers):
    """Audit entries written after the backup would vanish with the restore:
    keep them in a JSON file next to the moved files. Returns their number."""
    from app.core.audit import AuditEntry

    try:
        if not inspect(db.engine).has_table("audit_entry"):
            return 0
        query = db.session.query(AuditEntry).order_by(AuditEntry.id)
        if manifest.get("audit_max_id") is not None:
            query = query.filter(AuditEntry.id > manifest["audit_max_id"])
        rows = [{c.key: audit._jsonable(getattr(e, c.key)) for c in AuditEntry.__table__.columns} for e in query]
    finally:
        db.session.remove()
    if rows:
        os.makedirs(leftovers, exist_ok=True)
        with open(os.path.join(leftovers, "audit_entries.json"), "w", encoding="utf-8") as fh:
            json.dump(rows, fh, ensure_ascii=False, indent=1)
        os.chmod(os.path.join(leftovers, "audit_entries.json"), 0o600)
    return len(rows)


def _restore_sqlite(dump):
    path = _sqlite_path()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    src = _raw_sqlite(dump)
    try:
        dst = _raw_sqlite(path, timeout=60)
        try:
            src.backup(dst)  # one step: a single write transaction on the live file
        finally:
            dst.close()
    finally:
        src.close()


def _restore_postgresql(dump):
    url, env = _pg_target()
    env["PGOPTIONS"] = (env.get("PGOPTIONS", "") + f" -c lock_timeout={PG_LOCK_TIMEOUT_MS}").strip()
    result = subprocess.run(
        [PG_RESTORE, "--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error",
         "--no-password", f"--dbname={url}", dump],
        env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError("pg_restore başarısız oldu; tek işlem olduğundan veritabanı değiştirilmedi "
                          "(başka bağlantılar kilit tutuyor olabilir):\n" + result.stderr.strip()[-2000:])


def _place(src, target_dir, name):
    tmp = os.path.join(target_dir, f".{name}.restoring")
    shutil.move(src, tmp)
    os.replace(tmp, os.path.join(target_dir, name))


def _restore_files(work, manifest, leftovers, logo_names=()):
    upload, data_dir = current_app.config["UPLOAD_DIR"], current_app.config["DATA_DIR"]
    os.makedirs(upload, exist_ok=True)
    os.makedirs(data_dir, exist_ok=True)
    wanted = set()
    for entry in manifest["files"]:
        area, name = entry["path"].split("/", 1)
        _place(os.path.join(work, area, name), upload if area == "uploads" else data_dir, name)
        if area == "uploads":
            wanted.add(name)
    moved = []
    for name in sorted(os.listdir(upload)):
        path = os.path.join(upload, name)
        if name not in wanted and os.path.isfile(path):
            os.makedirs(os.path.join(leftovers, "uploads"), exist_ok=True)
            shutil.move(path, os.path.join(leftovers, "uploads", name))
            moved.append(name)
    moved += _restore_logo(manifest, data_dir, leftovers, logo_names)
    return moved


def _restore_logo(manifest, data_dir, leftovers, logo_names):
    """The logo must match the backup: a logo the backup does not hold (uploaded
    after it, or under another name) is set aside with the other leftovers."""
    kept = {e["path"].split("/", 1)[1] for e in manifest["files"] if e["path"].startswith("data/")}
    names = set(LOGO_NAMES) | set(logo_names or ())
    configured = _configured_logo()  # the restored database's setting
    if configured and _safe_name(configured):
        names.add(configured)
    moved = []
    for name in sorted(names - kept):
        path = os.path.join(data_dir, name)
        if os.path.isfile(path):
            os.makedirs(os.path.join(leftovers, "data"), exist_ok=True)
            shutil.move(path, os.path.join(leftovers, "data", name))
            moved.append("data/" + name)
    return moved


def restore_backup(path, confirm=None):
    """Verify, then replace the database and the files with the backup's.

    ``confirm(manifest)`` is asked after verification, before any change
    (None: go ahead). Returns a dict with the manifest, the restored row counts
    and what was set aside. Needs an app context; disposes the engine."""
    dialect = _dialect()
    _check_dialect(dialect)
    path = os.path.abspath(path)
    data_dir = current_app.config["DATA_DIR"]
    os.makedirs(data_dir, exist_ok=True)
    work = tempfile.mkdtemp(prefix=".ozk-restore-", dir=data_dir)
    try:
        manifest = read_backup(path, work)
        if manifest["dialect"] != dialect:
            theirs = DIALECT_NAMES.get(manifest["dialect"], manifest["dialect"])
            raise BackupError(
                f"Bu yedek bir {theirs} veritabanından alınmış; bu kurulum {DIALECT_NAMES[dialect]} kullanıyor. "
                f"Farklı veritabanı türleri arasında geri yükleme yapılamaz; hiçbir şey değiştirilmedi.")
        dump = os.path.join(work, manifest["database"]["path"])
        if dialect == "sqlite":
            _check_sqlite_dump(dump)
        else:
            _check_pg_dump(dump, manifest)
        if confirm is not None and not confirm(manifest):
            raise BackupError("Geri yükleme iptal edildi; hiçbir şey değiştirilmedi.")

        # verified: from here on the installation changes
        leftovers = os.path.join(data_dir, f"restore-{dt.datetime.now():%Y%m%d-%H%M%S}")
        lost = _save_lost_audit(manifest, leftovers)
        current_logo = _configured_logo()  # the logo setting before the restore
        db.session.remove()
        db.engine.dispose()  # pg_restore --clean must not wait on our own pooled connections
        if dialect == "sqlite":
            _restore_sqlite(dump)
        else:
            _restore_postgresql(dump)
        db.engine.dispose()
        moved = _restore_files(work, manifest, leftovers,
                               [current_logo] if current_logo and _safe_name(current_logo) else [])
    finally:
        shutil.rmtree(work, ignore_errors=True)

    counts = table_counts()
    expected = manifest["row_counts"]
    mismatched = {t: [n, counts.get(t)] for t, n in expected.items() if counts.get(t) != n}
    unknown = sorted(set(counts) - set(expected))
    kept = leftovers if os.path.isdir(leftovers) else None
    audit.record("backup", None, "backup_restore",
                 f"Yedek geri yüklendi: {os.path.basename(path)} ({manifest['created_at']})",
                 {"path": path, "sha256": sha256_file(path), "backup_created_at": manifest["created_at"],
                  "dialect": dialect, "rows": sum(counts.values()), "files": len(manifest["files"]),
                  "lost_audit_entries": lost, "moved_files": len(moved), "set_aside_in": kept,
                  "mismatched_tables": mismatched or None, "os_user": _os_user()})
    db.session.remove()
    if mismatched:
        raise BackupError("Geri yükleme sonrası satır sayıları yedekle uyuşmuyor: "
                          + ", ".join(f"{t} (yedek {a}, şimdi {b})" for t, (a, b) in sorted(mismatched.items())))
    return {"manifest": manifest, "row_counts": counts, "moved_files": moved, "lost_audit_entries": lost,
            "set_aside_in": kept, "tables_not_in_backup": unknown}


# ---------------------------------------------------------------------------
# commands
# ---------------------------------------------------------------------------


def _human(size):
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return str(size)


@group.command("create")
@click.option("--output", "-o", type=click.Path(), default=None,
              help="Arşiv dosyası ya da klasör (varsayılan: DATA_DIR/backups/).")
def create_command(output):
    """Veritabanı + ek dosyalar + logo: tek arşiv (.tar.gz)."""
    path, manifest = create_backup(output)
    counts = manifest["row_counts"]
    click.echo(f"Yedek alındı: {path} ({_human(os.path.getsize(path))})")
    click.echo(f"  Veritabanı: {DIALECT_NAMES[manifest['dialect']]}, {len(counts)} tablo, "
               f"{sum(counts.values())} satır; Alembic sürümü: {manifest['alembic_revision'] or '-'}")
    click.echo(f"  Dosyalar: {len(manifest['files'])}")
    for warning in manifest["warnings"]:
        click.echo(f"  Uyarı: {warning}", err=True)


@group.command("restore")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--yes", is_flag=True, help="Onay sormadan geri yükle.")
def restore_command(path, yes):
    """Yedeği doğrular, veritabanını ve dosyaları yedektekiyle değiştirir."""

    def confirm(manifest):
        click.echo(f"Yedek doğrulandı: {manifest['created_at']} tarihli, "
                   f"{DIALECT_NAMES.get(manifest['dialect'], manifest['dialect'])}, "
                   f"{sum(manifest['row_counts'].values())} satır, {len(manifest['files'])} dosya.")
        if yes:
            return True
        return click.confirm("Geçerli veritabanı ve ek dosyalar bu yedekle DEĞİŞTİRİLECEK; yedekten sonraki "
                             "tüm değişiklikler kaybolacak. Devam edilsin mi?", default=False)

    result = restore_backup(path, confirm=confirm)
    click.echo(f"Geri yüklendi: {os.path.abspath(path)}")
    click.echo("  Tablo satır sayıları:")
    for table, count in sorted(result["row_counts"].items()):
        click.echo(f"    {table:<32} {count:>8}")
    if result["tables_not_in_backup"]:
        click.echo("  Yedekte olmayan tablolar (dokunulmadı): " + ", ".join(result["tables_not_in_backup"]))
    if result["set_aside_in"]:
        click.echo(f"  Yedekten sonra eklenen {len(result['moved_files'])} dosya ve "
                   f"{result['lost_audit_entries']} denetim kaydı şuraya ayrıldı: {result['set_aside_in']}")
    if result["manifest"].get("alembic_revision"):
        click.echo(f"  Alembic sürümü: {result['manifest']['alembic_revision']} "
                   "(kod daha yeniyse: flask db upgrade)")

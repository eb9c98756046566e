"""Issue 19: the lists and searches stay fast on large registers.

* Turkish order is stored (``<column>_sort``, app/core/sortkeys.py) and
  indexed, for every text column declared ``order=True``; SQLite sorts by it.
* SQLite serves the quick search from an FTS5 trigram index
  (app/core/ftsearch.py) with exactly the LIKE's results.
* List pages stop counting beyond ``LIST_COUNT_CAP`` ("1.000+").
"""
from __future__ import annotations

import random
import re
import uuid

import pytest
from sqlalchemy import event, text

from tests.conftest import TEST_DB


def test_stored_key_orders_like_the_turkish_collation():
    from app.core.turkish import collate, sort_text

    letters = "aAbBcCçÇdDğĞhıIiİoOöÖsSşŞuUüÜzZ 09-.,'\"_é€âÂ"
    rnd = random.Random(19)
    for _ in range(20000):
        a = "".join(rnd.choice(letters) for _ in range(rnd.randint(0, 6)))
        b = "".join(rnd.choice(letters) for _ in range(rnd.randint(0, 6)))
        ka, kb = sort_text(a).encode(), sort_text(b).encode()
        assert collate(a, b) == (ka > kb) - (ka < kb), (a, b)
    assert sort_text(None) is None
    names = ["Zeki", "Çelik", "Ilgaz", "İnce", "Işık", "Cem", "Öz", "Şule", "Uğur", "Ülkü", "Ozan", "Sema", "Gül",
             "Ğ", "ılık", "ince"]
    ordered = sorted(names, key=lambda n: sort_text(n).encode())
    assert ordered == ["Cem", "Çelik", "Gül", "Ğ", "Ilgaz", "ılık", "Işık", "ince", "İnce", "Ozan", "Öz",
                       "Sema", "Şule", "Uğur", "Ülkü", "Zeki"]


def test_every_ordered_text_column_has_its_key_and_index(app):
    from flask_appbuilder import Model
    from sqlalchemy import String, Text

    from app.core.sortkeys import index_name

    checked = 0
    for table in Model.metadata.tables.values():
        for column in table.c:
            spec = (column.info or {}).get("ozk")
            if spec is None or not spec.order or not isinstance(column.type, (String, Text)):
                continue
            assert f"{column.name}_sort" in table.c, (table.name, column.name)
            names = {i.name: [c.name for c in i.columns] for i in table.indexes}
            cols = names[index_name(table.name, column.name)]
            assert cols[-2:] == [f"{column.name}_sort", "id"], cols
            if "archived" in table.c:
                assert cols[0] == "archived"
            checked += 1
    assert checked > 20
    # a generic FAB form asks column defaults without an INSERT: no error
    from app.registers.reference.models import Contact

    assert Contact.__table__.c.name_sort.default.arg(None) is None


def _contact(name, **kw):
    from app.registers.reference.models import Contact

    return Contact(kind="kisi", name=name, **kw)


def test_key_written_on_insert_and_update_and_never_audited(app, ctx):
    from app.core.audit import AuditEntry
    from app.core.turkish import sort_text
    from app.extensions import db
    from app.registers.reference.models import Contact

    tag = uuid.uuid4().hex[:6]
    record = _contact(f"Işıl Çağ {tag}", title="Müdür")
    db.session.add(record)
    db.session.commit()
    row = db.session.execute(text("SELECT name_sort, title_sort FROM contact WHERE id = :i"),
                             {"i": record.id}).one()
    assert row == (sort_text(f"Işıl Çağ {tag}"), sort_text("Müdür"))
    record.name = f"İlkay Şen {tag}"
    db.session.commit()
    assert db.session.execute(text("SELECT name_sort FROM contact WHERE id = :i"),
                              {"i": record.id}).scalar() == sort_text(f"İlkay Şen {tag}")
    # a Core insert (bulk loads) gets the key from the column default
    db.session.execute(Contact.__table__.insert(), [{"kind": "kisi", "name": f"Ömer {tag}", "search_key": "",
                                                     "search_ascii": "", "archived": False, "version": 1}])
    db.session.commit()
    assert db.session.execute(text("SELECT name_sort FROM contact WHERE name = :n"),
                              {"n": f"Ömer {tag}"}).scalar() == sort_text(f"Ömer {tag}")
    entries = db.session.query(AuditEntry).filter_by(record_id=record.id).all()
    entries = [e for e in entries if e.register in ("contact", "Contact") or "contact" in (e.register or "")]
    assert entries, "create and edit are audited"
    for entry in entries:
        assert "_sort" not in (entry.changes or ""), entry.changes


def test_list_pages_order_by_the_stored_key(app, clients):
    from app.extensions import db

    tag = "Sırala" + uuid.uuid4().hex[:5]
    names = [f"{tag} {n}" for n in ("Zeynep", "Çiğdem", "İsmail", "Işıl", "Cemal", "Ömer", "Ozan", "Şule")]
    with app.app_context():
        for n in names:
            db.session.add(_contact(n))
        db.session.commit()
        db.session.remove()
    statements = []

    def spy(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", spy)
    try:
        resp = clients["memur"].get(f"/contactview/list/?q={tag}&_oc_ContactView=name&_od_ContactView=asc")
    finally:
        event.remove(engine, "before_cursor_execute", spy)
    assert resp.status_code == 200
    body = resp.data.decode()
    shown = [n for n in re.findall(re.escape(tag) + r" \w+", body) if n in names]
    seen = list(dict.fromkeys(shown))
    assert seen == [f"{tag} {n}" for n in ("Cemal", "Çiğdem", "Işıl", "İsmail", "Ozan", "Ömer", "Şule", "Zeynep")]
    listing = [s for s in statements if "FROM contact" in s and "LIMIT" in s and "count(" not in s.lower()]
    assert listing
    if TEST_DB == "postgresql":
        assert 'COLLATE "tr-x-icu"' in listing[-1]
    else:
        assert "name_sort" in listing[-1] and "TURKISH" not in listing[-1]


@pytest.mark.skipif(TEST_DB == "postgresql", reason="SQLite query plan")
def test_sqlite_list_reads_the_index_instead_of_sorting(app, ctx):
    from app.extensions import db

    plan = " ".join(r[-1] for r in db.session.execute(text(
        "EXPLAIN QUERY PLAN SELECT id FROM contact WHERE archived IS 0 ORDER BY name_sort, id LIMIT 25")))
    assert "ix_contact_name_sort" in plan and "TEMP B-TREE" not in plan, plan


def _search_ids(model, q):
    from app.core.register import search_filter
    from app.extensions import db

    return sorted(r.id for r in search_filter(db.session.query(model), model, q).all())


def _like_ids(model, q):
    from app.core import turkish
    from app.extensions import db

    query = db.session.query(model)
    if turkish.has_turkish_letters(q):
        for w in turkish.fold(q).split()[:6]:
            query = query.filter(model.search_key.contains(w, autoescape=True))
    else:
        for w in turkish.fold(q).split()[:6]:
            query = query.filter(model.search_ascii.contains(turkish.ascii_fold(w), autoescape=True))
    return sorted(r.id for r in query.all())


def test_quick_search_finds_what_like_finds(app, ctx):
    from app.core import ftsearch
    from app.extensions import db
    from app.registers.reference.models import Contact

    tag = uuid.uuid4().hex[:6]
    people = [f"Işık Yılmaz {tag}", f"IŞIKÇI Ayşe {tag}", f"Isık Kaya {tag}", f'Ali "50%_off" {tag}',
              f"Şükrü Öğüt {tag}", f"Ay Demir {tag}"]
    records = [_contact(p) for p in people]
    db.session.add_all(records)
    db.session.commit()
    queries = ["ışık", "isik", "IŞIK", f"ışık {tag}", "yılmaz", "ay", "a", '"50%_', "%_", "öğüt", "ogut",
               "AY", "KAYA", "ISIK", "Isık", "kaya", "demir", "AYŞE", "ayse", "yk", "ali",
               f"şükrü {tag}", "xyzxyz", "kaya ışık", tag, "ık", '"']
    for q in queries:
        assert _search_ids(Contact, q) == _like_ids(Contact, q), q
    # kept in sync: a rename and a deletion are seen by the next search
    records[0].name = f"Deniz Kurt {tag}"
    db.session.commit()
    assert records[0].id not in _search_ids(Contact, f"yılmaz {tag}")
    assert _search_ids(Contact, f"deniz kurt {tag}") == [records[0].id]
    rid = records[4].id
    db.session.execute(text("DELETE FROM contact WHERE id = :i"), {"i": rid})
    db.session.commit()
    assert _search_ids(Contact, "öğüt " + tag) == []
    if TEST_DB != "postgresql" and ftsearch.available(db.session.connection()):
        clause = ftsearch.match_clause(db.session, Contact, "search_key", "ışık")
        assert clause is not None and "contact_fts MATCH" in str(clause)
        assert ftsearch.match_clause(db.session, Contact, "search_key", "ay") is None


def test_list_count_is_capped_and_pages_still_work(app, login):
    from app.extensions import db

    tag = "Sayım" + uuid.uuid4().hex[:5]
    with app.app_context():
        for i in range(12):
            db.session.add(_contact(f"{tag} Kişi {i:02d}"))
        db.session.commit()
        db.session.remove()
    client = login("memur")
    old = app.config.get("LIST_COUNT_CAP", 1000)
    app.config["LIST_COUNT_CAP"] = 5
    try:
        first = client.get(f"/contactview/list/?q={tag}&psize_ContactView=5")
        assert first.status_code == 200
        assert _count_shown(first) == "10+"      # two pages' worth, then "+"
        last = client.get(f"/contactview/list/?q={tag}&psize_ContactView=5&page_ContactView=2")
        body = last.data.decode()
        assert last.status_code == 200 and f"{tag} Kişi 10" in body and f"{tag} Kişi 11" in body
        assert _count_shown(last) == "12"
    finally:
        app.config["LIST_COUNT_CAP"] = old
    assert _count_shown(client.get(f"/contactview/list/?q={tag}")) == "12"


def _count_shown(resp) -> str:
    match = re.search(r"(?:Record Count|Kayıt Sayısı)\s*:?\s*</strong>\s*([0-9.+]+)", resp.data.decode())
    assert match, "count shown"
    return match.group(1)


def test_capped_count_reads_turkish():
    from app.core.register import CappedCount

    assert str(CappedCount(1000)) == "1.000+" and int(CappedCount(1000)) == 1000
    assert CappedCount(1000).__html__() == "1.000+"


def test_migration_adds_and_fills_the_keys(tmp_path):
    """``speed01`` on a database that has the table but not the keys."""
    from alembic.migration import MigrationContext
    from alembic.operations import Operations
    from sqlalchemy import create_engine

    from app.core import ftsearch, sortkeys
    from app.core.turkish import sort_text

    engine = create_engine(f"sqlite:///{tmp_path}/m.db")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE unit (id INTEGER PRIMARY KEY, name VARCHAR(200), head VARCHAR(200), "
                             "archived BOOLEAN NOT NULL DEFAULT 0, search_key TEXT NOT NULL DEFAULT '', "
                             "search_ascii TEXT NOT NULL DEFAULT '')")
        conn.exec_driver_sql("INSERT INTO unit (id, name, head, search_key, search_ascii) VALUES "
                             "(1, 'İmar Müdürlüğü', NULL, 'imar müdürlüğü', 'imar mudurlugu'), "
                             "(2, 'Çevre', 'Işık', 'çevre ışık', 'cevre isik')")
    for _ in range(2):    # idempotent
        with engine.begin() as conn:
            op = Operations(MigrationContext.configure(conn))
            sortkeys.upgrade_database(op, {"unit": ["name", "head"], "missing_table": ["name"]})
            ftsearch.upgrade_database(op)
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT id, name_sort, head_sort FROM unit ORDER BY id").all()
        assert rows == [(1, sort_text("İmar Müdürlüğü"), None), (2, sort_text("Çevre"), sort_text("Işık"))]
        index = {r[1] for r in conn.exec_driver_sql("PRAGMA index_list(unit)")}
        assert {"ix_unit_name_sort", "ix_unit_head_sort"} <= index
        if ftsearch.available(conn):
            hits = conn.exec_driver_sql("SELECT rowid FROM unit_fts WHERE unit_fts MATCH 'search_key : \"ışı\"'").all()
            assert hits == [(2,)]
    with engine.begin() as conn:
        op = Operations(MigrationContext.configure(conn))
        ftsearch.downgrade_database(op)
        sortkeys.downgrade_database(op, {"unit": ["name", "head"]})
    with engine.connect() as conn:
        cols = {r[1] for r in conn.exec_driver_sql("PRAGMA table_info(unit)")}
        assert "name_sort" not in cols and "head_sort" not in cols
    engine.dispose()


def test_search_without_the_fts_index_falls_back_to_like(app, ctx):
    """A SQLite build without FTS5/trigram (or a database without the table)
    searches with LIKE: same results."""
    from app.core import ftsearch
    from app.extensions import db
    from app.registers.reference.models import Contact

    tag = uuid.uuid4().hex[:6]
    db.session.add(_contact(f"Işıkçı Gökhan {tag}"))
    db.session.commit()
    expected = _search_ids(Contact, f"ışık {tag}")
    assert len(expected) == 1
    key = id(db.engine)
    saved = ftsearch._PRESENT.get(key)
    ftsearch._PRESENT[key] = set()
    try:
        assert ftsearch.match_clause(db.session, Contact, "search_key", "ışık") is None
        assert _search_ids(Contact, f"ışık {tag}") == expected
    finally:
        if saved is None:
            ftsearch._PRESENT.pop(key, None)
        else:
            ftsearch._PRESENT[key] = saved


def test_url_builders_are_compiled_on_first_use_and_build_what_werkzeug_builds(app):
    """Start-up: no rule's builder is generated before it builds a URL
    (LazyBuilderRule); the URLs are exactly werkzeug's own."""
    from flask import url_for
    from werkzeug.routing import Map, Rule

    from app.core.rendering import LazyBuilderRule

    rules = list(app.url_map.iter_rules())
    assert len(rules) > 500 and all(isinstance(r, LazyBuilderRule) for r in rules if r.endpoint != "static")
    lazy = [r for r in rules if r._build.__func__.__name__ == "build_once"]
    assert len(lazy) > len(rules) * 0.9   # nothing built yet, beyond what start-up itself needed

    plain = Map([Rule(r.rule, endpoint=r.endpoint, defaults=r.defaults, methods=r.methods)
                 for r in rules if r.endpoint != "static"])
    plain_urls = plain.bind("localhost")
    with app.test_request_context():
        for endpoint, values in (("ContactView.list", {}), ("ContactView.show", {"pk": 7}),
                                 ("ContactView.show", {"pk": "a b/ç", "_x": "ı&y"}),
                                 ("DutySlipView.pdf", {"pk": 12}), ("ContactView.list", {"q": "İŞ"})):
            expected = plain_urls.build(endpoint, values)
            assert url_for(endpoint, **values) == expected
            assert url_for(endpoint, **values) == expected   # the compiled builder, second time
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == "ContactView.show")
    assert rule._build_unknown.__func__.__name__ != "build_once"   # url_for's builder, now compiled


def test_a_served_app_freezes_its_start_up_heap_and_tests_do_not(tmp_path):
    """After the warm-up, the start-up objects leave the garbage collector's
    sight (gc.freeze): a full collection no longer walks them inside a request
    (the first PDF after start-up went from ~140 to ~33 ms). Tests and CLI
    commands (no warm-up) leave the collector alone."""
    import json
    import os
    import subprocess
    import sys

    code = ("import gc, json, sys\nfrom app import create_app\n"
            "app = create_app({'SQLALCHEMY_DATABASE_URI': sys.argv[1], 'TESTING': sys.argv[2] == '1'})\n"
            "print(json.dumps(gc.get_freeze_count()))")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, PYTHONPATH=root, PDF_WARMUP="1")
    counts = {}
    for testing in ("0", "1"):
        out = subprocess.run([sys.executable, "-c", code, f"sqlite:///{tmp_path}/x.db", testing], cwd=root,
                             env=env, capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr[-2000:]
        counts[testing] = json.loads(out.stdout.strip().splitlines()[-1])
    assert counts["0"] > 100_000 and counts["1"] == 0


@pytest.mark.skipif(TEST_DB != "postgresql", reason="PostgreSQL's prepared statements")
def test_postgres_prepares_only_what_asks_and_keeps_it_past_a_rollback(app, ctx):
    """A statement that asks (``PREPARED``, or run inside ``prepared_plans()``)
    is prepared and still prepared after the rollback that ends every request
    (psycopg alone forgets them all); after a few runs PostgreSQL uses its
    generic plan (no planning). A statement that does not ask, a search, is
    never prepared: its plan must follow the term."""
    from flask_appbuilder.security.sqla.models import User
    from sqlalchemy import bindparam, select

    from app.core.db import PREPARED, prepared_plans
    from app.extensions import db

    def prepared(conn):
        return conn.exec_driver_sql(
            "SELECT statement, generic_plans FROM pg_prepared_statements").all()

    with db.engine.connect() as conn:
        marked = select(User.id).where(User.username == bindparam("who")).execution_options(**PREPARED)
        search = select(User.id).where(User.last_name.ilike(bindparam("term")))
        in_block = select(User.id).where(User.email == bindparam("mail"))
        for _ in range(8):
            assert conn.execute(marked, {"who": "memur"}).scalar_one()
            conn.execute(search, {"term": "%yılmaz%"}).all()
            with prepared_plans():
                conn.execute(in_block, {"mail": "nobody@example.org"}).all()
            conn.rollback()
        rows = [r for r in prepared(conn) if r.statement.startswith("SELECT ab_user.id \nFROM ab_user")]
        texts = " | ".join(r.statement for r in rows)
        assert "ab_user.username =" in texts and "ab_user.email =" in texts, texts
        assert "ILIKE" not in texts.upper(), texts
        assert len(rows) == 2 and all(r.generic_plans > 0 for r in rows), rows


def test_the_home_page_runs_its_sections_with_prepared_plans(app, clients):
    """The home page (no user-typed term reaches its SQL) asks for prepared
    plans for everything it runs; a list page does not."""
    from app import home
    from app.core import db as db_glue

    seen = []

    @home.home_section(99)
    def _probe(user, sm):
        seen.append(db_glue._PREPARE_ALL.get())
        return None

    try:
        assert clients["memur"].get("/").status_code == 200
        assert seen == [True]
        assert db_glue._PREPARE_ALL.get() is False
    finally:
        home.HOME_SECTIONS[:] = [s for s in home.HOME_SECTIONS if s[1] is not _probe]


def test_psycopg_keeps_the_conversion_of_long_statements(app):
    """The home page's UNIONs and a register's list statement are longer than
    4 096 characters or carry more than 50 parameters: psycopg converted
    them again at every run unless its bounds are raised (app/core/db.py).
    The same long statement is converted once."""
    pytest.importorskip("psycopg")
    from psycopg import _queries
    from psycopg.adapt import Transformer

    import app.core.db  # noqa: F401

    assert _queries.MAX_CACHED_STATEMENT_LENGTH >= 65536
    assert _queries.MAX_CACHED_STATEMENT_PARAMS >= 500
    names = [f"p{i}" for i in range(120)]
    statement = "SELECT " + ", ".join(f"%({n})s::int AS column_with_a_long_name_{n}" for n in names)
    assert len(statement) > 4096
    params = {n: i for i, n in enumerate(names)}
    before = _queries._query2pg.cache_info().misses
    for _ in range(3):
        _queries.PostgresQuery(Transformer()).convert(statement, params)
    assert _queries._query2pg.cache_info().misses - before == 1

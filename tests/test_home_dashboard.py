"""Issue 17: the home page per role — the Müdür's "overdue, by unit" tile
counts what the list behind each link shows, and every role's home page is
built in at most 15 SQL queries (counted, not timed)."""
from __future__ import annotations

import datetime as dt
import html as htmlmod
import re

from sqlalchemy import event

from app.extensions import db
from tests.test_approval_integrity import text

# whatever the data: the clerk's "my submissions" below spans every register she submits to
MAX_HOME_QUERIES = 15


def _list_count(client, url):
    """Rows the list behind a tile's link shows (one page of up to 100)."""
    from app.core.registry import REGISTRY

    route = url.split("/")[1]
    view = next(e.name for e in REGISTRY if e.name.lower() == route)
    page = text(client.get(url + ("&" if "?" in url else "?") + f"psize_{view}=100"))
    shows = set(re.findall(rf"/{route}/show/(\d+)", page))
    return page, len(shows)


def test_overdue_by_unit_matches_the_lists_behind_it(app, clients):
    mudur = clients["mudur"]
    home = text(mudur.get("/"))
    tile = home.split('id="ozk-tile-overdue"')[1].split("</table>")[0]
    links = re.findall(r'<a href="([^"]+)" class="ozk-overdue-link">[^<]*: <strong>(\d+)</strong>', tile)
    assert links, "the demo data has overdue requests and action items"
    registers = set()
    for url, count in links:
        url = htmlmod.unescape(url)
        assert "overdue=1" in url
        registers.add(url.split("/")[1])
        _page, shown = _list_count(mudur, url)
        assert shown == int(count), url
    assert {"citizenrequestview", "actionitemview", "orderfollowupview", "letterview", "phonecallview"} <= registers
    # the list's own ?overdue=1 agrees with the model's condition
    with app.app_context():
        from app.registers.citizens.models import CitizenRequest

        expected = (db.session.query(CitizenRequest)
                    .filter(CitizenRequest.archived.is_(False), CitizenRequest.overdue_condition()).count())
        db.session.remove()
    total = sum(int(c) for u, c in links if "citizenrequestview" in u)
    assert total == expected
    # the clerk gets no such tile
    assert 'id="ozk-tile-overdue"' not in text(clients["memur"].get("/"))


def _a_draft_of_the_clerk_in_every_register(app):
    """One record per approvable register made the clerk's draft (raw UPDATE:
    no version, no audit); returns what to put back."""
    from sqlalchemy import select, update

    from app.core import signing
    from app.core.inbox import approvable_entries
    from flask_appbuilder.security.sqla.models import User

    saved = []
    with app.app_context():
        clerk = db.session.execute(select(User.id).where(User.username == "memur")).scalar_one()
        for entry in approvable_entries():
            model, table = entry.model, entry.model.__table__
            # through the model's columns: registers defined on the screen share one
            # table, and the mapping adds each one's own filter (another's row would be
            # taken twice and "put back" as the draft made here)
            rows = db.session.execute(select(model.id, model.state, model.created_by_id,
                                             model.submitted_by_id, model.submitted_at, model.updated_at)
                                      .where(model.archived.is_(False)).order_by(model.id).limit(2)).all()
            if not rows:
                continue
            saved.append((table, rows[0], entry))
            db.session.execute(update(table).where(table.c.id == rows[0].id)      # her newest draft
                               .values(state="draft", created_by_id=clerk, updated_at=dt.datetime(2099, 1, 1)))
            if len(rows) > 1 and not signing.declares_chain(entry.model):
                # and one of hers waiting for the Müdür in every one-step register (his tile spans them all)
                saved.append((table, rows[1], entry))
                db.session.execute(update(table).where(table.c.id == rows[1].id)
                                   .values(state="pending", created_by_id=clerk, submitted_by_id=clerk,
                                           submitted_at=dt.datetime(2020, 1, 1)))
        db.session.commit()
        db.session.remove()
    return saved


def _put_back(app, saved):
    from sqlalchemy import update

    with app.app_context():
        for table, row, _entry in saved:
            db.session.execute(update(table).where(table.c.id == row.id)
                               .values(state=row.state, created_by_id=row.created_by_id, updated_at=row.updated_at,
                                       submitted_by_id=row.submitted_by_id, submitted_at=row.submitted_at))
        db.session.commit()
        db.session.remove()


def test_every_role_s_home_page_in_at_most_15_queries(app, clients):
    statements = []

    def count(conn, cursor, statement, params, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    saved = _a_draft_of_the_clerk_in_every_register(app)
    try:
        assert len({e.name for _t, _r, e in saved}) >= 8
        for who in ("mudur", "memur", "denetci", "bilgiislem", "admin", "baskan"):
            clients[who].get("/")                        # warm: the bell's memory, the menu
            event.listen(engine, "before_cursor_execute", count)
            try:
                statements.clear()
                response = clients[who].get("/")
                assert response.status_code == 200
            finally:
                event.remove(engine, "before_cursor_execute", count)
            assert len(statements) <= MAX_HOME_QUERIES, (who, len(statements), [s[:80] for s in statements])
            if who == "mudur":      # the oldest waiting come from four registers, each row named
                tile = text(response).split('id="ozk-tile-waiting"')[1].split("</ul>")[0]
                assert len(set(re.findall(r'href="/(\w+)/show/\d+"', tile))) == 4, tile
            if who == "memur":      # her drafts span every register, each row named
                page = text(response)
                rows = page.split('id="ozk-my-draft"')[1].split("</tbody>")[0]
                shown = set(re.findall(r'href="/(\w+)/show/\d+"', rows))
                assert len(shown) >= len({e.name for _t, _r, e in saved}), shown
    finally:
        _put_back(app, saved)


def test_my_submissions_names_each_row_without_loading_it(app, clients):
    """The row reads the number and the register's headline: a gift by its
    item, a wreath by its occasion and day, a letter by its subject."""
    saved = _a_draft_of_the_clerk_in_every_register(app)
    try:
        page = text(clients["memur"].get("/"))
        rows = page.split('id="ozk-my-draft"')[1].split("</tbody>")[0]
        drafts = {}
        for table, row, entry in saved:
            drafts.setdefault(entry.name, (entry, row))       # the first of each register is the draft
        with app.app_context():
            for entry, row in drafts.values():
                item = db.session.get(entry.model, row.id)
                head = entry.model.headline
                expected = (getattr(item, head["text"]) if "text" in head
                            else getattr(item, head["choice"] + "_label") if "choice" in head else None)
                if not expected:      # a register that names nothing (a screen register without text fields)
                    continue
                link = re.search(rf'href="/{entry.name.lower()}/show/{row.id}">([^<]*)<', rows)
                assert link, entry.name
                assert htmlmod.unescape(link.group(1)).strip().endswith(
                    expected if "text" in head else turkish_day(getattr(item, head["date"]))), (entry.name, link.group(1))
                assert expected in htmlmod.unescape(link.group(1))
                assert not htmlmod.unescape(link.group(1)).strip().startswith("#")   # no "#12" for a clerk
                if getattr(item, "number", None):
                    assert htmlmod.unescape(link.group(1)).startswith(item.number)
            db.session.remove()
    finally:
        _put_back(app, saved)


def turkish_day(value):
    from app.core import turkish

    return turkish.format_date(value)


def test_home_names_follow_the_language(app, login):
    """The home page's register names are kept as text per language (the
    menu groups and "My submissions"): English after /lang/en, Turkish after
    /lang/tr, twice round, never the other language's kept text."""
    saved = _a_draft_of_the_clerk_in_every_register(app)
    try:
        client = login("memur")
        for _round in range(2):
            for lang, want, not_want, heads in (
                    ("en", "Incoming and outgoing letters", "Gelen ve Giden Evrak", "<th>Number</th><th>Subject</th>"),
                    ("tr", "Gelen ve Giden Evrak", "Incoming and outgoing letters", "<th>Sayı</th><th>Konu</th>")):
                client.get(f"/lang/{lang}")
                page = text(client.get("/"))
                assert heads in page.split('id="ozk-home-letters"')[1].split("</thead>")[0], lang
                rows = page.split('id="ozk-my-draft"')[1].split("</tbody>")[0]
                assert f"<td>{want}</td>" in rows, lang
                assert not_want not in page.split('class="ozk-home"')[1], lang   # (the bell keeps stored text)
                groups = page.split('class="row"')[-1]
                assert want in groups, lang
        client.get("/lang/tr")
    finally:
        _put_back(app, saved)

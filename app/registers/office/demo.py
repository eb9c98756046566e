"""Demo data for the office administration registers (idempotent: a register
that already has rows is skipped). Dates are relative to today so the
30-day reminder, the km report and the inbox always have something to show.
The demo director proxy lies in the future: nobody holds a proxy today."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from app.core import approval
from app.extensions import db
from app.registers.office.models import (
    CustodyItem, DutySlip, Handover, HandoverLine, Leave, Subscription, Vehicle,
)
from app.registers.reference.models import Staff


def _staff(name):
    return db.session.query(Staff).filter_by(name=name).first()


def _at(day, hour, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute))


def _link_memur():
    from flask_appbuilder.security.sqla.models import User

    user = db.session.query(User).filter_by(username="memur").first()
    ayse = _staff("Ayşe Yılmaz")
    if user is None or ayse is None or ayse.user_id is not None:
        return
    if db.session.query(Staff).filter(Staff.user_id == user.id).first() is None:
        ayse.user_id = user.id
    director = db.session.query(User).filter_by(username="mudur").first()
    ismail = _staff("İsmail Şahin")
    if (director is not None and ismail is not None and ismail.user_id is None
            and db.session.query(Staff).filter(Staff.user_id == director.id).first() is None):
        ismail.user_id = director.id


def _director_id():
    from flask_appbuilder.security.sqla.models import User

    return db.session.query(User.id).filter_by(username="mudur").scalar()


def _approved(record, days_ago=1):
    record.state = approval.APPROVED
    record.decided_by_id = _director_id()
    record.submitted_at = dt.datetime.now() - dt.timedelta(days=days_ago, hours=2)
    record.decided_at = dt.datetime.now() - dt.timedelta(days=days_ago)
    record.decided_as = approval.DIRECTOR_TITLE
    return record


def _subscriptions(today):
    year = today.year
    rows = [
        ("Olay Gazetesi", "Olay Medya", "gazete", 3, dt.date(year, 1, 1), dt.date(year, 12, 31), "5400.00",
         "Başkanlık makamı", True),
        ("Bursa Hakimiyet", "Hakimiyet Gazetecilik", "gazete", 2, today - dt.timedelta(days=340),
         today + dt.timedelta(days=20), "3600.00", "Özel Kalem sekreterliği", True),
        ("Resmî Gazete (basılı)", "Cumhurbaşkanlığı İdari İşler", "gazete", 1, dt.date(year, 1, 1),
         dt.date(year, 12, 31), "1250.00", "Hukuk İşleri", True),
        ("Yerel Yönetimler Dergisi", "Türkiye Belediyeler Birliği", "dergi", 2, today - dt.timedelta(days=200),
         today + dt.timedelta(days=12), "960.00", "Başkan yardımcıları", True),
        ("Kent Kitaplığı: Şehir ve Yönetim", "Bursa Kültür Yayınları", "kitap", 10, today,
         today + dt.timedelta(days=365), "2750.50", "Makam kitaplığı", False),
        ("Dijital Haber Arşivi", "Anadolu Ajansı", "dijital", 1, dt.date(year - 1, 3, 1),
         dt.date(year - 1, 12, 31), "7800.00", "Basın Yayın", True),
    ]
    for pub, publisher, kind, copies, start, end, cost, to, approved in rows:
        s = Subscription(publication=pub, publisher=publisher, kind=kind, copies=copies, start_date=start,
                         end_date=end, cost=Decimal(cost), delivery_to=to)
        if approved:
            _approved(s, days_ago=30)
        db.session.add(s)
    return len(rows)


def _vehicles():
    mehmet, cengiz = _staff("Mehmet Öz"), _staff("Cengiz Uğur")
    rows = [("16 ABC 123", "Volkswagen Passat 1.5 TSI", mehmet),
            ("16 BK 4521", "Renault Megane Sedan", cengiz),
            ("16 FH 309", "Ford Transit Custom (protokol minibüsü)", None)]
    for plate, model, driver in rows:
        db.session.add(Vehicle(plate=plate, make_model=model, driver=driver, active=True))
    db.session.add(Vehicle(plate="16 R 7788", make_model="Fiat Linea (hurdaya ayrıldı)", active=False))
    return len(rows) + 1


def _duty_slips(today):
    vehicles = {v.plate: v for v in db.session.query(Vehicle)}
    mehmet, cengiz = _staff("Mehmet Öz"), _staff("Cengiz Uğur")
    passat, megane = vehicles.get("16 ABC 123"), vehicles.get("16 BK 4521")
    if not (mehmet and cengiz and passat and megane):
        return 0
    rows = [
        # days ago, driver, vehicle, out, back, route, purpose, passengers, km out, km in, state
        (40, mehmet, passat, (8, 30), (17, 0), "Bursa Valiliği – Osmangazi",
         "Valilik koordinasyon toplantısı", "Belediye Başkanı, Şeyma Güçlü", 84210, 84302, "approved"),
        (33, cengiz, megane, (9, 0), (12, 30), "Kaymakamlık – Işıklar Mahallesi",
         "Mahalle ziyareti", "Başkan Yardımcısı", 51200, 51248, "approved"),
        (12, mehmet, passat, (7, 0), (21, 0), "Ankara – Türkiye Belediyeler Birliği",
         "Birlik meclis toplantısı", "Belediye Başkanı, İsmail Şahin", 84302, 85114, "approved"),
        (5, cengiz, megane, (13, 0), (16, 0), "Organize Sanayi Bölgesi",
         "Fabrika açılış töreni", "Belediye Başkanı", 51248, 51290, "approved"),
        (0, mehmet, passat, (14, 0), (18, 0), "Bursa Büyükşehir Belediyesi",
         "Büyükşehir meclis toplantısı", "Belediye Başkanı, Oğuz Işıkçı", 85114, None, "pending"),
    ]
    for ago, driver, vehicle, out, back, route, purpose, passengers, km_out, km_in, state in rows:
        day = today - dt.timedelta(days=ago)
        slip = DutySlip(driver=driver, vehicle=vehicle, slip_date=day, departure_at=_at(day, *out),
                        return_at=_at(day, *back), route=route, purpose=purpose, passengers=passengers,
                        odometer_out=km_out, odometer_in=km_in)
        if state == "approved":
            _approved(slip, days_ago=max(ago - 1, 0))
        else:
            slip.state = approval.PENDING
            slip.submitted_at = dt.datetime.now() - dt.timedelta(hours=1)
        db.session.add(slip)
    return len(rows)


def _custody(today):
    ayse, oguz, seyma = _staff("Ayşe Yılmaz"), _staff("Oğuz Işıkçı"), _staff("Şeyma Güçlü")
    mehmet = _staff("Mehmet Öz")
    rows = [
        ("Dizüstü bilgisayar Lenovo ThinkPad E14", "Bilgisayar", "DMB-2023-0142", ayse, 400, "iyi"),
        ("Lazer yazıcı HP LaserJet M404", "Büro makinesi", "DMB-2022-0077", ayse, 700, "orta"),
        ("Cep telefonu Samsung Galaxy A54", "Telefon", "DMB-2024-0310", oguz, 150, "yeni"),
        ("Fotoğraf makinesi Canon EOS 250D", "Görsel-işitsel", "DMB-2021-0033", oguz, 900, "iyi"),
        ("Makam aracı anahtarı ve taşıt tanıma cihazı (16 ABC 123)", "Araç donanımı", "TTC-16ABC123",
         mehmet, 600, "iyi"),
        ("Tablet Apple iPad 10. nesil", "Bilgisayar", "DMB-2024-0355", seyma, 60, "yeni"),
        ("Projeksiyon cihazı Epson EB-X06", "Büro makinesi", "DMB-2020-0012", None, 1200, "arizali"),
    ]
    for item, category, serial, holder, ago, condition in rows:
        db.session.add(CustodyItem(item=item, category=category, serial_no=serial, holder=holder,
                                   since=today - dt.timedelta(days=ago), condition=condition))
    return len(rows)


def _handovers(today):
    oguz, ayse, ismail = _staff("Oğuz Işıkçı"), _staff("Ayşe Yılmaz"), _staff("İsmail Şahin")
    if not (oguz and ayse and ismail):
        return 0
    h = Handover(leaving_staff=oguz, successor=ayse, handover_date=today + dt.timedelta(days=7),
                 reason="gorev_degisikligi", drawn_up_by=ismail,
                 notes="Protokol servisinden Kültür ve Sosyal İşler Müdürlüğüne görevlendirme.",
                 keep_active_note="Geçici görevlendirme; kadrosu Özel Kalem Müdürlüğünde kalıyor.")
    db.session.add(h)
    db.session.flush()
    h.sync_custody_lines()
    h.lines.append(HandoverLine(kind="dosya", description="Protokol listeleri ve davetiye arşivi (2024–2025)",
                                status="bekliyor"))
    h.lines.append(HandoverLine(kind="is", description="Kurtuluş Bayramı tören programı hazırlığı",
                                status="bekliyor", note="Valilik ile yazışma sürüyor"))
    return 1 + len(h.lines)


def _leaves(today):
    ismail, seyma, ayse = _staff("İsmail Şahin"), _staff("Şeyma Güçlü"), _staff("Ayşe Yılmaz")
    mehmet, cengiz = _staff("Mehmet Öz"), _staff("Cengiz Uğur")
    if not (ismail and seyma and ayse and mehmet and cengiz):
        return 0
    rows = [
        Leave(staff=ismail, date_from=today + dt.timedelta(days=20), date_to=today + dt.timedelta(days=29),
              kind="yillik", substitute=seyma, is_director_proxy=True, mayor_consent=True,
              consent_note="Başkanlık oluru, sayı E-12345678-903.02-145",
              consent_date=today - dt.timedelta(days=3), consent_ref="E-12345678-903.02-145"),
        Leave(staff=mehmet, date_from=today - dt.timedelta(days=60), date_to=today - dt.timedelta(days=56),
              kind="yillik", substitute=cengiz),
        Leave(staff=ayse, date_from=today + dt.timedelta(days=45), date_to=today + dt.timedelta(days=46),
              kind="mazeret", substitute=None, notes="Nikâh izni"),
    ]
    _approved(rows[0], days_ago=2)
    _approved(rows[1], days_ago=62)
    for leave in rows:
        db.session.add(leave)
    return len(rows)


def load() -> int:
    today = dt.date.today()
    created = 0
    _link_memur()
    steps = [(Subscription, _subscriptions), (Vehicle, lambda t: _vehicles()), (DutySlip, _duty_slips),
             (CustodyItem, _custody), (Handover, _handovers), (Leave, _leaves)]
    for model, step in steps:
        if db.session.query(model.id).first() is None:
            created += step(today) or 0
            db.session.flush()
    return created

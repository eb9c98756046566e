"""Demo data for the protocol registers (idempotent: a register that already
has rows is skipped). Contacts come from the reference demo, by name."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from app.core import approval
from app.extensions import db
from app.registers.protocol.models import (
    Event, Gift, MessageTemplate, SisterCity, SisterCityActivity, Trip, Visit, WreathOrder,
)
from app.registers.reference.models import Contact

# Contacts this domain needs besides the reference demo's (name, kind, title, institution)
EXTRA_CONTACTS = [
    ("Hüseyin İŞIK", "kisi", "Emekli Öğretmen, Gazi Derneği Üyesi", None),
    ("İstanbul Büyükşehir Belediyesi", "kurum", None, None),
    ("Yücel Ailesi (merhum Hasan Yücel)", "kisi", "Esnaf, Işıklar Mahallesi", "Işıklar Mahalle Muhtarlığı"),
    ("Ludwigsburg Belediyesi", "kurum", None, None),
    ("Matthias Krüger", "kisi", "Belediye Başkan Yardımcısı", "Ludwigsburg Belediyesi"),
    ("Çiçekçi Gülistan", "kurum", None, None),
]

TEMPLATES = [
    ("cenaze", "Taziye (genel)",
     "Merhumun vefatını derin bir üzüntüyle öğrendim. Merhuma Allah'tan rahmet, kederli ailesine ve "
     "yakınlarına başsağlığı ve sabır dilerim.\nBelediye Başkanı"),
    ("cenaze", "Taziye (şehit)",
     "Aziz milletimizin huzuru için canını feda eden şehidimize Allah'tan rahmet, ailesine ve "
     "milletimize başsağlığı dilerim. Mekânı cennet olsun.\nBelediye Başkanı"),
    ("tebrik", "Tebrik (atama / seçim)",
     "Yeni görevinizin hayırlı olmasını diler, başarılarınızın devamını temenni ederek tebrik "
     "ederim.\nBelediye Başkanı"),
    ("hastalik", "Geçmiş olsun",
     "Rahatsızlığınızı üzüntüyle öğrendim. Geçmiş olsun dileklerimle, en kısa zamanda sağlığınıza "
     "kavuşmanızı dilerim.\nBelediye Başkanı"),
    ("nikah", "Nikâh tebriği",
     "Mutluluğunuzu paylaşıyor, bir ömür boyu sevgi ve huzur dolu bir yuva kurmanızı diliyorum.\n"
     "Belediye Başkanı"),
    ("acilis", "Açılış tebriği",
     "İşyerinizin açılışını kutlar, ilçemize ve ekonomimize hayırlı olmasını, bol kazançlar "
     "getirmesini dilerim.\nBelediye Başkanı"),
    ("bayram", "Bayram tebriği",
     "Bayramınızı en içten dileklerimle kutlar, sağlık, huzur ve mutluluk dolu nice bayramlar "
     "dilerim.\nBelediye Başkanı"),
]


def _contact(name):
    return db.session.query(Contact).filter_by(name=name).first()


def _user(username):
    from flask_appbuilder.security.sqla.models import User

    return db.session.query(User).filter_by(username=username).first()


def _ensure_contacts():
    created = 0
    for name, kind, title, institution in EXTRA_CONTACTS:
        if _contact(name) is None:
            db.session.add(Contact(kind=kind, name=name, title=title,
                                   institution=_contact(institution) if institution else None))
            db.session.flush()
            created += 1
    return created


def _decide(record, state, clerk, director, days_ago=1):
    """Put a demo record in an approval state as the clerk and Müdür would."""
    now = dt.datetime.now() - dt.timedelta(days=days_ago)
    record.created_by_id = clerk.id if clerk else None
    if state == approval.DRAFT:
        return
    record.state = approval.PENDING
    record.submitted_at = now
    record.submitted_by_id = clerk.id if clerk else None
    if state in (approval.APPROVED, approval.REJECTED):
        record.state = state
        record.decided_at = now + dt.timedelta(hours=2)
        record.decided_by_id = director.id if director else None
        record.decided_as = approval.DIRECTOR_TITLE
        if state == approval.REJECTED:
            record.decision_note = "Tutar ödenek kalemine göre yüksek; daha uygun teklif alınsın."


def load() -> int:
    created = _ensure_contacts()
    today = dt.date.today()
    now = dt.datetime.now().replace(second=0, microsecond=0)
    clerk, director = _user("memur"), _user("mudur")
    c = _contact

    if not db.session.query(MessageTemplate).first():
        for occasion, title, text in TEMPLATES:
            db.session.add(MessageTemplate(occasion=occasion, title=title, text=text))
            created += 1

    if not db.session.query(Event).first():
        events = [
            Event(name="Cumhuriyet Bayramı Resmî Kabul Töreni", organiser=c("İlçe Kaymakamlığı"),
                  starts_at=dt.datetime.combine(today + dt.timedelta(days=6), dt.time(11, 0)),
                  ends_at=dt.datetime.combine(today + dt.timedelta(days=6), dt.time(13, 0)),
                  place="Hükûmet Konağı Toplantı Salonu", invitation_received_on=today - dt.timedelta(days=3),
                  decision="katilacak",
                  speech="Değerli misafirler, Cumhuriyetimizin yeni yaşını coşkuyla kutluyoruz…",
                  press_note="Başkanımız resmî kabulde Kaymakam Ahmet Işık'ı tebrik etti."),
            Event(name="Ticaret ve Sanayi Odası Yeni Hizmet Binası Açılışı",
                  organiser=c("Ticaret ve Sanayi Odası"),
                  starts_at=dt.datetime.combine(today + dt.timedelta(days=10), dt.time(14, 30)),
                  place="Organize Sanayi Bölgesi, Gökçe Sokak No:4", invitation_received_on=today - dt.timedelta(days=1),
                  decision="celenk_mesaj", notes="Başkan aynı saatte Ankara'da; çiçek ve tebrik mesajı gönderilecek."),
            Event(name="Emniyet Teşkilatı Kuruluş Yıl Dönümü", organiser=c("İlçe Emniyet Müdürlüğü"),
                  starts_at=dt.datetime.combine(today + dt.timedelta(days=3), dt.time(10, 0)),
                  place="İlçe Emniyet Müdürlüğü Bahçesi", invitation_received_on=today - dt.timedelta(days=5),
                  decision="temsilci", representative="Başkan Yardımcısı Çiğdem Ertürk"),
            Event(name="Çağdaş Yaşamı Destekleme Derneği Burs Gecesi",
                  organiser=c("Çağdaş Yaşamı Destekleme Derneği"),
                  starts_at=dt.datetime.combine(today + dt.timedelta(days=15), dt.time(19, 30)),
                  place="Kültür Merkezi Büyük Salon", invitation_received_on=today),
            Event(name="Işıklar Mahallesi Aşure Günü", organiser=c("Işıklar Mahalle Muhtarlığı"),
                  starts_at=dt.datetime.combine(today - dt.timedelta(days=20), dt.time(12, 0)),
                  place="Işıklar Camii Avlusu", decision="katilmayacak",
                  notes="Aynı gün Valilik toplantısı vardı; muhtara telefonla bilgi verildi."),
        ]
        db.session.add_all(events)
        created += len(events)
        db.session.flush()

    if not db.session.query(Visit).first():
        visits = [
            Visit(guest=c("Ahmet Işık"), origin="yerli", date=today - dt.timedelta(days=2), time=dt.time(10, 30),
                  purpose="Göreve başlama nezaket ziyareti", host="Belediye Başkanı",
                  refreshments=True, welcomed=True, seen_off=True),
            Visit(guest=c("Matthias Krüger"), origin="yabanci", date=today - dt.timedelta(days=12),
                  time=dt.time(9, 0), purpose="Kardeş şehir heyeti: gençlik değişim programı görüşmesi",
                  host="Belediye Başkanı ve Başkan Yardımcısı", refreshments=True, accommodation=True,
                  welcomed=True, seen_off=True,
                  notes="Heyet 3 kişi; Sabiha Gökçen Havalimanı karşılama, şehir oteli 2 gece."),
            Visit(guest=c("Hüseyin İŞIK"), origin="yerli", date=today - dt.timedelta(days=7), time=dt.time(14, 0),
                  purpose="Gazi Derneği adına 15 Temmuz anma programı daveti", host="Özel Kalem Müdürü",
                  refreshments=True),
            Visit(guest=c("Şükrü Güneş"), origin="yerli", date=today - dt.timedelta(days=30), time=dt.time(11, 15),
                  purpose="Afet koordinasyon toplantısı öncesi görüşme", host="Belediye Başkanı",
                  refreshments=True, welcomed=True),
        ]
        db.session.add_all(visits)
        created += len(visits)
        db.session.flush()

    if not db.session.query(Gift).first():
        krueger_visit = db.session.query(Visit).filter(Visit.origin == "yabanci").first()
        gifts = [
            (Gift(direction="verilen", date=today - dt.timedelta(days=12), counterpart=c("Matthias Krüger"),
                  occasion="Kardeş şehir heyeti ziyareti", item="İznik çinisi tabak", quantity=1,
                  estimated_value=Decimal("2750.00"), visit_id=krueger_visit.id if krueger_visit else None), approval.APPROVED),
            (Gift(direction="alinan", date=today - dt.timedelta(days=12), counterpart=c("Ludwigsburg Belediyesi"),
                  occasion="Kardeş şehir heyeti ziyareti", item="Porselen vazo (Ludwigsburg Porzellan)",
                  quantity=1, estimated_value=Decimal("8500.00"), visit_id=krueger_visit.id if krueger_visit else None,
                  kept_at="Başkanlık makam odası vitrini"), approval.PENDING),
            (Gift(direction="alinan", date=today - dt.timedelta(days=40), counterpart=c("Ticaret ve Sanayi Odası"),
                  occasion="Yeni yıl", item="Kitap seti (Şehir tarihi)", quantity=2,
                  estimated_value=Decimal("900.00"), kept_at="Özel Kalem kitaplığı"), approval.APPROVED),
            (Gift(direction="verilen", date=today - dt.timedelta(days=2), counterpart=c("Ahmet Işık"),
                  occasion="Göreve başlama ziyareti", item="İlçe fotoğrafları albümü", quantity=1,
                  estimated_value=Decimal("450.00")), approval.DRAFT),
        ]
        for gift, state in gifts:
            _decide(gift, state, clerk, director)
            db.session.add(gift)
        created += len(gifts)
        db.session.flush()

    if not db.session.query(WreathOrder).first():
        opening = db.session.query(Event).filter(Event.decision == "celenk_mesaj").first()
        funeral_text = ("Merhum Hasan Yücel'in vefatını derin bir üzüntüyle öğrendim. Merhuma Allah'tan "
                        "rahmet, kederli ailesine ve yakınlarına başsağlığı ve sabır dilerim.\nBelediye Başkanı")
        orders = [
            (WreathOrder(occasion="cenaze", kind="celenk", recipient=c("Yücel Ailesi (merhum Hasan Yücel)"),
                         delivery_address="Işıklar Camii, ikindi namazı sonrası cenaze töreni",
                         delivery_date=today, message=funeral_text, supplier="Çiçekçi Gülistan",
                         cost=Decimal("1850.00")), approval.PENDING),
            (WreathOrder(occasion="acilis", kind="cicek", recipient=c("Ticaret ve Sanayi Odası"),
                         delivery_address="Organize Sanayi Bölgesi, Gökçe Sokak No:4",
                         delivery_date=opening.starts_at.date() if opening else today,
                         message="İşyerinizin açılışını kutlar, ilçemize ve ekonomimize hayırlı olmasını dilerim.\n"
                                 "Belediye Başkanı",
                         supplier="Çiçekçi Gülistan", cost=Decimal("1200.00"), event=opening), approval.DRAFT),
            (WreathOrder(occasion="hastalik", kind="mesaj", recipient=c("İbrahim Çağlar"),
                         delivery_date=today - dt.timedelta(days=9),
                         message="Rahatsızlığınızı üzüntüyle öğrendim. Geçmiş olsun dileklerimle, en kısa "
                                 "zamanda sağlığınıza kavuşmanızı dilerim.\nBelediye Başkanı"), approval.APPROVED),
            (WreathOrder(occasion="tebrik", kind="telgraf", recipient=c("Şükrü Güneş"),
                         delivery_date=today - dt.timedelta(days=25),
                         message="Yeni görevinizin hayırlı olmasını diler, başarılarınızın devamını temenni "
                                 "ederek tebrik ederim.\nBelediye Başkanı", cost=Decimal("95.50"),
                         invoice_no="PTT-2026-55120"), approval.APPROVED),
        ]
        for order, state in orders:
            _decide(order, state, clerk, director, days_ago=0 if state == approval.PENDING else 3)
            db.session.add(order)
        created += len(orders)
        db.session.flush()

    if not db.session.query(SisterCity).first():
        ludwigsburg = SisterCity(city="Ludwigsburg", country="Almanya", since=dt.date(2012, 5, 18),
                                 council_decision="Meclis kararı 14.03.2012 / 45",
                                 notes="Gençlik değişimi ve mesleki eğitim işbirliği.")
        ohrid = SisterCity(city="Ohri", country="Kuzey Makedonya", since=dt.date(2017, 9, 6),
                           council_decision="Meclis kararı 02.06.2017 / 88",
                           notes="Kültür ve turizm işbirliği; Balkan festivali ortaklığı.")
        db.session.add_all([ludwigsburg, ohrid])
        db.session.flush()
        created += 2
        activities = [
            SisterCityActivity(sister_city=ludwigsburg, date=today - dt.timedelta(days=12),
                               title="Ludwigsburg heyetinin ziyareti",
                               description="Gençlik değişim programının 2026 takvimi görüşüldü."),
            SisterCityActivity(sister_city=ohrid, date=today - dt.timedelta(days=200),
                               title="Ohri Yaz Festivali'ne halk oyunları ekibi",
                               description="Belediye halk oyunları ekibi (24 kişi) festivalde sahne aldı."),
        ]
        db.session.add_all(activities)
        created += len(activities)

    if not db.session.query(Trip).first():
        ohrid = db.session.query(SisterCity).filter_by(city="Ohri").first()
        trips = [
            (Trip(destination="Ankara", scope="yurtici", start_date=today + dt.timedelta(days=10),
                  end_date=today + dt.timedelta(days=11),
                  participants="Belediye Başkanı\nÖzel Kalem Müdürü İsmail Şahin\nMakam şoförü Mehmet Öz",
                  purpose="İçişleri Bakanlığı ve İller Bankası görüşmeleri",
                  transport="Makam aracı; 06.00 hareket", accommodation="Kızılay'da otel, 1 gece, rez. no 88412",
                  program="10.30 İller Bankası Genel Müdürlüğü\n14.00 İçişleri Bakanlığı Mahalli İdareler",
                  cost=Decimal("6400.00")), approval.PENDING),
            (Trip(destination="Ohri, Kuzey Makedonya", scope="yurtdisi", start_date=today + dt.timedelta(days=45),
                  end_date=today + dt.timedelta(days=48),
                  participants="Belediye Başkanı\nBaşkan Yardımcısı Çiğdem Ertürk\nTercüman Şeyma Güçlü",
                  purpose="Kardeş şehir protokolünün yenilenmesi", transport="İstanbul–Ohri uçuşu, PNR X7K2LM",
                  accommodation="Ohri göl kenarı otel, 3 gece", program="Protokol imzası, festival açılışı",
                  cost=Decimal("48500.00"), sister_city=ohrid), approval.DRAFT),
            (Trip(destination="İSTANBUL", scope="yurtici", start_date=today - dt.timedelta(days=60),
                  end_date=today - dt.timedelta(days=59), participants="Belediye Başkanı\nÖzel Kalem Müdürü",
                  purpose="Marmara Belediyeler Birliği toplantısı", transport="Hızlı tren",
                  cost=Decimal("3150.00")), approval.APPROVED),
        ]
        for trip, state in trips:
            _decide(trip, state, clerk, director)
            db.session.add(trip)
        created += len(trips)

    db.session.flush()
    return created

"""Demo data: a realistic week of the mayor (idempotent: nothing is added
when appointment requests exist). Meetings, a field visit, a ceremony that
comes from an event decided "Katılacak" (the link makes its entry), a private
entry, the public day with its walk-ins, appointment requests in every
decision, and a trip to Ankara (approved) with its all-day entry."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from app.core import approval
from app.extensions import db
from app.registers.agenda.models import AgendaEntry, AppointmentRequest
from app.registers.protocol.models import Event, Trip


def _user(username):
    from flask_appbuilder.security.sqla.models import User

    return db.session.query(User).filter_by(username=username).first()


def load() -> int:
    if db.session.query(AppointmentRequest).first():
        return 0
    today = dt.date.today()
    monday = today - dt.timedelta(days=today.weekday())

    def at(day, hour, minute=0):
        return dt.datetime.combine(monday + dt.timedelta(days=day), dt.time(hour, minute))

    created = 0
    entries = [
        AgendaEntry(starts_at=at(0, 9), ends_at=at(0, 10), title="Haftalık koordinasyon toplantısı",
                    kind="toplanti", place="Başkanlık toplantı salonu", status="kesinlesti",
                    participants="Başkan yardımcıları\nBirim müdürleri\nÖzel Kalem Müdürü"),
        AgendaEntry(starts_at=at(0, 14), ends_at=at(0, 16), title="Işıklar Mahallesi yol çalışması incelemesi",
                    kind="saha", place="Işıklar Mahallesi, Gökçe Sokak", status="kesinlesti",
                    participants="Fen İşleri Müdürü\nMahalle muhtarı", notes="Basın birimi fotoğraf çekecek."),
        AgendaEntry(starts_at=at(1, 15), ends_at=at(1, 16), title="Aile ziyareti", kind="ozel",
                    place="Başkanın ikameti", status="kesinlesti", private=True,
                    notes="Yalnızca Müdür bilgisi dahilinde."),
        AgendaEntry(starts_at=at(2, 9), ends_at=at(2, 12), title="Halk günü", kind="halk_gunu",
                    place="Başkanlık makamı", status="kesinlesti",
                    notes="Başvurular geliş sırasına göre kabul edilir."),
        AgendaEntry(starts_at=at(2, 14), ends_at=at(2, 15, 30), title="Meclis grup toplantısı",
                    kind="toplanti", place="Meclis salonu", status="planlandi"),
        AgendaEntry(starts_at=at(3, 0), all_day=True, title="Ankara: İller Bankası ve Bakanlık görüşmeleri",
                    kind="seyahat", place="Ankara", status="kesinlesti",
                    participants="Özel Kalem Müdürü\nMakam şoförü"),
        AgendaEntry(starts_at=at(4, 0), all_day=True, title="Ankara dönüşü", kind="seyahat",
                    place="Ankara", status="planlandi"),
    ]
    db.session.add_all(entries)
    created += len(entries)

    # a ceremony decided "Katılacak": its agenda entry is made by the link
    db.session.add(Event(name="Huzurevi ziyareti ve kermes açılışı", starts_at=at(1, 10), ends_at=at(1, 11, 30),
                         place="Belediye Huzurevi", decision="katilacak",
                         invitation_received_on=monday - dt.timedelta(days=4)))
    created += 1

    clerk, director = _user("memur"), _user("mudur")
    trip = Trip(destination="Ankara (İller Bankası)", scope="yurtici", start_date=monday + dt.timedelta(days=3),
                end_date=monday + dt.timedelta(days=4),
                participants="Belediye Başkanı\nÖzel Kalem Müdürü\nMakam şoförü",
                purpose="Kentsel dönüşüm kredisi ve altyapı projeleri görüşmeleri",
                transport="Makam aracı; 06.30 hareket", cost=Decimal("5200.00"))
    if clerk is not None and director is not None:
        now = dt.datetime.now() - dt.timedelta(days=2)
        trip.created_by_id = clerk.id
        trip.state, trip.submitted_at, trip.submitted_by_id = approval.APPROVED, now, clerk.id
        trip.decided_at, trip.decided_by_id = now + dt.timedelta(hours=2), director.id
        trip.decided_as = approval.DIRECTOR_TITLE
    db.session.add(trip)
    created += 1

    requests = [
        AppointmentRequest(requester_name="Kemal Aydın", phone="0532 414 22 10", institution="Esnaf ve Sanatkârlar Odası",
                           subject="Pazar yeri düzenlemesi hakkında görüşme", channel="telefon",
                           preferred_dates="Bu hafta öğleden önce", decision="uygun",
                           scheduled_start=at(0, 11), scheduled_end=at(0, 11, 30), attendee="Başkan"),
        AppointmentRequest(requester_name="Zeynep Arslan", phone="0555 301 44 90", subject="Burs başvurusu",
                           channel="dilekce", decision="yonlendirildi", routed_to="Sosyal Destek Hizmetleri Müdürlüğü"),
        AppointmentRequest(requester_name="Hasan Kılıç", phone="0544 210 10 10", institution="Kılıç İnşaat",
                           subject="İmar durumu hakkında özel görüşme", channel="eposta", decision="reddedildi",
                           reason="İmar konuları İmar ve Şehircilik Müdürlüğü tarafından yürütülür; başvurana bilgi verildi."),
        AppointmentRequest(requester_name="Elif Şahin", phone="0530 777 12 34", institution="Gençlik Meclisi",
                           subject="Gençlik festivali daveti", channel="telefon", preferred_dates="Gelecek hafta",
                           decision="bekliyor"),
    ]
    walk_ins = [("Ayşe Yılmaz", "Sokak aydınlatması arızası", 9, 5, "Fen İşleri'ne iş emri verildi."),
                ("Mehmet Çelik", "Engelli aracı desteği", 9, 20, "Sosyal Destek birimine yönlendirildi."),
                ("Fadime Koç", "Kreş kontenjanı", 9, 45, "Başvuru alındı; bir hafta içinde dönüş yapılacak.")]
    for name, subject, hour, minute, outcome in walk_ins:
        requests.append(AppointmentRequest(
            requester_name=name, subject=subject, channel="yuz_yuze", walk_in=True, arrived_at=at(2, hour, minute),
            received_by="Başkan", outcome=outcome, decision="yonlendirildi" if "yönlendir" in outcome else "bekliyor",
            routed_to="Sosyal Destek Hizmetleri Müdürlüğü" if "yönlendir" in outcome else None))
    db.session.add_all(requests)
    created += len(requests)
    db.session.flush()
    return created

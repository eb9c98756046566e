"""Demo data: two meetings with participants, minutes and action items, one
action item overdue (idempotent: skipped when meetings exist)."""
from __future__ import annotations

import datetime as dt

from app.extensions import db
from app.registers.meetings.models import ActionItem, AgendaItem, Meeting, MeetingParticipant
from app.registers.reference.models import Contact, Staff, Unit


def _get(model, name):
    return db.session.query(model).filter_by(name=name).first()


def _meeting(title, kind, starts_at, place, chair, status, summary, participants, agenda, actions):
    meeting = Meeting(title=title, kind=kind, starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=1, minutes=30),
                      place=place, chair=chair, status=status, summary=summary)
    db.session.add(meeting)
    for who, capacity, attended in participants:
        staff, contact = _get(Staff, who), _get(Contact, who)
        db.session.add(MeetingParticipant(meeting=meeting, staff=staff, contact=None if staff else contact,
                                          name=None if (staff or contact) else who, capacity=capacity,
                                          attended=attended))
    items = []
    for seq, (topic, minutes, decision) in enumerate(agenda, start=1):
        item = AgendaItem(meeting=meeting, seq=seq, topic=topic, minutes=minutes, decision=decision)
        db.session.add(item)
        items.append(item)
    for description, agenda_no, unit, staff, due, status in actions:
        db.session.add(ActionItem(meeting=meeting, agenda_item=items[agenda_no - 1] if agenda_no else None,
                                  description=description, owner_unit=_get(Unit, unit) if unit else None,
                                  owner_staff=_get(Staff, staff) if staff else None, due_date=due, status=status,
                                  done_on=dt.date.today() - dt.timedelta(days=1) if status == "tamamlandi" else None))
    return 1 + len(participants) + len(agenda) + len(actions)


def load():
    if db.session.query(Meeting).first() is not None:
        return 0
    today = dt.date.today()
    last_week = dt.datetime.combine(today - dt.timedelta(days=7), dt.time(10, 0))
    this_week = dt.datetime.combine(today - dt.timedelta(days=2), dt.time(14, 0))
    created = _meeting(
        "Haftalık birim müdürleri koordinasyon toplantısı", "koordinasyon", last_week,
        "Başkanlık toplantı salonu", "Belediye Başkanı", "yapildi",
        "Toplantı Başkanın açış konuşmasıyla başladı; birim müdürleri hazır bulundu.",
        [("İsmail Şahin", "Özel Kalem Müdürü", True), ("Ayşe Yılmaz", "Sekreterlik", True),
         ("Hüseyin Doğru", "Fen İşleri Müdürü", True), ("Çiğdem Ertürk", "Kültür ve Sosyal İşler Müdürü", False)],
        [("Kış hazırlıkları", "Tuz ve kum stokları, karla mücadele ekipleri görüşüldü.",
          "Karla mücadele planı 15 gün içinde Başkanlığa sunulacak."),
         ("Cumhuriyet Bayramı etkinlikleri", "Tören ve konser programı değerlendirildi.",
          "Etkinlik programı kesinleştirildi; davetiyeler Özel Kalemce gönderilecek.")],
        [("Karla mücadele planını hazırlamak", 1, "Fen İşleri Müdürlüğü", None, today - dt.timedelta(days=2), "acik"),
         ("Bayram davetiyelerini göndermek", 2, None, "Ayşe Yılmaz", today + dt.timedelta(days=3), "acik"),
         ("Konser sahnesi için teklif almak", 2, "Kültür ve Sosyal İşler Müdürlüğü", None,
          today - dt.timedelta(days=1), "tamamlandi")])
    created += _meeting(
        "Mahalle muhtarları ile halk günü hazırlık toplantısı", "dis", this_week,
        "Kültür Merkezi toplantı odası", "Özel Kalem Müdürü", "yapildi", None,
        [("İsmail Şahin", "Özel Kalem Müdürü", True), ("Ilgın Aksoy", "Işıklar Mahalle Muhtarı", True),
         ("Oğuz Işıkçı", "Protokol", True)],
        [("Halk günü başvurularının toplanması", "Muhtarlıklardan gelen başvuruların listelenmesi görüşüldü.",
          "Başvurular her cuma Özel Kaleme iletilecek."),
         ("Halk günü yeri ve güvenliği", "Kültür Merkezi salonunun kullanılması önerildi.",
          "Halk günü Kültür Merkezinde yapılacak; Zabıta destek verecek.")],
        [("Halk günü salonunu hazırlatmak", 2, None, "Oğuz Işıkçı", today + dt.timedelta(days=5), "acik"),
         ("Halk günü için zabıta desteği", 2, "Zabıta Müdürlüğü", None, today + dt.timedelta(days=4), "acik"),
         ("Muhtarlara başvuru formunu göndermek", 1, "Özel Kalem Müdürlüğü", None, today - dt.timedelta(days=1), "acik")])
    return created

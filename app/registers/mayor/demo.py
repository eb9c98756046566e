"""Demo data: mayor's orders with mixed unit follow-ups (some overdue), documents
put to the mayor, council members and briefings (idempotent: each part is
skipped when its register has rows)."""
from __future__ import annotations

import datetime as dt

from app.extensions import db
from app.registers.mayor.models import (
    ANSWERED, DONE, PENDING_SIGNATURE, RETURNED, SIGNED, WAITING, CouncilBriefing, MayorOrder, OrderFollowUp,
    Submission,
)
from app.registers.reference.models import Contact, Staff, Unit

UNIT_EMAILS = {"Fen İşleri Müdürlüğü": "fenisleri@belediye.example", "Zabıta Müdürlüğü": "zabita@belediye.example",
               "Kültür ve Sosyal İşler Müdürlüğü": "kultur@belediye.example",
               "Mali Hizmetler Müdürlüğü": "malihizmetler@belediye.example"}
COUNCIL = [("Nurcan Işıl", "Meclis Üyesi"), ("Hakan Özdemir", "Meclis Üyesi"),
           ("Selin Çakır", "Meclis Üyesi"), ("Yusuf Ağaoğlu", "Meclis Üyesi (Grup Başkanvekili)")]


def _unit(name):
    return db.session.query(Unit).filter_by(name=name).first()


def _orders(today):
    d = dt.timedelta
    orders = [
        ("Kış hazırlıkları ve karla mücadele", today - d(days=20), today - d(days=5),
         "Karla mücadele ekiplerinin, araçların ve tuz stoklarının durumunun rapor edilmesi.",
         [("Fen İşleri Müdürlüğü", WAITING, None), ("Zabıta Müdürlüğü", ANSWERED,
                                                    "Zabıta ekipleri nöbet çizelgesi hazırlandı.")]),
        ("Cumhuriyet Bayramı etkinliklerinin koordinasyonu", today - d(days=30), today - d(days=10),
         "Tören, konser ve fener alayı için birimlerin görev dağılımının yapılması.",
         [("Kültür ve Sosyal İşler Müdürlüğü", DONE, "Program uygulandı, rapor ektedir."),
          ("Fen İşleri Müdürlüğü", DONE, "Sahne ve ses sistemi kuruldu."),
          ("Zabıta Müdürlüğü", WAITING, None)]),
        ("Enerji tasarrufu genelgesi", today - d(days=3), today + d(days=12),
         "Hizmet binalarında aydınlatma ve ısıtmada tasarruf tedbirlerinin uygulanması.",
         [("Mali Hizmetler Müdürlüğü", WAITING, None), ("Bilgi İşlem Müdürlüğü", WAITING, None),
          ("Fen İşleri Müdürlüğü", ANSWERED, "Bina otomasyonu ayarları güncellendi.")]),
    ]
    created = 0
    for subject, date, due, text, rows in orders:
        order = MayorOrder(subject=subject, date=date, due_date=due, text=text, issued_by="Belediye Başkanı")
        db.session.add(order)
        for unit_name, status, answer in rows:
            unit = _unit(unit_name)
            if unit is None:
                continue
            order.follow_ups.append(OrderFollowUp(
                unit=unit, status=status, answer=answer,
                answered_on=(date + d(days=2)) if status != WAITING else None))
            created += 1
        created += 1
    return created


def _submissions(today):
    d = dt.timedelta
    rows = [
        ("Kültür Merkezi kullanım protokolü", "Kültür ve Sosyal İşler Müdürlüğü", today - d(days=6),
         PENDING_SIGNATURE, None, None, None),
        ("Park bakım ihalesi onay belgesi", "Fen İşleri Müdürlüğü", today - d(days=2), PENDING_SIGNATURE,
         None, None, None),
        ("Zabıta nöbet çizelgesi", "Zabıta Müdürlüğü", today - d(days=9), SIGNED, None, today - d(days=8),
         "Zabıta Müdürlüğü"),
        ("Yurt dışı görevlendirme oluru", "Mali Hizmetler Müdürlüğü", today - d(days=5), RETURNED,
         "Harcama kalemi eksik; düzeltilip yeniden sunulacak.", today - d(days=4), None),
    ]
    for subject, unit, submitted, result, note, returned, distributed in rows:
        db.session.add(Submission(subject=subject, from_unit=_unit(unit), submitted_on=submitted, result=result,
                                  result_note=note, returned_on=returned, distributed_to=distributed))
    return len(rows)


def _briefings(today):
    members = []
    for name, title in COUNCIL:
        contact = db.session.query(Contact).filter_by(name=name).first()
        if contact is None:
            contact = Contact(kind="kisi", name=name, title=title, council_member=True)
            db.session.add(contact)
        members.append(contact)
    staff = db.session.query(Staff).filter_by(name="Şeyma Güçlü").first()
    briefings = [
        ("Kasım ayı olağan meclis toplantısı", today - dt.timedelta(days=12), "toplanti", members[:3],
         "Gündemdeki imar planı değişiklikleri ve bütçe görüşmeleri hakkında bilgi verildi."),
        ("Aralık ayı olağan meclis toplantısı", today - dt.timedelta(days=1), "eposta", members,
         "2027 yılı bütçe taslağı ve performans programı üyelere e-posta ile gönderildi."),
    ]
    for meeting, date, channel, who, content in briefings:
        briefing = CouncilBriefing(meeting=meeting, date=date, channel=channel, content=content, informed_by=staff)
        briefing.members = list(who)
        briefing.fill_defaults()
        db.session.add(briefing)
    return len(COUNCIL) + len(briefings)


def load():
    today = dt.date.today()
    created = 0
    for name, email in UNIT_EMAILS.items():
        unit = _unit(name)
        if unit is not None and not unit.email:
            unit.email = email
    if db.session.query(MayorOrder).first() is None:
        created += _orders(today)
    if db.session.query(Submission).first() is None:
        created += _submissions(today)
    if db.session.query(CouncilBriefing).first() is None:
        created += _briefings(today)
    return created

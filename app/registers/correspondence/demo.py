"""Demo data: a month of incoming and outgoing letters, most incoming ones
answered by an outgoing reply citing them, one overdue, one hizmete özel,
and three letter templates (idempotent: skipped when the register has rows)."""
from __future__ import annotations

import datetime as dt

from app.extensions import db
from app.registers.correspondence.models import Letter, LetterTemplate
from app.registers.reference.models import Contact

TEMPLATES = [
    ("Davete katılım", "Davet hk.",
     "{ilgi} ile Belediye Başkanımızın davet edildiği programa katılımı uygun görülmüştür.\n\n"
     "Bilgilerinize rica ederim."),
    ("Bilgi verilmesi", "{konu}",
     "İlgi yazınızda istenen bilgiler ekte sunulmuştur.\n\nBilgilerinize arz ederim."),
    ("Birim içi görevlendirme", "Görevlendirme",
     "Aşağıda belirtilen iş için görevlendirme yapılmasını rica ederim.\n\nGereğini rica ederim."),
]

# (days ago, sender, konu, sender's number, file-plan code, reply after days or None, urgency, security)
INCOMING = [
    (29, "Bursa Valiliği", "Cumhuriyet Bayramı kutlama programı", "E-11111111-010.06-2041", "010.06", 3, "normal", "normal"),
    (26, "İlçe Kaymakamlığı", "Koordinasyon kurulu toplantısı", "E-22222222-010.01-877", "010.01", 2, "ivedi", "normal"),
    (22, "İlçe Emniyet Müdürlüğü", "Halk günü güvenlik önlemleri", "E-33333333-045.02-455", "045.02", 4, "normal", "hizmete_ozel"),
    (18, "Ticaret ve Sanayi Odası", "Oda genel kurulu daveti", "2026/318", "010.06", 5, "normal", "normal"),
    (14, "İlçe Müftülüğü", "Kandil programına davet", "E-44444444-010.06-99", "010.06", 2, "normal", "normal"),
    (9, "Işıklar Mahalle Muhtarlığı", "Mahalle parkı aydınlatması", "2026/12", "010.03", None, "normal", "normal"),
    (20, "Çağdaş Yaşamı Destekleme Derneği", "Kermes için alan tahsisi talebi", "2026/45", "010.03", None, "gunlu", "normal"),
    (3, "Bursa Valiliği", "Seçim hazırlıkları hakkında bilgi talebi", "E-11111111-010.01-2290", "010.01", None, "normal", "normal"),
]
REPLY_BODY = ("İlgi yazınız incelenmiş olup Başkanlığımızca gerekli çalışmalar başlatılmıştır.\n\n"
              "Bilgilerinize arz ederim.")


def dative(name: str) -> str:
    """"Bursa Valiliği" -> "BURSA VALİLİĞİNE" (the muhatap line of an institution)."""
    from app.core.pdf import tr_upper

    last = next((c for c in reversed(name.lower()) if c in "aıoueiöü"), "e")
    return tr_upper(name) + ("NA" if last in "aıou" else "NE")


def _user(username):
    from flask_appbuilder.security.sqla.models import User

    return db.session.query(User).filter_by(username=username).first()


def _signed(reply, day, clerk, director, mayor):
    """A demo reply signed through its chain on its own day: the clerk's paraf,
    the Müdür's paraf, the Başkan's imza (the Müdür's "a." when no Başkan
    user exists), each a step row as the chain writes it."""
    from app.core import signing

    at = lambda hour: dt.datetime.combine(day, dt.time(hour, 0))   # noqa: E731
    reply.created_at = reply.submitted_at = at(9)
    reply.submitted_by_id = clerk.id if clerk else None
    signer, behalf = (mayor, "") if mayor is not None else (director, signing.DELEGATED)
    people = {signing.PREPARER: (clerk, at(10), ""), "Müdür": (director, at(14), ""),
              signing.PRESIDENT_ROLE: (signer, at(15), behalf)}
    for position, step in enumerate(signing.chain_of(reply), start=1):
        user, when, on_behalf = people.get(step.role or signing.PREPARER, (director, at(15), ""))
        db.session.add(signing.SignatureStep(
            register="letter", record_id=reply.id, position=position, kind=step.kind,
            role=step.role or signing.PREPARER, title=step.label, state=signing.SIGNED,
            user_id=user.id if user else None, signed_at=when, on_behalf=on_behalf))
    last = signing.chain_of(reply)[-1]
    reply.state = "approved"
    reply.decided_by_id = signer.id
    reply.decided_as = (f"{last.label} {behalf}".strip())[:20]
    reply.decided_at = at(15)


def load():
    if db.session.query(Letter).first() is not None:
        return 0
    created = 0
    from app.settings.models import get_settings, save_settings

    current = get_settings()
    demo_settings = {"letters_kep": "ornekbelediye@hs01.kep.tr",
                     "letters_info_contact": "Ayşe YILMAZ, Memur, 0224 000 00 00"}
    save_settings({k: v for k, v in demo_settings.items() if not current.get(k)})
    if db.session.query(LetterTemplate).first() is None:
        for name, subject, body in TEMPLATES:
            db.session.add(LetterTemplate(name=name, subject=subject, body=body))
            created += 1
    today = dt.date.today()
    clerk, director, mayor = _user("memur"), _user("mudur"), _user("baskan")
    for days, sender, subject, their_number, code, reply_after, urgency, security in INCOMING:
        day = today - dt.timedelta(days=days)
        contact = db.session.query(Contact).filter_by(name=sender).first()
        letter = Letter(direction="gelen", letter_date=day, contact=contact, subject=subject,
                        sender_number=their_number, sender_date=day - dt.timedelta(days=1), file_plan_code=code,
                        urgency=urgency, security=security,
                        urgency_date=day + dt.timedelta(days=5) if urgency == "gunlu" else None,
                        due_date=day + dt.timedelta(days=5 if urgency == "gunlu" else 10),
                        created_by_id=clerk.id if clerk else None)
        db.session.add(letter)
        db.session.flush()
        created += 1
        if reply_after is None:
            continue
        reply_day = day + dt.timedelta(days=reply_after)
        reply = Letter(direction="giden", kind="external", letter_date=reply_day, contact=contact,
                       addressee=dative(sender),
                       subject=subject, file_plan_code=code, body=REPLY_BODY, security=security,
                       distribution_action=sender, distribution_info="Kaymakamlık" if days > 20 else None,
                       created_by_id=clerk.id if clerk else None)
        reply.cited = [letter]
        db.session.add(reply)
        db.session.flush()
        created += 1
        if director is not None:
            _signed(reply, reply_day, clerk, director, mayor)
            letter.answered_by = reply
    # an internal letter still in draft
    db.session.add(Letter(direction="giden", kind="internal", letter_date=today, subject="Bayram programı görevlendirmesi",
                          addressee="FEN İŞLERİ MÜDÜRLÜĞÜNE", file_plan_code="010.06",
                          body="Bayram programı için sahne ve ses düzeninin kurulmasını rica ederim.",
                          distribution_action="Fen İşleri Müdürlüğü\nZabıta Müdürlüğü",
                          created_by_id=clerk.id if clerk else None))
    created += 1
    db.session.commit()
    return created

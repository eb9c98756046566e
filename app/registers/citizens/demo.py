"""Demo citizens' requests: categories routed to the demo units and a few
hundred requests over the last year across channels, stages and units
(idempotent: nothing is added when requests exist). Inserted in bulk."""
from __future__ import annotations

import datetime as dt
import random

from app.extensions import db
from app.registers.citizens.models import (
    CHANNELS, COZULDU, ILETILDI, ISLEMDE, KAPANDI, KAYIT, REDDEDILDI, TEYIT, YETKI_DISI, CitizenRequest,
    RequestCategory, RequestStage,
)
from app.registers.reference.models import Unit

CATEGORIES = [  # name, unit keyword, due days
    ("Yol, kaldırım ve asfalt", "Fen İşleri", 30), ("Çöp ve temizlik", "Temizlik", 7),
    ("Park ve yeşil alan", "Park", 20), ("Sokak aydınlatması", "Fen İşleri", 10),
    ("Zabıta şikâyeti (gürültü, işgal)", "Zabıta", 7), ("Sosyal yardım", "Sosyal", 15),
    ("İmar ve ruhsat", "İmar", 30), ("Sokak hayvanları", "Veteriner", 10),
]
NEIGHBOURHOODS = ["Cumhuriyet", "Hamidiye", "Osmaniye", "Kurşunlu", "Manastır", "Hisar", "Balıkpazarı",
                  "Eşref Dinçer", "Yeni", "Ata"]
SUBJECTS = {
    "Yol, kaldırım ve asfalt": ["Kaldırım taşları kırık", "Asfaltta çukur var", "Yol çalışması bitmedi"],
    "Çöp ve temizlik": ["Çöp konteyneri boşaltılmadı", "Sokak temizliği yapılmıyor", "Moloz bırakılmış"],
    "Park ve yeşil alan": ["Parktaki salıncak kırık", "Ağaç budaması talebi", "Çim sulanmıyor"],
    "Sokak aydınlatması": ["Sokak lambası yanmıyor", "Parkta aydınlatma yetersiz"],
    "Zabıta şikâyeti (gürültü, işgal)": ["Kaldırım işgali", "Gece gürültüsü", "Seyyar satıcı"],
    "Sosyal yardım": ["Gıda yardımı talebi", "Yaşlı bakım desteği", "Kırtasiye yardımı"],
    "İmar ve ruhsat": ["Kaçak yapı ihbarı", "İmar durumu sorgusu"],
    "Sokak hayvanları": ["Yaralı köpek bildirimi", "Sokak kedileri için mama talebi"],
}
FIRST = ["Ahmet", "Mehmet", "Ayşe", "Fatma", "Mustafa", "Emine", "Hüseyin", "Zeynep", "İbrahim", "Elif",
         "Hasan", "Şerife", "Ömer", "Gülşen", "Yusuf", "Özge"]
LAST = ["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Aydın", "Öztürk", "Arslan", "Doğan",
        "Kılıç", "Aslan", "Çetin", "Kurt", "Koç", "Özdemir"]
UNITS = ["Fen İşleri Müdürlüğü", "Temizlik İşleri Müdürlüğü", "Park ve Bahçeler Müdürlüğü",
         "Zabıta Müdürlüğü", "Sosyal Yardım İşleri Müdürlüğü", "İmar ve Şehircilik Müdürlüğü",
         "Veteriner İşleri Müdürlüğü"]
COUNT = 360


def _units():
    units = {u.name: u for u in db.session.query(Unit).filter(Unit.archived.is_(False))}
    for name in UNITS:
        if not any(name.split()[0] in existing for existing in units):
            unit = Unit(name=name, active=True)
            db.session.add(unit)
            units[name] = unit
    db.session.flush()
    return list(units.values())


def _categories():
    existing = {c.name: c for c in db.session.query(RequestCategory)}
    if existing:
        return list(existing.values())
    units = _units()
    cats = []
    for name, keyword, days in CATEGORIES:
        unit = next((u for u in units if keyword in u.name), units[0])
        cat = RequestCategory(name=name, unit=unit, due_days=days, active=True)
        db.session.add(cat)
        cats.append(cat)
    db.session.flush()
    return cats


def _final_stage(rng, age_days, due_days):
    if age_days < 3:
        return KAYIT
    roll = rng.random()
    if age_days < due_days:
        return rng.choice([ILETILDI, ISLEMDE, ISLEMDE, COZULDU, TEYIT, KAPANDI])
    if roll < 0.06:
        return REDDEDILDI
    if roll < 0.1:
        return YETKI_DISI
    if roll < 0.2:
        return ISLEMDE      # late: overdue
    if roll < 0.25:
        return TEYIT
    return KAPANDI


def load() -> int:
    if db.session.query(CitizenRequest.id).first() is not None:
        return 0
    rng = random.Random(15)
    cats = _categories()
    today = dt.date.today()
    from app.core.numbering import next_number

    conn = db.session.connection()
    created = 0
    path = [KAYIT, ILETILDI, ISLEMDE, COZULDU, TEYIT, KAPANDI]
    channels = list(CHANNELS)
    dates = sorted(today - dt.timedelta(days=int(rng.triangular(0, 365, 40))) for _ in range(COUNT))
    for i, received in enumerate(dates):
        cat = rng.choice(cats)
        age = (today - received).days
        stage = _final_stage(rng, age, cat.due_days)
        channel = rng.choices(channels, weights=[14, 8, 20, 10, 12, 18, 8, 10])[0]
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        at = dt.datetime.combine(received, dt.time(9 + i % 8, (i * 7) % 60))
        item = CitizenRequest(
            number=next_number(conn, "TS", received.year),
            channel=channel, received_on=received, citizen_name=name,
            citizen_phone=f"05{rng.randint(30, 59)} {rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
            citizen_email=None if rng.random() < 0.5 else f"vatandas{i}@example.com",
            category=cat, unit=cat.unit, subject=rng.choice(SUBJECTS.get(cat.name, ["Talep"])),
            description="Vatandaş talebini şahsen iletti; yerinde inceleme istendi.",
            neighbourhood=rng.choice(NEIGHBOURHOODS), street=f"{rng.randint(1, 40)}. Sokak",
            reference=f"{'C' if channel == 'cimer' else 'A'}{rng.randint(10**7, 10**8 - 1)}"
            if channel in ("cimer", "acikkapi") else None,
            kvkk_notice_given=True, kvkk_notice_version="2026-1",
            due_date=received + dt.timedelta(days=cat.due_days), stage=stage, created_at=at, updated_at=at,
            source="form")
        rows = [RequestStage(kind="stage", to_stage=KAYIT, at=at, note="Demo kaydı.")]
        steps = path[1:path.index(stage) + 1] if stage in path else [ILETILDI]
        close_after = rng.randint(1, max(2, min(age, cat.due_days + 10)))
        when = at
        for n, step in enumerate(steps, start=1):
            when = at + dt.timedelta(days=max(1, close_after * n // max(1, len(steps))), hours=n)
            rows.append(RequestStage(kind="stage", from_stage=rows[-1].to_stage, to_stage=step, at=when,
                                     public=step in (COZULDU, KAPANDI),
                                     note="Ekip yönlendirildi, iş tamamlandı." if step == COZULDU else None))
            if step == TEYIT and stage == KAPANDI:
                rows.append(RequestStage(kind="contact", contact_result="confirmed", contact_channel="telefon",
                                         at=when, note="Vatandaş memnun."))
        if stage in (REDDEDILDI, YETKI_DISI):
            when = at + dt.timedelta(days=min(age, 5))
            rows.append(RequestStage(kind="stage", from_stage=ILETILDI, to_stage=stage, at=when, public=True,
                                     note="Talep belediyenin görev alanında değil; ilgili kuruma yönlendirildi."))
        item.stage_at = when
        item.closed_at = when if stage in (KAPANDI, REDDEDILDI, YETKI_DISI) else None
        item.stages = rows
        db.session.add(item)
        created += 1
    db.session.flush()
    # a contact row belongs to the confirmation round it was recorded in
    for item in db.session.query(CitizenRequest).filter(CitizenRequest.stage == KAPANDI):
        cycle = item.confirmation_cycle()
        for s in item.stages:
            if s.kind == "contact":
                s.cycle = cycle
    return created

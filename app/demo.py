"""Demo data: realistic Turkish records for every register (idempotent: a
register that already has rows is left alone)."""
from __future__ import annotations

import importlib

from app.extensions import db
from app.registers import DOMAINS


def load_demo_data() -> int:
    created = 0
    for domain in DOMAINS:
        try:
            module = importlib.import_module(f"app.registers.{domain}.demo")
        except ModuleNotFoundError:
            continue
        created += module.load() or 0
        db.session.commit()
    return created

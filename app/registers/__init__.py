"""One package per domain of the regulation. Each package's ``models`` and
``views`` modules are imported here; the views register themselves."""
import importlib

DOMAINS = ["reference", "protocol", "office", "agenda", "phone", "meetings"]


def load_all():
    for domain in DOMAINS:
        importlib.import_module(f"app.registers.{domain}.models")


def load_views():
    for domain in DOMAINS:
        importlib.import_module(f"app.registers.{domain}.views")

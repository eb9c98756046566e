"""One package per domain of the regulation. Each package's ``models`` and
``views`` modules are imported here; the views register themselves."""
import importlib

DOMAINS = ["reference", "protocol", "office", "agenda", "phone", "meetings", "citizens", "signing", "mayor",
           "correspondence"]


def load_all():
    for domain in DOMAINS:
        importlib.import_module(f"app.registers.{domain}.models")


def load_views():
    for domain in DOMAINS:
        importlib.import_module(f"app.registers.{domain}.views")


def add_extra_views(appbuilder):
    """Views of a domain outside the registry (reports, public pages, APIs):
    a domain's ``views`` module may define ``add_views(appbuilder)``."""
    for domain in DOMAINS:
        module = importlib.import_module(f"app.registers.{domain}.views")
        hook = getattr(module, "add_views", None)
        if hook is not None:
            hook(appbuilder)

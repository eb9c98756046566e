"""Security events in words: "Bilgi İşlem (Ali Veli) Mehmet Kaya'ya Müdür rolünü verdi"."""
from __future__ import annotations

_BACK, _FRONT = set("aıou"), set("eiöü")
_VOWELS = _BACK | _FRONT | {"â", "û", "î"}
_HARD = set("fstkçşhp")


def _lower(text):
    return str(text).replace("I", "ı").replace("İ", "i").lower()


def _last_vowel(word):
    for ch in reversed(_lower(word)):
        if ch in _VOWELS:
            return ch
    return "e"


def _suffix(name, back, front):
    vowel = _last_vowel(name)
    return back if vowel in _BACK or vowel in "âû" else front


def dative(name):
    """Mehmet Kaya → Mehmet Kaya'ya, Ali Veli → Ali Veli'ye, Ayşe Öztürk → Ayşe Öztürk'e."""
    name = str(name)
    last = _lower(name)[-1:] if name else ""
    a = _suffix(name, "a", "e")
    return f"{name}'{'y' if last in _VOWELS else ''}{a}"


def ablative(name):
    """Mehmet Kaya → Mehmet Kaya'dan, Ahmet → Ahmet'ten."""
    name = str(name)
    last = _lower(name)[-1:] if name else ""
    a = _suffix(name, "a", "e")
    return f"{name}'{'t' if last in _HARD else 'd'}{a}n"


def genitive(name):
    """Mehmet Kaya → Mehmet Kaya'nın, Ali Veli → Ali Veli'nin, Ahmet → Ahmet'in."""
    name = str(name)
    last = _lower(name)[-1:] if name else ""
    vowel = _last_vowel(name)
    i = {"a": "ı", "ı": "ı", "o": "u", "u": "u", "e": "i", "i": "i", "ö": "ü", "ü": "ü"}.get(vowel, "i")
    return f"{name}'{'n' if last in _VOWELS else ''}{i}n"


def person(user):
    if user is None:
        return "Sistem"
    full = f"{user.first_name or ''} {user.last_name or ''}".strip()
    return full or user.username


def role_names(roles):
    return ", ".join(sorted(r.name for r in roles)) or "rolsüz"


def actor_words(user, roles=None):
    """"Bilgi İşlem (Ali Veli)"; the system when nobody is logged in (CLI)."""
    if user is None:
        return "Sistem"
    roles = roles if roles is not None else list(user.roles)
    return f"{role_names(roles)} ({person(user)})"


PERMISSION_WORDS = {
    "list": "listeleme", "show": "görüntüleme", "add": "ekleme", "edit": "düzenleme", "delete": "silme",
    "submit": "onaya gönderme", "approve": "onaylama", "archive": "arşivleme", "restore": "geri alma",
    "purge": "kalıcı silme", "export": "dışa aktarma", "pdf": "PDF", "history": "geçmiş",
    "attachments": "ekler", "index": "açma", "logo": "logo", "bulk": "toplu onay", "verify": "doğrulama",
    "userinfo": "profil", "this_form_get": "form", "this_form_post": "form kaydetme",
}


def view_label(view_name):
    try:
        from app.core.register import REGISTRY as registry

        for entry in registry:
            if entry.name == view_name:
                return str(entry.label)
    except Exception:  # noqa: BLE001 - words only
        pass
    return view_name


def permission_words(pv):
    perm = pv.permission.name if pv.permission else "?"
    view = pv.view_menu.name if pv.view_menu else "?"
    if perm == "menu_access":
        return f"{view} menüsü"
    action = perm[4:] if perm.startswith("can_") else perm
    return f"{view_label(view)}: {PERMISSION_WORDS.get(action, action)}"

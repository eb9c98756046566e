"""Turkish error pages inside the application layout (never a bare server page)."""
from flask import render_template, request
from werkzeug.exceptions import HTTPException

MESSAGES = {
    400: ("Geçersiz istek", "İstek işlenemedi. Oturumunuzun süresi dolmuş olabilir; sayfayı yenileyip tekrar deneyin."),
    403: ("Yetkiniz yok", "Bu sayfayı açma veya bu işlemi yapma yetkiniz bulunmuyor. Gerekiyorsa Bilgi İşlem ile görüşün."),
    404: ("Bulunamadı", "Aradığınız kayıt veya sayfa bulunamadı; silinmiş ya da arşive kaldırılmış olabilir."),
    405: ("İzin verilmeyen işlem", "Bu adres bu şekilde kullanılamaz."),
    413: ("Dosya çok büyük", "Yüklediğiniz dosya izin verilen boyutu aşıyor."),
    429: ("Çok fazla deneme", "Kısa sürede çok fazla istek yapıldı. Lütfen biraz bekleyip tekrar deneyin."),
    503: ("Veritabanı yanıt vermiyor", "Veritabanı şu anda yanıt vermiyor; işleminiz kaydedilmedi. "
                                       "Birkaç dakika sonra tekrar deneyin; sorun sürerse Bilgi İşlem'e bildirin."),
    500: ("Beklenmeyen hata", "İşlem tamamlanamadı ve hiçbir değişiklik kaydedilmedi. Sorun sürerse Bilgi İşlem'e bildirin."),
}


BAD_VALUE = ("Geçersiz değer", "Girilen değerlerden biri geçersiz (ör. çok büyük bir sayı veya izin verilmeyen "
             "bir karakter). Hiçbir değişiklik kaydedilmedi; değeri düzeltip tekrar deneyin.")

PLAIN_PAGE = """<!DOCTYPE html>
<html lang="tr"><head><meta charset="utf-8"><title>{title} | Özel Kalem</title>
<style>body{{font-family:sans-serif;margin:3em auto;max-width:40em;color:#333}}h1{{font-size:1.6em}}</style>
</head><body><h1>{title} <small>({code})</small></h1><p>{text}</p><p><a href="/">Ana sayfa</a></p></body></html>"""


def database_unavailable(exc) -> bool:
    """A connection that could not be made or a statement cancelled by the
    statement timeout / a lock wait: the database does not answer."""
    from sqlalchemy.exc import OperationalError, TimeoutError as PoolTimeout

    return isinstance(exc, (OperationalError, PoolTimeout))


def bad_value(exc) -> bool:
    """A value the database cannot hold that slipped past validation."""
    from sqlalchemy.exc import DataError

    return isinstance(exc, (DataError, OverflowError))


def plain(code, title, text):
    from markupsafe import escape

    return PLAIN_PAGE.format(code=code, title=escape(title), text=escape(text)), code


def init_app(app):
    from app.core import guards
    from app.extensions import appbuilder, db

    guards.init_app(app)

    def render(code, message=None):
        title, text = message or MESSAGES.get(code, MESSAGES[500])
        if code == 503:  # the layout reads the database (menu, user): plain page
            html, status = plain(code, title, text)
            return html, status, {"Retry-After": "30"}
        try:
            html = render_template("error.html", code=code, title=title, text=text,
                                   appbuilder=appbuilder, base_template=appbuilder.base_template)
        except Exception:  # noqa: BLE001 - the layout itself failed: plain text
            html = f"{code} {title}: {text}"
        return html, code

    @app.errorhandler(HTTPException)
    def http_error(exc):
        if exc.code in (301, 302, 303, 307, 308) or request.path.startswith("/static"):
            return exc
        return render(exc.code or 500)

    @app.errorhandler(Exception)
    def unexpected(exc):
        if isinstance(exc, HTTPException):
            return http_error(exc)
        if database_unavailable(exc):
            app.logger.error("Database unavailable on %s: %s", request.path, exc)
            _quiet_rollback(db)
            return render(503)
        if bad_value(exc):
            app.logger.warning("Bad value on %s: %s", request.path, exc)
            _quiet_rollback(db)
            return render(400, BAD_VALUE)
        app.logger.exception("Unhandled error on %s", request.path)
        db.session.rollback()
        return render(500)


def _quiet_rollback(db):
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the connection is gone
        pass
    try:
        db.session.remove()
    except Exception:  # noqa: BLE001
        pass

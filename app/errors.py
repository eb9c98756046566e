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
    500: ("Beklenmeyen hata", "İşlem tamamlanamadı ve hiçbir değişiklik kaydedilmedi. Sorun sürerse Bilgi İşlem'e bildirin."),
}


def init_app(app):
    from app.extensions import appbuilder, db

    def render(code):
        title, text = MESSAGES.get(code, MESSAGES[500])
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
        app.logger.exception("Unhandled error on %s", request.path)
        db.session.rollback()
        return render(500)

"""Files attached to any register record (scans, photos, PDFs).

The type is decided from the content (magic bytes) and the content must
parse as that type (pypdf opens the PDF, Pillow decodes the image), never from
the name; downloads carry the detected type's extension;
files live outside the web root under generated names; downloads go through
the register's permission check and are audited.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import uuid

from flask import abort, current_app, send_file
from flask_appbuilder import Model
from sqlalchemy import Column, DateTime, ForeignKey, Integer, String

from app.core import audit
from app.extensions import db

ALLOWED = {
    # mime: (magic prefix, extension)
    "application/pdf": (b"%PDF-", ".pdf"),
    "image/png": (b"\x89PNG\r\n\x1a\n", ".png"),
    "image/jpeg": (b"\xff\xd8\xff", ".jpg"),
    "image/tiff": (b"II*\x00", ".tif"),
}
TYPE_NAMES = "PDF, PNG, JPEG, TIFF"


class AttachmentError(Exception):
    pass


class Attachment(Model):
    __tablename__ = "attachment"
    id = Column(Integer, primary_key=True)
    register = Column(String(64), nullable=False, index=True)
    record_id = Column(Integer, nullable=False, index=True)
    filename = Column(String(255), nullable=False)      # shown to users (sanitised)
    stored_name = Column(String(64), nullable=False, unique=True)
    mime = Column(String(64), nullable=False)
    size = Column(Integer, nullable=False)
    uploaded_at = Column(DateTime, default=dt.datetime.now, nullable=False)
    uploaded_by_id = Column(Integer, ForeignKey("ab_user.id"))

    def __repr__(self):
        return self.filename


def sniff(head: bytes):
    for mime, (magic, _ext) in ALLOWED.items():
        if head.startswith(magic):
            return mime
    if head[:4] == b"MM\x00*":
        return "image/tiff"
    return None


def content_is_valid(mime: str, data: bytes) -> bool:
    """Parse what is accepted: the PDF must open and have a page, an image
    must decode as the type its magic bytes claim. A file that only starts
    like one (e.g. ``%PDF-`` followed by HTML) is refused."""
    import io
    import logging
    import warnings

    try:
        if mime == "application/pdf":
            from pypdf import PdfReader

            logging.getLogger("pypdf").setLevel(logging.ERROR)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                reader = PdfReader(io.BytesIO(data), strict=False)
                return len(reader.pages) > 0 and reader.pages[0] is not None
        from PIL import Image

        expected = {"image/png": "PNG", "image/jpeg": "JPEG", "image/tiff": "TIFF"}[mime]
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format != expected:
                    return False
                image.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()  # verify() does not decode the pixels
        return True
    except Exception:  # noqa: BLE001 - anything that does not parse is refused
        return False


def download_name(att) -> str:
    """The shown name with the extension of the detected type (never .html)."""
    stem = os.path.splitext(safe_filename(att.filename))[0] or "dosya"
    return stem + ALLOWED.get(att.mime, (None, ".bin"))[1]


def safe_filename(name: str) -> str:
    name = os.path.basename((name or "").replace("\\", "/"))
    name = re.sub(r"[\x00-\x1f<>:\"/\\|?*]", "_", name).strip(" .")
    return name[:200] or "dosya"


def storage_dir():
    path = current_app.config["UPLOAD_DIR"]
    os.makedirs(path, exist_ok=True)
    return path


def save_upload(record, storage):
    if storage is None or not storage.filename:
        raise AttachmentError("Lütfen bir dosya seçin.")
    limit = current_app.config.get("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
    data = storage.read(limit + 1)
    if len(data) > limit:
        raise AttachmentError(f"Dosya çok büyük (en fazla {limit // (1024 * 1024)} MB).")
    if not data:
        raise AttachmentError("Dosya boş.")
    mime = sniff(data[:16])
    if mime is None:
        raise AttachmentError(f"Dosya türü kabul edilmiyor; yalnızca {TYPE_NAMES} yüklenebilir.")
    if not content_is_valid(mime, data):
        raise AttachmentError(f"Dosya bozuk ya da türü içeriğiyle uyuşmuyor; yalnızca açılabilen {TYPE_NAMES} "
                              "dosyaları yüklenebilir.")
    stored = uuid.uuid4().hex + ALLOWED[mime][1]
    with open(os.path.join(storage_dir(), stored), "wb") as fh:
        fh.write(data)
    from flask import g

    att = Attachment(register=record.__tablename__, record_id=record.id,
                     filename=safe_filename(storage.filename), stored_name=stored,
                     mime=mime, size=len(data), uploaded_by_id=getattr(g.user, "id", None))
    db.session.add(att)
    db.session.add(audit.new_entry(record.__tablename__, record.id, "attach", att.filename,
                                   {"size": len(data), "mime": mime}))
    return att


def send_attachment(record, attachment_id):
    att = db.session.get(Attachment, attachment_id)
    if att is None or att.register != record.__tablename__ or att.record_id != record.id:
        abort(404)
    path = os.path.join(storage_dir(), att.stored_name)
    if not os.path.isfile(path):
        abort(404)
    audit.record(record.__tablename__, record.id, "download", att.filename)
    response = send_file(path, mimetype=att.mime, as_attachment=True, download_name=download_name(att),
                         conditional=False, etag=False, max_age=0)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def delete_files_of(record):
    for att in db.session.query(Attachment).filter_by(register=record.__tablename__, record_id=record.id):
        try:
            os.remove(os.path.join(storage_dir(), att.stored_name))
        except FileNotFoundError:
            pass
        db.session.delete(att)

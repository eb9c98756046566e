"""Database errors on a register's add/edit save become Turkish form errors.

Flask-AppBuilder flashes the raw exception text on a failed add
("(psycopg.errors.NumericValueOutOfRange) …") and "Database Error" on a
failed edit, then redirects, losing the input. Validation catches most bad
values before the database (``fields.database_limits``); what still fails at
commit — a unique value taken meanwhile, the loser of a concurrent edit, a
value the database refuses — is rolled back and the form is shown again with
the user's input and a Turkish message. A database that does not answer
gives the 503 page.
"""
from __future__ import annotations

import re
from contextlib import contextmanager

from flask import abort, g, request, session

GENERIC = "Kayıt veritabanına yazılamadı; hiçbir değişiklik kaydedilmedi. Değerleri kontrol edip tekrar deneyin."
STALE = ("Bu kayıt siz kaydederken başka bir kullanıcı tarafından değiştirildi. Değişiklikleriniz "
         "kaydedilmedi: sayfayı yeniden açıp değişikliklerinizi tekrar uygulayın.")
UNIQUE = "Bu değer başka bir kayıtta zaten kullanılıyor."
FOREIGN_KEY = "Seçilen bağlı kayıt artık yok (silinmiş olabilir); başka bir kayıt seçin."
NOT_NULL = "Zorunlu bir alan boş bırakılmış."
TOO_BIG = "Sayı, veritabanının saklayabileceğinden büyük."
TOO_LONG = "Metin çok uzun."
BAD_CHAR = "Metin izin verilmeyen bir karakter içeriyor."


class SaveFailed(Exception):
    pass


@contextmanager
def saving(session_):
    """Around the datamodel's add/edit: remember what the database said."""
    from flask_appbuilder.exceptions import DatabaseException
    from sqlalchemy.exc import SQLAlchemyError

    try:
        yield
    except (SQLAlchemyError, OverflowError, DatabaseException) as exc:
        cause = exc.__cause__ if isinstance(exc, DatabaseException) and exc.__cause__ else exc
        try:
            session_.rollback()
        except Exception:  # noqa: BLE001 - connection gone
            pass
        g._ozk_save_error = cause
        raise SaveFailed(describe(cause)[0]) from cause


def guard_hooks(view):
    """FAB flashes ``str(exc)`` when pre_add/pre_update raise; a database
    error there (a query in a business check) goes through ``saving`` too."""
    import functools

    for name in ("pre_add", "pre_update"):
        original = getattr(view, name)
        if getattr(original, "_ozk_guarded", False):
            continue

        @functools.wraps(original)
        def guarded(item, _original=original):
            from app.extensions import db

            with saving(db.session):
                return _original(item)

        guarded._ozk_guarded = True
        setattr(view, name, guarded)


def describe(exc):
    """(Turkish message, column name or None) for a failed save."""
    from sqlalchemy.exc import DataError, IntegrityError
    from sqlalchemy.orm.exc import StaleDataError

    if isinstance(exc, StaleDataError):
        return STALE, None
    text = str(getattr(exc, "orig", None) or exc)
    code = getattr(getattr(exc, "orig", None), "sqlstate", None) or ""
    if isinstance(exc, IntegrityError):
        if code == "23505" or "UNIQUE constraint failed" in text:
            match = (re.search(r"Key \(([^)]+)\)=", text)
                     or re.search(r"UNIQUE constraint failed: \w+\.(\w+)", text))
            return UNIQUE, (match.group(1) if match else None)
        if code == "23503" or "FOREIGN KEY" in text:
            return FOREIGN_KEY, None
        if code == "23502" or "NOT NULL" in text:
            match = re.search(r'column "(\w+)"', text) or re.search(r"NOT NULL constraint failed: \w+\.(\w+)", text)
            return NOT_NULL, (match.group(1) if match else None)
        return GENERIC, None
    if isinstance(exc, OverflowError) or code in ("22003", "22008"):
        return TOO_BIG, None
    if code == "22001":
        return TOO_LONG, None
    if "NUL" in text or code == "22021":
        return BAD_CHAR, None
    if isinstance(exc, (DataError, ValueError)):
        return GENERIC, None
    return GENERIC, None


def _drop_fab_flashes(view, exc):
    """FAB flashed the raw exception (add) or "Database Error" (edit): drop it."""
    unwanted = {str(exc), str(view.database_error_message)}
    flashes = session.get("_flashes")
    if flashes:
        session["_flashes"] = [(c, m) for c, m in flashes if str(m) not in unwanted]


def guarded_save(view, call, editing, pk=None):
    from app.errors import database_unavailable

    g._ozk_save_error = None
    result = call()
    exc = g.pop("_ozk_save_error", None)
    if exc is None:
        return result
    _drop_fab_flashes(view, SaveFailed(describe(exc)[0]))
    if database_unavailable(exc):
        abort(503)
    message, column = describe(exc)
    return _form_again(view, editing, pk, message, column)


def _form_again(view, editing, pk, message, column):
    """The form as the user sent it, with the message: nothing is lost."""
    from flask_appbuilder.urltools import get_order_args, get_page_args, get_page_size_args

    exclude_cols = view._filters.get_relation_cols()
    if editing:
        item = view.datamodel.get(pk)
        if item is None:
            abort(404)
        form = view.edit_form.refresh(request.form)
        view._fill_form_exclude_cols(exclude_cols, form)
        form._id = view.datamodel.get_pk_value(item)
    else:
        form = view.add_form.refresh()
        view._fill_form_exclude_cols(exclude_cols, form)
    form.validate()
    if not form.form_errors:  # a version conflict found on validation already says it
        target = form._fields.get(column) if column else None
        if target is not None:
            target.errors = list(target.errors) + [message]
        form.form_errors.append(message)
    if not editing:
        return view._get_add_widget(form=form, exclude_cols=exclude_cols)
    widgets = view._get_edit_widget(form=form, exclude_cols=exclude_cols)
    return view._get_related_views_widgets(item, filters={}, orders=get_order_args(),
                                           pages=get_page_args(), page_sizes=get_page_size_args(),
                                           widgets=widgets)

"""Jinja filters for Turkish formats."""
from app.core import turkish


def init_app(app):
    app.jinja_env.filters["trdate"] = turkish.format_date
    app.jinja_env.filters["trday"] = turkish.format_day
    app.jinja_env.filters["money"] = turkish.format_money
    app.jinja_env.filters["trupper"] = turkish.upper
    app.jinja_env.filters["isoday"] = iso_day


def iso_day(value):
    """'2026-03-31' (from the address) → '31.03.2026'; anything else as it is."""
    import datetime as dt

    try:
        return dt.date.fromisoformat(str(value)[:10]).strftime("%d.%m.%Y")
    except ValueError:
        return str(value)[:10]

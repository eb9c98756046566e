"""Jinja filters for Turkish formats."""
from app.core import turkish


def init_app(app):
    app.jinja_env.filters["trdate"] = turkish.format_date
    app.jinja_env.filters["trday"] = turkish.format_day
    app.jinja_env.filters["money"] = turkish.format_money
    app.jinja_env.filters["trupper"] = turkish.upper

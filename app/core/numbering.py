"""Yearly document numbers: ``PREFIX-YYYY-NNNN``.

One counter row per (prefix, year). The number is taken with an ``UPDATE …
RETURNING`` inside the record's own transaction: the row lock serialises
concurrent creators on PostgreSQL, and a rolled-back create rolls the counter
back too, so numbers have no gaps and no duplicates. The year is the year the
record is registered (kayıt yılı), as in an incoming/outgoing document book.
"""
from __future__ import annotations

import datetime as dt

from flask_appbuilder import Model
from sqlalchemy import Column, Integer, PrimaryKeyConstraint, String, event, text
from sqlalchemy.orm import Session


class NumberSequence(Model):
    __tablename__ = "number_sequence"
    prefix = Column(String(10), nullable=False)
    year = Column(Integer, nullable=False)
    last = Column(Integer, nullable=False, default=0)
    __table_args__ = (PrimaryKeyConstraint("prefix", "year"),)


def next_number(connection, prefix: str, year: int) -> str:
    params = {"p": prefix, "y": year}
    if connection.dialect.name == "postgresql":
        connection.execute(
            text("INSERT INTO number_sequence (prefix, year, last) VALUES (:p, :y, 0) "
                 "ON CONFLICT (prefix, year) DO NOTHING"), params)
    else:
        connection.execute(
            text("INSERT OR IGNORE INTO number_sequence (prefix, year, last) VALUES (:p, :y, 0)"), params)
    value = connection.execute(
        text("UPDATE number_sequence SET last = last + 1 WHERE prefix = :p AND year = :y RETURNING last"),
        params).scalar_one()
    return f"{prefix}-{year}-{value:04d}"


@event.listens_for(Session, "before_flush")
def _assign_numbers(session, flush_context, instances):
    for obj in session.new:
        prefix = getattr(type(obj), "number_prefix", None)
        if prefix and not getattr(obj, "number", None):
            obj.number = next_number(session.connection(), prefix, dt.date.today().year)

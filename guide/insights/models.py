"""The database: the counters (one row per day, event and dimensions, never one per person) and staff accounts."""

from __future__ import annotations

import datetime as dt

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Date, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """The guide's tables."""


db = SQLAlchemy(model_class=Base)

#: What a counter may be broken down by. Every value is a code from rules.yaml or the guide's own short names,
#: never free text; a counter that does not use a dimension has "" there (so that the key is unique).
DIMENSIONS = ("lang", "category", "goal", "cause", "area", "step", "bucket", "page", "via")


class Count(db.Model):  # type: ignore[name-defined]
    """How many times an event happened on a day, with these dimensions."""

    __tablename__ = "counts"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    event: Mapped[str] = mapped_column(String(16), primary_key=True)
    lang: Mapped[str] = mapped_column(String(8), primary_key=True, default="")
    category: Mapped[str] = mapped_column(String(24), primary_key=True, default="")
    goal: Mapped[str] = mapped_column(String(24), primary_key=True, default="")
    cause: Mapped[str] = mapped_column(String(24), primary_key=True, default="")
    area: Mapped[str] = mapped_column(String(24), primary_key=True, default="")
    step: Mapped[str] = mapped_column(String(16), primary_key=True, default="")
    bucket: Mapped[str] = mapped_column(String(8), primary_key=True, default="")
    page: Mapped[str] = mapped_column(String(16), primary_key=True, default="")
    via: Mapped[str] = mapped_column(String(16), primary_key=True, default="")
    count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class Staff(db.Model):  # type: ignore[name-defined]
    """A member of the clinic's staff who may read the insights: a name and an Argon2 hash, nothing else."""

    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    created: Mapped[dt.date] = mapped_column(Date, nullable=False)

    # Flask-Login's user interface.
    is_active = True
    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        """The id Flask-Login keeps in the session."""
        return str(self.id)

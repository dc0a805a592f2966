"""Counters per day, event and dimensions (never a row per person), and staff accounts.

Revision ID: a38c2f5c7a41
Revises:
Create Date: 2026-12-06 23:41:17
"""

import sqlalchemy as sa
from alembic import op

revision = "a38c2f5c7a41"
down_revision = None
branch_labels = None
depends_on = None

DIMENSIONS = (("lang", 8), ("category", 24), ("goal", 24), ("cause", 24), ("area", 24), ("step", 16),
              ("bucket", 8), ("page", 16), ("via", 16))


def upgrade():
    op.create_table(
        "counts",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("event", sa.String(length=16), nullable=False),
        *(sa.Column(name, sa.String(length=length), nullable=False) for name, length in DIMENSIONS),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "event", *(name for name, _ in DIMENSIONS)),
    )
    op.create_table(
        "staff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("created", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )


def downgrade():
    op.drop_table("staff")
    op.drop_table("counts")

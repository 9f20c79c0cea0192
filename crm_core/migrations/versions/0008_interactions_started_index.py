"""interactions: index on started_at (reports over a period: every call started in a day or a month)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29
"""
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_interactions_started_at', 'interactions', ['started_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_interactions_started_at', table_name='interactions')

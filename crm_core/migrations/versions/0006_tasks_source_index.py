"""tasks: index on the source interaction (callback de-duplication, ON DELETE SET NULL)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_tasks_source_interaction_id', 'tasks', ['source_interaction_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_tasks_source_interaction_id', table_name='tasks')

"""ivr session log: flow, flow version and outcome on interactions

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""
from alembic import op
import sqlalchemy as sa

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('interactions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ivr_flow', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('ivr_flow_version', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('ivr_outcome', sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('interactions', schema=None) as batch_op:
        batch_op.drop_column('ivr_outcome')
        batch_op.drop_column('ivr_flow_version')
        batch_op.drop_column('ivr_flow')

"""report roll-ups: per 15-minute interval, agents' and queues' additive figures and the intervals rolled up

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29
"""
from alembic import op
import sqlalchemy as sa
import crm_core.db


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('report_rolled_intervals',
    sa.Column('interval_start', crm_core.db.UTCDateTime(), nullable=False),
    sa.Column('rolled_at', crm_core.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('interval_start', name=op.f('pk_report_rolled_intervals'))
    )
    op.create_table('report_agent_intervals',
    sa.Column('interval_start', crm_core.db.UTCDateTime(), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=False),
    sa.Column('calls_handled', sa.Integer(), nullable=False),
    sa.Column('hold_seconds', sa.Float(), nullable=False),
    sa.Column('available_seconds', sa.Float(), nullable=False),
    sa.Column('ringing_seconds', sa.Float(), nullable=False),
    sa.Column('preview_seconds', sa.Float(), nullable=False),
    sa.Column('on_call_seconds', sa.Float(), nullable=False),
    sa.Column('wrap_up_seconds', sa.Float(), nullable=False),
    sa.Column('break_seconds', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['agent_id'], ['users.id'], name=op.f('fk_report_agent_intervals_agent_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('interval_start', 'agent_id', name=op.f('pk_report_agent_intervals'))
    )
    op.create_table('report_agent_dispositions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('interval_start', crm_core.db.UTCDateTime(), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=False),
    sa.Column('queue', sa.String(length=64), nullable=True),
    sa.Column('disposition', sa.String(length=48), nullable=False),
    sa.Column('calls', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agent_id'], ['users.id'], name=op.f('fk_report_agent_dispositions_agent_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_agent_dispositions'))
    )
    op.create_index(op.f('ix_report_agent_dispositions_interval_start'), 'report_agent_dispositions', ['interval_start'], unique=False)
    op.create_table('report_queue_intervals',
    sa.Column('interval_start', crm_core.db.UTCDateTime(), nullable=False),
    sa.Column('queue', sa.String(length=64), nullable=False),
    sa.Column('offered', sa.Integer(), nullable=False),
    sa.Column('answered', sa.Integer(), nullable=False),
    sa.Column('abandoned', sa.Integer(), nullable=False),
    sa.Column('answered_wait_seconds', sa.BigInteger(), nullable=False),
    sa.Column('longest_wait_seconds', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('interval_start', 'queue', name=op.f('pk_report_queue_intervals'))
    )
    op.create_table('report_queue_waits',
    sa.Column('interval_start', crm_core.db.UTCDateTime(), nullable=False),
    sa.Column('queue', sa.String(length=64), nullable=False),
    sa.Column('wait_seconds', sa.Integer(), nullable=False),
    sa.Column('answered', sa.Integer(), nullable=False),
    sa.Column('abandoned', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('interval_start', 'queue', 'wait_seconds', name=op.f('pk_report_queue_waits'))
    )


def downgrade() -> None:
    op.drop_table('report_queue_waits')
    op.drop_table('report_queue_intervals')
    op.drop_index(op.f('ix_report_agent_dispositions_interval_start'), table_name='report_agent_dispositions')
    op.drop_table('report_agent_dispositions')
    op.drop_table('report_agent_intervals')
    op.drop_table('report_rolled_intervals')

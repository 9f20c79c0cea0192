"""monitoring_sessions: supervisors listening to, whispering to or barging into agents' calls (the audit trail)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29
"""
from alembic import op
import sqlalchemy as sa
import crm_core.db


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('monitoring_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('interaction_id', sa.Integer(), nullable=False),
    sa.Column('supervisor_id', sa.Integer(), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=True),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('leg_sid', sa.String(length=64), nullable=False),
    sa.Column('started_at', crm_core.db.UTCDateTime(), nullable=False),
    sa.Column('ended_at', crm_core.db.UTCDateTime(), nullable=True),
    sa.CheckConstraint("mode IN ('listen', 'whisper', 'barge')", name=op.f('ck_monitoring_sessions_mode')),
    sa.ForeignKeyConstraint(['agent_id'], ['users.id'], name=op.f('fk_monitoring_sessions_agent_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['interaction_id'], ['interactions.id'], name=op.f('fk_monitoring_sessions_interaction_id_interactions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['supervisor_id'], ['users.id'], name=op.f('fk_monitoring_sessions_supervisor_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_monitoring_sessions'))
    )
    op.create_index('ix_monitoring_sessions_interaction', 'monitoring_sessions', ['interaction_id'], unique=False)
    op.create_index('ix_monitoring_sessions_leg_sid', 'monitoring_sessions', ['leg_sid'], unique=False)
    op.create_index('ix_monitoring_sessions_supervisor_started', 'monitoring_sessions', ['supervisor_id', 'started_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_monitoring_sessions_supervisor_started', table_name='monitoring_sessions')
    op.drop_index('ix_monitoring_sessions_leg_sid', table_name='monitoring_sessions')
    op.drop_index('ix_monitoring_sessions_interaction', table_name='monitoring_sessions')
    op.drop_table('monitoring_sessions')

"""dialing engine: campaign dialing settings, lead schedules, attempt outcomes

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa
import crm_core.db


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('campaign_dialing',
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('recycle_rules', sa.JSON(), nullable=False),
    sa.Column('machine_action', sa.String(length=16), nullable=False),
    sa.Column('voicemail_text', sa.Text(), nullable=True),
    sa.Column('safe_harbor_text', sa.Text(), nullable=True),
    sa.Column('callback_number', sa.String(length=20), nullable=True),
    sa.Column('script', sa.Text(), nullable=True),
    sa.Column('dispositions', sa.JSON(), nullable=False),
    sa.Column('queue', sa.String(length=64), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.CheckConstraint("machine_action in ('voicemail', 'hangup')", name=op.f('ck_campaign_dialing_machine_action')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_dialing_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('campaign_id', name=op.f('pk_campaign_dialing'))
    )
    op.create_table('lead_schedules',
    sa.Column('lead_id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('tries', sa.Integer(), nullable=False),
    sa.Column('next_at', crm_core.db.UTCDateTime(), nullable=True),
    sa.Column('callback', sa.Boolean(), nullable=False),
    sa.Column('callback_agent_id', sa.Integer(), nullable=True),
    sa.Column('last_outcome', sa.String(length=16), nullable=True),
    sa.ForeignKeyConstraint(['callback_agent_id'], ['users.id'], name=op.f('fk_lead_schedules_callback_agent_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_lead_schedules_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_lead_schedules_lead_id_leads'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('lead_id', name=op.f('pk_lead_schedules'))
    )
    op.create_index('ix_lead_schedules_campaign_next', 'lead_schedules', ['campaign_id', 'next_at'], unique=False)
    op.create_table('attempt_outcomes',
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('decided_at', crm_core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['attempt_id'], ['dial_attempts.id'], name=op.f('fk_attempt_outcomes_attempt_id_dial_attempts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('attempt_id', name=op.f('pk_attempt_outcomes'))
    )


def downgrade() -> None:
    op.drop_table('attempt_outcomes')
    op.drop_index('ix_lead_schedules_campaign_next', table_name='lead_schedules')
    op.drop_table('lead_schedules')
    op.drop_table('campaign_dialing')

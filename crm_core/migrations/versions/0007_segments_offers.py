"""segments and next-best offers: saved segments, offer rules, agents' responses

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""
from alembic import op
import sqlalchemy as sa
import crm_core.db


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('segments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('conditions', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', crm_core.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', crm_core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_segments_created_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_segments')),
    sa.UniqueConstraint('name', name=op.f('uq_segments_name'))
    )
    op.create_table('offers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('segment_id', sa.Integer(), nullable=True),
    sa.Column('conditions', sa.JSON(), nullable=False),
    sa.Column('texts', sa.JSON(), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('valid_from', crm_core.db.UTCDateTime(), nullable=True),
    sa.Column('valid_to', crm_core.db.UTCDateTime(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', crm_core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['segment_id'], ['segments.id'], name=op.f('fk_offers_segment_id_segments'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_offers')),
    sa.UniqueConstraint('code', name=op.f('uq_offers_code'))
    )
    op.create_table('offer_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('offer_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('interaction_id', sa.Integer(), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=True),
    sa.Column('response', sa.String(length=16), nullable=False),
    sa.Column('responded_at', crm_core.db.UTCDateTime(), nullable=False),
    sa.CheckConstraint("response in ('accepted', 'declined', 'not_offered')", name=op.f('ck_offer_responses_response')),
    sa.ForeignKeyConstraint(['agent_id'], ['users.id'], name=op.f('fk_offer_responses_agent_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_offer_responses_customer_id_customers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['interaction_id'], ['interactions.id'], name=op.f('fk_offer_responses_interaction_id_interactions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['offer_id'], ['offers.id'], name=op.f('fk_offer_responses_offer_id_offers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_offer_responses')),
    sa.UniqueConstraint('offer_id', 'interaction_id', name=op.f('uq_offer_responses_offer_id'))
    )
    op.create_index('ix_offer_responses_customer_id', 'offer_responses', ['customer_id'], unique=False)
    op.create_index('ix_offer_responses_interaction_id', 'offer_responses', ['interaction_id'], unique=False)
    op.create_index('ix_offer_responses_responded', 'offer_responses', ['responded_at'], unique=False)


def downgrade() -> None:
    op.drop_table('offer_responses')
    op.drop_table('offers')
    op.drop_table('segments')

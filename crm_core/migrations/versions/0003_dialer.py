"""dialer: campaigns, call lists, leads, attempts, compliance profiles, DNC registries, gate audit

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""
from alembic import op
import sqlalchemy as sa
import crm_core.db


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('compliance_profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('rules', sa.JSON(), nullable=False),
    sa.Column('shipped', sa.Boolean(), nullable=False),
    sa.Column('updated_at', crm_core.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_compliance_profiles')),
    sa.UniqueConstraint('code', name=op.f('uq_compliance_profiles_code'))
    )
    op.create_table('campaigns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=16), nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('caller_id', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', crm_core.db.UTCDateTime(), nullable=False),
    sa.CheckConstraint("mode in ('preview', 'progressive', 'predictive')", name=op.f('ck_campaigns_mode')),
    sa.CheckConstraint("purpose in ('service', 'advertising')", name=op.f('ck_campaigns_purpose')),
    sa.ForeignKeyConstraint(['profile_id'], ['compliance_profiles.id'], name=op.f('fk_campaigns_profile_id_compliance_profiles')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaigns')),
    sa.UniqueConstraint('name', name=op.f('uq_campaigns_name'))
    )
    op.create_table('dnc_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('e164', sa.String(length=20), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=8), nullable=False),
    sa.Column('reason', sa.String(length=255), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', crm_core.db.UTCDateTime(), nullable=False),
    sa.CheckConstraint("action in ('add', 'remove')", name=op.f('ck_dnc_changes_action')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_dnc_changes_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dnc_changes'))
    )
    with op.batch_alter_table('dnc_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dnc_changes_e164'), ['e164'], unique=False)

    op.create_table('dnc_registry_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registry_code', sa.String(length=32), nullable=False),
    sa.Column('registry_date', sa.Date(), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=True),
    sa.Column('entries_count', sa.Integer(), nullable=False),
    sa.Column('rejected_count', sa.Integer(), nullable=False),
    sa.Column('imported_by', sa.Integer(), nullable=True),
    sa.Column('imported_at', crm_core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['imported_by'], ['users.id'], name=op.f('fk_dnc_registry_imports_imported_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dnc_registry_imports'))
    )
    with op.batch_alter_table('dnc_registry_imports', schema=None) as batch_op:
        batch_op.create_index('ix_dnc_registry_imports_code_date', ['registry_code', 'registry_date'], unique=False)

    op.create_table('call_lists',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=True),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('rows_total', sa.Integer(), nullable=False),
    sa.Column('leads_count', sa.Integer(), nullable=False),
    sa.Column('rejected_count', sa.Integer(), nullable=False),
    sa.Column('duplicates_count', sa.Integer(), nullable=False),
    sa.Column('linked_count', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', crm_core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_call_lists_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_call_lists_created_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_call_lists'))
    )
    with op.batch_alter_table('call_lists', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_call_lists_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('dnc_registry_entries',
    sa.Column('import_id', sa.Integer(), nullable=False),
    sa.Column('e164', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['import_id'], ['dnc_registry_imports.id'], name=op.f('fk_dnc_registry_entries_import_id_dnc_registry_imports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('import_id', 'e164', name=op.f('pk_dnc_registry_entries'))
    )
    op.create_table('call_list_rejections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('list_id', sa.Integer(), nullable=False),
    sa.Column('row_number', sa.Integer(), nullable=False),
    sa.Column('value', sa.String(length=255), nullable=True),
    sa.Column('reason', sa.String(length=255), nullable=False),
    sa.ForeignKeyConstraint(['list_id'], ['call_lists.id'], name=op.f('fk_call_list_rejections_list_id_call_lists'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_call_list_rejections'))
    )
    with op.batch_alter_table('call_list_rejections', schema=None) as batch_op:
        batch_op.create_index('ix_call_list_rejections_list_row', ['list_id', 'row_number'], unique=False)

    op.create_table('leads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('list_id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('row_number', sa.Integer(), nullable=True),
    sa.Column('e164', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('region', sa.String(length=2), nullable=True),
    sa.Column('time_zones', sa.JSON(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('extra', sa.JSON(), nullable=True),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('consent_at', crm_core.db.UTCDateTime(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_leads_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_leads_customer_id_customers'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['list_id'], ['call_lists.id'], name=op.f('fk_leads_list_id_call_lists'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_leads')),
    sa.UniqueConstraint('list_id', 'e164', name='uq_leads_list_e164')
    )
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.create_index('ix_leads_campaign_status', ['campaign_id', 'status'], unique=False)

    op.create_table('dial_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=True),
    sa.Column('e164', sa.String(length=20), nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('call_sid', sa.String(length=64), nullable=True),
    sa.Column('placed_at', crm_core.db.UTCDateTime(), nullable=True),
    sa.Column('answered_at', crm_core.db.UTCDateTime(), nullable=True),
    sa.Column('answered_by', sa.String(length=16), nullable=True),
    sa.Column('connected_at', crm_core.db.UTCDateTime(), nullable=True),
    sa.Column('abandoned', sa.Boolean(), nullable=False),
    sa.Column('agent_marked_machine', sa.Boolean(), nullable=False),
    sa.Column('refused', sa.Boolean(), nullable=False),
    sa.Column('ended_at', crm_core.db.UTCDateTime(), nullable=True),
    sa.Column('created_at', crm_core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_dial_attempts_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_dial_attempts_lead_id_leads'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dial_attempts')),
    sa.UniqueConstraint('call_sid', name=op.f('uq_dial_attempts_call_sid'))
    )
    with op.batch_alter_table('dial_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_dial_attempts_campaign_placed', ['campaign_id', 'placed_at'], unique=False)
        batch_op.create_index('ix_dial_attempts_e164_placed', ['e164', 'placed_at'], unique=False)

    op.create_table('gate_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=True),
    sa.Column('attempt_id', sa.Integer(), nullable=True),
    sa.Column('e164', sa.String(length=20), nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('profile_code', sa.String(length=16), nullable=False),
    sa.Column('allowed', sa.Boolean(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('decided_at', crm_core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['attempt_id'], ['dial_attempts.id'], name=op.f('fk_gate_decisions_attempt_id_dial_attempts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_gate_decisions_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_gate_decisions_lead_id_leads'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gate_decisions'))
    )
    with op.batch_alter_table('gate_decisions', schema=None) as batch_op:
        batch_op.create_index('ix_gate_decisions_campaign_decided', ['campaign_id', 'decided_at'], unique=False)
        batch_op.create_index('ix_gate_decisions_e164_decided', ['e164', 'decided_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('gate_decisions', schema=None) as batch_op:
        batch_op.drop_index('ix_gate_decisions_e164_decided')
        batch_op.drop_index('ix_gate_decisions_campaign_decided')

    op.drop_table('gate_decisions')
    with op.batch_alter_table('dial_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_dial_attempts_e164_placed')
        batch_op.drop_index('ix_dial_attempts_campaign_placed')

    op.drop_table('dial_attempts')
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.drop_index('ix_leads_campaign_status')

    op.drop_table('leads')
    with op.batch_alter_table('call_list_rejections', schema=None) as batch_op:
        batch_op.drop_index('ix_call_list_rejections_list_row')

    op.drop_table('call_list_rejections')
    op.drop_table('dnc_registry_entries')
    with op.batch_alter_table('call_lists', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_call_lists_campaign_id'))

    op.drop_table('call_lists')
    with op.batch_alter_table('dnc_registry_imports', schema=None) as batch_op:
        batch_op.drop_index('ix_dnc_registry_imports_code_date')

    op.drop_table('dnc_registry_imports')
    with op.batch_alter_table('dnc_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dnc_changes_e164'))

    op.drop_table('dnc_changes')
    op.drop_table('campaigns')
    op.drop_table('compliance_profiles')

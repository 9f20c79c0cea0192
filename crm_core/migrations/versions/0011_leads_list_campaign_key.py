"""leads: one foreign key (list_id, campaign_id) -> call_lists (id, campaign_id) instead of one to each table

A lead must be in its list's campaign, which the two keys did not check; and an import checked each of a million
leads twice.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29
"""
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('call_lists', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_call_lists_id_campaign', ['id', 'campaign_id'])
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.drop_constraint('fk_leads_campaign_id_campaigns', type_='foreignkey')
        batch_op.drop_constraint('fk_leads_list_id_call_lists', type_='foreignkey')
        batch_op.create_foreign_key('fk_leads_list_id_call_lists', 'call_lists', ['list_id', 'campaign_id'],
                                    ['id', 'campaign_id'], ondelete='CASCADE')


def downgrade() -> None:
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.drop_constraint('fk_leads_list_id_call_lists', type_='foreignkey')
        batch_op.create_foreign_key('fk_leads_list_id_call_lists', 'call_lists', ['list_id'], ['id'],
                                    ondelete='CASCADE')
        batch_op.create_foreign_key('fk_leads_campaign_id_campaigns', 'campaigns', ['campaign_id'], ['id'],
                                    ondelete='CASCADE')
    with op.batch_alter_table('call_lists', schema=None) as batch_op:
        batch_op.drop_constraint('uq_call_lists_id_campaign', type_='unique')

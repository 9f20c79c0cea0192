"""agent console: state history, dispositions, wrap-up and review on interactions

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""
from alembic import op
import sqlalchemy as sa
import crm_core.db

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

DEFAULT_DISPOSITIONS = [
    # code, Russian, English, success, callback, do-not-call, ticket
    ("resolved", "Вопрос решён", "Resolved", True, False, False, False),
    ("order_status_given", "Статус заказа сообщён", "Order status given", True, False, False, False),
    ("sale", "Продажа", "Sale", True, False, False, False),
    ("callback_requested", "Просит перезвонить", "Callback requested", False, True, False, False),
    ("not_interested", "Не интересно", "Not interested", False, False, False, False),
    ("escalated", "Передано в работу (тикет)", "Escalated (ticket)", False, False, False, True),
    ("wrong_number", "Ошибочный номер", "Wrong number", False, False, False, False),
    ("do_not_call", "Не звонить", "Do not call", False, False, True, False),
]


def upgrade() -> None:
    op.create_table('agent_state_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(length=64), nullable=True),
    sa.Column('call_sid', sa.String(length=64), nullable=True),
    sa.Column('started_at', crm_core.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_agent_state_changes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agent_state_changes'))
    )
    with op.batch_alter_table('agent_state_changes', schema=None) as batch_op:
        batch_op.create_index('ix_agent_state_changes_user_started', ['user_id', 'started_at'], unique=False)

    dispositions = op.create_table('dispositions',
    sa.Column('code', sa.String(length=48), nullable=False),
    sa.Column('label_ru', sa.String(length=100), nullable=False),
    sa.Column('label_en', sa.String(length=100), nullable=False),
    sa.Column('is_success', sa.Boolean(), nullable=False),
    sa.Column('schedules_callback', sa.Boolean(), nullable=False),
    sa.Column('adds_do_not_call', sa.Boolean(), nullable=False),
    sa.Column('opens_ticket', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_dispositions'))
    )
    op.bulk_insert(dispositions, [
        {"code": code, "label_ru": ru, "label_en": en, "is_success": success, "schedules_callback": callback,
         "adds_do_not_call": dnc, "opens_ticket": ticket, "active": True, "sort_order": i}
        for i, (code, ru, en, success, callback, dnc, ticket) in enumerate(DEFAULT_DISPOSITIONS)
    ])
    with op.batch_alter_table('interactions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('wrapped_up_at', crm_core.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('review_reason', sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('interactions', schema=None) as batch_op:
        batch_op.drop_column('review_reason')
        batch_op.drop_column('wrapped_up_at')
    op.drop_table('dispositions')
    with op.batch_alter_table('agent_state_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_agent_state_changes_user_started')
    op.drop_table('agent_state_changes')

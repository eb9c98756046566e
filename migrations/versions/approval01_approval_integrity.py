"""approval integrity: proxy bound to a login, the mayor's olur, handover outcome

Revision ID: approval01
Revises: sec01
Create Date: 2026-11-26 03:50:00

- leave.proxy_user_id: the login that holds a director proxy, bound at approval
  (existing approved proxies are bound to the substitute's current login)
- leave.consent_date / consent_ref: date and number of the mayor's olur
- handover.keep_active_note: why the leaving person's staff record stays active
- handover_line.new_holder_id: who takes over an undelivered custody item
"""
from alembic import op
import sqlalchemy as sa


revision = 'approval01'
down_revision = 'sec01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('leave', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consent_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('consent_ref', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('proxy_user_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_leave_proxy_user_id_ab_user', 'ab_user', ['proxy_user_id'], ['id'])
    with op.batch_alter_table('handover', schema=None) as batch_op:
        batch_op.add_column(sa.Column('keep_active_note', sa.String(length=300), nullable=True))
    with op.batch_alter_table('handover_line', schema=None) as batch_op:
        batch_op.add_column(sa.Column('new_holder_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_handover_line_new_holder_id_staff', 'staff', ['new_holder_id'], ['id'])
    op.execute(
        "UPDATE leave SET proxy_user_id = (SELECT staff.user_id FROM staff WHERE staff.id = leave.substitute_id) "
        "WHERE state = 'approved' AND is_director_proxy = " + ("true" if op.get_bind().dialect.name == "postgresql" else "1")
    )


def downgrade():
    with op.batch_alter_table('handover_line', schema=None) as batch_op:
        batch_op.drop_constraint('fk_handover_line_new_holder_id_staff', type_='foreignkey')
        batch_op.drop_column('new_holder_id')
    with op.batch_alter_table('handover', schema=None) as batch_op:
        batch_op.drop_column('keep_active_note')
    with op.batch_alter_table('leave', schema=None) as batch_op:
        batch_op.drop_constraint('fk_leave_proxy_user_id_ab_user', type_='foreignkey')
        batch_op.drop_column('proxy_user_id')
        batch_op.drop_column('consent_ref')
        batch_op.drop_column('consent_date')

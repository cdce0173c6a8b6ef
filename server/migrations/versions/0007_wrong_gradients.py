"""wrong gradients: every gradient a failed gradient check found wrong, per test row, for the heat map

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 10:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    # Rows stored before stay NULL: their reports never listed the gradients (older grades count as
    # not known, and a regrade fills them in).
    with op.batch_alter_table('test_results', schema=None) as batch_op:
        batch_op.add_column(sa.Column('wrong_gradients', sa.String(length=64), nullable=True))
        batch_op.create_index('ix_test_results_result_gradients',
                              ['result_id', 'function', 'status', 'wrong_gradients'], unique=False,
                              sqlite_where=sa.text('wrong_gradients IS NOT NULL'),
                              postgresql_where=sa.text('wrong_gradients IS NOT NULL'))


def downgrade():
    with op.batch_alter_table('test_results', schema=None) as batch_op:
        batch_op.drop_index('ix_test_results_result_gradients', sqlite_where=sa.text('wrong_gradients IS NOT NULL'),
                            postgresql_where=sa.text('wrong_gradients IS NOT NULL'))
        batch_op.drop_column('wrong_gradients')

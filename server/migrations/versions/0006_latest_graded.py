"""latest graded: each student's latest graded submission per assignment, for the overview

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 23:25:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'latest_graded',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('assignment_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('submission_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'],
                                name=op.f('fk_latest_graded_assignment_id_assignments'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'],
                                name=op.f('fk_latest_graded_submission_id_submissions'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_latest_graded_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_latest_graded')),
        sa.UniqueConstraint('assignment_id', 'user_id', name=op.f('uq_latest_graded_assignment_id')),
    )
    with op.batch_alter_table('latest_graded', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_latest_graded_submission_id'), ['submission_id'], unique=False)
    # The grades already stored (the queue keeps it from now on).
    op.execute("INSERT INTO latest_graded (assignment_id, user_id, submission_id) "
               "SELECT assignment_id, user_id, max(id) FROM submissions "
               "WHERE status = 'graded' AND result_id IS NOT NULL GROUP BY assignment_id, user_id")


def downgrade():
    with op.batch_alter_table('latest_graded', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_latest_graded_submission_id'))

    op.drop_table('latest_graded')

"""gradebook: the grade-of-record policy and upload prechecks per assignment, students' active submissions,
each student's grade of record (built here for stored grades); queue health: worker heartbeats and
when a submission's grading last failed

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 03:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


# recreate='never': on SQLite a batch that copies `assignments` or `submissions` into a new table
# drops the old one, and with foreign keys on that DROP deletes every row that cascades from it
# (submissions, results, ...). Adding and dropping plain columns needs no copy (SQLite >= 3.35).


def upgrade():
    # Existing assignments get the default policy (best graded submission) and prechecks on.
    with op.batch_alter_table('assignments', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('grade_policy', sa.String(length=16), server_default='best', nullable=False))
        batch_op.add_column(sa.Column('precheck_uploads', sa.Boolean(), server_default=sa.true(), nullable=False))
    op.create_table('active_submissions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('assignment_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('submission_id', sa.Integer(), nullable=False),
        sa.Column('chosen_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'],
                                name=op.f('fk_active_submissions_assignment_id_assignments'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'],
                                name=op.f('fk_active_submissions_submission_id_submissions'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_active_submissions_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_active_submissions')),
        sa.UniqueConstraint('assignment_id', 'user_id', name=op.f('uq_active_submissions_assignment_id')))
    with op.batch_alter_table('active_submissions', schema=None, recreate='never') as batch_op:
        batch_op.create_index(batch_op.f('ix_active_submissions_submission_id'), ['submission_id'], unique=False)
    op.create_table('grade_records',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('assignment_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('submission_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'],
                                name=op.f('fk_grade_records_assignment_id_assignments'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'],
                                name=op.f('fk_grade_records_submission_id_submissions'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_grade_records_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_grade_records')),
        sa.UniqueConstraint('assignment_id', 'user_id', name=op.f('uq_grade_records_assignment_id')))
    with op.batch_alter_table('grade_records', schema=None, recreate='never') as batch_op:
        batch_op.create_index(batch_op.f('ix_grade_records_submission_id'), ['submission_id'], unique=False)
    # Every stored grade under the default policy (best final score, the latest of equals), as
    # server.gradebook.refresh computes it.
    op.execute("""
        INSERT INTO grade_records (assignment_id, user_id, submission_id)
        SELECT assignment_id, user_id, id FROM (
            SELECT s.assignment_id, s.user_id, s.id,
                   ROW_NUMBER() OVER (PARTITION BY s.assignment_id, s.user_id ORDER BY
                       CASE WHEN r.score + COALESCE(a.points, 0.0) < 0 THEN 0.0
                            ELSE r.score + COALESCE(a.points, 0.0) END DESC, s.id DESC) AS place
            FROM submissions s
            JOIN results r ON r.id = s.result_id
            LEFT JOIN score_adjustments a ON a.submission_id = s.id
            WHERE s.status = 'graded') ranked
        WHERE place = 1""")
    op.create_table('worker_heartbeats',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('host', sa.String(length=255), nullable=False),
        sa.Column('pid', sa.Integer(), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=False),
        sa.Column('last_seen', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_worker_heartbeats')))
    with op.batch_alter_table('worker_heartbeats', schema=None, recreate='never') as batch_op:
        batch_op.create_index(batch_op.f('ix_worker_heartbeats_last_seen'), ['last_seen'], unique=False)
    with op.batch_alter_table('submissions', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('failed_at', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_submissions_failed_at'), ['failed_at'], unique=False)


def downgrade():
    with op.batch_alter_table('submissions', schema=None, recreate='never') as batch_op:
        batch_op.drop_index(batch_op.f('ix_submissions_failed_at'))
        batch_op.drop_column('failed_at')
    with op.batch_alter_table('worker_heartbeats', schema=None, recreate='never') as batch_op:
        batch_op.drop_index(batch_op.f('ix_worker_heartbeats_last_seen'))
    op.drop_table('worker_heartbeats')
    with op.batch_alter_table('grade_records', schema=None, recreate='never') as batch_op:
        batch_op.drop_index(batch_op.f('ix_grade_records_submission_id'))
    op.drop_table('grade_records')
    with op.batch_alter_table('active_submissions', schema=None, recreate='never') as batch_op:
        batch_op.drop_index(batch_op.f('ix_active_submissions_submission_id'))
    op.drop_table('active_submissions')
    with op.batch_alter_table('assignments', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('precheck_uploads')
        batch_op.drop_column('grade_policy')

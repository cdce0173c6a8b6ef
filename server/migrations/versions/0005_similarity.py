"""similarity: runs comparing an assignment's latest submissions, the documents compared, the pairs found

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 22:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('similarity_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('open_for', sa.Integer(), nullable=True),
    sa.Column('state', sa.Enum('queued', 'running', 'done', 'failed', name='runstate', native_enum=False, length=16), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('computed_at', sa.DateTime(), nullable=True),
    sa.Column('token', sa.String(length=32), nullable=True),
    sa.Column('lease_until', sa.DateTime(), nullable=True),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('compared', sa.Integer(), nullable=False),
    sa.Column('scored', sa.Integer(), nullable=False),
    sa.Column('pairs_found', sa.Integer(), nullable=False),
    sa.Column('seconds', sa.Double(), nullable=False),
    sa.Column('notes', sa.JSON(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], name=op.f('fk_similarity_runs_assignment_id_assignments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_similarity_runs_requested_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_similarity_runs')),
    sa.UniqueConstraint('open_for', name=op.f('uq_similarity_runs_open_for'))
    )
    with op.batch_alter_table('similarity_runs', schema=None) as batch_op:
        batch_op.create_index('ix_similarity_runs_assignment_state', ['assignment_id', 'state'], unique=False)

    op.create_table('similarity_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('shown_as', sa.String(length=255), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['similarity_runs.id'], name=op.f('fk_similarity_documents_run_id_similarity_runs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_similarity_documents_submission_id_submissions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_similarity_documents_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_similarity_documents')),
    sa.UniqueConstraint('run_id', 'submission_id', name=op.f('uq_similarity_documents_run_id'))
    )
    with op.batch_alter_table('similarity_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_similarity_documents_submission_id'), ['submission_id'], unique=False)

    op.create_table('similarity_pairs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('document_a_id', sa.Integer(), nullable=False),
    sa.Column('document_b_id', sa.Integer(), nullable=False),
    sa.Column('similarity', sa.Double(), nullable=False),
    sa.Column('similarity_a', sa.Double(), nullable=False),
    sa.Column('similarity_b', sa.Double(), nullable=False),
    sa.Column('overlap', sa.Integer(), nullable=False),
    sa.Column('regions_a', sa.JSON(), nullable=False),
    sa.Column('regions_b', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['document_a_id'], ['similarity_documents.id'], name=op.f('fk_similarity_pairs_document_a_id_similarity_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['document_b_id'], ['similarity_documents.id'], name=op.f('fk_similarity_pairs_document_b_id_similarity_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['run_id'], ['similarity_runs.id'], name=op.f('fk_similarity_pairs_run_id_similarity_runs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_similarity_pairs'))
    )
    with op.batch_alter_table('similarity_pairs', schema=None) as batch_op:
        batch_op.create_index('ix_similarity_pairs_run_similarity', ['run_id', 'similarity'], unique=False)


def downgrade():
    with op.batch_alter_table('similarity_pairs', schema=None) as batch_op:
        batch_op.drop_index('ix_similarity_pairs_run_similarity')
    op.drop_table('similarity_pairs')
    with op.batch_alter_table('similarity_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_similarity_documents_submission_id'))
    op.drop_table('similarity_documents')
    with op.batch_alter_table('similarity_runs', schema=None) as batch_op:
        batch_op.drop_index('ix_similarity_runs_assignment_state')
    op.drop_table('similarity_runs')

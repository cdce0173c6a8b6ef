"""check histories: each student's verdict per check over their graded attempts, for the dashboard

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 21:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'check_histories',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('assignment_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('function', sa.String(length=64), nullable=False),
        sa.Column('check', sa.String(length=64), nullable=False),
        sa.Column('verdicts', sa.Text(), nullable=False),
        sa.Column('head', sa.String(length=6), nullable=False),
        sa.Column('latest', sa.String(length=1), nullable=False),
        sa.Column('first_pass', sa.Integer(), nullable=True),
        sa.Column('flaky', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'],
                                name=op.f('fk_check_histories_assignment_id_assignments'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_check_histories_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_check_histories')),
        sa.UniqueConstraint('assignment_id', 'user_id', 'function', 'check',
                            name=op.f('uq_check_histories_assignment_id')),
    )
    with op.batch_alter_table('check_histories', schema=None) as batch_op:
        batch_op.create_index('ix_check_histories_assignment_check',
                              ['assignment_id', 'function', 'check', 'head', 'first_pass', 'flaky', 'latest',
                               'user_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_check_histories_user_id'), ['user_id'], unique=False)
    _backfill()


def _backfill():
    """Histories for the grades already stored, one assignment at a time (the app keeps them from now on)."""
    from server.check_history import histories_from, verdicts_of

    connection = op.get_bind()
    histories = sa.table('check_histories', *(sa.column(name) for name in (
        'assignment_id', 'user_id', 'function', 'check', 'verdicts', 'head', 'latest', 'first_pass', 'flaky')))
    for (assignment_id,) in connection.execute(sa.text('SELECT id FROM assignments')).all():
        users = [u for (u,) in connection.execute(
            sa.text('SELECT DISTINCT user_id FROM submissions WHERE assignment_id = :a ORDER BY user_id'),
            {'a': assignment_id})]
        for start in range(0, len(users), 200):       # a few hundred students' rows in memory at a time
            rows = histories_from(assignment_id, verdicts_of(connection, assignment_id, users[start:start + 200]))
            if rows:
                connection.execute(histories.insert(), rows)


def downgrade():
    with op.batch_alter_table('check_histories', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_check_histories_user_id'))
        batch_op.drop_index('ix_check_histories_assignment_check')

    op.drop_table('check_histories')

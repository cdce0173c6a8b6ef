"""LTI 1.3: registered platforms, linked LMS courses, users and resource links, line items, one-time
login states and launch tokens, and the grade passbacks

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 03:08:56

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('lti_platforms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('issuer', sa.String(length=255), nullable=False),
    sa.Column('client_id', sa.String(length=255), nullable=False),
    sa.Column('deployment_ids', sa.JSON(), nullable=False),
    sa.Column('auth_login_url', sa.String(length=500), nullable=False),
    sa.Column('auth_token_url', sa.String(length=500), nullable=False),
    sa.Column('key_set_url', sa.String(length=500), nullable=False),
    sa.Column('token_audience', sa.String(length=500), nullable=True),
    sa.Column('frame_origins', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_platforms')),
    sa.UniqueConstraint('issuer', 'client_id', name=op.f('uq_lti_platforms_issuer'))
    )
    op.create_table('lti_contexts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform_id', sa.Integer(), nullable=False),
    sa.Column('context_id', sa.String(length=255), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('deployment_id', sa.String(length=255), nullable=False),
    sa.Column('memberships_url', sa.String(length=500), nullable=True),
    sa.Column('lineitems_url', sa.String(length=500), nullable=True),
    sa.Column('ags_scopes', sa.JSON(), nullable=False),
    sa.Column('roster_synced_at', sa.DateTime(), nullable=True),
    sa.Column('roster_tried_at', sa.DateTime(), nullable=True),
    sa.Column('roster_error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_lti_contexts_course_id_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['platform_id'], ['lti_platforms.id'], name=op.f('fk_lti_contexts_platform_id_lti_platforms'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_contexts')),
    sa.UniqueConstraint('platform_id', 'context_id', name=op.f('uq_lti_contexts_platform_id'))
    )
    with op.batch_alter_table('lti_contexts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lti_contexts_course_id'), ['course_id'], unique=False)

    op.create_table('lti_launch_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('platform_id', sa.Integer(), nullable=False),
    sa.Column('target', sa.String(length=500), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['platform_id'], ['lti_platforms.id'], name=op.f('fk_lti_launch_tokens_platform_id_lti_platforms'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_lti_launch_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_launch_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_lti_launch_tokens_token_hash'))
    )
    op.create_table('lti_login_states',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=64), nullable=False),
    sa.Column('nonce', sa.String(length=64), nullable=False),
    sa.Column('platform_id', sa.Integer(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['platform_id'], ['lti_platforms.id'], name=op.f('fk_lti_login_states_platform_id_lti_platforms'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_login_states')),
    sa.UniqueConstraint('nonce', name=op.f('uq_lti_login_states_nonce')),
    sa.UniqueConstraint('state', name=op.f('uq_lti_login_states_state'))
    )
    with op.batch_alter_table('lti_login_states', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lti_login_states_expires_at'), ['expires_at'], unique=False)

    op.create_table('lti_users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['platform_id'], ['lti_platforms.id'], name=op.f('fk_lti_users_platform_id_lti_platforms'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_lti_users_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_users')),
    sa.UniqueConstraint('platform_id', 'subject', name=op.f('uq_lti_users_platform_id'))
    )
    with op.batch_alter_table('lti_users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lti_users_user_id'), ['user_id'], unique=False)

    op.create_table('lti_line_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('context_id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], name=op.f('fk_lti_line_items_assignment_id_assignments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['context_id'], ['lti_contexts.id'], name=op.f('fk_lti_line_items_context_id_lti_contexts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_line_items')),
    sa.UniqueConstraint('context_id', 'assignment_id', name=op.f('uq_lti_line_items_context_id'))
    )
    with op.batch_alter_table('lti_line_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lti_line_items_assignment_id'), ['assignment_id'], unique=False)

    op.create_table('lti_passbacks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('context_id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('pending', 'sending', 'sent', 'failed', name='passbackstate', native_enum=False, length=16), nullable=False),
    sa.Column('token', sa.String(length=32), nullable=True),
    sa.Column('lease_until', sa.DateTime(), nullable=True),
    sa.Column('tries', sa.Integer(), nullable=False),
    sa.Column('next_try_at', sa.DateTime(), nullable=True),
    sa.Column('score_sent', sa.Float(), nullable=True),
    sa.Column('max_sent', sa.Float(), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], name=op.f('fk_lti_passbacks_assignment_id_assignments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['context_id'], ['lti_contexts.id'], name=op.f('fk_lti_passbacks_context_id_lti_contexts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_lti_passbacks_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_passbacks')),
    sa.UniqueConstraint('context_id', 'assignment_id', 'user_id', name=op.f('uq_lti_passbacks_context_id'))
    )
    with op.batch_alter_table('lti_passbacks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lti_passbacks_assignment_id'), ['assignment_id'], unique=False)
        batch_op.create_index('ix_lti_passbacks_state_next', ['state', 'next_try_at'], unique=False)

    op.create_table('lti_resource_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('context_id', sa.Integer(), nullable=False),
    sa.Column('resource_link_id', sa.String(length=255), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], name=op.f('fk_lti_resource_links_assignment_id_assignments'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['context_id'], ['lti_contexts.id'], name=op.f('fk_lti_resource_links_context_id_lti_contexts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_resource_links')),
    sa.UniqueConstraint('context_id', 'resource_link_id', name=op.f('uq_lti_resource_links_context_id'))
    )


def downgrade():
    op.drop_table('lti_resource_links')
    with op.batch_alter_table('lti_passbacks', schema=None) as batch_op:
        batch_op.drop_index('ix_lti_passbacks_state_next')
        batch_op.drop_index(batch_op.f('ix_lti_passbacks_assignment_id'))

    op.drop_table('lti_passbacks')
    with op.batch_alter_table('lti_line_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lti_line_items_assignment_id'))

    op.drop_table('lti_line_items')
    with op.batch_alter_table('lti_users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lti_users_user_id'))

    op.drop_table('lti_users')
    with op.batch_alter_table('lti_login_states', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lti_login_states_expires_at'))

    op.drop_table('lti_login_states')
    op.drop_table('lti_launch_tokens')
    with op.batch_alter_table('lti_contexts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lti_contexts_course_id'))

    op.drop_table('lti_contexts')
    op.drop_table('lti_platforms')

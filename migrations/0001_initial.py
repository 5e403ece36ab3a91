from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from deliberate.accounts.models import Role
from deliberate.comments.models import Stance
from deliberate.proposals.models import ProposalStatus
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='IdempotencyRecord',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('actor', fields.CharField(max_length=40)),
                ('key', fields.CharField(max_length=100)),
                ('fingerprint', fields.CharField(max_length=64)),
                ('status', fields.IntField()),
                ('body', fields.TextField(unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'idempotency_record', 'app': 'models', 'unique_together': (('actor', 'key'),), 'pk_attr': 'id', 'table_description': 'The first answer to a write sent with an Idempotency-Key, replayed for any repeat.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StaffUser',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('email', fields.CharField(unique=True, max_length=254)),
                ('display_name', fields.CharField(default='', max_length=80)),
                ('role', fields.CharEnumField(description='ADMIN: admin\nFACILITATOR: facilitator\nOFFICIAL: official', enum_type=Role, max_length=16)),
                ('password_hash', fields.CharField(max_length=255)),
                ('is_active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'staff_user', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Assembly',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('title', fields.CharField(max_length=200)),
                ('subtitle', fields.CharField(default='', max_length=200)),
                ('province_code', fields.CharField(default='', max_length=2)),
                ('venue', fields.CharField(default='', max_length=200)),
                ('starts_on', fields.DateField(null=True)),
                ('ends_on', fields.DateField(null=True)),
                ('created_by', fields.ForeignKeyField('models.StaffUser', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'assembly', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Session',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('assembly', fields.ForeignKeyField('models.Assembly', source_field='assembly_id', db_constraint=True, to_field='id', related_name='sessions', on_delete=OnDelete.CASCADE)),
                ('title', fields.CharField(max_length=200)),
                ('code', fields.CharField(unique=True, max_length=6)),
                ('phase', fields.CharField(default='lobby', max_length=16)),
                ('permissions', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('premoderation', fields.BooleanField(default=False)),
                ('timer_ends_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('timer_label', fields.CharField(default='', max_length=80)),
                ('spotlight_id', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('phase_changed_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'session', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Participant',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('session', fields.ForeignKeyField('models.Session', source_field='session_id', db_constraint=True, to_field='id', related_name='participants', on_delete=OnDelete.CASCADE)),
                ('display_name', fields.CharField(max_length=60)),
                ('subdistrict_code', fields.CharField(default='', max_length=6)),
                ('sector', fields.CharField(default='', max_length=32)),
                ('organization', fields.CharField(default='', max_length=120)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('consent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('assisted', fields.BooleanField(default=False)),
                ('entered_by', fields.ForeignKeyField('models.StaffUser', source_field='entered_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'participant', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StaffToken',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.StaffUser', source_field='user_id', db_constraint=True, to_field='id', related_name='tokens', on_delete=OnDelete.CASCADE)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('kind', fields.CharField(max_length=8)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'staff_token', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A bearer token (API) or a browser login, stored only as a hash.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Theme',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('assembly', fields.ForeignKeyField('models.Assembly', source_field='assembly_id', db_constraint=True, to_field='id', related_name='themes', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=200)),
                ('position', fields.IntField(default=0)),
            ],
            options={'table': 'theme', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A strategic issue (ประเด็นยุทธศาสตร์) of an assembly.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Proposal',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('session', fields.ForeignKeyField('models.Session', source_field='session_id', db_constraint=True, to_field='id', related_name='proposals', on_delete=OnDelete.CASCADE)),
                ('theme', fields.ForeignKeyField('models.Theme', source_field='theme_id', db_constraint=True, to_field='id', related_name='proposals', on_delete=OnDelete.RESTRICT)),
                ('author', fields.ForeignKeyField('models.Participant', source_field='author_id', null=True, db_constraint=True, to_field='id', related_name='proposals', on_delete=OnDelete.SET_NULL)),
                ('title', fields.CharField(max_length=140)),
                ('body', fields.TextField(unique=False)),
                ('target_groups', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('status', fields.CharEnumField(default=ProposalStatus.PUBLISHED, description='PENDING: pending\nPUBLISHED: published\nHIDDEN: hidden\nMERGED: merged', enum_type=ProposalStatus, max_length=16)),
                ('merged_into', fields.ForeignKeyField('models.Proposal', source_field='merged_into_id', null=True, db_constraint=True, to_field='id', related_name='merged_from', on_delete=OnDelete.SET_NULL)),
                ('hidden_reason', fields.CharField(default='', max_length=300)),
                ('assisted', fields.BooleanField(default=False)),
                ('entered_by', fields.ForeignKeyField('models.StaffUser', source_field='entered_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'proposal', 'app': 'models', 'indexes': [Index(fields=['session_id', 'status'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Comment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('proposal', fields.ForeignKeyField('models.Proposal', source_field='proposal_id', db_constraint=True, to_field='id', related_name='comments', on_delete=OnDelete.CASCADE)),
                ('author', fields.ForeignKeyField('models.Participant', source_field='author_id', null=True, db_constraint=True, to_field='id', related_name='comments', on_delete=OnDelete.SET_NULL)),
                ('stance', fields.CharEnumField(description='FOR: for\nAGAINST: against\nNOTE: note', enum_type=Stance, max_length=8)),
                ('body', fields.TextField(unique=False)),
                ('hidden', fields.BooleanField(default=False)),
                ('hidden_reason', fields.CharField(default='', max_length=300)),
                ('carried_from', fields.ForeignKeyField('models.Proposal', source_field='carried_from_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'comment', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ModerationAction',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('session', fields.ForeignKeyField('models.Session', source_field='session_id', db_constraint=True, to_field='id', related_name='moderation_actions', on_delete=OnDelete.CASCADE)),
                ('proposal', fields.ForeignKeyField('models.Proposal', source_field='proposal_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('comment', fields.ForeignKeyField('models.Comment', source_field='comment_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('action', fields.CharField(max_length=32)),
                ('reason', fields.CharField(default='', max_length=300)),
                ('data', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('actor', fields.ForeignKeyField('models.StaffUser', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'moderation_action', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Every staff act on a submission, kept for the record: who, what, when and why.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Support',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('proposal', fields.ForeignKeyField('models.Proposal', source_field='proposal_id', db_constraint=True, to_field='id', related_name='supports', on_delete=OnDelete.CASCADE)),
                ('participant', fields.ForeignKeyField('models.Participant', source_field='participant_id', db_constraint=True, to_field='id', related_name='supports', on_delete=OnDelete.CASCADE)),
                ('assisted', fields.BooleanField(default=False)),
                ('entered_by', fields.ForeignKeyField('models.StaffUser', source_field='entered_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('carried_from', fields.ForeignKeyField('models.Proposal', source_field='carried_from_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'support', 'app': 'models', 'unique_together': (('proposal', 'participant'),), 'pk_attr': 'id', 'table_description': 'One participant backing one proposal: the unique pair makes a double tap count once.'},
            bases=['Model'],
        ),
    ]

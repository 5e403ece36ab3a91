from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0002_voting_rounds')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ActionItem',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('proposal', fields.ForeignKeyField('models.Proposal', source_field='proposal_id', db_constraint=True, to_field='id', related_name='action_items', on_delete=OnDelete.CASCADE)),
                ('title', fields.CharField(max_length=200)),
                ('community_owner', fields.CharField(default='', max_length=120)),
                ('agency_owner', fields.CharField(default='', max_length=120)),
                ('due', fields.DateField(null=True)),
                ('status', fields.CharField(default='not_started', max_length=16)),
                ('created_by', fields.ForeignKeyField('models.StaffUser', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'action_item', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One piece of work a carried proposal became, owned on both sides: the community and an agency.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Brief',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('session', fields.ForeignKeyField('models.Session', source_field='session_id', db_constraint=True, to_field='id', related_name='briefs', on_delete=OnDelete.CASCADE)),
                ('language', fields.CharField(max_length=2)),
                ('version', fields.IntField()),
                ('content_hash', fields.CharField(max_length=64)),
                ('data', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_by', fields.ForeignKeyField('models.StaffUser', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'brief', 'app': 'models', 'unique_together': (('session', 'language', 'version'),), 'pk_attr': 'id', 'table_description': "One built version of a session's brief: the dictionary every format is rendered from."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Commitment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('proposal', fields.ForeignKeyField('models.Proposal', source_field='proposal_id', db_constraint=True, to_field='id', related_name='commitments', on_delete=OnDelete.CASCADE)),
                ('participant', fields.ForeignKeyField('models.Participant', source_field='participant_id', null=True, db_constraint=True, to_field='id', related_name='commitments', on_delete=OnDelete.SET_NULL)),
                ('kind', fields.CharField(max_length=16)),
                ('who', fields.CharField(default='', max_length=120)),
                ('role', fields.CharField(max_length=8)),
                ('what', fields.CharField(max_length=500)),
                ('due', fields.DateField()),
                ('credited', fields.BooleanField(default=False)),
                ('entered_by', fields.ForeignKeyField('models.StaffUser', source_field='entered_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'commitment', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A pledge on a carried proposal: who, lead or support, what they will do, by when.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProgressUpdate',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('item', fields.ForeignKeyField('models.ActionItem', source_field='item_id', db_constraint=True, to_field='id', related_name='updates', on_delete=OnDelete.CASCADE)),
                ('on', fields.DateField()),
                ('status', fields.CharField(max_length=16)),
                ('note', fields.CharField(max_length=1000)),
                ('entered_by', fields.ForeignKeyField('models.StaffUser', source_field='entered_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'progress_update', 'app': 'models', 'pk_attr': 'id', 'table_description': "A dated note on an action item: the item takes the status of its latest update."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProposalAnswer',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('proposal', fields.OneToOneField('models.Proposal', source_field='proposal_id', db_constraint=True, to_field='id', related_name='answer', on_delete=OnDelete.CASCADE)),
                ('state', fields.CharField(max_length=16)),
                ('reason', fields.TextField(unique=False)),
                ('programme', fields.CharField(default='', max_length=200)),
                ('lead_agency', fields.CharField(default='', max_length=200)),
                ('partners', fields.CharField(default='', max_length=300)),
                ('budget', fields.BigIntField(null=True)),
                ('fiscal_year', fields.IntField(null=True)),
                ('answered_by', fields.ForeignKeyField('models.StaffUser', source_field='answered_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'proposal_answer', 'app': 'models', 'pk_attr': 'id', 'table_description': "The assembly's answer to one proposal and, when carried forward, its place in the provincial plan."},
            bases=['Model'],
        ),
    ]

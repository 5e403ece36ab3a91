from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='VoteRound',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('session', fields.ForeignKeyField('models.Session', source_field='session_id', db_constraint=True, to_field='id', related_name='rounds', on_delete=OnDelete.CASCADE)),
                ('method', fields.CharField(max_length=16)),
                ('title', fields.CharField(default='', max_length=140)),
                ('options', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('is_open', fields.BooleanField(default=True)),
                ('revealed', fields.BooleanField(default=False)),
                ('created_by', fields.ForeignKeyField('models.StaffUser', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'vote_round', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One round of voting in a session with one method and its options (budget, scale, quorum...).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Ballot',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('round', fields.ForeignKeyField('models.VoteRound', source_field='round_id', db_constraint=True, to_field='id', related_name='ballots', on_delete=OnDelete.CASCADE)),
                ('proposal', fields.ForeignKeyField('models.Proposal', source_field='proposal_id', db_constraint=True, to_field='id', related_name='ballots', on_delete=OnDelete.CASCADE)),
                ('participant', fields.ForeignKeyField('models.Participant', source_field='participant_id', null=True, db_constraint=True, to_field='id', related_name='ballots', on_delete=OnDelete.CASCADE)),
                ('value', fields.IntField()),
                ('source', fields.CharField(default='phone', max_length=8)),
                ('paper_key', fields.CharField(default='', max_length=32)),
                ('entered_by', fields.ForeignKeyField('models.StaffUser', source_field='entered_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'ballot', 'app': 'models', 'unique_together': (('round', 'proposal', 'participant'),), 'indexes': [Index(fields=['round_id', 'participant_id'])], 'pk_attr': 'id', 'table_description': 'One mark in a round: dots on a proposal, a score, a rank position or an agree/disagree/pass.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Participant',
            name='external_id',
            field=fields.CharField(default='', max_length=64),
        ),
        ops.AddField(
            model_name='Proposal',
            name='external_id',
            field=fields.CharField(default='', max_length=64),
        ),
        ops.AddField(
            model_name='Proposal',
            name='kind',
            field=fields.CharField(default='proposal', max_length=12),
        ),
        ops.AddField(
            model_name='Proposal',
            name='meta',
            field=fields.BooleanField(default=False),
        ),
        ops.AddField(
            model_name='Session',
            name='current_round_id',
            field=fields.IntField(null=True),
        ),
    ]

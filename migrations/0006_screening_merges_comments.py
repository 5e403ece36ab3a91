from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0005_clause_follow_up')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ClauseComment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('clause', fields.ForeignKeyField('models.Clause', source_field='clause_id', db_constraint=True, to_field='id', related_name='comments', on_delete=OnDelete.CASCADE)),
                ('author', fields.ForeignKeyField('models.Participant', source_field='author_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('body', fields.CharField(max_length=1000)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'clause_comment', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A comment on a clause: open to everyone, also when only delegates amend and answer.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ScreeningCriterion',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('assembly', fields.ForeignKeyField('models.Assembly', source_field='assembly_id', db_constraint=True, to_field='id', related_name='criteria', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=120)),
                ('description', fields.CharField(default='', max_length=300)),
                ('position', fields.IntField(default=0)),
            ],
            options={'table': 'screening_criterion', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A published criterion proposals are screened against (importance, severity, public interest,'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProposalScreening',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('proposal', fields.ForeignKeyField('models.Proposal', source_field='proposal_id', db_constraint=True, to_field='id', related_name='screenings', on_delete=OnDelete.CASCADE)),
                ('criterion', fields.ForeignKeyField('models.ScreeningCriterion', source_field='criterion_id', db_constraint=True, to_field='id', related_name='screenings', on_delete=OnDelete.CASCADE)),
                ('score', fields.IntField()),
                ('note', fields.CharField(default='', max_length=300)),
                ('screened_by', fields.ForeignKeyField('models.StaffUser', source_field='screened_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'proposal_screening', 'app': 'models', 'unique_together': (('proposal', 'criterion'),), 'pk_attr': 'id', 'table_description': "A facilitator's score of one proposal on one criterion, from 1 (low) to 5 (high)."},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='AgendaItem',
            name='proposal_ids',
            field=fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='Amendment',
            name='merged_into_id',
            field=fields.IntField(null=True),
        ),
    ]

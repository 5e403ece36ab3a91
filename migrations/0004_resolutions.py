from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0003_outcomes_and_briefs')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AgendaItem',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('session', fields.ForeignKeyField('models.Session', source_field='session_id', db_constraint=True, to_field='id', related_name='agenda_items', on_delete=OnDelete.CASCADE)),
                ('title', fields.CharField(max_length=200)),
                ('background', fields.TextField(default='', unique=False)),
                ('preamble', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('position', fields.IntField(default=0)),
                ('created_by', fields.ForeignKeyField('models.StaffUser', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'agenda_item', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One agenda item (วาระ): background, preamble paragraphs and numbered clauses.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Clause',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('item', fields.ForeignKeyField('models.AgendaItem', source_field='item_id', db_constraint=True, to_field='id', related_name='clauses', on_delete=OnDelete.CASCADE)),
                ('position', fields.FloatField()),
                ('text', fields.TextField(unique=False)),
                ('lead_agency', fields.CharField(default='', max_length=200)),
                ('partners', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('version', fields.IntField(default=1)),
                ('status', fields.CharField(default='open', max_length=12)),
                ('reservations', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'clause', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Amendment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('clause', fields.ForeignKeyField('models.Clause', source_field='clause_id', db_constraint=True, to_field='id', related_name='amendments', on_delete=OnDelete.CASCADE)),
                ('op', fields.CharField(max_length=8)),
                ('text', fields.TextField(default='', unique=False)),
                ('reason', fields.CharField(max_length=500)),
                ('base_version', fields.IntField()),
                ('author', fields.ForeignKeyField('models.Participant', source_field='author_id', null=True, db_constraint=True, to_field='id', related_name='amendments', on_delete=OnDelete.SET_NULL)),
                ('entered_by', fields.ForeignKeyField('models.StaffUser', source_field='entered_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('status', fields.CharField(default='proposed', max_length=10)),
                ('decided_by', fields.ForeignKeyField('models.StaffUser', source_field='decided_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_clause_id', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'amendment', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AmendmentBacker',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('amendment', fields.ForeignKeyField('models.Amendment', source_field='amendment_id', db_constraint=True, to_field='id', related_name='backers', on_delete=OnDelete.CASCADE)),
                ('participant', fields.ForeignKeyField('models.Participant', source_field='participant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'amendment_backer', 'app': 'models', 'unique_together': (('amendment', 'participant'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ClauseVersion',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('clause', fields.ForeignKeyField('models.Clause', source_field='clause_id', db_constraint=True, to_field='id', related_name='versions', on_delete=OnDelete.CASCADE)),
                ('version', fields.IntField()),
                ('text', fields.TextField(unique=False)),
                ('status', fields.CharField(default='open', max_length=12)),
                ('amendment', fields.ForeignKeyField('models.Amendment', source_field='amendment_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'clause_version', 'app': 'models', 'unique_together': (('clause', 'version'),), 'pk_attr': 'id', 'table_description': 'Every text a clause has had, and the amendment that gave it.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ConsensusCheck',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('clause', fields.ForeignKeyField('models.Clause', source_field='clause_id', db_constraint=True, to_field='id', related_name='checks', on_delete=OnDelete.CASCADE)),
                ('clause_version', fields.IntField()),
                ('is_open', fields.BooleanField(default=True)),
                ('outcome', fields.CharField(default='', max_length=12)),
                ('result', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('opened_by', fields.ForeignKeyField('models.StaffUser', source_field='opened_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'consensus_check', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CheckAnswer',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('check', fields.ForeignKeyField('models.ConsensusCheck', source_field='check_id', db_constraint=True, to_field='id', related_name='answers', on_delete=OnDelete.CASCADE)),
                ('voice', fields.CharField(max_length=140)),
                ('participant', fields.ForeignKeyField('models.Participant', source_field='participant_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('answer', fields.CharField(max_length=12)),
                ('reason', fields.CharField(default='', max_length=300)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'check_answer', 'app': 'models', 'unique_together': (('check', 'voice'),), 'pk_attr': 'id', 'table_description': 'One voice in a check. `voice` is the participant, or the network when one voice per network.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Delegate',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('session', fields.ForeignKeyField('models.Session', source_field='session_id', db_constraint=True, to_field='id', related_name='delegates', on_delete=OnDelete.CASCADE)),
                ('participant', fields.OneToOneField('models.Participant', source_field='participant_id', db_constraint=True, to_field='id', related_name='delegate', on_delete=OnDelete.CASCADE)),
                ('network', fields.CharField(max_length=120)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'delegate', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A participant registered by staff as a delegate of a member network.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ResolutionRules',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('session', fields.OneToOneField('models.Session', source_field='session_id', db_constraint=True, to_field='id', related_name='resolution_rules', on_delete=OnDelete.CASCADE)),
                ('voters', fields.CharField(default='everyone', max_length=8)),
                ('amenders', fields.CharField(default='everyone', max_length=10)),
                ('max_reservation_share', fields.FloatField(default=0.2)),
                ('sector_minimums', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'resolution_rules', 'app': 'models', 'pk_attr': 'id', 'table_description': 'How a session decides its resolutions. Absent, the defaults below apply.'},
            bases=['Model'],
        ),
    ]

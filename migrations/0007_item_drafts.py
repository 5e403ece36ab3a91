from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0006_screening_merges_comments')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AgendaItemVersion',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('item', fields.ForeignKeyField('models.AgendaItem', source_field='item_id', db_constraint=True, to_field='id', related_name='versions', on_delete=OnDelete.CASCADE)),
                ('version', fields.IntField()),
                ('title', fields.CharField(max_length=200)),
                ('background', fields.TextField(default='', unique=False)),
                ('preamble', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('edited_by', fields.ForeignKeyField('models.StaffUser', source_field='edited_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'agenda_item_version', 'app': 'models', 'unique_together': (('item', 'version'),), 'pk_attr': 'id', 'table_description': 'A draft of an agenda item as the drafting team left it: title, background and preamble.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='AgendaItem',
            name='version',
            field=fields.IntField(default=1),
        ),
    ]

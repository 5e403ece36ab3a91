from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0007_item_drafts')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AuditEntry',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('session', fields.ForeignKeyField('models.Session', source_field='session_id', db_constraint=True, to_field='id', related_name='audit_entries', on_delete=OnDelete.CASCADE)),
                ('seq', fields.IntField()),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('kind', fields.CharField(max_length=40)),
                ('actor', fields.CharField(default='', max_length=32)),
                ('subject', fields.CharField(default='', max_length=64)),
                ('payload', fields.TextField(unique=False)),
                ('prev_hash', fields.CharField(max_length=64)),
                ('hash', fields.CharField(max_length=64)),
            ],
            options={'table': 'audit_entry', 'app': 'models', 'unique_together': (('session', 'seq'),), 'pk_attr': 'id', 'table_description': "One link of a session's hash chain. Written in the transaction of the act it records, never changed."},
            bases=['Model'],
        ),
    ]

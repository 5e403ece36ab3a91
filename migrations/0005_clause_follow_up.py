from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0004_resolutions')]

    initial = False

    operations = [
        ops.AlterModelOptions(
            name='ActionItem',
            options={'table': 'action_item', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One piece of work a carried proposal or an adopted resolution clause became, owned on both sides:'},
        ),
        ops.AlterField(
            model_name='ActionItem',
            name='proposal',
            field=fields.ForeignKeyField('models.Proposal', source_field='proposal_id', null=True, db_constraint=True, to_field='id', related_name='action_items', on_delete=OnDelete.CASCADE),
        ),
        ops.AddField(
            model_name='ActionItem',
            name='clause',
            field=fields.ForeignKeyField('models.Clause', source_field='clause_id', null=True, db_constraint=True, to_field='id', related_name='action_items', on_delete=OnDelete.CASCADE),
        ),
    ]

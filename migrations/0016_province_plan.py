from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

# The province's development plan (issues and แนวทาง) an answer is mapped onto, and the columns of the plan
# row a planner pastes. Existing answers keep their values; the new columns start empty, which the brief
# shows as "not given by the staff".


def _json(default: object) -> fields.JSONField:  # type: ignore[type-arg]
    return fields.JSONField(default=default, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)


class Migration(migrations.Migration):
    dependencies = [("models", "0015_opinion_map_state")]

    initial = False

    operations = [
        ops.AddField(model_name="ProposalAnswer", name="plan_issue", field=fields.CharField(max_length=300, default="", db_default="")),
        ops.AddField(model_name="ProposalAnswer", name="plan_approach", field=fields.CharField(max_length=300, default="", db_default="")),
        ops.AddField(model_name="ProposalAnswer", name="rationale", field=fields.TextField(default="", db_default="", unique=False)),
        ops.AddField(model_name="ProposalAnswer", name="objectives", field=fields.TextField(default="", db_default="", unique=False)),
        ops.AddField(model_name="ProposalAnswer", name="targets", field=fields.TextField(default="", db_default="", unique=False)),
        ops.AddField(model_name="ProposalAnswer", name="indicators", field=_json(list)),
        ops.AddField(model_name="ProposalAnswer", name="target_group", field=fields.CharField(max_length=300, default="", db_default="")),
        ops.AddField(model_name="ProposalAnswer", name="area_codes", field=_json(list)),
        ops.AddField(model_name="ProposalAnswer", name="fiscal_year_to", field=fields.IntField(null=True)),
        ops.AddField(model_name="ProposalAnswer", name="budget_source", field=fields.CharField(max_length=16, default="", db_default="")),
        ops.AddField(model_name="ProposalAnswer", name="national_fit", field=fields.TextField(default="", db_default="", unique=False)),
        ops.AddField(model_name="ProposalAnswer", name="coordinator", field=fields.CharField(max_length=200, default="", db_default="")),
        ops.CreateModel(
            name='ProvincePlan',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('province_code', fields.CharField(unique=True, max_length=2)),
                ('title', fields.CharField(max_length=300)),
                ('period', fields.CharField(default='', max_length=20)),
                ('issues', _json(list)),
                ('updated_by', fields.ForeignKeyField('models.StaffUser', source_field='updated_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'province_plan', 'app': 'models', 'pk_attr': 'id', 'table_description': "A province's current development plan: its development issues and their approaches."},
            bases=['Model'],
        ),
    ]

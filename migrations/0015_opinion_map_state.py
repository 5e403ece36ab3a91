from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

# The opinion map's state per session, kept in the database so a restart or a second process continues the
# same map, and the lease that lets one process at a time compute it. Existing sessions start without one: their
# next tick computes the map from their votes and stores it. Participants can be left out of the map by a
# facilitator (when and why); everyone existing is on it.


class Migration(migrations.Migration):
    dependencies = [("models", "0014_keyed_audit")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Participant",
            name="left_out_of_map_at",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name="Participant",
            name="left_out_of_map_reason",
            field=fields.CharField(max_length=300, default="", db_default=""),
        ),
        ops.CreateModel(
            name='OpinionMapState',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('session', fields.OneToOneField('models.Session', source_field='session_id', db_constraint=True, to_field='id', related_name='opinion_map_state', on_delete=OnDelete.CASCADE)),
                ('state', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('marks', fields.IntField(default=0)),
                ('computed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('lease_owner', fields.CharField(default='', max_length=64)),
                ('lease_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'opinion_map_state', 'app': 'models', 'pk_attr': 'id', 'table_description': "A session's opinion map state as its last tick left it, and the lease for computing it."},
            bases=['Model'],
        ),
    ]

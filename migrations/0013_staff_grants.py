from tortoise import migrations
from tortoise.migrations import operations as ops
from deliberate.accounts.models import GrantRole
from tortoise.fields.base import OnDelete
from tortoise import fields

# Staff stay in their own assembly (issue 18): a grant per (assembly, staff member), a province per official, and
# the scope an invitation carries. Whoever made an assembly owns it from now on, as the app has always shown them
# as its maker; everyone else is added by its owner or an administrator (administrators keep seeing everything).


class Migration(migrations.Migration):
    dependencies = [('models', '0012_screen_view')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AssemblyGrant',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('assembly', fields.ForeignKeyField('models.Assembly', source_field='assembly_id', db_constraint=True, to_field='id', related_name='grants', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('models.StaffUser', source_field='user_id', db_constraint=True, to_field='id', related_name='grants', on_delete=OnDelete.CASCADE)),
                ('role', fields.CharEnumField(description='OWNER: owner\nFACILITATOR: facilitator\nOFFICIAL: official', enum_type=GrantRole, max_length=16)),
                ('granted_by', fields.ForeignKeyField('models.StaffUser', source_field='granted_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'assembly_grant', 'app': 'models', 'unique_together': (('assembly', 'user'),), 'pk_attr': 'id', 'table_description': "One staff member's part in one assembly. Whoever makes an assembly owns it, and its owners and administrators"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProvinceGrant',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.StaffUser', source_field='user_id', db_constraint=True, to_field='id', related_name='province_grants', on_delete=OnDelete.CASCADE)),
                ('province_code', fields.CharField(max_length=2)),
                ('granted_by', fields.ForeignKeyField('models.StaffUser', source_field='granted_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'province_grant', 'app': 'models', 'unique_together': (('user', 'province_code'),), 'pk_attr': 'id', 'table_description': 'An official who follows every assembly of a province (a provincial social-development office), granted'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='StaffLink',
            name='assembly',
            field=fields.ForeignKeyField('models.Assembly', source_field='assembly_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE),
        ),
        ops.AddField(
            model_name='StaffLink',
            name='grant_role',
            field=fields.CharField(default='', db_default='', max_length=16),
        ),
        ops.AddField(
            model_name='StaffLink',
            name='province_code',
            field=fields.CharField(default='', db_default='', max_length=2),
        ),
        ops.RunSQL(
            'INSERT INTO "assembly_grant" ("assembly_id", "user_id", "role", "created_at") '
            'SELECT "id", "created_by_id", \'owner\', "created_at" FROM "assembly" WHERE "created_by_id" IS NOT NULL',
            reverse_sql='DELETE FROM "assembly_grant"',
        ),
    ]

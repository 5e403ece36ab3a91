from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0008_audit_log')]

    initial = False

    operations = [
        ops.CreateModel(
            name='StaffLink',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharField(max_length=8)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('email', fields.CharField(max_length=254)),
                ('role', fields.CharField(default='', max_length=16)),
                ('user', fields.ForeignKeyField('models.StaffUser', source_field='user_id', null=True, db_constraint=True, to_field='id', related_name='links', on_delete=OnDelete.CASCADE)),
                ('created_by', fields.ForeignKeyField('models.StaffUser', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'staff_link', 'app': 'models', 'pk_attr': 'id', 'table_description': "A one-time link: an invitation to join the staff, or a password reset. Only the token's SHA-256 is"},
            bases=['Model'],
        ),
    ]

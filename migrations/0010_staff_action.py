from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

# ModerationAction becomes StaffAction (table moderation_action -> staff_action, Session.staff_actions): it
# records every staff act, not only moderation. Written by hand, because `makemigrations` sees a new model
# and a deleted one and would drop the record; a rename keeps every row. The related name is cleared
# around RenameModel, which in tortoise-orm 1.1 re-adds the model's backward relation to Session without
# removing the old one ("backward relation duplicates"). ALTER TABLE ... RENAME TO is the statement
# Tortoise's own schema editors use, on SQLite and PostgreSQL alike.

class Migration(migrations.Migration):
    dependencies = [('models', '0009_staff_tokens')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='ModerationAction',
            name='session',
            field=fields.ForeignKeyField('models.Session', source_field='session_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE),
        ),
        ops.RenameModel(old_name='ModerationAction', new_name='StaffAction'),
        ops.RunSQL(
            'ALTER TABLE "moderation_action" RENAME TO "staff_action"',
            reverse_sql='ALTER TABLE "staff_action" RENAME TO "moderation_action"',
        ),
        ops.AlterModelOptions(
            name='StaffAction',
            options={'table': 'staff_action', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One staff act, kept for the record: who, what, when and why. Never changed or deleted by the app.'},
        ),
        ops.AlterField(
            model_name='StaffAction',
            name='session',
            field=fields.ForeignKeyField('models.Session', source_field='session_id', db_constraint=True, to_field='id', related_name='staff_actions', on_delete=OnDelete.CASCADE),
        ),
    ]

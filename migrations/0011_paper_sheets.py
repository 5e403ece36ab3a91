from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

# A paper ballot row stands for a pile of identical sheets entered in one act; every existing row is one.


class Migration(migrations.Migration):
    dependencies = [("models", "0010_staff_action")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Ballot",
            name="sheets",
            field=fields.IntField(default=1),
        ),
    ]

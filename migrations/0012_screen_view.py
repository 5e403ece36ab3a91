from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

# The projector's view is chosen on the console and kept with the session, so a projector that reloads or
# reconnects shows what the facilitator chose; every existing session shows the board, as it did. The default is
# the database's too: SQLite cannot add a NOT NULL column without one to a table that has rows.


class Migration(migrations.Migration):
    dependencies = [("models", "0011_paper_sheets")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Session",
            name="screen_view",
            field=fields.CharField(max_length=16, default="board", db_default="board"),
        ),
    ]

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

# The audit chain becomes keyed (HMAC-SHA256 under a key kept outside the database). Entries already written
# keep their plain SHA-256 hashes and get an empty key_id, which is how `audit verify` tells them apart and
# says which part of a chain is keyed. Heads shown on the projector, the follow-up page and in briefs are
# recorded, signed, so verify can check against the last one by default.


class Migration(migrations.Migration):
    dependencies = [("models", "0013_staff_grants")]

    initial = False

    operations = [
        ops.AddField(
            model_name="AuditEntry",
            name="key_id",
            field=fields.CharField(max_length=16, default="", db_default=""),
        ),
        ops.CreateModel(
            name="PublishedHead",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "session",
                    fields.ForeignKeyField(
                        "models.Session",
                        source_field="session_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="published_heads",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("seq", fields.IntField()),
                ("hash", fields.CharField(max_length=64)),
                ("place", fields.CharField(max_length=16)),
                ("at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("key_id", fields.CharField(max_length=16)),
                ("signature", fields.CharField(max_length=64)),
            ],
            options={
                "table": "published_head",
                "app": "models",
                "pk_attr": "id",
                "table_description": "A chain head as it was shown outside the database: on the projector's end screen, on the public",
            },
            bases=["Model"],
        ),
    ]

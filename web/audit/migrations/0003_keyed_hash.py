"""The keyed hash: each new event carries ``hash_version`` 2 (HMAC-SHA256 with the audit key) and
its position ``seq``. Events already written keep their plain SHA-256 (``hash_version`` empty) and
are checked as they were written; their head is sealed in the anchor file here, so that a later
rewrite of them shows. Both columns are nullable: on SQLite that adds them in place, keeping the
append-only triggers of 0002."""

from __future__ import annotations

from typing import Any

from django.db import migrations, models


def seal(apps: Any, schema_editor: Any) -> None:
    from audit import anchor

    event = apps.get_model("audit", "AuditEvent")
    db = schema_editor.connection.alias
    last = event.objects.using(db).order_by("-id").values_list("id", "hash").first()
    if last is not None:
        anchor.append("seal", last[0], event.objects.using(db).count(), last[1])


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="hash_version",
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.RunPython(seal, migrations.RunPython.noop),
    ]

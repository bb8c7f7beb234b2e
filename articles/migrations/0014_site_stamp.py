import secrets

from django.db import migrations, models


def stamp_create(apps, schema_editor):
    apps.get_model("articles", "SiteStamp").objects.get_or_create(pk=1, defaults={"token": secrets.randbits(62)})


class Migration(migrations.Migration):
    dependencies = [("articles", "0013_bylines")]

    operations = [
        migrations.CreateModel(
            name="SiteStamp",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("token", models.BigIntegerField(default=0, verbose_name="الرمز")),
                ("changes_at", models.FloatField(blank=True, null=True, verbose_name="موعد التغير التالي")),
            ],
            options={"verbose_name": "ختم الموقع", "verbose_name_plural": "ختم الموقع"},
        ),
        migrations.RunPython(stamp_create, migrations.RunPython.noop),
    ]

from django.db import migrations, models


def headings_of_earlier_dispatches(apps, schema_editor):
    # Dispatches made before the heading was stored: their subject is "<site> — <heading>".
    Dispatch = apps.get_model("newsletter", "Dispatch")
    for dispatch in Dispatch.objects.filter(heading="").only("pk", "subject").iterator():
        Dispatch.objects.filter(pk=dispatch.pk).update(heading=dispatch.subject.split(" — ", 1)[-1][:200])


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0002_editor_permissions"),
    ]

    operations = [
        migrations.AddField(
            model_name="dispatch",
            name="heading",
            field=models.CharField(blank=True, max_length=200, verbose_name="العنوان"),
        ),
        migrations.RunPython(headings_of_earlier_dispatches, migrations.RunPython.noop),
    ]

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR = "محرر"
EDITOR_PERMISSIONS = [
    ("comments", "view_comment"),
    ("comments", "change_comment"),
    ("comments", "delete_comment"),
    ("comments", "view_commentreport"),
]


def grant(apps, schema_editor):
    # Permissions are normally created after migrations; the group needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITOR)
    for app_label, codename in EDITOR_PERMISSIONS:
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=EDITOR).first()
    if group:
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="comments"))


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
        ("articles", "0002_newsroom_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR = "محرر"
EDITOR_PERMISSIONS = [
    "view_subscriber",
    "change_subscriber",
    "delete_subscriber",
    "view_dispatch",
    "add_dispatch",
    "delete_dispatch",
    "send_dispatch",
]


def grant_editors(apps, schema_editor):
    # Permissions are normally created after migrations; the group needs them now.
    app_config = apps.get_app_config("newsletter")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITOR)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="newsletter", codename__in=EDITOR_PERMISSIONS)
    )


def revoke_editors(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=EDITOR).first()
    if group:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="newsletter", codename__in=EDITOR_PERMISSIONS)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0001_initial"),
        ("articles", "0002_newsroom_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant_editors, revoke_editors)]

from django.contrib.auth.management import create_permissions
from django.db import migrations

JOURNALIST = "صحفي"
EDITOR = "محرر"

JOURNALIST_PERMISSIONS = [
    ("articles", "add_article"),
    ("articles", "change_article"),
    ("articles", "delete_article"),
    ("articles", "view_article"),
    ("articles", "add_section"),
    ("articles", "change_section"),
    ("articles", "delete_section"),
    ("articles", "view_section"),
    ("articles", "view_category"),
]
EDITOR_PERMISSIONS = JOURNALIST_PERMISSIONS + [
    ("articles", "publish_article"),
    ("articles", "add_category"),
    ("articles", "change_category"),
    ("taggit", "view_tag"),
    ("taggit", "change_tag"),
]


def make_groups(apps, schema_editor):
    # Permissions are normally created after migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in [(JOURNALIST, JOURNALIST_PERMISSIONS), (EDITOR, EDITOR_PERMISSIONS)]:
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in wanted:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(make_groups, migrations.RunPython.noop)]

"""Arabic where third-party apps and Django's admin print English or build ungrammatical Arabic.

Installed once from `NewsroomAdminConfig.ready()`. Only displayed names change here, never
the migration state (`Meta.original_attrs`) or stored data.
"""

from django.apps import apps
from django.contrib.admin.templatetags import admin_list
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

APP_NAMES = {
    "axes": _("الحماية من تخمين كلمات المرور"),
    "django_tasks_database": _("المهام في الخلفية"),
    "thumbnail": _("الصور المصغّرة"),
    "otp_static": _("رموز الاسترداد"),
    "otp_totp": _("تطبيقات المصادقة"),
    "reversion": _("النسخ المحفوظة"),
}
MODEL_NAMES = {
    "thumbnail.kvstore": (_("سجل صورة مصغّرة"), _("سجل الصور المصغّرة")),
    "axes.accessattemptexpiration": (_("انتهاء حظر محاولة"), _("انتهاء حظر المحاولات")),
    "reversion.revision": (_("حفظة"), _("الحفظات")),
    "reversion.version": (_("نسخة محفوظة"), _("النسخ المحفوظة")),
}
# "اختر %s": the object of a verb takes the accusative (مقالا، قسما), which Django's
# "Select %s to change" cannot write. Models not listed keep their name as it is.
ACCUSATIVE = {
    "articles.article": _("مقالا"),
    "articles.category": _("قسما"),
    "articles.author": _("كاتبا"),
    "articles.auditentry": _("قيدا من سجل العمليات"),
    "comments.comment": _("تعليقا"),
    "newsletter.subscriber": _("مشتركا"),
    "auth.user": _("مستخدما"),
    "taggit.tag": _("وسما"),
}
PERMISSION_ACTIONS = {
    "add": pgettext_lazy("permission", "إضافة"),
    "change": pgettext_lazy("permission", "تعديل"),
    "delete": pgettext_lazy("permission", "حذف"),
    "view": pgettext_lazy("permission", "عرض"),
}
BOOLEAN_ALT = {True: _("نعم"), False: _("لا"), None: _("غير معروف")}


def changelist_title(opts, *, can_change: bool) -> str:
    """The heading of a model's list: "اختر مقالا للتعديل"."""
    name = ACCUSATIVE.get(opts.label_lower, opts.verbose_name)
    template = gettext("اختر %(name)s للتعديل") if can_change else gettext("اختر %(name)s للاستعراض")
    return template % {"name": name}


def permission_label(permission) -> str:
    """A permission as the group and account forms list it: "المقالات | مقال | إضافة مقال"."""
    action, _sep, _rest = permission.codename.partition("_")
    model = permission.content_type.model_class()
    if action in PERMISSION_ACTIONS and model is not None:
        name = f"{PERMISSION_ACTIONS[action]} {model._meta.verbose_name}"
    else:
        name = permission.name
    return f"{permission.content_type} | {name}"


def _boolean_icon(field_val):
    icon = {True: "yes", False: "no", None: "unknown"}[field_val]
    icon_url = static(f"admin/img/icon-{icon}.svg")
    return format_html('<img src="{}" alt="{}">', icon_url, BOOLEAN_ALT[field_val])


def install() -> None:
    from django.contrib.auth.models import Permission

    for label, name in APP_NAMES.items():
        if label in apps.app_configs:
            apps.get_app_config(label).verbose_name = name
    for label, (singular, plural) in MODEL_NAMES.items():
        model = apps.get_model(label)
        model._meta.verbose_name = singular
        model._meta.verbose_name_plural = plural
    if "taggit" in apps.app_configs:
        from taggit.admin import TagAdmin

        # A plain English string in django-taggit, not a translatable one.
        TagAdmin.render_tag_form.short_description = _("دمج الوسوم المحددة")
    # Stored permission names are English ("Can add article"), written at migrate time.
    Permission.__str__ = permission_label
    # Django writes the Python value ("True") as the yes/no icon's text; helpers and utils
    # import it from here at call time.
    admin_list._boolean_icon = _boolean_icon

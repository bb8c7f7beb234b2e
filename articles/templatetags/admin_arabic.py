from django import template

from articles import admin_arabic

register = template.Library()


@register.simple_tag(takes_context=True)
def changelist_title(context, cl):
    """A model list's heading in grammatical Arabic ("اختر مقالا للتعديل")."""
    can_change = cl.model_admin.has_change_permission(context["request"])
    return admin_arabic.changelist_title(cl.opts, can_change=can_change)

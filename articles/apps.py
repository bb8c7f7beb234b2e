from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("المقالات")

    def ready(self):
        from articles import pagecache, readership, revisions, services

        revisions.register()

        for receiver in (pagecache.article_changed, readership.most_read_article_changed):
            if receiver not in services.article_change_receivers:
                services.article_change_receivers.append(receiver)


class NewsroomAdminConfig(admin_apps.AdminConfig):
    """Django's admin with the newsroom's site (second factor, lockout page) as `admin.site`."""

    default = False
    default_site = "articles.admin_site.NewsroomAdminSite"

    def ready(self):
        super().ready()
        from django.contrib import admin

        from articles import admin_arabic

        admin_arabic.install()
        from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
        from django_otp.plugins.otp_totp.models import TOTPDevice

        # Devices are managed through the sign-in pages (articles.admin_site); django-otp's
        # own admin pages are English and would show every account's key to a superuser.
        for model in (TOTPDevice, StaticDevice):
            if admin.site.is_registered(model):
                admin.site.unregister(model)
        # django-otp's model names are plain English strings, not translatable ones; they
        # still show where Django lists related rows (deleting a user). Only the displayed
        # names change here, not the migration state (Meta.original_attrs).
        for model, singular, plural in [
            (TOTPDevice, _("تطبيق مصادقة"), _("تطبيقات المصادقة")),
            (StaticDevice, _("مجموعة رموز استرداد"), _("مجموعات رموز الاسترداد")),
            (StaticToken, _("رمز استرداد"), _("رموز الاسترداد")),
        ]:
            model._meta.verbose_name = singular
            model._meta.verbose_name_plural = plural

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsletterConfig(AppConfig):
    name = "newsletter"
    verbose_name = _("القائمة البريدية")

    def ready(self):
        from anymail.signals import tracking

        from newsletter.signals import on_tracking_event

        tracking.connect(on_tracking_event, dispatch_uid="newsletter-tracking")

"""Receivers for django-anymail's tracking webhooks: hard bounces and complaints."""

from anymail.signals import EventType

from newsletter import services

# A bounce the ESP calls permanent, a refusal because the address bounced before, or a
# "this is spam" complaint: the reader must not be mailed again.
STOPPING_EVENTS = {EventType.BOUNCED, EventType.COMPLAINED}


def on_tracking_event(sender, event, esp_name, **kwargs):
    if not event.recipient:
        return
    if event.event_type in STOPPING_EVENTS:
        services.subscriber_mark_bounced(email=event.recipient, reason=event.event_type)
    elif event.event_type == EventType.REJECTED and event.reject_reason in {"bounced", "spam"}:
        services.subscriber_mark_bounced(email=event.recipient, reason=f"rejected-{event.reject_reason}")

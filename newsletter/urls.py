from django.urls import path

from newsletter import views

app_name = "newsletter"
urlpatterns = [
    path("subscribe/", views.subscribe, name="subscribe"),
    path("subscribe/check-your-inbox/", views.subscribed, name="subscribed"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("unsubscribe/<str:token>/undo/", views.restore, name="restore"),
    path("unsubscribe/<str:token>/erase/", views.erase, name="erase"),
    path("privacy/", views.privacy, name="privacy"),
    path("webhooks/mailgun/tracking/", views.mailgun_tracking, name="mailgun-tracking"),
]

from django.urls import path

from articles import converters  # noqa: F401 - registers <id:>
from comments import views

app_name = "comments"
urlpatterns = [
    path("post/<id:article_id>/", views.comment_post, name="post"),
    path("started/", views.comment_started, name="started"),
    path("reply/<id:comment_id>/", views.comment_reply, name="reply"),
    path("report/<id:comment_id>/", views.comment_report_view, name="report"),
    path("stop/<str:token>/", views.notifications_stop_view, name="stop"),
]

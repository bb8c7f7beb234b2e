from django.urls import path

from comments import views

app_name = "comments"
urlpatterns = [
    path("post/<int:article_id>/", views.comment_post, name="post"),
    path("reply/<int:comment_id>/", views.comment_reply, name="reply"),
    path("report/<int:comment_id>/", views.comment_report_view, name="report"),
    path("stop/<str:token>/", views.notifications_stop_view, name="stop"),
]

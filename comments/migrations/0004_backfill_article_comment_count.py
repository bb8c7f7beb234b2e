from django.db import migrations
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce


def count_approved_comments(apps, schema_editor):
    # The articles' new comment_count column starts at 0: fill it from the comments
    # already approved; from here on the comments services keep it exact.
    article = apps.get_model("articles", "Article")
    comment = apps.get_model("comments", "Comment")
    approved = (
        comment.objects.filter(article=OuterRef("pk"), status="approved")
        .order_by()
        .values("article")
        .annotate(n=Count("pk"))
        .values("n")
    )
    article.objects.update(comment_count=Coalesce(Subquery(approved, output_field=IntegerField()), 0))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_article_comment_count"),
        ("comments", "0003_email_index"),
    ]

    operations = [migrations.RunPython(count_approved_comments, migrations.RunPython.noop)]

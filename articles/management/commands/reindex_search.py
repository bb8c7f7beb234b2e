from django.core.management.base import BaseCommand

from articles.models import Article
from articles.services import article_search_index_update


class Command(BaseCommand):
    help = "Rebuilds the search document of every article (after an upgrade or a bulk import)."

    def handle(self, *args, **options):
        count = 0
        for article in Article.objects.iterator(chunk_size=500):
            article_search_index_update(article=article)
            count += 1
        self.stdout.write(f"Reindexed {count} article(s).")

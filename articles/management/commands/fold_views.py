from django.core.management.base import BaseCommand

from articles.readership import views_fold


class Command(BaseCommand):
    help = "Moves the view counts waiting in the cache into the database (for cron, every few minutes)."

    def handle(self, *args, **options):
        folded = views_fold()
        self.stdout.write(f"Folded {folded} view(s).")

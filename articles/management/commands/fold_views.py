from django.core.management.base import BaseCommand

from articles.readership import fold_in_process, views_fold


class Command(BaseCommand):
    help = "Moves the view counts waiting in the cache into the database (for cron, every few minutes)."

    def handle(self, *args, **options):
        if fold_in_process():
            self.stderr.write(
                "The local-memory cache is private to each process: the site folds its own counts. "
                "Use a shared cache (REDIS_URL) for this command to see them."
            )
        folded = views_fold()
        self.stdout.write(f"Folded {folded} view(s).")

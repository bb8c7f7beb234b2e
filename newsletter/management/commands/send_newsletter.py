from django.core.management.base import BaseCommand

from newsletter import services
from newsletter.models import Rhythm


class Command(BaseCommand):
    help = "Create the due digest of a rhythm and queue its sending (run from cron)."

    def add_arguments(self, parser):
        parser.add_argument("--rhythm", required=True, choices=Rhythm.values, help="daily or weekly")

    def handle(self, *args, rhythm, **options):
        resumed = services.dispatch_resume_unfinished(rhythm=rhythm)
        if resumed:
            self.stdout.write(f"Resumed {resumed} unfinished {rhythm} dispatch(es).")
        dispatch = services.dispatch_prepare(rhythm=rhythm)
        if dispatch is None:
            self.stdout.write(f"Nothing due: no article published since the last {rhythm} dispatch.")
            return
        services.dispatch_send(dispatch=dispatch)
        self.stdout.write(
            self.style.SUCCESS(
                f"Queued dispatch #{dispatch.pk} ({dispatch.articles.count()} articles) "
                f"to {dispatch.deliveries.count()} subscribers."
            )
        )

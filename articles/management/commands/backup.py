from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from articles.backups import BackupError, backup_create


class Command(BaseCommand):
    help = "Writes a dated archive of the database and the uploaded files (safe while the site runs)."

    def add_arguments(self, parser):
        parser.add_argument("--output-dir", type=Path, default=settings.BACKUP_DIR, help="default: %(default)s")

    def handle(self, *args, output_dir, **options):
        try:
            archive = backup_create(output_dir=output_dir)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Backup written: {archive}"))

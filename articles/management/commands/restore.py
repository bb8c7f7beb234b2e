from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.backups import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restores the database and the uploaded files from an archive written by `backup`."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument("--force", action="store_true", help="replace a database that already holds articles")

    def handle(self, *args, archive, force, **options):
        try:
            restored = backup_restore(archive=archive, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from None
        expected, found = restored.manifest["counts"], restored.counts
        self.stdout.write(f"Restored the backup of {restored.manifest['created']}.")
        for name in expected:
            self.stdout.write(f"  {name}: {found[name]} (archive: {expected[name]})")
        if found != expected:
            raise CommandError("the restored database does not hold what the archive says it held")

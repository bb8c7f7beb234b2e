from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from articles.mfa import second_factor_reset


class Command(BaseCommand):
    help = "Removes an account's authenticator and recovery codes (lost phone); it enrols again at its next sign-in."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account named {username!r}.")
        second_factor_reset(user=user)
        self.stdout.write(f"{username}: second factor removed; the next sign-in sets up a new one.")

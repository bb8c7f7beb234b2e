from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.demo.content import DEMO_TOTP_KEY


class Command(BaseCommand):
    help = "Prints the current sign-in code of a demo account (admin, muharrir). Local demo only."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        # Only the published demo key: this never reads out a real account's authenticator.
        device = TOTPDevice.objects.filter(user__username=username, confirmed=True, key=DEMO_TOTP_KEY).first()
        if device is None:
            raise CommandError(f"{username!r} has no demo authenticator (run `manage.py load_demo` first).")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        left = device.step - int(totp.time - device.t0) % device.step
        self.stdout.write(f"{totp.token():0{device.digits}d}")
        self.stderr.write(f"(valid for {left} more seconds)")

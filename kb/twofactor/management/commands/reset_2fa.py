"""`manage.py reset_2fa USERNAME`: for an account whose second factor cannot be reset in the admin
(the last administrator lost their phone and their recovery codes)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from kb.twofactor import devices


class Command(BaseCommand):
    help = (
        "Remove an account's authenticator app and recovery codes: it sets up a new app at its "
        "next sign-in to the admin. For when no administrator can do it in the admin."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="The account's user name.")

    def handle(self, *args, username, **options):
        User = get_user_model()
        try:
            user = User.objects.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(f"No account has the user name {username!r}.") from None
        if devices.reset(user):
            self.stdout.write(
                f"The second factor of {username} is reset: a new app is set up at the next "
                "sign-in to the admin."
            )
        else:
            self.stdout.write(f"{username} had no second factor set up: nothing to reset.")

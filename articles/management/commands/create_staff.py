"""Create a staff account in a newsroom role, with the byline its articles will carry."""

import getpass
import os

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.models import Byline

ROLES = {"reporter": "Reporters", "editor": "Editors", "chief": "Chief editors"}
PASSWORD_VARIABLE = "NEWSROOM_STAFF_PASSWORD"


class Command(BaseCommand):
    help = (
        f"Create a reporter or an editor. The password is asked for, or read from {PASSWORD_VARIABLE} when it is "
        "set (for scripts); it must pass the site's password rules."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=sorted(ROLES))
        parser.add_argument("--email", default="", help="Where the workflow e-mails go.")
        parser.add_argument("--name", default="", help="Full name, e.g. “Phạm Tăng”; also the byline.")
        parser.add_argument(
            "--byline",
            default="",
            help="The byline to link, by name: an existing unlinked one is linked, otherwise one is created.",
        )

    def handle(self, *args, username, role, email, name, byline, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            raise CommandError(f"The user “{username}” already exists; change their role in the admin.")
        # Vietnamese names read family name first ("Phạm Tăng"): the whole name goes in one field, in its order.
        user = User(username=username, email=email, first_name=name, is_staff=True)
        user.set_password(self._password(user))
        byline_name = byline or name or username
        with transaction.atomic():
            user.save()
            user.groups.add(Group.objects.get(name=ROLES[role]))
            linked = self._link_byline(user, byline_name)
        self.stdout.write(self.style.SUCCESS(f"Created {role} “{username}” with the byline “{linked.name}”."))

    def _password(self, user):
        password = os.environ.get(PASSWORD_VARIABLE)
        interactive = password is None
        while True:
            if interactive:
                password = getpass.getpass("Password: ")
                if password != getpass.getpass("Password (again): "):
                    self.stderr.write("The two passwords differ; try again.")
                    continue
            try:
                password_validation.validate_password(password, user)
            except ValidationError as error:
                if not interactive:
                    raise CommandError(f"{PASSWORD_VARIABLE}: {' '.join(error.messages)}") from error
                self.stderr.write(" ".join(error.messages))
                continue
            return password

    def _link_byline(self, user, name):
        byline = Byline.objects.filter(name=name).first()
        if byline is None:
            return Byline.objects.create(name=name, user=user)
        if byline.user_id is not None:
            raise CommandError(
                f"The byline “{name}” already belongs to another account; pick another --byline."
            )
        byline.user = user
        byline.save(update_fields=["user"])
        return byline

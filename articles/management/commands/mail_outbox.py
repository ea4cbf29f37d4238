"""`manage.py mail_outbox`: the workflow e-mails the mail server has not taken yet; --send sends them now."""

from django.core.management.base import BaseCommand, CommandError

from articles import notifications


class Command(BaseCommand):
    help = "List the workflow e-mails not sent yet (the mail server was down or refused them); --send sends them now."

    def add_arguments(self, parser):
        parser.add_argument("--send", action="store_true", help="send every waiting e-mail now")

    def handle(self, *args, send, **options):
        if send:
            sent, failed = notifications.send(due_only=False, limit=10_000)
            self.stdout.write(f"Sent {sent} e-mail(s); {failed} failed again.")
            if failed:
                raise CommandError(
                    "Some e-mails could not be sent: see the list below and the mail server's logs."
                )
        emails = list(notifications.waiting(due_only=False)[:1000])
        if not emails:
            self.stdout.write("No e-mail is waiting.")
            return
        self.stdout.write(f"{len(emails)} e-mail(s) waiting:")
        for email in emails:
            self.stdout.write(
                f"#{email.pk} {email.created_at:%Y-%m-%d %H:%M} to {email.recipient}: {email.subject} "
                f"({email.attempts} failed attempt(s); last error: {email.last_error or '—'})"
            )

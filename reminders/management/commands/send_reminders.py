"""`python manage.py send_reminders [--today YYYY-MM-DD] [--dry-run]`: the reporting round's
e-mail of the day (reminders/outbox.py). Meant to run daily from cron or a systemd timer
(docs/operations.md, "Reminders"); running it more often, or on several servers at once, sends
nothing twice."""

import datetime
import logging
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from reminders.outbox import due_on

logger = logging.getLogger("reminders")


def iso_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"--today must be a date written YYYY-MM-DD, e.g. 2021-02-15, not {value!r}."
        ) from None


class Command(BaseCommand):
    help = (
        "E-mail focal points whose items still lack a proposal 14, 7 and 2 days before the "
        "open session's statuses_due and the day after, and coordinators a digest; never the "
        "same reminder twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today", help="The day to act as if it were, YYYY-MM-DD (default: today)."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say what would be sent; send and record nothing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate() if options["today"] is None else iso_date(options["today"])
        if not settings.SITE_URL:
            raise CommandError(
                "DJANGO_SITE_URL is not set: reminders link to the site, e.g. "
                "DJANGO_SITE_URL=https://reform-tracker.example.org (docs/operations.md)."
            )
        outgoing = due_on(today)
        if options["dry_run"]:
            for message in outgoing:
                self.stdout.write(f"Would send {message.describe()}")
            self.stdout.write(f"{len(outgoing)} message(s) would be sent on {today}; none was.")
            return
        sent = skipped = failed = 0
        for message in outgoing:
            try:
                if message.send():
                    sent += 1
                    logger.info("Sent %s", message.describe())
                else:
                    skipped += 1
            except Exception:
                # The mail server refused or is down: nothing was recorded, the next run retries.
                failed += 1
                logger.exception("Could not send %s; the next run retries", message.describe())
        self.stdout.write(
            f"{sent} sent, {skipped} already sent by another run, {failed} failed on {today}."
        )
        if failed:
            raise CommandError(
                f"{failed} message(s) could not be sent (see the log); the next run retries them."
            )

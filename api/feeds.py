"""Atom feeds in each language (/sessions/feed/, /fr/sessions/feed/…): the published sessions,
each summarising what changed since the one before, and one per action item, its statuses
session by session. Only what was published: drafts, progress notes and staff names never."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext, gettext_lazy

from actions.changes import changes_between
from actions.content import localized
from actions.models import ActionItem, Plan
from actions.reporting import GoverningBodySession, Status, StatusReport
from ops.pagecache import cached_read_page

# Feed readers ask often and show the latest few.
LATEST = 10
AUTHOR = gettext_lazy("International Labour Office")


class SessionFeed(Feed):
    feed_type = Atom1Feed
    title = gettext_lazy("Reform Tracker: Governing Body sessions")
    subtitle = gettext_lazy(
        "Each session the Office reported to on its plan of action on UN reform, and what "
        "changed since the one before."
    )
    author_name = AUTHOR

    def link(self) -> str:
        return reverse("actions:sessions")

    def items(self):
        return GoverningBodySession.objects.published().order_by("-held_in")[:LATEST]

    def item_title(self, session: GoverningBodySession) -> str:
        return f"{session.code}, {session.local_period}"

    def item_description(self, session: GoverningBodySession) -> str:
        """The summary that the session's changes page opens with."""
        since = session.previous_published()
        if since is None:
            return gettext("The first session reported to on the plan.")
        return changes_between(session, since).summary()

    def item_link(self, session: GoverningBodySession) -> str:
        return reverse("actions:session-changes", args=[session.code])

    def item_pubdate(self, session: GoverningBodySession):
        return session.published_at

    item_updateddate = item_pubdate


class ItemFeed(Feed):
    feed_type = Atom1Feed
    author_name = AUTHOR

    def get_object(self, request, number: int) -> ActionItem:
        return get_object_or_404(
            ActionItem.objects.filter(plan=Plan.objects.current()), number=number
        )

    def title(self, item: ActionItem) -> str:
        return gettext("Reform Tracker: action item %(number)s") % {"number": item.number}

    def subtitle(self, item: ActionItem) -> str:
        return str(localized(item, "text"))

    def link(self, item: ActionItem) -> str:
        return item.get_absolute_url()

    def items(self, item: ActionItem):
        return StatusReport.objects.filter(action_item=item).latest_first()[:LATEST]

    def item_title(self, report: StatusReport) -> str:
        return f"{report.session.code}: {Status(report.status).label}"

    def item_description(self, report: StatusReport) -> str:
        return str(localized(report, "wording"))

    def item_link(self, report: StatusReport) -> str:
        return reverse("actions:session", args=[report.session.code]) + (
            f"#item-{report.action_item.number}"
        )

    def item_pubdate(self, report: StatusReport):
        return report.session.published_at

    item_updateddate = item_pubdate


sessions_feed = cached_read_page(SessionFeed())
item_feed = cached_read_page(ItemFeed())

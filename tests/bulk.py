"""Extra rows, several times the document's, for query-count budgets: bulk_create, no factories."""

import datetime

from django_countries import countries as all_countries

from actions.models import ActionItem, KeyFigure, Paragraph, Plan
from actions.reporting import GoverningBodySession, Status, StatusReport
from countries.models import Country, Engagement, Kind, Region

STATUSES = list(Status)


def grow_the_data(items: int = 60, sessions: int = 4, countries: int = 80) -> None:
    """Add `items` items to the current plan, `sessions` later published sessions each told the
    status of every item (item 2 included) in three of its paragraphs, and `countries` countries
    with two engagements each in those paragraphs, plus as many key figures as the document's."""
    plan = Plan.objects.current()
    components = list(plan.components.all())
    new_sessions = GoverningBodySession.objects.bulk_create(
        GoverningBodySession(
            code=f"GB.{350 + n}",
            held_in=datetime.date(2021 + n, 3, 1),
            period=f"March {2021 + n}",
            document_symbol=f"GB.{350 + n}/INS/1",
            published_at=datetime.datetime(2021 + n, 3, 31, tzinfo=datetime.UTC),
        )
        for n in range(sessions)
    )
    paragraphs = {
        session.pk: Paragraph.objects.bulk_create(
            Paragraph(session=session, number=n, text=f"Paragraph {n} of {session.code}.")
            for n in range(1, 4)
        )
        for session in new_sessions
    }
    new_items = ActionItem.objects.bulk_create(
        ActionItem(
            plan=plan,
            component=components[n % len(components)],
            number=13 + n,
            text=f"Extra action item {13 + n}",
            due_by="By end 2021",
            due_date=datetime.date(2019 + n % 4, 12, 31),
        )
        for n in range(items)
    )
    reported = [*new_items, ActionItem.objects.get(plan=plan, number=2)]
    reports = StatusReport.objects.bulk_create(
        StatusReport(
            action_item=item,
            session=session,
            status=STATUSES[(item.number + n) % len(STATUSES)],
            wording=STATUSES[(item.number + n) % len(STATUSES)].label,
        )
        for item in reported
        for n, session in enumerate(new_sessions)
    )
    through = StatusReport.paragraphs.through
    through.objects.bulk_create(
        through(statusreport_id=report.pk, paragraph_id=paragraph.pk)
        for report in reports
        for paragraph in paragraphs[report.session_id]
    )
    taken = set(Country.objects.values_list("code", flat=True))
    regions = list(Region.objects.all())
    new_countries = Country.objects.bulk_create(
        Country(code=code, region=regions[n % len(regions)])
        for n, code in enumerate(code for code, _ in all_countries if code not in taken)
        if n < countries
    )
    all_paragraphs = [p for session_paragraphs in paragraphs.values() for p in session_paragraphs]
    Engagement.objects.bulk_create(
        Engagement(
            country=country,
            kind=kind,
            government=True,
            description=f"{kind.label} in {country.code}",
            source_paragraph=all_paragraphs[n % len(all_paragraphs)],
        )
        for n, country in enumerate(new_countries)
        for kind in (Kind.CCA, Kind.CF_DESIGN)
    )
    KeyFigure.objects.bulk_create(
        KeyFigure(
            code=f"extra-{n}",
            order=100 + n,
            value=str(n),
            label="extra figure",
            paragraph=all_paragraphs[0],
            quote=f"{n}.",
        )
        for n in range(8)
    )

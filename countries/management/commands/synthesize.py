"""Synthetic data beside the document's, for load tests: `manage.py synthesize --scale 1`.

At scale 1: 10 plans of 12-40 action items, 20 Governing Body sessions (GB.400-GB.419, held
2009-2018, all published) with a status report for every item at every session since its plan
was endorsed, all 193 UN member states with 100 engagements each on average (about 20,000), and
about 100,000 history rows. Deterministic: the same seed and scale give the same rows.

Nothing of the document's data is changed, and none of it is hidden: the synthetic sessions are
older than GB.335, so the plan the site is about (`Plan.objects.current()`, the last endorsed)
and the as-of stamp (the last published session) stay the document's.
"""

from __future__ import annotations

import datetime
import random
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, models, transaction
from django_countries import countries as country_names

from actions.models import ActionItem, Component, Paragraph, Plan
from actions.reporting import GoverningBodySession, Status, StatusReport
from countries.models import Country, Engagement, Kind, Region
from ops.pagecache import bump_data_version

PLAN_PREFIX = "synthetic-"
FIRST_SESSION = 400
LAST_YEAR = 2018  # the synthetic sessions end before the document's first one (GB.335, 2019)
PARAGRAPHS_PER_SESSION = 60
BATCH = 1000

# The 193 member states of the United Nations (ISO 3166-1 alpha-2), by ILO region.
UN_MEMBERS = {
    "africa": (
        "DZ AO BJ BW BF BI CV CM CF TD KM CG CD CI DJ EG GQ ER SZ ET GA GM GH GN GW KE LS LR LY MG "
        "MW ML MR MU MA MZ NA NE NG RW ST SN SC SL SO ZA SS SD TZ TG TN UG ZM ZW"
    ),
    "americas": (
        "AG AR BS BB BZ BO BR CA CL CO CR CU DM DO EC SV GD GT GY HT HN JM MX NI PA PY PE KN LC VC "
        "SR TT US UY VE"
    ),
    "arab-states": "BH IQ JO KW LB OM QA SA SY AE YE",
    "asia-pacific": (
        "AF AU BD BT BN KH CN FJ IN ID IR JP KI KP KR LA MY MV MH FM MN MM NR NP NZ PK PW PG PH WS "
        "SG SB LK TH TL TO TV VU VN"
    ),
    "europe-central-asia": (
        "AL AD AM AT AZ BY BE BA BG HR CY CZ DK EE FI FR GE DE GR HU IS IE IL IT KZ KG LV LI LT LU "
        "MT MD MC ME NL MK NO PL PT RO RU SM RS SK SI ES SE CH TJ TR TM UA GB UZ"
    ),
}

# A status moves forward, session after session, or stays.
PROGRESSION = [Status.NOT_STARTED, Status.STARTING, Status.ONGOING, Status.COMPLETED]
VERBS = ["Support", "Strengthen", "Develop", "Review", "Align", "Train", "Coordinate", "Promote"]
OBJECTS = [
    "resident coordinators on international labour standards",
    "constituents' participation in common country analyses",
    "joint programmes with UN country teams",
    "Decent Work Country Programmes with Cooperation Frameworks",
    "pooled funding proposals for decent work",
    "regional collaborative platforms",
    "reporting on the SDG indicators under ILO custodianship",
    "capacity of employers' and workers' organizations",
]


def looks_like_production() -> str:
    """Why the database looks like production, or "" if it does not.

    Production runs with debug off (the settings then demand a real secret), and a database that
    people have edited holds work that synthetic rows would bury among their own.
    """
    if not settings.DEBUG:
        return "DJANGO_DEBUG is off, as in production"
    edited = [
        model.history.filter(history_user__isnull=False).exists()
        for model in (ActionItem, StatusReport, GoverningBodySession, Engagement)
    ]
    if any(edited):
        return "people have edited its data (history rows with a user)"
    return ""


class Command(BaseCommand):
    help = "Add deterministic synthetic plans, sessions, statuses, engagements and history."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale", type=float, default=1.0, help="1 is the issue's size; 0.05 is tiny."
        )
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same data.")
        parser.add_argument(
            "--force", action="store_true", help="Run even if the database looks like production."
        )

    def handle(self, *args: Any, scale: float, seed: int, force: bool, **options: Any) -> None:
        if not 0 < scale <= 10:
            raise CommandError(f"--scale must be above 0 and at most 10, not {scale}.")
        reason = looks_like_production()
        if reason and not force:
            raise CommandError(
                f"Refusing to add synthetic data: this database looks like production ({reason}). "
                "Use a database of its own, or --force if you are sure."
            )
        if Plan.objects.filter(code__startswith=PLAN_PREFIX).exists():
            raise CommandError(
                "This database already holds synthetic data (plans named synthetic-…): "
                "synthesize into a fresh database (migrate, load_document, synthesize)."
            )
        if not Region.objects.exists():
            raise CommandError("Load the document's data first: manage.py load_document.")
        started = time.monotonic()
        with transaction.atomic():
            counts = Synthesizer(random.Random(seed), scale).run()
        # Bulk inserts send no signals: make the cached pages stale here.
        bump_data_version()
        seconds = time.monotonic() - started
        summary = ", ".join(f"{count} {name}" for name, count in counts.items())
        self.stdout.write(
            f"Synthesized at scale {scale:g} (seed {seed}) on {connection.vendor} "
            f"in {seconds:.1f} s: {summary}."
        )


def aware(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=datetime.UTC)


def historical(instance: models.Model, when: datetime.datetime, kind: str, reason: str, **changes):
    """A history row for `instance` as it was (its fields, with `changes` over them)."""
    model = type(instance)
    values = {field.attname: getattr(instance, field.attname) for field in model._meta.fields}
    values.update(changes)
    return model.history.model(
        **values, history_date=when, history_type=kind, history_change_reason=reason
    )


class Synthesizer:
    def __init__(self, rng: random.Random, scale: float) -> None:
        self.rng = rng
        self.plan_count = max(1, round(10 * scale))
        self.session_count = max(2, round(20 * scale))
        self.engagements_per_country = 100 * scale
        self.edits_per_engagement = (1, 6)  # about 3.5 edits each after its creation
        self.edits_per_report = (0, 4)

    def run(self) -> dict[str, int]:
        sessions = self.sessions()
        paragraphs = self.paragraphs(sessions)
        reports = self.plans(sessions, paragraphs)
        engagements = self.engagements(paragraphs)
        history = self.history(sessions, reports, engagements)
        return {
            "plans": self.plan_count,
            "sessions": len(sessions),
            "status reports": len(reports),
            "engagements": len(engagements),
            "history rows": history,
        }

    def sessions(self) -> list[GoverningBodySession]:
        sessions = []
        for index in range(self.session_count):
            back = self.session_count - 1 - index  # the last one is October 2018
            held_in = datetime.date(LAST_YEAR - back // 2, 3 if back % 2 else 10, 1)
            code = f"GB.{FIRST_SESSION + index}"
            sessions.append(
                GoverningBodySession(
                    code=code,
                    held_in=held_in,
                    period=f"{held_in:%B %Y}",
                    document_symbol=f"{code}/INS/{self.rng.randint(3, 12)}",
                    document_title="Synthetic report on the plans of action (load tests)",
                    document_date=held_in + datetime.timedelta(days=10),
                    notes="Synthetic: made by manage.py synthesize for load tests.",
                    published_at=aware(held_in + datetime.timedelta(days=27)),
                )
            )
        return GoverningBodySession.objects.bulk_create(sessions)

    def paragraphs(self, sessions: list[GoverningBodySession]) -> list[Paragraph]:
        return Paragraph.objects.bulk_create(
            (
                Paragraph(
                    session=session,
                    number=number,
                    text=f"{self.rng.choice(VERBS)} {self.rng.choice(OBJECTS)}: "
                    f"progress reported to {session.code} (synthetic paragraph {number}).",
                )
                for session in sessions
                for number in range(1, PARAGRAPHS_PER_SESSION + 1)
            ),
            batch_size=BATCH,
        )

    def plans(
        self, sessions: list[GoverningBodySession], paragraphs: list[Paragraph]
    ) -> list[StatusReport]:
        """Plans, their components and items, and a report per item per session since the
        plan's endorsement, each citing one paragraph of that session's document."""
        rng = self.rng
        plans = Plan.objects.bulk_create(
            Plan(
                code=f"{PLAN_PREFIX}{n + 1:02d}",
                title=f"Synthetic plan of action {n + 1:02d} (load tests)",
                endorsed_at=sessions[n * len(sessions) // (2 * self.plan_count)],
            )
            for n in range(self.plan_count)
        )
        components = Component.objects.bulk_create(
            Component(plan=plan, number=number, title=f"{rng.choice(VERBS)} {rng.choice(OBJECTS)}")
            for plan in plans
            for number in range(1, rng.randint(3, 4) + 1)
        )
        items = []
        for plan in plans:
            own = [c for c in components if c.plan_id == plan.pk]
            year = plan.endorsed_at.held_in.year
            for number in range(1, rng.randint(12, 40) + 1):
                due = rng.randint(year, year + 3)
                items.append(
                    ActionItem(
                        plan=plan,
                        component=own[(number - 1) * len(own) // 40],
                        number=number,
                        text=f"{rng.choice(VERBS)} {rng.choice(OBJECTS)}.",
                        due_by=f"By end {due}",
                        due_date=datetime.date(due, 12, 31),
                    )
                )
        items = ActionItem.objects.bulk_create(items, batch_size=BATCH)
        self.items = items
        endorsed = {plan.pk: sessions.index(plan.endorsed_at) for plan in plans}
        reports = []
        for item in items:
            step = 0
            for session in sessions[endorsed[item.plan_id] :]:
                if rng.random() < 0.35:
                    step = min(step + 1, len(PROGRESSION) - 1)
                status = PROGRESSION[step]
                reports.append(
                    StatusReport(
                        action_item=item,
                        session=session,
                        status=status,
                        wording=status.label,
                        version=1 + rng.randint(*self.edits_per_report),
                        updated_at=session.published_at,
                    )
                )
        reports = StatusReport.objects.bulk_create(reports, batch_size=BATCH)
        by_session: dict[int, list[Paragraph]] = {}
        for paragraph in paragraphs:
            by_session.setdefault(paragraph.session_id, []).append(paragraph)
        through = StatusReport.paragraphs.through
        through.objects.bulk_create(
            (
                through(statusreport_id=r.pk, paragraph_id=rng.choice(by_session[r.session_id]).pk)
                for r in reports
            ),
            batch_size=BATCH,
        )
        return reports

    def engagements(self, paragraphs: list[Paragraph]) -> list[Engagement]:
        """Every UN member state (added if the document does not name it), with engagements
        of every kind, each from a different paragraph for the same kind."""
        rng = self.rng
        regions = {region.code: region for region in Region.objects.all()}
        existing = {country.code.code: country for country in Country.objects.all()}
        missing = [
            Country(code=code, region=regions[region])
            for region, codes in UN_MEMBERS.items()
            for code in codes.split()
            if code not in existing
        ]
        Country.objects.bulk_create(missing)
        members = Country.objects.filter(code__in=UN_MEMBERS_CODES).order_by("code")
        kinds = list(Kind)
        sessions = {p.session_id: p.session for p in paragraphs}
        average = self.engagements_per_country
        engagements = []
        for offset, country in enumerate(members):
            count = max(1, rng.randint(round(average / 2), round(average * 3 / 2)))
            for n in range(count):
                kind = kinds[n % len(kinds)]
                paragraph = paragraphs[(offset * 7 + n // len(kinds)) % len(paragraphs)]
                year = sessions[paragraph.session_id].held_in.year
                dated = rng.random() < 0.3
                engagements.append(
                    Engagement(
                        country=country,
                        kind=kind,
                        government=rng.random() < 0.8,
                        workers=rng.random() < 0.5,
                        employers=rng.random() < 0.5,
                        year=year,
                        date=datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))
                        if dated
                        else None,
                        description=f"{kind.label} in {country_names.name(country.code.code)}: "
                        f"{rng.choice(VERBS).lower()} {rng.choice(OBJECTS)}.",
                        source_paragraph=paragraph,
                    )
                )
        return Engagement.objects.bulk_create(engagements, batch_size=BATCH)

    def history(
        self,
        sessions: list[GoverningBodySession],
        reports: list[StatusReport],
        engagements: list[Engagement],
    ) -> int:
        """History rows as years of edits leave them: a creation, then changes, the last of
        which is the row as it is now. No user: nobody signed in made them."""
        rng = self.rng
        reason = "Synthetic edit"
        rows: dict[type, list] = {model: [] for model in (GoverningBodySession, ActionItem)}
        for session in sessions:
            rows[GoverningBodySession].append(
                historical(session, session.published_at, "+", "Synthetic session")
            )
        for item in self.items:
            when = aware(datetime.date(item.due_date.year - 1, 1, 15))
            rows[ActionItem] += [
                historical(item, when, "+", reason, text=item.text.rstrip(".") + " (draft)."),
                historical(item, when + datetime.timedelta(days=30), "~", reason),
            ]
        rows[StatusReport] = []
        for report in reports:
            when = report.updated_at - datetime.timedelta(days=20)
            for version in range(1, report.version + 1):
                rows[StatusReport].append(
                    historical(
                        report,
                        when + datetime.timedelta(days=version),
                        "+" if version == 1 else "~",
                        reason,
                        version=version,
                        wording=report.wording if version == report.version else "Draft",
                    )
                )
        rows[Engagement] = []
        for engagement in engagements:
            when = aware(datetime.date(engagement.year, 1, 2))
            edits = rng.randint(*self.edits_per_engagement)
            for edit in range(edits + 1):
                last = edit == edits
                rows[Engagement].append(
                    historical(
                        engagement,
                        when + datetime.timedelta(days=edit * 7),
                        "~" if edit else "+",
                        reason,
                        description=engagement.description if last else f"Draft {edit + 1}.",
                    )
                )
        total = 0
        for model, model_rows in rows.items():
            model.history.model.objects.bulk_create(model_rows, batch_size=BATCH)
            total += len(model_rows)
        return total


UN_MEMBERS_CODES = [code for codes in UN_MEMBERS.values() for code in codes.split()]
assert len(UN_MEMBERS_CODES) == len(set(UN_MEMBERS_CODES)) == 193, len(UN_MEMBERS_CODES)

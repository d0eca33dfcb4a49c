"""Overdue is one rule, in ActionItemQuerySet.with_overdue, judged against an injectable today."""

import datetime

import pytest

from actions.dates import describe_months, months_between
from actions.models import ActionItem, Plan

pytestmark = pytest.mark.django_db

DOCUMENT_DATE = datetime.date(2020, 10, 12)


def items_on(today: datetime.date) -> dict[int, ActionItem]:
    return {item.number: item for item in ActionItem.objects.for_appendix(today)}


@pytest.mark.parametrize(
    ("earlier", "later", "months"),
    [
        ("2019-12-31", "2020-11-30", 11),  # a shorter month ends on its last day
        ("2019-12-31", "2020-11-29", 10),
        ("2019-12-31", "2021-02-28", 14),
        ("2019-06-30", "2020-10-12", 15),
        ("2020-10-12", "2020-12-31", 2),
        ("2020-10-12", "2020-11-11", 0),
        ("2020-10-12", "2019-01-01", 0),
    ],
)
def test_months_between_counts_whole_months(earlier, later, months):
    assert (
        months_between(datetime.date.fromisoformat(earlier), datetime.date.fromisoformat(later))
        == months
    )


@pytest.mark.parametrize(
    ("months", "words"),
    [
        (0, "less than a month"),
        (1, "1 month"),
        (14, "14 months"),
        (24, "2 years"),
        (25, "2 years 1 month"),
        (82, "6 years 10 months"),
    ],
)
def test_spans_of_months_read_as_people_say_them(months, words):
    assert describe_months(months) == words


def test_on_the_document_date_seven_items_are_overdue_and_completed_ones_are_not():
    overdue = ActionItem.objects.overdue(DOCUMENT_DATE)
    # Due by end 2019 or earlier and not completed; 2 and 5 are due end 2020; 1, 3 and 10 done.
    assert [item.number for item in overdue] == [12, 8, 4, 6, 9, 11, 7]
    assert {item.number for item in ActionItem.objects.for_appendix(DOCUMENT_DATE)} - {
        item.number for item in overdue
    } == {1, 2, 3, 5, 10}


def test_after_the_end_of_2020_the_2019_20_items_are_overdue_too():
    assert {item.number for item in ActionItem.objects.overdue(datetime.date(2021, 1, 1))} == {
        2,
        4,
        5,
        6,
        7,
        8,
        9,
        11,
        12,
    }


def test_an_item_is_not_overdue_on_its_due_date():
    item = items_on(datetime.date(2020, 12, 31))[2]
    assert not item.overdue
    assert item.standing == "due today"


@pytest.mark.parametrize(
    ("today", "number", "standing"),
    [
        ("2020-11-30", 4, "11 months overdue"),
        ("2021-02-28", 4, "14 months overdue"),
        ("2026-11-28", 4, "6 years 10 months overdue"),
        ("2020-01-15", 4, "less than a month overdue"),
        ("2020-10-12", 2, "due in 2 months"),
        ("2019-01-01", 4, "due in 11 months"),
        ("2020-10-12", 3, "completed"),
        ("2020-10-12", 1, "completed"),  # Completed/ongoing counts as done
    ],
)
def test_standing_says_how_late_or_how_soon(today, number, standing):
    item = items_on(datetime.date.fromisoformat(today))[number]
    assert item.standing == standing


def test_an_item_with_no_status_reported_is_overdue_once_past_due():
    plan = Plan.objects.current()
    ActionItem.objects.create(
        plan=plan,
        component=plan.components.get(number=3),
        number=13,
        text="Unreported",
        due_by="By end 2019",
        due_date=datetime.date(2019, 12, 31),
    )
    item = items_on(datetime.date(2020, 1, 1))[13]
    assert item.current_status is None
    assert item.overdue
    assert not items_on(datetime.date(2019, 12, 31))[13].overdue


def test_today_defaults_to_the_local_date(monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda: datetime.date(2020, 11, 30))
    item = ActionItem.objects.for_appendix().get(number=4)
    assert item.checked_on == datetime.date(2020, 11, 30)
    assert item.standing == "11 months overdue"

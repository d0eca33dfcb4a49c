"""Bad reference data stops the load with a message naming record and field; nothing is saved."""

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from actions.models import ActionItem, Component, Plan, Unit
from actions.reporting import StatusReport
from countries.models import Country, Engagement, Region

pytestmark = pytest.mark.django_db

# A valid record first, so that a half-done load would show.
NEW_UNIT = """
- model: actions.unit
  fields: {code: NEWUNIT, name: A unit that must not survive a failed load}
"""

ITEM = """
- model: actions.actionitem
  fields:
    plan: [2019-20]
    component: [2019-20, 1]
    number: {number}
    text: An item
    due_by: By end 2021
    due_date: {due_date}
"""


def load(tmp_path, text: str) -> str:
    path = tmp_path / "bad.yaml"
    path.write_text(NEW_UNIT + text, encoding="utf-8")
    with pytest.raises(CommandError) as raised:
        call_command("load_document", str(path), verbosity=0)
    assert not Unit.objects.filter(code="NEWUNIT").exists(), "the load was half-done"
    return str(raised.value)


def test_a_duplicate_item_number_is_refused(tmp_path):
    message = load(tmp_path, ITEM.format(number=40, due_date="2021-12-31") * 2)
    assert "bad.yaml: record 3 (actions.actionitem number=40)" in message
    assert "duplicate of record 2" in message
    assert not ActionItem.objects.filter(number=40).exists()


def test_an_unknown_status_is_refused(tmp_path):
    message = load(
        tmp_path,
        """
- model: actions.statusreport
  fields:
    action_item: [2019-20, 1]
    session: [GB.338]
    status: zzz
    wording: Whatever
""",
    )
    assert "record 2 (actions.statusreport action_item=['2019-20', 1]" in message
    assert "field 'status': Value 'zzz' is not a valid choice." in message
    assert not StatusReport.objects.filter(session__code="GB.338").exists()


def test_a_country_code_that_does_not_exist_is_refused(tmp_path):
    message = load(
        tmp_path,
        """
- model: countries.country
  fields: {code: XZ, region: [africa]}
""",
    )
    assert "record 2 (countries.country code='XZ')" in message
    assert "field 'code': Value 'XZ' is not a valid choice." in message
    assert not Country.objects.filter(code="XZ").exists()


def test_a_due_date_that_is_not_a_date_is_refused(tmp_path):
    message = load(tmp_path, ITEM.format(number=41, due_date="end of 2021"))
    assert "record 2 (actions.actionitem number=41)" in message
    assert "field 'due_date'" in message and "invalid date format" in message


def test_a_reference_to_a_missing_record_is_refused(tmp_path):
    message = load(
        tmp_path,
        """
- model: countries.engagement
  fields: {country: [FR], kind: cca, description: x, source_paragraph: [GB.340, 13]}
""",
    )
    assert "field 'country': no Country ['FR']" in message
    assert not Engagement.objects.filter(country__code="FR").exists()


def test_a_later_bad_file_undoes_the_earlier_good_ones(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text(NEW_UNIT, encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text("- model: actions.nothing\n  fields: {}\n", encoding="utf-8")
    with pytest.raises(CommandError, match="unknown model 'actions.nothing'"):
        call_command("load_document", str(good), str(bad), verbosity=0)
    assert not Unit.objects.filter(code="NEWUNIT").exists()


# The database itself holds the rules, whatever writes to it.
def refused(**create) -> None:
    model = create.pop("model")
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(**create)


def test_the_database_refuses_a_second_item_with_the_same_number():
    item = ActionItem.objects.get(number=1)
    refused(
        model=ActionItem,
        plan=item.plan,
        component=item.component,
        number=1,
        text="x",
        due_by="x",
        due_date=item.due_date,
    )


def test_the_database_refuses_numbers_out_of_range():
    plan = Plan.objects.get()
    refused(model=Component, plan=plan, number=0, title="x")
    component = Component.objects.get(number=1)
    refused(
        model=ActionItem,
        plan=plan,
        component=component,
        number=0,
        text="x",
        due_by="x",
        due_date="2020-01-01",
    )


def test_the_database_refuses_an_unknown_status_and_a_second_report_per_session():
    report = StatusReport.objects.get(action_item__number=1)
    refused(
        model=StatusReport,
        action_item=report.action_item,
        session=report.session,
        status="ongoing",
        wording="x",
    )
    other = ActionItem.objects.get(number=2)
    session = report.session.__class__.objects.get(code="GB.335")
    refused(model=StatusReport, action_item=other, session=session, status="zzz", wording="x")


def test_the_database_refuses_an_unknown_kind_and_an_impossible_year():
    country = Country.objects.get(code="UG")
    refused(model=Engagement, country=country, kind="party", description="x")
    refused(model=Engagement, country=country, kind="cca", year=1066, description="x")
    refused(model=Region, code="africa", name="Africa again")

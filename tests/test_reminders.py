"""`send_reminders`: before a session's `statuses_due`, each focal point whose items lack a
proposal is reminded, and each coordinator gets a digest of the round; by e-mail, through a real
SMTP server on 127.0.0.1, in each recipient's language, never twice."""

import datetime
import os
import re
import sqlite3
import subprocess
import sys
from io import StringIO
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.formats import date_format
from django.utils.timezone import localtime

from accounts.models import Profile
from actions.content import forget_mostly_english
from actions.models import ActionItem, Unit
from actions.reporting import GoverningBodySession
from actions.round import StatusProposal
from reminders.models import Occasion, Reminder
from reminders.outbox import due_on
from tests.listeners import closed_port
from tests.smtp import parts, smtp_server
from tests.test_sessions import open_gb341
from tests.test_valid_html import html_errors

SITE = "https://tracker.example.org"
DUE = "2021-02-15"
# Seven days before: the "7 days" reminders go out.
WEEK_BEFORE = "2021-02-08"


def person(django_user_model, username: str, group: str, language: str, email: bool = True):
    user = django_user_model.objects.create_user(
        username,
        email=f"{username}@ilo.example" if email else "",
        password="correct horse battery",
        first_name=username.capitalize(),
    )
    user.groups.add(Group.objects.get(name=group))
    Profile.objects.create(user=user, language=language)
    return user


def start_round(django_user_model, session: GoverningBodySession) -> dict:
    """The cast of a round: Amina, ACTRAV's focal point (French); Bruno, PARDEV's and the Turin
    Centre's (Spanish), who has proposed item 2 already; nobody for ACT/EMP (item 1, with
    ACTRAV and Turin); two coordinators, Edith (English) and Fabrice (French)."""
    amina = person(django_user_model, "amina", "Focal points", "fr")
    bruno = person(django_user_model, "bruno", "Focal points", "es")
    edith = person(django_user_model, "edith", "Editors", "en")
    fabrice = person(django_user_model, "fabrice", "Editors", "fr")
    Unit.objects.get(code="ACTRAV").focal_points.add(amina)
    Unit.objects.get(code="PARDEV").focal_points.add(bruno)
    turin = Unit.objects.get(code="Turin Centre")
    turin.focal_points.add(bruno)
    StatusProposal.propose(
        ActionItem.objects.get(number=2),
        session,
        turin,
        status="ongoing",
        wording="Ongoing",
        note="Courses run in 2021.",
        by=bruno,
        seen_version=0,
    )
    return {"amina": amina, "bruno": bruno, "edith": edith, "fabrice": fabrice}


@pytest.fixture
def gb341_due(db, editor_client):
    """GB.341 opened through its form, its statuses due on 15 February 2021."""
    return open_gb341(editor_client, statuses_due=DUE)


@pytest.fixture
def smtp(settings):
    """Django's SMTP backend, as production's settings make it from DJANGO_EMAIL_HOST, sending
    to a server started for the test."""
    with smtp_server() as (inbox, port):
        use_smtp(settings, port)
        yield inbox


def use_smtp(settings, port: int) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    settings.SITE_URL = SITE
    settings.DEFAULT_FROM_EMAIL = "reform-tracker@ilo.example"


def send(*args: str) -> str:
    out = StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def test_reminders_reach_focal_points_and_coordinators_in_their_language(
    gb341_due, django_user_model, smtp
):
    cast = start_round(django_user_model, gb341_due)
    assert "4 sent, 0 already sent by another run, 0 failed" in send("--today", WEEK_BEFORE)

    assert smtp.recipients() == [
        "amina@ilo.example",
        "bruno@ilo.example",
        "edith@ilo.example",
        "fabrice@ilo.example",
    ]
    (amina,) = smtp.to("amina@ilo.example")
    assert amina["From"] == "reform-tracker@ilo.example"
    assert (
        amina["Subject"].strip()
        == "GB.341\u00a0: les états de vos mesures sont attendus le 15 février 2021"
    )
    text, html = parts(amina)
    for part in (text, html):
        assert "Bonjour Amina," in part
        assert "Mesure 1" in part and "Mesure 2" not in part and "Mesure 5" not in part
        assert "dans 7\u00a0jours" in part
    # Each item links to where its status is proposed; the page lists all they are asked for.
    assert f"{SITE}/fr/actions/1/propose/" in text
    assert f'href="{SITE}/fr/actions/1/propose/"' in html
    assert f'href="{SITE}/fr/my-items/"' in html
    assert '<html lang="fr">' in html

    (bruno,) = smtp.to("bruno@ilo.example")
    text, html = parts(bruno)
    for part in (text, html):
        assert "Estimado/a Bruno:" in part
        # Items 1, 5 and 6 of his units; item 2 is proposed.
        assert all(f"Medida {n}" in part for n in (1, 5, 6)) and "Medida 2" not in part
    assert f"{SITE}/es/actions/5/propose/" in text

    (edith,) = smtp.to("edith@ilo.example")
    assert edith["Subject"].strip() == "GB.341: where the reporting round stands"
    text, html = parts(edith)
    for part in (text, html):
        assert "1 proposal received so far." in part
        assert "Item 2 (Turin Centre)" in part  # awaiting review
        assert "ACT/EMP (no focal point)" in part.replace("<strong>", "").replace("</strong>", "")
        assert "Items with no responsible unit" not in part
        assert "Action items with no responsible unit: 3, 4, 7, 8, 9, 10, 11, 12" in part
    # Missing items link to their row of the round page, proposals to their review.
    assert f"{SITE}/sessions/GB.341/round/#item-1" in text
    review = StatusProposal.objects.get(action_item__number=2).pk
    assert f'href="{SITE}/proposals/{review}/review/"' in html
    (fabrice,) = smtp.to("fabrice@ilo.example")
    assert "mesure" in parts(fabrice)[0].lower() and "Mesure 2 (Turin Centre)" in parts(fabrice)[0]

    sent = Reminder.objects.filter(session=gb341_due, occasion=Occasion.DAYS_7)
    assert sent.count() == 4
    assert sorted(sent.get(recipient=cast["bruno"]).items.values_list("number", flat=True)) == [
        1,
        5,
        6,
    ]
    assert sent.get(recipient=cast["amina"]).language == "fr"

    # The same day again (an hourly timer), and the next day: nothing new.
    assert "0 sent" in send("--today", WEEK_BEFORE)
    assert "0 sent" in send("--today", "2021-02-09")
    assert len(smtp.received) == 4
    assert Reminder.objects.count() == 4

    # Two days before, and the day after: a reminder each time.
    send("--today", "2021-02-13")
    send("--today", "2021-02-16")
    assert len(smtp.to("amina@ilo.example")) == 3
    overdue = smtp.to("amina@ilo.example")[-1]
    assert "en retard" in overdue["Subject"]
    assert "étaient attendus le 15 février 2021, il y a 1\u00a0jour" in parts(overdue)[0]


def test_the_html_of_reminders_and_digests_is_valid(gb341_due, django_user_model, smtp, tmp_path):
    start_round(django_user_model, gb341_due)
    send("--today", WEEK_BEFORE)
    files = []
    for recipients, message in smtp.received:
        file = tmp_path / f"{recipients[0]}.html"
        file.write_text(parts(message)[1])
        files.append(file)
    assert html_errors(files) == []


def test_preparing_the_days_messages_takes_as_many_queries_whatever_the_number_of_people(
    gb341_due, django_user_model, settings
):
    """Who is owed what, the round's summary, each person's language and the messages: a fixed
    number of queries (sending then records each message: an insert and its items)."""
    settings.SITE_URL = SITE
    start_round(django_user_model, gb341_due)
    today = datetime.date.fromisoformat(WEEK_BEFORE)

    def prepare() -> tuple[int, int]:
        forget_mostly_english()  # as a new run starts
        with CaptureQueriesContext(connection) as queries:
            messages = [outgoing.message() for outgoing in due_on(today)]
        return len(messages), len(queries)

    few, queries = prepare()
    for n in range(4):
        helper = person(django_user_model, f"helper{n}", "Focal points", "es")
        Unit.objects.get(code="PARDEV").focal_points.add(helper)
        person(django_user_model, f"coordinator{n}", "Editors", "fr")
    many, more_queries = prepare()
    assert (few, many) == (4, 12)
    # Sessions; the current plan; what was sent; who owes what (items, their units, live
    # proposals, focal points); those people with their language; who of them may propose;
    # coordinators with theirs; the round's summary (proposals, missing items with units and
    # focal points, units without focal points, unassigned items); whether items are mostly
    # untranslated, for French and Spanish.
    assert queries == 18
    assert more_queries == queries


def test_a_focal_point_who_has_proposed_everything_is_not_reminded(
    gb341_due, django_user_model, smtp
):
    cast = start_round(django_user_model, gb341_due)
    StatusProposal.propose(
        ActionItem.objects.get(number=1),
        gb341_due,
        Unit.objects.get(code="ACTRAV"),
        status="ongoing",
        wording="Ongoing",
        note="",
        by=cast["amina"],
        seen_version=0,
    )
    send("--today", WEEK_BEFORE)
    assert smtp.to("amina@ilo.example") == []
    assert len(smtp.to("bruno@ilo.example")) == 1


def test_nothing_is_sent_before_fourteen_days_or_for_a_session_without_a_deadline(
    gb341_due, django_user_model, smtp
):
    start_round(django_user_model, gb341_due)
    assert "0 sent" in send("--today", "2021-01-31")  # 15 days before
    gb341_due.statuses_due = None
    gb341_due.save(update_fields=["statuses_due"])
    assert "0 sent" in send("--today", WEEK_BEFORE)
    assert smtp.received == []


def test_a_unit_without_focal_points_is_named_in_the_digest(gb341_due, django_user_model, smtp):
    """Nobody named for any unit: no focal point is reminded, nothing crashes, and the digest
    names every unit that has items."""
    edith = person(django_user_model, "edith", "Editors", "en")
    send("--today", WEEK_BEFORE)
    assert smtp.recipients() == ["edith@ilo.example"]
    text, html = parts(smtp.to(edith.email)[0])
    assert "Units with no focal point (nobody is reminded for their items): " in text
    for code in ("ACT/EMP", "ACTRAV", "PARDEV", "Turin Centre"):
        assert code in text.split("Units with no focal point")[1]
        assert f"<strong>{code}</strong>" in html
    assert "0 proposals received so far." in text


def test_a_focal_point_without_an_e_mail_address_is_named_in_the_digest(
    gb341_due, django_user_model, smtp
):
    person(django_user_model, "edith", "Editors", "en")
    nomail = person(django_user_model, "nomail", "Focal points", "en", email=False)
    Unit.objects.get(code="PARDEV").focal_points.add(nomail)
    assert "1 sent" in send("--today", WEEK_BEFORE)
    text, _html = parts(smtp.to("edith@ilo.example")[0])
    assert "Focal points without an e-mail address (not reminded): nomail" in text


def test_a_focal_point_who_may_not_propose_is_not_reminded_and_is_named_in_the_digest(
    gb341_due, django_user_model, smtp
):
    """Named for PARDEV, then taken out of the group Focal points: the reminder's link would
    answer 403."""
    person(django_user_model, "edith", "Editors", "en")
    former = person(django_user_model, "former", "Focal points", "en")
    Unit.objects.get(code="PARDEV").focal_points.add(former)
    former.groups.clear()
    send("--today", WEEK_BEFORE)
    assert smtp.to("former@ilo.example") == []
    text, html = parts(smtp.to("edith@ilo.example")[0])
    assert (
        "Focal points not in the group Focal points, who cannot propose (not reminded): former"
        in text
    )
    assert "former" in html


def test_a_mail_server_that_is_down_records_nothing_and_the_next_run_retries(
    gb341_due, django_user_model, settings, caplog
):
    start_round(django_user_model, gb341_due)
    use_smtp(settings, closed_port())
    with pytest.raises(CommandError, match="4 message\\(s\\) could not be sent"):
        send("--today", WEEK_BEFORE)
    assert Reminder.objects.count() == 0
    assert "Could not send GB.341, 7-days: reminder to amina" in caplog.text

    with smtp_server() as (inbox, port):
        settings.EMAIL_PORT = port
        assert "4 sent" in send("--today", "2021-02-09")  # the next day's run catches up
    assert len(inbox.received) == 4
    assert Reminder.objects.count() == 4


def test_a_dry_run_says_what_would_be_sent_and_sends_nothing(gb341_due, django_user_model, smtp):
    start_round(django_user_model, gb341_due)
    output = send("--today", WEEK_BEFORE, "--dry-run")
    assert (
        "Would send GB.341, 7-days: reminder to bruno <bruno@ilo.example> in es about items 1, 5, 6"
        in output
    )
    assert "Would send GB.341, 7-days: digest to edith <edith@ilo.example> in en" in output
    assert "4 message(s) would be sent on 2021-02-08; none was." in output
    assert smtp.received == []
    assert Reminder.objects.count() == 0


@pytest.mark.parametrize("today", ["2021-13-01", "tomorrow", "08/02/2021", ""])
def test_a_malformed_today_is_refused_and_changes_nothing(
    gb341_due, django_user_model, smtp, today
):
    start_round(django_user_model, gb341_due)
    with pytest.raises(CommandError, match="--today must be a date written YYYY-MM-DD"):
        send("--today", today) if today else send("--today=")
    assert smtp.received == []
    assert Reminder.objects.count() == 0


def test_without_the_sites_address_nothing_is_sent(gb341_due, django_user_model, smtp, settings):
    start_round(django_user_model, gb341_due)
    settings.SITE_URL = ""
    with pytest.raises(CommandError, match="DJANGO_SITE_URL is not set"):
        send("--today", WEEK_BEFORE)
    assert smtp.received == []


def test_the_occasions_catch_up_with_a_missed_day():
    due = datetime.date(2021, 2, 15)
    on = {days: Occasion.on(due - datetime.timedelta(days=days), due) for days in range(20, -5, -1)}
    assert {d for d, occasion in on.items() if occasion is None} == set(range(15, 21))
    assert {d for d, o in on.items() if o == Occasion.DAYS_14} == set(range(8, 15))
    assert {d for d, o in on.items() if o == Occasion.DAYS_7} == set(range(3, 8))
    assert {d for d, o in on.items() if o == Occasion.DAYS_2} == {0, 1, 2}
    assert {d for d, o in on.items() if o == Occasion.OVERDUE} == {-1, -2, -3, -4}


def test_the_round_page_reads_the_last_reminder_sent(gb341_due, django_user_model, smtp):
    cast = start_round(django_user_model, gb341_due)
    send("--today", WEEK_BEFORE)
    send("--today", "2021-02-13")
    amina, bruno = cast["amina"], cast["bruno"]
    latest = {r.recipient_id: r.sent_at for r in Reminder.objects.filter(occasion="2-days")}
    assert Reminder.objects.last_sent_per_focal_point(gb341_due) == {
        amina.pk: latest[amina.pk],
        bruno.pk: latest[bruno.pk],
    }
    item_1 = ActionItem.objects.get(number=1).pk
    last = Reminder.objects.last_sent(gb341_due)
    assert last[(item_1, amina.pk)].occasion == Occasion.DAYS_2
    assert set(last) == {
        (ActionItem.objects.get(number=n).pk, user.pk)
        for n, user in [(1, amina), (1, bruno), (5, bruno), (6, bruno)]
    }
    assert Reminder.objects.last_sent_per_item(gb341_due)[item_1].occasion == Occasion.DAYS_2


def test_the_round_page_shows_when_each_items_focal_points_were_last_reminded(
    gb341_due, django_user_model, smtp, editor_client
):
    start_round(django_user_model, gb341_due)
    send("--today", WEEK_BEFORE)
    sent_at = Reminder.objects.get(recipient__username="bruno").sent_at
    page = editor_client.get("/sessions/GB.341/round/").content.decode()
    assert "Last reminder" in page
    row = re.search(r'<tr id="item-6".*?</tr>', page, re.S).group(0)
    assert date_format(localtime(sent_at), "DATETIME_FORMAT") in row


# Two runs at once: two processes, as two servers' timers would start them.


def database_url(tmp_path) -> str:
    """The test database, for other processes: PostgreSQL's as it is; SQLite's, kept in memory
    by the tests, copied into a file."""
    settings_dict = connection.settings_dict
    if connection.vendor == "postgresql":
        user, password = quote(settings_dict["USER"]), quote(settings_dict["PASSWORD"] or "")
        credentials = f"{user}:{password}" if password else user
        host, port = settings_dict["HOST"] or "127.0.0.1", settings_dict["PORT"] or 5432
        return f"postgres://{credentials}@{host}:{port}/{settings_dict['NAME']}"
    path = tmp_path / "db.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(path) as copy:
        connection.connection.backup(copy)
    return f"sqlite:///{path}"


def reminders_recorded(url: str) -> list[tuple[str, str]]:
    query = (
        "SELECT u.username, r.kind FROM reminders_reminder r "
        "JOIN auth_user u ON u.id = r.recipient_id ORDER BY u.username"
    )
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
            return db.execute(query).fetchall()
    with connection.cursor() as cursor:
        cursor.execute(query)
        return [tuple(row) for row in cursor.fetchall()]


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_reminder_once(django_user_model, tmp_path):
    call_command("load_document", verbosity=0)  # transactional tests start empty
    editor = person(django_user_model, "opener", "Editors", "en", email=False)
    session = GoverningBodySession.objects.create(
        code="GB.341",
        held_in=datetime.date(2021, 3, 1),
        period="March 2021",
        statuses_due=datetime.date.fromisoformat(DUE),
    )
    session.carry_over(by=editor)
    start_round(django_user_model, session)
    url = database_url(tmp_path)

    # A slow mail server: each run holds its claim while the other tries the same message.
    with smtp_server(delay=0.3) as (inbox, port):
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE"))}
        env = {
            **clean,
            "DATABASE_URL": url,
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "test-only-not-a-secret",
            "DJANGO_EMAIL_HOST": "127.0.0.1",
            "DJANGO_EMAIL_PORT": str(port),
            "DJANGO_EMAIL_USE_TLS": "false",
            "DJANGO_SITE_URL": SITE,
        }
        command = [sys.executable, "manage.py", "send_reminders", "--today", WEEK_BEFORE]
        runs = [
            subprocess.Popen(
                command,
                cwd=settings.BASE_DIR,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        outputs = [run.communicate(timeout=120) for run in runs]

    for run, (_out, err) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, err
    sent = sum(int(out.split(" sent,")[0].split()[-1]) for out, _err in outputs)
    assert sent == 4
    assert inbox.recipients() == [
        "amina@ilo.example",
        "bruno@ilo.example",
        "edith@ilo.example",
        "fabrice@ilo.example",
    ]
    assert reminders_recorded(url) == [
        ("amina", "focal-point"),
        ("bruno", "focal-point"),
        ("edith", "digest"),
        ("fabrice", "digest"),
    ]


def test_reminders_and_digests_name_only_items_of_the_current_plan(gb341_due, django_user_model):
    """An older plan's item still names ACTRAV: its focal point is not asked about it (the
    reminder's link, /actions/<n>/propose/, is the current plan's item), nor is it missing."""
    from actions.models import Component, Plan

    start_round(django_user_model, gb341_due)
    current = Plan.objects.current()
    older = Plan.objects.create(code="2010-11", title="An older plan")
    assert Plan.objects.current() == current
    component = Component.objects.create(plan=older, number=1, title="Old component")
    old_item = ActionItem.objects.create(
        plan=older,
        component=component,
        number=99,
        text="An item of the older plan",
        due_by="By end 2011",
        due_date=datetime.date(2011, 12, 31),
    )
    old_item.responsible_units.add(Unit.objects.get(code="ACTRAV"))
    outgoing = due_on(datetime.date.fromisoformat(WEEK_BEFORE))
    assert outgoing
    for message in outgoing:
        assert old_item not in message.items
        assert old_item not in message.round.get("missing", [])

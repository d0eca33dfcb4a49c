"""Nothing of a draft session reaches anyone but editors and superusers: its statuses, their
wording and reasons, the history rows they write, the progress updates written for it, the
paragraphs linked to them; and staff's usernames are not shown to the public (issue 14, 1).

Everything goes through the real flow (a session opened through its form, statuses and updates
through theirs) and every page is read with the page cache on, as in production, and off.
"""

import io
import zipfile

import docx
import pytest
from django.contrib.auth.models import Group
from django.test import Client

from actions.models import Paragraph
from actions.reporting import StatusReport

from .page_types import open_gb341

pytestmark = pytest.mark.django_db

# What the editor writes for GB.341 while it is a draft: none of it may reach a reader.
WORDING = "Starting again under the new draft timeline"
WORDING_FR = "Reprise selon le calendrier du brouillon"
WORDING_ES = "Reanudación según el calendario del borrador"
REASON = "Recruitment round postponed by the draft review"
NOTE = "Draft note: the selection panel meets in April"
UPDATE = "Draft update: nominations received from three regions"
EVIDENCE = "https://example.org/draft-evidence-4417"
# The editor's username, chosen so that it appears nowhere else on any page.
AUTHOR = "kmensah"
TRACES = [
    WORDING,
    WORDING_FR,
    WORDING_ES,
    REASON,
    NOTE,
    UPDATE,
    EVIDENCE,
    AUTHOR,
    "GB.341",
    "Carried over from GB.340",
]

# Every page, export and Word file that names item 12 or reports statuses.
PAGES = [
    "/actions/12/",
    "/",
    "/appendix/",
    "/appendix/?_export=csv",
    "/appendix/?_export=xlsx",
    "/appendix/?_export=json",
    "/appendix/?status=starting",
    "/sessions/",
    "/sessions/GB.340/",
    "/sessions/GB.340/appendix.docx",
    "/sessions/GB.340/appendix.docx?since=GB.335",
    "/sessions/GB.340/changes/?since=GB.335",
    "/countries/",
    "/countries/ci/",
    "/countries/matrix/",
    "/countries/?_export=csv",
]
LANGUAGES = ["", "/fr", "/es"]
STAFF = {"": "ILO staff", "/fr": "Personnel du BIT", "/es": "Personal de la OIT"}


@pytest.fixture(params=["cache on", "cache off"])
def page_cache(request, settings):
    settings.PAGE_CACHE_SECONDS = 600 if request.param == "cache on" else 0


@pytest.fixture
def author(django_user_model):
    user = django_user_model.objects.create_user(AUTHOR, password="correct horse battery")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def author_client(author) -> Client:
    client = Client()
    client.force_login(author)
    return client


@pytest.fixture
def viewer_client(viewer) -> Client:
    client = Client()
    client.force_login(viewer)
    return client


def text_of(response) -> str:
    """What a reader gets, as text: the page, the export, or the Word file's words."""
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        if "wordprocessingml" in response["Content-Type"]:
            document = docx.Document(io.BytesIO(response.content))
            cells = [
                cell.text for table in document.tables for row in table.rows for cell in row.cells
            ]
            return "\n".join([p.text for p in document.paragraphs] + cells)
        # A spreadsheet: its shared strings and sheets, as XML.
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            return "\n".join(archive.read(name).decode() for name in archive.namelist())
    return response.content.decode()


def draft_gb341(client: Client) -> None:
    """An editor opens GB.341, changes item 12's status with a reason, a wording in each
    language and a note, and adds a progress update for it."""
    open_gb341(client)
    report = StatusReport.objects.get(action_item__number=12, session__code="GB.341")
    response = client.post(
        "/actions/12/status/",
        {
            "status": "starting",
            "wording": WORDING,
            "wording_fr": WORDING_FR,
            "wording_es": WORDING_ES,
            "reason": REASON,
            "note": NOTE,
            "version": report.version,
        },
    )
    assert response.status_code == 302, response.content.decode()
    response = client.post(
        "/actions/12/updates/add/",
        {
            "date": "2021-02-01",
            "narrative": UPDATE,
            "evidence_url": EVIDENCE,
            "session": report.session_id,
        },
    )
    assert response.status_code == 302, response.content.decode()
    # Editors' forms do not link paragraphs; a superuser does it in Django admin. Paragraph 13
    # reports engagements in Côte d'Ivoire and Uganda; item 12's published report cites none.
    report.paragraphs.add(Paragraph.objects.get(session__code="GB.340", number=13))


def test_editors_and_superusers_see_the_draft_and_who_wrote_it(
    author_client, superuser, page_cache
):
    draft_gb341(author_client)
    admin = Client()
    admin.force_login(superuser)
    for reader in (author_client, admin):
        page = reader.get("/actions/12/").content.decode()
        for trace in (REASON, NOTE, UPDATE, AUTHOR, "Status for GB.341", "Carried over"):
            assert trace in page
        assert "GB.340/INS/6, para. 13" in page


def test_no_trace_of_a_draft_reaches_readers(author_client, viewer_client, page_cache, settings):
    readers = {"anonymous": Client(), "viewer": viewer_client}
    draft_gb341(author_client)
    cached = bool(settings.PAGE_CACHE_SECONDS)
    for language in LANGUAGES:
        for path in PAGES:
            url = language + path
            if cached:
                # The editor reads first, so that their cached entries exist.
                assert author_client.get(url).status_code == 200, url
            for name, reader in readers.items():
                for attempt in ("rendered", "from the cache") if cached else ("rendered",):
                    response = reader.get(url)
                    assert response.status_code == 200, url
                    text = text_of(response)
                    for trace in TRACES:
                        assert trace not in text, f"{name} reads {trace!r} at {url} ({attempt})"
        for name, reader in readers.items():
            item = reader.get(f"{language}/actions/12/").content.decode()
            # Related countries follow only the paragraphs of published reports.
            assert "para. 13" not in item, name
            assert reader.get(f"{language}/sessions/GB.341/").status_code == 404, name


def test_the_history_of_a_published_session_names_no_staff_to_readers(
    author_client, viewer_client, page_cache
):
    draft_gb341(author_client)
    response = author_client.post("/sessions/GB.341/publish/", {"confirm": "on"})
    assert response.status_code == 302, response.content.decode()
    anonymous = Client()
    for language, staff in STAFF.items():
        url = f"{language}/actions/12/"
        for reader in (anonymous, viewer_client):
            page = reader.get(url).content.decode()
            # Published now: the status, its reason and the update are the public record...
            assert REASON in page and UPDATE in page
            # ...but who wrote them is not.
            assert AUTHOR not in page, url
            assert staff in page, url
        assert AUTHOR in author_client.get(url).content.decode()


# --- The reporting round: proposals are for editors (and their own unit's focal points) --------

PROPOSAL_WORDING = "Proposed wording pending review 7731"
PROPOSAL_NOTE = "Proposal note: twelve federations signed up"
PROPOSER = "tnakamura"  # appears nowhere else
PROPOSAL_TRACES = [PROPOSAL_WORDING, PROPOSAL_NOTE, "awaiting review", PROPOSER]


def propose_for_item_1(author_client) -> Client:
    """An editor opens GB.341 and names PROPOSER ACTRAV's focal point (ACTRAV is responsible for
    item 1), who proposes item 1's status with a note."""
    from actions.models import Unit

    from .page_types import name_focal_point

    open_gb341(author_client)
    name_focal_point(author_client, PROPOSER, "ACTRAV")
    proposer = Client()
    proposer.force_login(Unit.objects.get(code="ACTRAV").focal_points.get(username=PROPOSER))
    response = proposer.post(
        "/actions/1/propose/",
        {
            "unit": Unit.objects.get(code="ACTRAV").pk,
            "status": "completed",
            "wording": PROPOSAL_WORDING,
            "note": PROPOSAL_NOTE,
            "session": "GB.341",
            "version": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()
    return proposer


def test_no_trace_of_a_proposal_reaches_readers_nor_other_focal_points(
    author_client, viewer_client, focal_point, page_cache, settings
):
    proposer = propose_for_item_1(author_client)
    # Editors see it (and read first, so that their cached entries exist).
    assert "proposed by ACTRAV, awaiting review" in author_client.get("/appendix/").content.decode()
    # A focal point of another unit responsible for item 1 too (the Turin Centre) shares the
    # proposer's permissions, hence their cached entries.
    other = Client()
    other.force_login(focal_point)
    readers = {"anonymous": Client(), "viewer": viewer_client, "other focal point": other,
               "the proposer": proposer}  # fmt: skip
    cached = bool(settings.PAGE_CACHE_SECONDS)
    pages = [*PAGES, "/actions/1/", "/sessions/GB.340/appendix.docx"]
    for language in LANGUAGES:
        for path in pages:
            url = language + path
            if cached:
                assert author_client.get(url).status_code == 200, url
            for name, reader in readers.items():
                for attempt in ("rendered", "from the cache") if cached else ("rendered",):
                    text = text_of(reader.get(url))
                    # The proposer's own name is in their page's header, as anyone's.
                    traces = PROPOSAL_TRACES[:-1] if name == "the proposer" else PROPOSAL_TRACES
                    for trace in traces:
                        assert trace not in text, f"{name} reads {trace!r} at {url} ({attempt})"
    # Their own proposal: on their pages, not on another focal point's.
    assert PROPOSAL_WORDING in proposer.get("/my-items/").content.decode()
    assert PROPOSAL_WORDING not in other.get("/my-items/").content.decode()
    form = other.get("/actions/1/propose/")  # item 1 is the Turin Centre's too
    assert form.status_code == 200 and PROPOSAL_WORDING not in form.content.decode()
    assert other.get("/sessions/GB.341/round/").status_code == 403
    assert other.get(f"/proposals/{1}/review/").status_code == 403

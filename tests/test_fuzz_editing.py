"""Arbitrary input to every editing form never breaks the site, and changes nothing unless valid.

Derandomized like tests/test_fuzz.py; `FUZZ_MAX_EXAMPLES` and `FUZZ_RANDOM` widen the run.
"""

import pytest
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from actions.forms import (
    ApplyImportForm,
    ProgressUpdateForm,
    PublishForm,
    SessionForm,
    StatusReportForm,
)
from countries.forms import EngagementForm
from countries.models import Engagement
from tests.snapshots import table_rows
from tests.test_fuzz import FUZZ

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("gb341")]

# Each editing page and the fields of its form, as the form declares them.
FORMS = {
    "/actions/6/status/": list(StatusReportForm.base_fields),
    "/actions/6/updates/add/": list(ProgressUpdateForm.base_fields),
    "/countries/UG/engagements/add/": list(EngagementForm.base_fields),
    "engagement-edit": list(EngagementForm.base_fields),
    "/sessions/new/": list(SessionForm.base_fields),
    "/sessions/GB.341/publish/": list(PublishForm.base_fields),
    # The upload's field, then the apply step's (its ticks and statuses are per row).
    "/sessions/GB.341/import/": ["file", *ApplyImportForm.base_fields, "apply", "status-3"],
}
VALUES = (
    st.text(max_size=50)
    | st.text(min_size=2001, max_size=3000)
    | st.integers().map(str)
    | st.sampled_from(
        ["", "0", "-1", "2021-02-30", "GB.341", "on", "completed", "<script>x</script>"]
    )
)
# The users and the draft session are the same for every example: they may be shared.
EDITING_FUZZ = hypothesis_settings(
    FUZZ, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
# Writes that are expected when a request is valid, and the security log, which records a
# refusal; a refused request leaves everything else as it was.
BOOKKEEPING = frozenset(
    {"django_session", "axes_accessattempt", "axes_accesslog", "accounts_securityevent"}
)


def url(path: str) -> str:
    if path == "engagement-edit":
        return f"/countries/engagements/{Engagement.objects.order_by('pk').first().pk}/edit/"
    return path


@EDITING_FUZZ
@given(
    path=st.sampled_from(sorted(FORMS)),
    data=st.data(),
)
def test_any_input_to_an_editing_form_is_answered_without_a_server_error(editor, path, data):
    fields = FORMS[path]
    posted = data.draw(
        st.dictionaries(st.sampled_from(fields) | st.text(max_size=10), VALUES, max_size=8)
    )
    client = Client()
    client.force_login(editor)  # before the snapshot: signing in records the time
    before = table_rows(exclude=BOOKKEEPING)
    response = client.post(url(path), posted)
    assert response.status_code < 500
    if response.status_code >= 400:
        assert table_rows(exclude=BOOKKEEPING) == before


@EDITING_FUZZ
@given(path=st.sampled_from(sorted(FORMS)), posted=st.dictionaries(st.text(), VALUES, max_size=5))
def test_no_anonymous_or_csrf_less_request_changes_anything(viewer, path, posted):
    reader = Client(enforce_csrf_checks=True)
    reader.force_login(viewer)  # before the snapshot: signing in records the time
    before = table_rows(exclude=BOOKKEEPING)
    assert Client().post(url(path), posted).status_code == 302  # anonymous: to sign in
    assert reader.post(url(path), posted).status_code == 403
    assert table_rows(exclude=BOOKKEEPING) == before

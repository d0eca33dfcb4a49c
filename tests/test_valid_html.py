"""Every type of page is valid HTML, for anonymous readers and for editors with a draft open
(editing controls shown): the W3C checker, vnu.jar from npm (tests/vnu/, installed by
`make test`), run once on all the saved pages. It needs Java."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from .page_types import (
    ANONYMOUS,
    FOCAL_POINT,
    FOCAL_POINT_NAME,
    editor_pages,
    expected_status,
    prepare_editor,
)

pytestmark = pytest.mark.django_db

VNU = Path(settings.BASE_DIR) / "tests" / "vnu" / "node_modules" / "vnu-jar" / "build" / "dist"
NO_JAVA = (
    "The HTML checker (vnu.jar) needs Java: install a JRE "
    "(Debian: apt-get install default-jre-headless)."
)


def html_errors(files: list[Path]) -> list[str]:
    """The checker's errors in `files`, each as "file, line N: message"."""
    java = shutil.which("java")
    if java is None:
        pytest.fail(NO_JAVA, pytrace=False)
    jar = VNU / "vnu.jar"
    if not jar.exists():
        pytest.fail(f"{jar} is missing: `make test` installs it (npm ci in tests/vnu).")
    checked = subprocess.run(
        [java, "-jar", str(jar), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    messages = json.loads(checked.stderr)["messages"]
    return [
        f"{message.get('url', '').rsplit('/', 1)[-1]}, line {message.get('lastLine', '?')}: "
        f"{message['message']}"
        for message in messages
    ]


def save(client: Client, who: str, pages: dict[str, str], folder: Path) -> list[Path]:
    files = []
    for name, path in pages.items():
        response = client.get(path)
        assert response.status_code == expected_status(name), f"{who} {name} {path}"
        file = folder / f"{who} {name}.html".replace(" ", "-")
        file.write_bytes(response.content)
        files.append(file)
    return files


def test_every_page_is_valid_html_for_readers_editors_and_focal_points(
    editor_client, django_user_model, tmp_path
):
    prepare_editor(editor_client)
    files = save(Client(), "anonymous", ANONYMOUS, tmp_path)
    files += save(editor_client, "editor", editor_pages(), tmp_path)
    focal_point = Client()
    focal_point.force_login(django_user_model.objects.get(username=FOCAL_POINT_NAME))
    files += save(focal_point, "focal point", FOCAL_POINT, tmp_path)
    errors = html_errors(files)
    assert not errors, "Invalid HTML:\n" + "\n".join(errors)


def test_times_carry_at_most_whole_seconds(editor_client):
    """The checker refuses more than three digits of fractions in a datetime attribute."""
    prepare_editor(editor_client)
    page = Client().get("/actions/6/").content.decode()
    stamps = re.findall(r'<time datetime="([^"]*)"', page)
    assert stamps
    for stamp in stamps:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}", stamp), stamp


def test_without_java_the_check_says_to_install_a_jre(monkeypatch, tmp_path):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(pytest.fail.Exception, match=re.escape(NO_JAVA)):
        html_errors([tmp_path / "page.html"])

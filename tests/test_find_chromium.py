"""scripts/find-chromium: which Chromium `make test` gives the browser tests, or what it installs,
or the one line it stops with. Each case is a made-up machine: fake executables in a temporary
folder, its own PATH and HOME, a uid, and a recorder instead of installing anything."""

import os
import subprocess
import sys
from importlib.machinery import SourceFileLoader
from importlib.util import module_from_spec, spec_from_loader
from pathlib import Path

import pytest
from django.conf import settings

SCRIPT = Path(settings.BASE_DIR) / "scripts" / "find-chromium"
loader = SourceFileLoader("find_chromium", str(SCRIPT))
find = module_from_spec(spec_from_loader("find_chromium", loader))
loader.exec_module(find)


def fake_executable(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return path


class Machine:
    """A machine with no Chromium, Debian or not, root or not, where installing can work."""

    def __init__(self, root: Path, *, debian=True, uid=1000, installs=True):
        self.root = root
        self.bin = root / "bin"
        self.bin.mkdir(parents=True)
        if debian:
            fake_executable(self.bin / "apt-get")
        self.environ = {"PATH": str(self.bin), "HOME": str(root / "home")}
        self.debian_chromium = root / "usr" / "bin" / "chromium"
        self.playwright_chromium = (
            root / "home" / ".cache" / "ms-playwright" / "chromium-1" / "chrome-linux64" / "chrome"
        )
        self.uid = uid
        self.installs = installs
        self.ran: list[list[str]] = []

    def playwright(self, environ):
        assert environ is self.environ
        return self.playwright_chromium

    def run(self, command, environ):
        """Records the command; an install that works puts the browser where it goes."""
        self.ran.append([Path(command[0]).name, *command[1:]])
        if self.installs and "install" in command:
            fake_executable(
                self.debian_chromium if "apt-get" in command[0] else self.playwright_chromium
            )
        return self.installs

    def find(self) -> Path:
        return find.find_chromium(
            self.environ,
            debian=self.debian_chromium,
            uid=self.uid,
            playwright=self.playwright,
            run=self.run,
        )


def test_chromium_from_the_environment_comes_first(tmp_path):
    machine = Machine(tmp_path)
    fake_executable(machine.debian_chromium)
    mine = fake_executable(tmp_path / "opt" / "my-chromium")
    machine.environ["CHROMIUM"] = str(mine)
    assert machine.find() == mine
    assert machine.ran == []


def test_chromium_from_the_environment_that_is_not_there_is_an_error_not_a_fallback(tmp_path):
    machine = Machine(tmp_path)
    fake_executable(machine.debian_chromium)
    machine.environ["CHROMIUM"] = str(tmp_path / "nowhere")
    with pytest.raises(find.NoChromium, match="is not an executable file"):
        machine.find()


def test_debian_chromium_comes_before_playwright_own(tmp_path):
    machine = Machine(tmp_path)
    fake_executable(machine.debian_chromium)
    fake_executable(machine.playwright_chromium)
    assert machine.find() == machine.debian_chromium
    assert machine.ran == []


def test_the_chromium_playwright_downloaded_is_found_in_its_cache(tmp_path):
    machine = Machine(tmp_path)
    fake_executable(machine.playwright_chromium)
    assert machine.find() == machine.playwright_chromium
    assert machine.ran == []


def test_as_root_on_debian_it_installs_debian_chromium_and_fonts(tmp_path):
    machine = Machine(tmp_path, debian=True, uid=0)
    assert machine.find() == machine.debian_chromium
    assert machine.ran == [
        ["apt-get", "update"],
        ["apt-get", "install", "-y", "--no-upgrade", "chromium", "fonts-liberation"],
    ]


def test_as_root_on_debian_a_failed_install_names_the_command(tmp_path):
    machine = Machine(tmp_path, debian=True, uid=0, installs=False)
    with pytest.raises(find.NoChromium, match="run: apt-get install chromium fonts-liberation$"):
        machine.find()


@pytest.mark.parametrize(("debian", "uid"), [(True, 1000), (False, 0), (False, 1000)])
def test_elsewhere_it_downloads_playwright_own_chromium(tmp_path, debian, uid):
    machine = Machine(tmp_path, debian=debian, uid=uid)
    assert machine.find() == machine.playwright_chromium
    assert machine.ran == [[Path(sys.executable).name, "-m", "playwright", "install", "chromium"]]


def test_when_playwright_cannot_download_either_it_names_the_command_to_run(tmp_path):
    not_root_on_debian = Machine(tmp_path / "debian", debian=True, uid=1000, installs=False)
    with pytest.raises(find.NoChromium) as stop:
        not_root_on_debian.find()
    assert "run: sudo apt-get install chromium fonts-liberation (or" in str(stop.value)

    elsewhere = Machine(tmp_path / "other", debian=False, uid=1000, installs=False)
    with pytest.raises(find.NoChromium) as stop:
        elsewhere.find()
    assert f"run: {sys.executable} -m playwright install chromium (or" in str(stop.value)


def test_playwright_is_asked_where_its_chromium_goes_under_home(tmp_path):
    """The real question to Playwright, with a made-up HOME: its cache is under it."""
    path = find.playwright_chromium({"HOME": str(tmp_path), "PATH": os.defpath})
    assert path.is_relative_to(tmp_path / ".cache" / "ms-playwright")
    assert path.name == "chrome"


def test_the_script_prints_the_path_alone_or_stops_with_one_line(tmp_path):
    mine = fake_executable(tmp_path / "chromium")
    found = subprocess.run(
        [sys.executable, SCRIPT], env={**os.environ, "CHROMIUM": str(mine)}, capture_output=True
    )
    assert (found.returncode, found.stdout.decode(), found.stderr) == (0, f"{mine}\n", b"")

    missing = subprocess.run(
        [sys.executable, SCRIPT],
        env={**os.environ, "CHROMIUM": str(tmp_path / "nowhere")},
        capture_output=True,
        text=True,
    )
    assert missing.returncode == 1
    assert missing.stdout == ""
    assert missing.stderr.count("\n") == 1
    assert missing.stderr.startswith(f"make test: CHROMIUM={tmp_path / 'nowhere'} is not")
    assert "make test BROWSER=0" in missing.stderr

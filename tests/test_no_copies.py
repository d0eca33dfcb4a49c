"""No block of six or more lines is copied from one app into another, nor from an app into the
tests (a form's field list, say), migrations aside (they keep frozen copies on purpose): a rule
written twice drifts apart. A cheap, exact check of normalised lines; blocks alike but for their
names are for a reviewer's tools."""

import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("accounts", "actions", "countries", "ops", "reform_tracker", "tests")
SKIPPED = {"migrations", "node_modules", "vendor"}
WINDOW = 6
# Passed over: blank lines, comments, imports, and lines of punctuation alone (closing brackets).
NOT_CODE = re.compile(r"^(#.*|(from \S+ )?import .*|[\s()\[\]{},:]*)$")


def code_lines(path: Path) -> list[tuple[int, str]]:
    lines, in_import = [], False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        folded = " ".join(line.split())
        if in_import:
            in_import = ")" not in folded
        elif NOT_CODE.match(folded):
            in_import = folded.endswith("import (")
        else:
            lines.append((number, folded))
    return lines


def copied_between_apps(apps: tuple[str, ...] = APPS, root: Path = ROOT) -> list[str]:
    """Each window of WINDOW code lines that stands in two apps, as "app/file:line ~ …"."""
    places = defaultdict(set)
    for app in apps:
        for path in sorted((root / app).rglob("*.py")):
            if SKIPPED & set(path.parts):
                continue
            lines = code_lines(path)
            for start in range(len(lines) - WINDOW + 1):
                window = "\n".join(text for _, text in lines[start : start + WINDOW])
                places[window].add((app, f"{path.relative_to(root)}:{lines[start][0]}"))
    found = set()
    for where in places.values():
        if len({app for app, _ in where}) > 1:
            found.add(" ~ ".join(sorted(place for _, place in where)))
    return sorted(found)


def test_no_block_of_six_lines_is_copied_between_apps():
    assert copied_between_apps() == []


def test_the_check_finds_a_copied_block(tmp_path):
    block = "\n".join(f"value_{n} = compute({n})" for n in range(6)) + "\n"
    for app in ("one", "two"):
        (tmp_path / app).mkdir()
        (tmp_path / app / "rules.py").write_text(f"# {app}\n\n" + block)
        (tmp_path / app / "migrations").mkdir()
        (tmp_path / app / "migrations" / "0001.py").write_text("x = 1\n" + block)
        (tmp_path / app / "names.py").write_text("from x import (\n" + "    a,\n" * 8 + ")\n")
    assert copied_between_apps(("one", "two"), tmp_path) == ["one/rules.py:3 ~ two/rules.py:3"]

"""The apps depend one way (docs/development.md draws it): countries builds on actions, accounts
on neither. Read from the source with ast, so that a module-level import that turns the arrow
round fails here before it makes a cycle."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def app_modules(app: str) -> list[Path]:
    return sorted(p for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts)


def is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imported(node: ast.stmt) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        return [node.module]
    return []


def module_level_imports(source: str) -> list[str]:
    """What a module imports when it is imported: its top-level statements, and those in
    top-level if/try blocks, except `if TYPE_CHECKING:` (never run)."""
    names = []
    pending = list(ast.parse(source).body)
    while pending:
        node = pending.pop()
        names += imported(node)
        if isinstance(node, ast.If) and not is_type_checking(node):
            pending += node.body + node.orelse
        elif isinstance(node, ast.Try):
            pending += node.body + node.orelse + node.finalbody
            for handler in node.handlers:
                pending += handler.body
    return names


def all_imports(source: str) -> list[str]:
    return [name for node in ast.walk(ast.parse(source)) for name in imported(node)]


def from_app(names: list[str], app: str) -> list[str]:
    return [name for name in names if name == app or name.startswith(f"{app}.")]


@pytest.mark.parametrize("path", app_modules("actions"), ids=lambda p: p.name)
def test_actions_does_not_import_countries_at_module_level(path):
    assert from_app(module_level_imports(path.read_text()), "countries") == []


@pytest.mark.parametrize("path", app_modules("accounts"), ids=lambda p: p.name)
def test_accounts_does_not_import_actions(path):
    assert from_app(all_imports(path.read_text()), "actions") == []


@pytest.mark.parametrize("path", app_modules("actions"), ids=lambda p: p.name)
def test_actions_does_not_import_reminders_at_module_level(path):
    """The reminders build on the round (actions) and the users' language (accounts)."""
    assert from_app(module_level_imports(path.read_text()), "reminders") == []


@pytest.mark.parametrize("path", app_modules("accounts"), ids=lambda p: p.name)
def test_accounts_does_not_import_reminders(path):
    assert from_app(all_imports(path.read_text()), "reminders") == []


def test_the_check_sees_an_import_at_module_level_and_not_one_at_call_time():
    source = (
        "from typing import TYPE_CHECKING\n"
        "import countries.models\n"
        "if TYPE_CHECKING:\n    from countries.models import Region\n"
        "def page():\n    from countries.models import Engagement\n"
    )
    assert from_app(module_level_imports(source), "countries") == ["countries.models"]
    assert len(from_app(all_imports(source), "countries")) == 3

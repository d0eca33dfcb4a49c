"""A clone is the whole product: nothing in it reads a `shared` folder beside the repository.

The source document the fixtures are checked against is docs/source/GB.340-INS-6.txt (see
docs/source/README.md). CI runs the suite in a fresh clone with no such folder beside it.
"""

import os
import re
import subprocess
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# Not tracked, or not ours: never scanned when the tree is walked instead of asking git.
UNTRACKED = {".git", ".venv", "node_modules", "__pycache__", ".pytest_cache", ".ruff_cache"}

# Written in pieces, so that this file does not match its own patterns.
UP, NAME = re.escape(".."), "sha" + "red"
REFERENCES = re.compile(
    "|".join(
        [
            UP + r"[/\\]" + NAME + r"\b",  # up one folder, then into it (either slash)
            r"""parent\s*/\s*["']""" + NAME + """["']""",  # a pathlib path from the parent
            r"""["']""" + UP + r"""["']\s*,\s*["']""" + NAME + """["']""",  # os.path.join's parts
            r"\b" + NAME + "/source",  # the folder the source document was once read from
        ]
    )
)


def tracked_files(root: Path) -> list[Path]:
    """The repository's files: what git tracks, or every file under `root` outside a checkout."""
    try:
        listing = subprocess.run(
            ["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True, text=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        files = []
        for folder, subfolders, names in os.walk(root):
            subfolders[:] = [name for name in subfolders if name not in UNTRACKED]
            files += [Path(folder) / name for name in names]
        return files
    return [root / name for name in listing.split("\0") if name]


def references_to_a_shared_folder(root: Path) -> list[str]:
    found = []
    for path in tracked_files(root):
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, FileNotFoundError, IsADirectoryError):
            continue  # binary (images, .mo), or deleted but not yet committed
        for number, line in enumerate(text.splitlines(), start=1):
            if REFERENCES.search(line):
                found.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    return found


def test_no_tracked_file_reads_a_shared_folder_beside_the_repository():
    assert references_to_a_shared_folder(ROOT) == []


def test_the_guard_finds_each_way_of_naming_the_folder(tmp_path):
    up, name = "..", NAME
    lines = [
        f"cat {up}/{name}/notes.md",
        f'SOURCE = Path(settings.BASE_DIR).parent / "{name}" / "x.txt"',
        f"SOURCE = BASE_DIR.parent/'{name}'",
        f'os.path.join(BASE_DIR, "{up}", "{name}")',
        f"# read from {name}/source",
        "the shared cache, shared by readers",  # not a folder: not found
    ]
    (tmp_path / "a.py").write_text("\n".join(lines), encoding="utf-8")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\xff\xfe " + f"{up}/{name}".encode())
    assert [finding.split(":")[1] for finding in references_to_a_shared_folder(tmp_path)] == [
        "1",
        "2",
        "3",
        "4",
        "5",
    ]

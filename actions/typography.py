"""Punctuation between two parts of a string the code builds, as each language sets it: French
puts a no-break space (U+00A0) before a colon and a narrow one (U+202F) before a semicolon,
question or exclamation mark; English and Spanish put none."""

from django.utils.translation import get_language

FRENCH_SPACE_BEFORE = {":": "\u00a0", ";": "\u202f", "?": "\u202f", "!": "\u202f"}


def punctuated(mark: str) -> str:
    """`mark` followed by a space, with the space the active language puts before it: ": " or
    "\u00a0: "."""
    before = FRENCH_SPACE_BEFORE.get(mark, "") if get_language() == "fr" else ""
    return f"{before}{mark} "

"""Accessibility checks with axe-core (vendored: vendor/axe-core/README.md), injected into the page
by the test, never served by the site."""

from dataclasses import dataclass, field
from pathlib import Path

from .conftest import DESKTOP, PHONE

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
# WCAG 2.0 and 2.1, levels A and AA, and axe's best practices (landmarks, headings, regions).
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
BLOCKING = ("serious", "critical")

# Runs in the page; returns only what a report needs (axe's full results are megabytes).
RUN = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return {
    passes: results.passes.length,
    incomplete: results.incomplete.length,
    violations: results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
    })),
  };
}"""


@dataclass
class Scan:
    name: str
    passes: int
    incomplete: int
    violations: list[dict] = field(default_factory=list)

    @property
    def blocking(self) -> list[dict]:
        """The violations of serious or critical impact: the ones that fail the check."""
        return [v for v in self.violations if v["impact"] in BLOCKING]

    def summary(self) -> str:
        line = (
            f"axe {self.name}: {self.passes} rules passed, {len(self.violations)} violation(s), "
            f"{len(self.blocking)} serious or critical, {self.incomplete} to review by hand"
        )
        details = [
            f"\n    {v['impact']}: {v['id']} ({v['help']}) at {', '.join(v['targets'])}"
            for v in self.violations
        ]
        return line + "".join(details)


def scan(page, name: str) -> Scan:
    """Run axe on the page as it is now.

    `page.evaluate` runs outside the page's Content-Security-Policy, which forbids inline
    scripts; the site's own scripts stay under it.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SOURCE)
    result = page.evaluate(RUN, TAGS)
    return Scan(name=name, **result)


def blocking_violations(page, name: str, capsys) -> list[str]:
    """Scan the page at desktop and phone width (where tables stack), print what was checked, and
    return the serious or critical violations; the page is left at desktop width."""
    failures = []
    for width, viewport in (("", DESKTOP), (" (phone)", PHONE)):
        page.set_viewport_size(viewport)
        result = scan(page, name + width)
        with capsys.disabled():
            print(result.summary())
        failures += [f"{result.name}: {v['id']} at {v['targets']}" for v in result.blocking]
    page.set_viewport_size(DESKTOP)
    return failures

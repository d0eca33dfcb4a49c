"""Spans of time as the plan counts them and readers say them (pure functions, no database)."""

import calendar
import datetime

from django.utils.translation import gettext, ngettext


def months_between(earlier: datetime.date, later: datetime.date) -> int:
    """Whole months from `earlier` to `later` (0 if less than a month or if `later` is earlier).

    A month is complete on the same day of the month, or on the month's last day when it is
    shorter: 31 December to 30 November is eleven months.
    """
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    last_day = calendar.monthrange(later.year, later.month)[1]
    if later.day < min(earlier.day, last_day):
        months -= 1
    return max(months, 0)


def describe_months(months: int) -> str:
    """A span of whole months as a reader says it: "3 months", "14 months", "6 years 10 months"."""
    if months < 1:
        return gettext("less than a month")
    if months < 24:
        return ngettext("%(count)d month", "%(count)d months", months) % {"count": months}
    years, rest = divmod(months, 12)
    in_years = ngettext("%(count)d year", "%(count)d years", years) % {"count": years}
    if not rest:
        return in_years
    in_months = ngettext("%(count)d month", "%(count)d months", rest) % {"count": rest}
    return f"{in_years} {in_months}"

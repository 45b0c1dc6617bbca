"""Dates of ticks, as uptake writes them ("2023Q1", "2023-01", "2023").

The same arithmetic as the kernel's TickCalendar (Sources/UptakeKernel/Calendar):
tick 0 is the start period, each tick one quarter, month or year later.
"""

from __future__ import annotations

from dataclasses import dataclass

PERIODS_PER_YEAR = {"quarter": 4, "month": 12, "year": 1}


@dataclass(frozen=True)
class Calendar:
    """A run's calendar: its start date and tick unit.

        Calendar.parse("2023Q1", "quarter").label(4)  # "2024Q1"
    """

    unit: str
    start_year: int
    start_period: int  # 0-based quarter or month; 0 for years

    @classmethod
    def parse(cls, start: str, unit: str) -> "Calendar":
        """The calendar starting at `start` (a date in `unit`); ValueError when it is not one."""
        if unit not in PERIODS_PER_YEAR:
            raise ValueError(f"'{unit}' is not a tick unit; uptake knows quarter, month and year")
        parsed = _parse(start.strip(), unit)
        if parsed is None:
            example = {"quarter": "2023Q1", "month": "2023-01", "year": "2023"}[unit]
            raise ValueError(f"'{start}' is not a {unit} date; write it like {example}")
        return cls(unit, parsed[0], parsed[1])

    def label(self, tick: int) -> str:
        """The date of a tick."""
        periods = PERIODS_PER_YEAR[self.unit]
        absolute = self.start_year * periods + self.start_period + tick
        year, period = divmod(absolute, periods)  # floor division, as the kernel's
        if self.unit == "quarter":
            return f"{year}Q{period + 1}"
        if self.unit == "month":
            return f"{year}-{period + 1:02d}"
        return str(year)


def _parse(text: str, unit: str):
    if unit == "quarter":
        parts = text.upper().split("Q")
        if len(parts) != 2 or not _is_int(parts[0]) or not parts[1].isdigit() or not 1 <= int(parts[1]) <= 4:
            return None
        return int(parts[0]), int(parts[1]) - 1
    if unit == "month":
        parts = text.split("-")
        if len(parts) != 2 or not _is_int(parts[0]) or not _is_int(parts[1]) or not 1 <= int(parts[1]) <= 12:
            return None
        return int(parts[0]), int(parts[1]) - 1
    if not _is_int(text):
        return None
    return int(text), 0


def _is_int(text: str) -> bool:
    return text.isdigit() and 1 <= int(text) <= 9999

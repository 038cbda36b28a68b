"""Statutory retirement: the month a teacher reaches retirement age, under the 2024 reform or the old ages.

The State Council's gradual raising of the statutory retirement age (全国人大常委会《关于实施渐进式
延迟法定退休年龄的决定》, 13 September 2024, and its 办法, in force from 1 January 2025) delays
retirement by birth date.  With ``R₀`` the month a person reaches the old age (60 for men, 55 for
women cadres and professional staff, 50 for women workers):

* nothing changes if ``R₀`` is before January 2025;
* otherwise the delay is one month for every 4 months from January 2025 to ``R₀`` (counting both
  ends, rounded up), or every 2 months where the old age is 50, up to 36 months (60 months for 50):
  ``delay = min(⌈(R₀ − 2025-01 + 1) / step⌉, cap)``.

So a man born in January 1965 retires at 60 and 1 month (February 2025), one born in January 1966
at 60 and 4 months (May 2026), and men born from September 1976 at 63; women teachers (cadres, old
age 55) born from September 1981 at 58.  Teachers are professional staff: women teachers retire on
the cadres' schedule.

Dates are month indices ``year × 12 + (month − 1)``.  A teacher teaches school year ``Y``
(September ``Y`` – August ``Y + 1``) only if they have not reached their retirement month by
September ``Y``; one who reaches it during the school year leaves at its end (the summer).
"""

from __future__ import annotations

import numpy as np

REFORM_START = 2025 * 12
"""Month index of January 2025, when the 2024 decision takes effect."""

SEPTEMBER = 8
"""Month offset of September in a month index (January = 0)."""


def month_index(year, month) -> np.ndarray:
    """Month index ``year × 12 + month − 1`` (month 1–12)."""
    return np.asarray(year, np.int64) * 12 + np.asarray(month, np.int64) - 1


def reform_delay_months(original_month: np.ndarray, old_age: np.ndarray) -> np.ndarray:
    """Months added by the 2024 reform to a retirement first due in ``original_month`` (month index)
    for people whose old statutory age is ``old_age`` years (see the module docstring)."""
    old_age = np.asarray(old_age)
    step = np.where(old_age <= 50, 2, 4)
    cap = np.where(old_age <= 50, 60, 36)
    months = np.asarray(original_month, np.int64) - REFORM_START + 1
    return np.where(months > 0, np.minimum(-(-months // step), cap), 0)


def retirement_month(birth_year: np.ndarray, birth_month: np.ndarray, female: np.ndarray, age_men: int,
                     age_women: int, reform: bool) -> np.ndarray:
    """Month index in which each person reaches statutory retirement age (int64).

    ``age_men`` / ``age_women``: the old statutory ages, years; ``reform``: apply the 2024 schedule
    (else the old ages hold for everyone)."""
    old_age = np.where(female, age_women, age_men)
    original = month_index(birth_year, birth_month) + 12 * old_age
    return original + reform_delay_months(original, old_age) if reform else original


def birth_year(school_year: int, age: np.ndarray, birth_month: np.ndarray) -> np.ndarray:
    """Calendar year of birth of people aged ``age`` (completed years) on 1 September ``school_year``
    and born in ``birth_month`` (1–12; a September birthday counts as after the 1st)."""
    return school_year - np.asarray(age, np.int64) - (np.asarray(birth_month) >= SEPTEMBER + 1)


def reached_by_september(retire_month: np.ndarray, school_year: int) -> np.ndarray:
    """Whether the retirement month falls on or before September ``school_year``: such a person may
    not start that school year."""
    return np.asarray(retire_month) <= month_index(school_year, SEPTEMBER + 1)

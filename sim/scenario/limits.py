"""Sane limits of the scenario language: the largest region a scenario may describe and the bounds
of its inputs, each with the reason it is where it is.

They keep a run within what one machine does in minutes (the province benchmark, 5 million pupils
on 12,000 campuses, is the largest region the simulator is built for) and refuse figures that can
only be typing slips, before any array is allocated.  The field bounds of
:mod:`sim.scenario.models` use these constants; the checks that span several fields
(:mod:`sim.scenario.checks`) use the region totals.
"""

from __future__ import annotations

MAX_CAMPUSES = 30_000
"""Campuses in one scenario (listed, from a CSV, synthesised or opened by policy): 2.5× the
province benchmark's 12,000."""

MAX_CAMPUSES_PER_DISTRICT = 500
"""Campuses in one school district (学区): district links join every pair of its campuses, so the
links grow with the square of its size; real districts hold tens of campuses (Dongsheng: 8
districts for about 100 schools)."""

MAX_PUPILS = 12_000_000
"""Pupils and children in one scenario: 2.4× the province benchmark (5 million pupils, under 3 GB)."""

MAX_CAMPUS_PUPILS = 100_000
"""Pupils, capacity or boarding places of one campus (the largest Chinese schools hold about 20,000)."""

MAX_CLASSROOMS = 2_000
"""Classrooms of one campus."""

MAX_CAMPUS_TEACHERS = 10_000
"""Teachers of one campus."""

MAX_CELLS = 200_000
"""Residential cells in one scenario (the province benchmark has about 22,000)."""

MAX_CELL_CHILDREN = 1_000_000
"""Children of one single year of age in one residential cell."""

MAX_KM = 5_000.0
"""Largest coordinate (|x_km|, |y_km|) and radius: China spans about 5,000 km east to west."""

SD_RANGE = 3.0
"""Quality, reputation and SES are in SD units of pupils or families: |value| ≤ 3 SD (a school or
a neighbourhood three SD from the mean is already beyond any reported school effect)."""

MAX_YEAR_OF_RUN = 100
"""Latest simulated year a policy or group start may name (runs are at most 50 years)."""

MAX_YUAN = 1e10
"""Largest money amount of one campus or unit cost, yuan."""

MAX_LIST = 10_000
"""Longest list of groups, policies, allowance tiers or group members."""

SUSPICIOUS_CROWDING = 2.0
"""A campus enrolling more than this many times its capacity gets a warning."""

"""Parameters of the 学区制 grouping mode (``xuequ``): school districts.

Neighbouring campuses form a district under a head school (学区长学校) and a joint council, each
keeping its legal person and budget (Wenshan "2+2+1": 2 strong urban, 2 weak rural and 1 township
school per district; Ziyun 7 districts; Hongta 8 lead schools over 28 schools).  Ziyun's "十统一"
(unified management, shared facilities, unified training and deployment of teachers, finance,
planning, curriculum, teaching research, lesson preparation, quality monitoring and evaluation)
become the mechanisms below; their pure functions are in :mod:`sim.processes.district`, whose units
these are.

Every field carries its unit, default and the source of the default; where nothing is published the
description says "no estimate" and the declared range is what sweeps vary.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from .base import Model, Share
from .dynamics import upto
from .exchange import ExchangeRules
from .ranges import ranged

Admission = Literal["none", "lottery", "rolling"]
"""none: one school per catchment as before; lottery: 多校划片, one zone of several schools with
places by lottery; rolling: 滚动划片, a cell's zoned school rotates over the district's schools."""

DISTRICT_EXCHANGE: dict[str, Any] = {"share": 0.15, "directions": "ring", "term_years": 1, "cap_share": 0.2,
                                     "min_years_at_school": 0}
"""The district's departures from :class:`ExchangeRules`' defaults (学区内统一调配师资).

* ``share`` 0.15: Ziyun exchanges 15 % of its front-line teachers every year (每年让15%的一线教师进行交流);
* ``directions`` ring: teachers become 学区人 (district staff) and every school sends to the district's
  other schools in turn, so each receives about as many as it sends (with ``both`` the head school
  alone would take in every member's teachers);
* ``term_years`` 1: a yearly exchange of 15 % (no term is published; read as one-year rotations);
* ``cap_share`` 0.2: above the yearly share, so the cap (rounded down) does not hold back the 15 %
  (rounded up) at a small school with one-year terms;
* ``min_years_at_school`` 0: the share is of front-line teachers (一线教师: at home, not in a
  leadership team, within the exchange ages), not only of those with years at one school.

A scenario's ``exchange`` block is read on top of these, so ``exchange: {share: 0.2}`` keeps the
district's other rules."""


class LeaderRotation(Model):
    """校级领导与中层交流 / school leaders and middle managers rotate inside the district too
    (Ziyun: 同时把校级领导、中层领导也进行交流)."""

    rotate: bool = Field(
        True, description="领导干部交流 / whether members of campus leadership teams (principals, vice-principals, middle managers) rotate between the district's campuses; default true (Ziyun).")
    share: Share = ranged(
        0.15, (0.0, 0.3),
        "领导干部年度交流比例 / share of each campus's leadership team (at home, not already away) sent each year to another campus of the district, rounded up; default 0.15, the front-line teachers' share (no estimate: Ziyun names no share for leaders).")


class JointResearch(Model):
    """统一教研、统一备课 / joint teaching research and joint lesson preparation across the district."""

    links_per_teacher: Annotated[int, Field(ge=0, le=20)] = Field(
        3, description="教研联系数 / teachers of the same subject group at the district's other campuses each teacher is linked to in joint research, drawn each year; default 3 (no estimate: Ziyun holds a county-level research activity per school, subject and term and a district research office; 0 turns the links off).")
    spread_rate: Share = ranged(
        0.05, (0.0, 0.1),
        "教研技能扩散 / share of the skill gap to better linked teachers closed per year along district links; only the teacher below gains; default 0.05 (no estimate; peer learning of 0–10 % of the gap a year; non-rotated receiving teachers gain most, 陈婧 & 范勇 2022).")


class SharedFacilities(Model):
    """统一共享设施 / pupils of a district use its special rooms and grounds; the official per-school
    indicators stay per school, as the balance evaluation counts them."""

    share: Share = ranged(
        0.2, (0.0, 0.5),
        "设施共享比例 / share of a campus's resources (floor area, sports ground, equipment, multimedia rooms) pooled for the pupils of the whole district, shared in proportion to pupils; default 0.2 (no estimate: Ziyun shares facilities under 十统一, no share published; 0 turns sharing off).")
    discount_per_minute: upto(1.0) = ranged(
        0.02, (0.0, 0.05),
        "路程折减 / share of another campus's pooled resources lost to its pupils per minute of one-way travel between the campuses (none left beyond 1 ÷ this many minutes); default 0.02: nothing is usable 50 minutes away (no estimate).")


class DistrictCosts(Model):
    """成本 / yearly costs of a district beyond the scenario's unit costs."""

    running_yuan_per_district: upto(1e8) = ranged(
        200_000.0, (0.0, 500_000.0),
        "学区运行经费 / yearly running cost of a district's council and office (meetings, joint research, travel), yuan, booked at its head school; default 200,000 (Wuhua district funds each school district 200,000 yuan a year, 每年由区财政下拨20万元经费).")
    exchange_allowance_yuan: upto(1e6) = ranged(
        4800.0, (0.0, 12000.0),
        "交流补贴 / allowance per teacher or leader posted at another campus of the district per year, yuan; default 4,800 (no published figure: the mean rural teacher allowance of ≈ 400 yuan a month, as for 名校+弱校).")


class XuequParams(Model):
    """学区制 / parameters of one district of the ``xuequ`` mode."""

    exchange: ExchangeRules = Field(
        ExchangeRules(**DISTRICT_EXCHANGE),
        description="学区内教师交流 / the exchange rules inside the district: those of every mode, with the district's defaults (share 0.15 of front-line teachers a year, no minimum years at the school, around the district's schools in turn, one-year terms, cap 0.2; Ziyun).")
    leaders: LeaderRotation = LeaderRotation()
    research: JointResearch = JointResearch()
    facilities: SharedFacilities = SharedFacilities()
    admission: Admission = Field(
        "lottery", description="招生方式 / none (one school per catchment), lottery (多校划片: one zone for the district's schools, places by lottery; Haidian 2018) or rolling (滚动划片: a cell's zoned school rotates over the district's schools; Huize); default lottery (招生按学区: the district admits as one zone).")
    ranking: Literal["random", "families"] = Field(
        "random", description="派位方式 / how a multi-school zone's places are allocated under lottery admission: random (电脑随机派位: each applicant gets a random place among the zone's schools it can reach, as Haidian's 2018 多校划片 and Beijing's other districts allocate) or families (families rank the zone's schools, 志愿, and the lottery settles ties of demand); default random.  Either way a family unhappy with its place may still choose a school with seats left, or a private one, by its admission chances.")
    rolling_period_years: Annotated[int, Field(ge=1, le=20)] = Field(
        1, description="滚动周期 / school years a cell stays zoned to one school before its zone rotates to the next school of the district, under rolling admission, years; default 1 (no estimate: Huize's period is not published).")
    unified_evaluation: bool = Field(
        True, description="统一质量监测与评价 / the district is assessed as a whole (横比纵看: against non-district schools and before/after); recorded as district-level columns, it changes no behaviour; default true (Ziyun).")
    costs: DistrictCosts = DistrictCosts()

    @model_validator(mode="before")
    @classmethod
    def _district_exchange(cls, data: Any) -> Any:
        """Read a scenario's partial ``exchange`` block on top of the district's defaults, not on
        top of the plain :class:`ExchangeRules` defaults."""
        if isinstance(data, dict) and isinstance(data.get("exchange"), dict):
            return {**data, "exchange": {**DISTRICT_EXCHANGE, **data["exchange"]}}
        return data

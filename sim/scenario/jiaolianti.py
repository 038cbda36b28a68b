"""Parameters of the 教联体 grouping mode (``jiaolianti``, Huanggang's fused consortium, 融合型教联体).

A core county-town school and several township and village schools become one school with one
legal person (城联乡、强联弱、大联小): one leadership team, pooled posts (编制), mandatory exchange
with a backbone floor, allowances by distance from the core campus, staff housing, school buses,
joint research and synchronous classes (专递课堂).  The mechanisms are the pure functions of
:mod:`sim.processes.consortium` (and :mod:`sim.processes.exchange` for the exchange); the units
below are theirs.  Skill and value added are pupil SD per year; travel times are one-way minutes;
money is yuan.

Huanggang's figures (Hubei, 10 counties, 167 consortia, 100 % of public primary and junior schools,
≈ 36,800 teachers) are the defaults where they exist: 994 managers back to the classroom after 128
township education offices were abolished; 1,188 PE/music/art teachers back to their own subject;
3,939 teachers exchanged in a year (10.7 %), 1,411 of them backbone (35.8 %, floor 30 %);
allowances in 3 levels / 9 grades by distance from the core campus; 1,100+ staff flats; county-wide
school buses; 2–3 networked rooms per campus for 专递课堂 (1.7 亿 yuan).  Where nothing is published
the description says "no estimate" and the declared range is what sweeps vary.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator

from .base import Model, Share
from .dynamics import upto
from .exchange import ExchangeRules, FloorScope
from .ranges import ranged
from .xuequ import JointResearch


class ConsortiumExchange(ExchangeRules):
    """交流轮岗 under a consortium: the shared exchange rules with Huanggang's settings — pooled
    posts (the post moves with the teacher), the backbone floor over each consortium's exchanged
    teachers, and a share of eligible teachers that exchanges about 10.7 % of all teachers a year."""

    share: Share = ranged(
        0.35, (0.2, 0.5),
        "年度交流比例 / share of each sending campus's eligible teachers exchanged a year (rounded up), at least the teachers who must rotate, at most the cap; default 0.35: Huanggang exchanged 10.7 % of all its teachers in a year (3,939 of ≈ 36,800), and about 29 % of teachers are eligible on the default workforce (age, ≥ 6 years at the school, not managers), so 0.35 of the eligible ≈ 10 % of all teachers in the first year.")
    backbone_floor: Share = ranged(
        0.30, (0.20, 0.40),
        "骨干教师交流比例下限 / backbone teachers' minimum share of the teachers a campus sends (rounded up); default 0.30 (Huanggang's rule; it achieved 0.358: 1,411 of 3,939).")
    backbone_floor_on: FloorScope = Field(
        "group", description="骨干比例适用范围 / where the backbone floor binds; default group: over the consortium's exchanged teachers as a whole (Huanggang: 交流教师中骨干教师比例不低于30%, counted over all exchanged teachers, town → village and village → town), so a village campus without backbone teachers still sends ordinary ones and the core sends the backbone.")
    post_stays_home: bool = Field(
        False, description="编制留原校 / false (default): posts belong to the consortium, the post moves with the teacher, the sending campus is refilled and nobody returns at the end of the term (Huanggang: 编制统筹, 人财物统一调配); true: the national rule.")


class Pooling(Model):
    """编制统筹 / posts belong to the consortium: each September teachers are deployed by need."""

    on: bool = Field(
        True, description="编制统筹开关 / true (default): surplus teachers of a campus fill vacancies of the same subject group at campuses of the same consortium before vacancies are left to hiring and substitutes (Huanggang: 编制统筹); false: each campus keeps its own posts.")
    max_minutes: Annotated[float, Field(gt=0, le=600)] = ranged(
        60.0, (20.0, 120.0),
        "调配半径 / longest one-way travel time from a teacher's campus to a campus of the consortium they may be deployed to, minutes; default 60 (no estimate: Huanggang pairs near and far campuses, 远近搭配, within one county).")


class ConsortiumAdmission(Model):
    """统一招生 / consortium-wide admission: the consortium is one school, so a pupil its crowded
    campus cannot seat is placed at another of its campuses."""

    placement_minutes: Annotated[float, Field(ge=0, le=600)] = ranged(
        40.0, (20.0, 60.0),
        "统筹招生半径 / longest one-way trip (minutes, after the school bus's saving) over which the consortium places a pupil its full campus cannot seat at another of its campuses with a free seat, whatever that campus's locale; default 40 (no estimate: Huanggang admits consortium-wide and buses pupils 接送到村到点; twice the bureau's ordinary placement radius, dynamics.choice.allocation_minutes; 0 turns it off).")


class Leadership(Model):
    """一个领导班子 / one leadership team: member campuses' managers and misused PE/arts teachers
    return to teaching."""

    managers_return_share: Share = ranged(
        0.67, (0.33, 1.0),
        "管理人员回归教学 / share of each member campus's managers (rounded down) who leave the leadership team and teach as ordinary teachers when the consortium forms; default 0.67: of the default 3 managers a member keeps its executive principal (执行校长) and 2 return (Huanggang: member campuses keep no leadership team of their own; 994 managers of 128 abolished township offices went back to the classroom; no per-campus figure).")
    pe_arts_specialist_share: Share = ranged(
        0.036, (0.01, 0.08),
        "体音美教师兼教主科比例 / share of a consortium's main-subject teachers who are PE, music or art specialists teaching other subjects (a lasting attribute drawn once per teacher); default 0.036: Huanggang returned 1,188 such teachers, 3.6 % of its ≈ 33,000 non-PE/arts teachers (≈ 36,800 at a 10 % PE/arts share).")
    pe_arts_return_share: Share = ranged(
        1.0, (0.5, 1.0),
        "体音美教师回归本位 / share of those specialists who return to their own subject when the consortium forms; default 1 (Huanggang: 彻底改变体音美教学由其他学科老师兼任状况, all of them).")


class Synchronous(Model):
    """专递课堂 / a hub backbone teacher's lessons reach member classes live; the class's own teacher
    assists in the room."""

    share: Share = ranged(
        0.2, (0.0, 0.5),
        "专递课堂比例 / share of a member class's main-subject lessons taught live by the hub's backbone teachers; default 0.2 (no estimate: Huanggang equips 2–3 networked rooms per campus).")
    discount: Share = ranged(
        0.5, (0.25, 0.9),
        "远程折扣 / share of the hub teacher's advantage over the class's own teacher lost at a distance (screen, no individual attention); default 0.5, so the default class gains 0.1 × the skill gap a year, ≈ 0.02–0.04 SD for a gap of 0.2–0.4 SD: the lower end of the evidence on computer-assisted and satellite teaching in rural China, +0.1 to +0.25 SD over 1–2 years (Lai et al. 2013; Bai et al.; Bianchi, Lu & Song 2022); no direct estimate for 专递课堂.")


class Support(Model):
    """下得去、留得住 / allowances by distance, staff housing and school buses."""

    tier_minutes: tuple[float, float, float] = Field(
        (20.0, 40.0, 60.0), description="补贴分级距离 / travel minutes from the core campus at which the three allowance levels start (level 1 from the first bound, …); default 20 / 40 / 60 (no estimate: Huanggang pays 3 levels / 9 grades by distance, bounds not published).")
    tier_yuan_per_month: tuple[float, float, float] = Field(
        (200.0, 400.0, 600.0), description="补贴分级金额 / monthly allowance per exchanged teacher posted at a campus of each level, yuan; default 200 / 400 / 600 (no estimate: amounts not published; the mean rural teacher allowance is ≈ 400 yuan a month).")
    housing_minutes: Annotated[float, Field(ge=0, le=600)] = Field(
        30.0, description="周转房距离 / campuses at least this many travel minutes from the core campus have staff flats, minutes; default 30 (no estimate: Huanggang converted the offices of former central schools into 1,100+ flats for exchanged teachers).")
    housing_attrition_cut: Share = ranged(
        0.1, (0.0, 0.3),
        "周转房留人效应 / share of the yearly probability of leaving removed for teachers posted at a campus with staff flats; default 0.1 (no estimate: 确保交流教师下得去、留得住).")
    bus_minutes_saved: Annotated[float, Field(ge=0, le=120)] = ranged(
        10.0, (0.0, 30.0),
        "校车节省时间 / one-way minutes a school bus saves on a family's trip to a member campus (never below zero); default 10 (no estimate: Huanggang integrated school buses county-wide, 接送到村到点).")

    @field_validator("tier_minutes", "tier_yuan_per_month")
    @classmethod
    def _increasing(cls, value: tuple[float, float, float]) -> tuple[float, float, float]:
        """Levels farther out start farther and pay no less: bounds ≥ 0 and non-decreasing."""
        if value[0] < 0 or any(b < a for a, b in zip(value, value[1:])):
            raise ValueError("three non-negative, non-decreasing values / 三个非负且不递减的数值")
        return value


class ConsortiumBrand(Model):
    """一校多区 / member campuses become campuses of the core school (one legal person, one name):
    their reputation takes a share of the core's, then follows results."""

    share: Share = ranged(
        0.5, (0.35, 0.8),
        "品牌分享 / share of the gap between the core campus's reputation and a member's own results that the member's perceived quality takes when the consortium forms; default 0.5 (no estimate: a campus of one school under one legal person and name, so at least the 0.35 of an elite-led federation, Huang, He & Zhu 2018, and as much as a 名校+新校 branch).")
    fade: Share = ranged(
        0.1, (0.0, 0.3),
        "品牌消退 / yearly share of the brand lost, so that parents come to judge a member campus by its own results (after t years the share is share × (1 − fade)^t); default 0.1 (no estimate; as for 名校+弱校).")


class Centralisation(Model):
    """集中管理的代价 / a possible cost of moving staffing decisions up."""

    effort_sd: upto(0.2) = ranged(
        0.0, (0.0, 0.05),
        "集中管理努力损失 / pupils' yearly gain lost at member campuses because teachers answer to the consortium rather than their own school, SD per year; default 0 (moving teacher management from township to county lowered teacher effort and pupils' scores in rural Gansu, Han, Liu & An 2017, Econ. Dev. & Cultural Change 65(2); size for consortia not known, so a range for sweeps).")


class ConsortiumCosts(Model):
    """成本 / costs of the consortium beyond the scenario's unit costs (teachers are costed as posts)."""

    running_yuan_per_consortium: upto(1e8) = ranged(
        200_000.0, (0.0, 500_000.0),
        "教联体运行经费 / yearly running cost of a consortium (joint research, meetings, travel, the platform), yuan; default 200,000 (no estimate for consortia: Wuhua district funds each school district 200,000 yuan a year).")
    network_rooms_yuan_per_campus: upto(1e8) = ranged(
        100_000.0, (50_000.0, 300_000.0),
        "网络教室建设 / one-off cost of the networked rooms (网络备课室, 专递课堂) of a campus joining a consortium, yuan; default 100,000 (Huanggang: 1.7 亿 yuan for 2–3 rooms at each of ≈ 1,667 campuses).")
    bus_yuan_per_campus: upto(1e8) = ranged(
        100_000.0, (0.0, 300_000.0),
        "校车运行 / yearly cost of the buses serving a member campus, yuan; default 100,000 (no estimate).")


class JiaoliantiParams(Model):
    """教联体 / parameters of one consortium of the ``jiaolianti`` mode."""

    exchange: ConsortiumExchange = ConsortiumExchange()
    pooling: Pooling = Pooling()
    admission: ConsortiumAdmission = ConsortiumAdmission()
    leadership: Leadership = Leadership()
    synchronous: Synchronous = Synchronous()
    research: JointResearch = Field(
        JointResearch(), description="联合教研 / joint research and lesson preparation across the consortium's campuses (Huanggang: weekly online lesson preparation per subject, monthly offline); the district's mechanism with its defaults (no estimate).")
    brand: ConsortiumBrand = ConsortiumBrand()
    support: Support = Support()
    centralisation: Centralisation = Centralisation()
    costs: ConsortiumCosts = ConsortiumCosts()

"""Teacher exchange rules (交流轮岗): the parameters of :mod:`sim.processes.exchange`, usable by every
grouping mode (a mode's ``params`` holds an ``exchange`` block of this model).

Each field states its unit, default and the source of the default.  Rules a bureau writes down
(ages, years at a school, directions) are plain bounded fields; rules whose size is a choice with
no single published figure, or a behaviour with no estimate, declare a plausible range
(:func:`~sim.scenario.ranges.ranged`) for sweeps.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from .base import Model, Share
from .ranges import ranged

Direction = Literal["hub_to_member", "member_to_hub", "both", "ring"]
"""Who is sent: hub teachers to member campuses, member teachers to the hub, both ways, or every
campus to the others in turn (a ring that turns each year: a district's unified deployment)."""

FloorScope = Literal["hub", "all", "group"]
"""Which sending campuses the backbone floor binds: the hub only, every campus that sends, or each
group's exchanged teachers as a whole."""


class ExchangeRules(Model):
    """Who rotates, where, for how long, and what it does to posts, titles and exits."""

    male_max_age: Annotated[int, Field(ge=20, le=70)] = Field(
        50, description="男教师交流年龄上限 / men take part while younger than this, years of age (completed years on 1 September); default 50 (Xichou county rule, 西畴县“三级五步”: men under 50, women under 45).")
    female_max_age: Annotated[int, Field(ge=20, le=70)] = Field(
        45, description="女教师交流年龄上限 / women take part while younger than this, years of age; default 45 (Xichou county rule).")
    min_years_at_school: Annotated[int, Field(ge=0, le=40)] = Field(
        6, description="交流最低任教年限 / consecutive years at the current school before a teacher may be exchanged, years; default 6 (provincial rules implementing 教师〔2014〕4号, e.g. Jiangxi 2016 and Anhui: teachers with 6+ years at one school should rotate; the national rule leaves the years to provinces).")
    must_rotate_years: Annotated[int, Field(ge=1, le=60)] = Field(
        12, description="必须交流年限 / consecutive years at one school from which an eligible teacher must rotate: such teachers are sent before others, within the cap, years; default 12 (Xichou: 12+ years at one school must rotate).")
    share: Share = ranged(
        0.10, (0.10, 0.20),
        "年度交流比例 / share of each sending campus's eligible teachers exchanged a year (rounded up), at least the teachers who must rotate, at most the cap; default 0.10 (national rule 教师〔2014〕4号: ≥ 10 % of eligible teachers of urban and strong schools a year; Huanggang exchanged 10.7 % of all teachers in a year, Ziyun 15 % of front-line teachers).")
    backbone_floor: Share = ranged(
        0.20, (0.20, 0.36),
        "骨干教师交流比例下限 / backbone teachers' minimum share of the teachers a campus sends (rounded up); a campus with too few eligible backbone teachers sends fewer; default 0.20 (national rule 教师〔2014〕4号; Huanggang's floor is 0.30 and it achieved 0.358: 1,411 of 3,939).")
    backbone_floor_on: FloorScope = Field(
        "hub", description="骨干比例适用范围 / the campuses the backbone floor binds: hub (the national rule binds urban and strong schools), all (every sending campus) or group (each group's exchanged teachers as a whole, as Huanggang counts them: the campuses with backbone teachers to spare send them, the others send ordinary teachers); default hub (rural members hold few backbone teachers, 6 % at the default workforce, and would otherwise send almost nobody).")
    directions: Direction = Field(
        "both", description="交流方向 / hub_to_member, member_to_hub, both, or ring (every campus of the group sends to the others in turn, the ring turning each year, so each campus receives about as many as it sends: a district's 统一调配 among all its schools); default both (Huanggang in one year: 1,232 teachers town → village and 1,356 village → town).")
    term_years: Annotated[int, Field(ge=1, le=10)] = ranged(
        3, (1, 6),
        "交流期限 / school years an exchanged teacher teaches at the host campus before returning, years; default 3 (exchanges in China typically last 2–3 years, Japan's rotations 3–5; the national rule leaves the term to localities).")
    cap_share: Share = ranged(
        0.15, (0.05, 0.30),
        "每校交流上限 / most teachers of a campus away on exchange at once, as a share of the teachers whose posts it holds (rounded down), so no school is gutted; default 0.15 (no estimate: no rule or figure found; Ziyun's 15 % of front-line teachers a year is the largest yearly share reported).")
    post_stays_home: bool = Field(
        True, description="编制留原校 / true: the post (编制) stays at the home campus, which hires no replacement, and the teacher returns there when the term ends (the national rule); false: staffing is pooled (教联体, 县管校聘), the post moves with the teacher, the sending campus hires in their place, and nobody returns at the end of the term; default true.")
    hub_first_posting_years: Annotated[int, Field(ge=0, le=6)] = Field(
        0, description="新教师先到核心校年限 / school years a new teacher hired for a member campus first teaches at the group's hub before taking up the post, years; default 0 (off; Xiangyun: 2 years at the group's head school, 跟岗培养2年再分配).")
    extra_attrition: Share = ranged(
        0.0, (0.0, 0.10),
        "交流教师额外流失 / yearly probability of leaving the county's schools added to the ordinary rate while a teacher is posted away from home (exchange or first posting at the hub); default 0 (no estimate: no study of exits of exchanged teachers was found).")
    senior_title_hardship_years: Annotated[int, Field(ge=0, le=10)] = Field(
        1, description="高级职称农村/薄弱校年限 / years at a rural or weak campus required for the senior title (高级) while the mode runs; the stricter of this and dynamics.teachers.senior_hardship_years applies; default 1 (Xichou; Ningxia 2015 and 国办发〔2015〕43号 for town teachers; Huanggang makes exchange service a hard condition of titles).")

"""Behavioural parameters of the simulation's mechanisms (the ``dynamics`` section of a scenario).

Each field has its unit, default and the source of the default; where nothing is published the
description says "no estimate", and the value is a lever for sweeps.  Each uncertain parameter
declares its plausible range (:mod:`sim.scenario.ranges`), which sweeps vary.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from .base import Model, Share, ShareByLocale
from .ranges import ranged


def upto(high: float, low: float = 0.0) -> type:
    """A float in [low, high]: a hard bound well beyond the plausible range (declared beside the
    default), so that a mistyped value is refused rather than simulated."""
    return Annotated[float, Field(ge=low, le=high)]


class Choice(Model):
    """School choice when pupils are admitted (grade 1, grade 7, moving house): the order of
    admission and families' multinomial-logit utility (:mod:`sim.processes.enrolment`).

    Utility of campus j for a family: ``reputation_weight × max(0, 1 + ses_reputation × SES) ×
    reputation_j − time_weight × minutes_j − cost_weight × [j outside the family's locale] +
    boarding_bonus × [a bed makes the trip weekly] + chance_weight × ln(admission chance_j) −
    tuition_weight × tuition_j / 10,000 × exp(−tuition_ses_slope × SES)``, plus a Gumbel draw keyed
    to the pupil.  Tuition is charged by private (民办) campuses only.
    """

    reputation_weight: upto(100.0) = ranged(
        8.0, (2.0, 16.0),
        "声誉权重 / utility per SD of reputation; default 8 (no estimate; Hastings, Kane & Staiger 2009 find scores weigh strongly against distance; set with time_weight and cost_weight so that a township family picks a village school rarely, about 1 % per village school in its choice set).")
    ses_reputation: upto(10.0) = ranged(
        0.5, (0.0, 1.5),
        "高收入更重质量 / relative extra weight on reputation per SD of SES; default 0.5 (direction from Hastings, Kane & Staiger 2009; size no estimate).")
    time_weight: upto(10.0) = ranged(
        0.1, (0.03, 0.3),
        "时间成本 / utility lost per minute of one-way travel; default 0.1 (no estimate).")
    cost_weight: upto(100.0) = ranged(
        2.5, (0.5, 5.0),
        "陪读/租房成本 / utility lost when attending outside the home locale (renting near a town school, 陪读; for town families, the standing of a village school); default 2.5 (no estimate).")
    chance_weight: upto(10.0) = ranged(
        1.0, (0.0, 2.0),
        "录取机会权重 / utility per unit of the log of the chance of a place that families saw at a campus they are not zoned to last year (a zoned place is certain); 1 weighs a place by its probability; default 1 (no estimate; families chase admission odds: Zhu & Zhang 2025, J. Regional Science 65(4)).")
    boarding_minutes: upto(600.0) = ranged(
        30.0, (15.0, 60.0),
        "寄宿阈值 / one-way trip (minutes) beyond which a pupil admitted to a campus with a free bed boards, and beyond which a free bed spares a family the daily trip in its choice; default 30 (no estimate).")
    boarding_bonus: upto(100.0, -100.0) = ranged(
        0.0, (-2.0, 2.0),
        "寄宿偏好 / utility of boarding itself, beyond the trip it spares (negative: families dislike sending children away); default 0 (no estimate).")
    allocation_minutes: upto(600.0) = ranged(
        20.0, (0.0, 40.0),
        "统筹安排半径 / pupils whose zoned campus is full are placed by the bureau at the nearest campus with a free seat within this one-way trip (minutes), not more rural than their home; beyond it they overflow into the zoned campus; default 20 (no estimate; 0 turns placement off).")
    tuition_weight: upto(100.0) = ranged(
        3.0, (1.0, 6.0),
        "学费负担 / utility lost per 10,000 yuan of a private campus's yearly tuition, for a family of SES 0; default 3: a "
        "15,000-yuan junior fee weighs as much as about half an SD of reputation to such a family (no estimate; in the CIEFR "
        "household survey, 中国教育财政家庭调查, families of private junior pupils spend 34.5 % of their outlays on "
        "education against 13.8 % for public ones, and 7.0 % of primary and 9.4 % of junior pupils are in private schools).")
    tuition_ses_slope: upto(5.0) = ranged(
        0.5, (0.2, 1.0),
        "学费负担收入梯度 / how fast the weight of tuition falls with family SES: it is multiplied by exp(−slope × SES), "
        "fees weighing by their share of a family income that rises e^slope-fold per SD of SES; default 0.5 (no estimate: "
        "SES stands in for household income here; sweep it).")
    admission: Annotated[str, Field(pattern="^(catchment|open)$")] = Field(
        "open", description="招生规则 / catchment (就近入学: zoned campus, then the bureau's placement of overflow) or open (then choice for the seats left); default open.")


class Migration(Model):
    """Household moves between locales: rural -> town flight and backflow (:mod:`sim.processes.migration`)."""

    flight_rate: Share = ranged(
        0.03, (0.01, 0.05),
        "进城率 / yearly share of rural families with school-age children moving to a town when the town school is no better; default 0.03 (net flight ≈ 3–5 % of rural pupils a year in the mid-2010s, slower later: the share of compulsory pupils in urban and town schools rose from 51 % in 2009 to 75 % in 2016, and the rural primary share fell from 25.8 % in 2018 to 17.0 % in 2023 (教育部 statistics)).")
    gap_elasticity: upto(50.0) = ranged(
        1.5, (0.0, 3.0),
        "质量差敏感度 / growth of the flight (and backflow) rate per SD of reputation gap between the two schools, exponential; default 1.5 (no estimate: only the sign is known, migrants choose cities for their schools, 夏怡然 & 陆铭).")
    ses_selection: upto(5.0) = ranged(
        0.5, (0.0, 1.0),
        "迁移选择性 / log-odds of moving per SD of family SES within the village, at an unchanged village rate; default 0.5 (no estimate; direction: better-off families move first, though willingness to school children in town is not driven by income alone, 赵林 et al.).")
    backflow_rate: Share = ranged(
        0.04, (0.01, 0.1),
        "回流率 / yearly share of families of rural origin living in a town who return when their village school is as good as the town's; default 0.04 (derived: Huanggang saw 6,692 pupils return to rural campuses after the first year of 教联体, about 1 % of its compulsory pupils, with roughly a quarter of town pupils of rural origin).")
    rural_origin_share: Share = ranged(
        0.25, (0.1, 0.5),
        "农村生源占比 / share of pupils in urban and town schools at the start whose families came from a village (the pool that may flow back); default 0.25 (no estimate: pupils in urban and town schools rose from 38 % of all in 2001 to 75 % in 2016, much of it by moves from villages).")


class Learning(Model):
    """How achievement changes over a school year, SD units (:mod:`sim.processes.learning`).

    Achievement = a family-and-ability baseline fixed at entry + a school-made part of which only
    ``carry_over`` persists each year; the year's gain adds teaching, class size, peers, facilities
    and noise.
    """

    family_gradient: upto(3.0) = ranged(
        0.4, (0.2, 0.6),
        "家庭背景梯度 / achievement at school entry per SD of family SES, SD; with the default SES means (urban +0.3, rural −0.4) it gives an urban–rural entry gap of about 0.28 SD; default 0.4 (Sirin 2005, Review of Educational Research 75(3): mean student-level SES–achievement correlation ≈ 0.3, larger between schools).")
    carry_over: Share = ranged(
        0.7, (0.5, 0.9),
        "持续率 / share of the school-made part of achievement that persists into the next year, so that effects fade and a constant advantage settles at advantage ÷ (1 − carry_over); default 0.7 (value added fades, only part persisting a year later: Jacob, Lefgren & Sims 2010, J. Human Resources; Kane & Staiger 2008, NBER w14607).")
    class_size_effect: upto(0.1) = ranged(
        0.003, (0.0, 0.01),
        "班额效应 / SD lost per year per pupil above the standard class size (up to class_size_cap pupils); default 0.003 (Tennessee STAR, Krueger 1999, QJE 114(2): ≈ 0.10 SD for about 8 fewer pupils in the first year, ≈ 0.003 SD per pupil per year after; CEPS random classes, Luo & Gu 2025: medium → large class ≈ −0.03 SD; population studies find ≈ 0, the lower end).")
    class_size_cap: upto(100.0) = ranged(
        20.0, (10.0, 30.0),
        "班额效应上限 / pupils above the standard beyond which the class-size penalty grows no further, pupils; default 20 (a 66+ class against the 45 standard; evidence is nonlinear and bounded, PISA 2015 China; size no estimate).")
    peer_effect: Share = ranged(
        0.2, (0.0, 0.4),
        "同伴效应 / settled achievement, SD, per SD of the class mean above the grade's mean (linear in means; a year's gain carries peer_effect × (1 − carry_over) of it); default 0.2 (Carman & Zhang 2012, China Econ. Rev. 23(2): positive for maths; usual estimates 0.1–0.4).")
    facilities_effect: upto(1.0) = ranged(
        0.02, (0.0, 0.05),
        "设施效应 / SD per year per unit of resources relative to the per-pupil standard (capped at the standard); default 0.02 (no estimate).")
    vacancy_penalty: upto(1.0) = ranged(
        0.1, (0.0, 0.2),
        "缺编效应 / SD lost per year by pupils of a campus with all posts vacant (proportional to the vacant share; classes are covered by overloaded or substitute teachers); default 0.1 (no estimate).")
    noise_sd: upto(2.0) = ranged(
        0.3, (0.2, 0.5),
        "个体波动 / SD of the change in a pupil's achievement over one year that the model does not explain (drawn each year, fading like any school-made part); default 0.3 (no estimate; year-on-year changes of individual test scores in value-added studies are of this order).")


class TeacherDynamics(Model):
    """Teacher careers and staffing: retirement, attrition, hiring, experience, titles, backbone
    designation, posts that follow pupils (调剂) and moves from village to town posts (选调进城)."""

    retirement_age_men: Annotated[int, Field(ge=50, le=70)] = Field(
        60, description="男退休年龄 / men's statutory retirement age before the reform, years; default 60 (国发〔1978〕104号).")
    retirement_age_women: Annotated[int, Field(ge=45, le=70)] = Field(
        55, description="女退休年龄 / women teachers' statutory retirement age before the reform, years; default 55 (women cadres and professional staff, 国发〔1978〕104号; 50 for women workers).")
    retirement_reform: bool = Field(
        True, description="渐进式延迟退休 / apply the 2024 gradual raising of the retirement age from January 2025 (全国人大常委会 2024-09-13 决定: one month later per 4 months of birth, up to 3 years: 60→63, 55→58; per 2 months up to 5 years for 50→55); false keeps the old ages.")
    attrition: ShareByLocale = ranged(
        ShareByLocale(urban=0.01, town=0.02, rural=0.03),
        {"urban": (0.005, 0.03), "town": (0.01, 0.05), "rural": (0.015, 0.08)},
        "流失率 / yearly share of experienced teachers (5+ years) leaving the county's schools for reasons other than retirement (moves within the county are separate flows; early-career teachers leave early_attrition_ratio times as often), by locale of post; default 1 / 2 / 3 %, about 4–5 % a year over a rural staff with its novices (no estimate: tenured 编制 posts are rarely given up, while a Gansu panel's ≈ 16 % yearly school moves include transfers; rural exits of 4–16 % are reported).")
    early_attrition_ratio: upto(20.0) = ranged(
        3.0, (1.0, 5.0),
        "新教师流失倍数 / how many times as often teachers in their first five years leave as experienced ones (the attrition rates above are experienced teachers'); default 3 (no Chinese estimate; early-career attrition is the highest everywhere: about 40 % of new US teachers leave within five years against 5–8 % a year overall, Ingersoll 2003; 特岗 teachers may leave when their 3-year contract ends; rural China's older teachers stay, 乡村教师老龄化).")
    allowance_halving_yuan: upto(100_000.0) = ranged(
        800.0, (400.0, 3000.0),
        "补助减半流失 / monthly allowance (yuan) that halves the gap between a post's attrition and the urban rate; default 800 (no estimate; allowances matter from ≈ 15 % of pay, Jiang & Yip 2024).")
    fill_rate: ShareByLocale = ranged(
        ShareByLocale(urban=1.0, town=0.9, rural=0.7),
        {"urban": (0.9, 1.0), "town": (0.7, 1.0), "rural": (0.4, 0.9)},
        "补员率 / share of vacancies filled by recruitment each year by locale; default 100 / 90 / 70 % (no estimate).")
    experience_premium: upto(1.0) = ranged(
        0.10, (0.05, 0.15),
        "经验回报 / value added a teacher gains over a career through experience, pupil SD per year: a novice is this far below the same teacher with long experience; default 0.10 (Rockoff 2004, AER P&P 94(2): significant returns to early experience, ≈ 0.1 SD; Hanushek & Rivkin 2010: early experience is the one observable that matters).")
    experience_years: upto(60.0, 0.1) = ranged(
        7.0, (3.0, 12.0),
        "经验时间尺度 / years over which the remaining experience deficit falls by a factor e (the deficit is experience_premium × e^(−years/this)); default 7: about half of a 30-year career's return in the first 5 years (Papay & Kraft 2015, J. Public Econ. 130: steep early, continued later).")
    peer_learning: Share = ranged(
        0.05, (0.0, 0.1),
        "同伴学习 / share of the gap to linked teachers' mean skill closed per year (joint research); default 0.05 (no estimate; rotation studies find the receiving staff gain, 陈婧 & 范勇 2022).")
    town_selection_rate: Share = ranged(
        0.03, (0.01, 0.08),
        "选调进城申请率 / yearly share of eligible rural teachers (3+ years at their campus, under 45) who sit the selection for town and county posts; the best-scoring are posted to town and urban vacancies; default 0.03 (about half of rural teachers first posted rurally later moved to a county or town post, 中国农村教育发展报告 2013–2014: ≈ 2.3 % a year over a 30-year career).")
    reallocation_km: upto(1_000.0, 0.001) = ranged(
        30.0, (10.0, 60.0),
        "调剂半径 / surplus teachers of a campus whose pupils fell are moved to campuses with vacancies within this straight-line distance, nearest first, km; default 30 (no estimate: the radius of a county).")
    senior_hardship_years: Annotated[int, Field(ge=0, le=10)] = Field(
        0, description="高级职称农村/薄弱校任教年限 / years taught at a rural or weak campus required for the senior title (高级); default 0 (off); 1 is the Xichou rule and the rule of 国办发〔2015〕43号 (乡村教师支持计划) for town teachers, which grouping modes switch on.")
    backbone_cycle_years: Annotated[int, Field(ge=1, le=6)] = Field(
        3, description="骨干评选周期 / years between county backbone designations, which re-rank eligible teachers (first title or above, 5+ years' experience) within each locale's quota; default 3 (the usual three-year term of county backbone designations; no national figure).")
    qualification_upgrade_rate: Share = ranged(
        0.02, (0.0, 0.05),
        "学历提升率 / yearly share of teachers under 45 below the higher qualification who complete an in-service degree; default 0.02 (no estimate).")


class Reputation(Model):
    """How parents' perception follows measured results."""

    lag: Share = ranged(
        0.25, (0.25, 0.5),
        "调整速度 / share of the gap between reputation and measured mean achievement closed per year; default 0.25 (no estimate: parents react slowly).")


class Dynamics(Model):
    """All behavioural parameters."""

    choice: Choice = Choice()
    migration: Migration = Migration()
    learning: Learning = Learning()
    teachers: TeacherDynamics = TeacherDynamics()
    reputation: Reputation = Reputation()

"""Behavioural parameters of the simulation's mechanisms (the ``dynamics`` section of a scenario).

Each field has its unit, default and the source of the default; where nothing is published the
description says "no estimate", and the value is a lever for sweeps.  Sources are listed in
PARAMETERS.md.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, NonNegativeFloat

from .base import Model, Share, ShareByLocale


class Choice(Model):
    """School choice at entry (grade 1 and grade 7): multinomial logit over a cell's choice set.

    Utility of campus j for a family: ``reputation_weight × (1 + ses_reputation × SES) × reputation_j
    − time_weight × minutes_j − cost_weight × [j outside the family's locale] + boarding_bonus ×
    [boarding place and minutes_j > boarding_minutes]``, plus a Gumbel draw keyed to the pupil.
    """

    reputation_weight: NonNegativeFloat = Field(
        8.0, description="声誉权重 / utility per SD of reputation; default 8 (no estimate; Hastings, Kane & Staiger 2009 find scores weigh strongly against distance; set with time_weight and cost_weight so that a township family picks a village school rarely, about 1 % per village school in its choice set).")
    ses_reputation: NonNegativeFloat = Field(
        0.5, description="高收入更重质量 / relative extra weight on reputation per SD of SES; default 0.5 (direction from Hastings, Kane & Staiger 2009; size no estimate).")
    time_weight: NonNegativeFloat = Field(
        0.1, description="时间成本 / utility lost per minute of one-way travel; default 0.1 (no estimate).")
    cost_weight: NonNegativeFloat = Field(
        2.5, description="陪读/租房成本 / utility lost when attending outside the home locale (renting near a town school, 陪读; for town families, the standing of a village school); default 2.5 (no estimate).")
    boarding_minutes: NonNegativeFloat = Field(
        45.0, description="寄宿阈值 / one-way trip (minutes) beyond which a pupil boards when the campus has a free bed, and beyond which boarding places attract families; default 45 (no estimate).")
    boarding_bonus: NonNegativeFloat = Field(
        2.0, description="寄宿吸引 / utility added to a campus beyond boarding_minutes that has free beds (the family is spared the daily trip); default 2 (no estimate).")
    allocation_minutes: NonNegativeFloat = Field(
        20.0, description="统筹安排半径 / pupils whose zoned campus is full are placed by the bureau at the nearest campus with a free seat within this one-way trip (minutes), not more rural than their home; beyond it they overflow into the zoned campus; default 20 (no estimate; 0 turns placement off).")
    admission: Annotated[str, Field(pattern="^(catchment|open)$")] = Field(
        "open", description="招生规则 / catchment (就近入学 only) or open (choice with catchment priority, then lottery); default open.")


class Migration(Model):
    """Household moves between locales (rural -> town flight, backflow)."""

    flight_rate: Share = Field(
        0.02, description="进城率 / yearly share of rural families with school-age children moving to a town at zero quality gap; default 0.02 (no estimate).")
    gap_elasticity: NonNegativeFloat = Field(
        1.5, description="质量差敏感度 / multiplier on the flight rate per SD of reputation gap between the town and the home campus; default 1.5 (no estimate).")
    backflow_rate: Share = Field(
        0.01, description="回流率 / yearly share of relocated families returning when the home campus is as good as the town's; default 0.01 (no estimate; Huanggang saw 6,692 pupils return after one year of 教联体).")


class Learning(Model):
    """Yearly achievement gain of a pupil, SD units."""

    class_size_effect: NonNegativeFloat = Field(
        0.01, description="班额效应 / SD lost per pupil per year above the standard class size; default 0.01 (Krueger 1999: ≈0.15–0.2 SD for 8 fewer pupils over several years).")
    peer_effect: Share = Field(
        0.2, description="同伴效应 / weight of the class mean achievement (linear in means); default 0.2 (Sacerdote 2011: 0.1–0.4).")
    facilities_effect: NonNegativeFloat = Field(
        0.02, description="设施效应 / SD per year per unit of resources relative to the standard (capped at the standard); default 0.02 (no estimate).")
    vacancy_penalty: NonNegativeFloat = Field(
        0.1, description="缺编效应 / SD lost per year by pupils of a campus with all posts vacant (proportional to the vacant share; classes are covered by overloaded or substitute teachers); default 0.1 (no estimate).")
    noise_sd: NonNegativeFloat = Field(
        0.3, description="个体波动 / SD of the individual yearly gain noise; default 0.3 (no estimate).")


class TeacherDynamics(Model):
    """Teacher life cycle: retirement, attrition, hiring and skill growth."""

    retirement_age_men: Annotated[int, Field(ge=50, le=70)] = Field(
        60, description="男退休年龄 / years; default 60 (State Council 2024 decision raises it gradually from 2025 to 63).")
    retirement_age_women: Annotated[int, Field(ge=45, le=70)] = Field(
        55, description="女退休年龄 / years; default 55 (female cadres; to 58 under the 2024 decision).")
    attrition: ShareByLocale = Field(
        ShareByLocale(urban=0.02, town=0.04, rural=0.08),
        description="流失率 / yearly share leaving for reasons other than retirement, by locale of post; default 2 / 4 / 8 % (no estimate).")
    allowance_halving_yuan: NonNegativeFloat = Field(
        800.0, description="补助减半流失 / monthly allowance (yuan) that halves the gap between a post's attrition and the urban rate; default 800 (no estimate).")
    fill_rate: ShareByLocale = Field(
        ShareByLocale(urban=1.0, town=0.9, rural=0.7),
        description="补员率 / share of vacancies filled each year by locale; default 100 / 90 / 70 % (no estimate).")
    experience_gain: NonNegativeFloat = Field(
        0.02, description="经验增长 / skill gained per year of experience in the first 5 years, SD; default 0.02 (Rockoff 2004; Papay & Kraft 2015: steep early gains).")
    late_gain: NonNegativeFloat = Field(
        0.003, description="后期增长 / skill gained per year after 5 years, SD; default 0.003 (Papay & Kraft 2015: slower continued growth).")
    peer_learning: Share = Field(
        0.05, description="同伴学习 / share of the gap to linked teachers' mean skill closed per year; default 0.05 (no estimate).")


class Reputation(Model):
    """How parents' perception follows measured results."""

    lag: Share = Field(
        0.25, description="调整速度 / share of the gap between reputation and measured mean achievement closed per year; default 0.25 (no estimate: parents react slowly).")


class Dynamics(Model):
    """All behavioural parameters."""

    choice: Choice = Choice()
    migration: Migration = Migration()
    learning: Learning = Learning()
    teachers: TeacherDynamics = TeacherDynamics()
    reputation: Reputation = Reputation()

"""Parameters of the 名校+弱校 grouping mode (``mingxiao_ruoxiao``) and its variants.

A famous hub school (名校) takes one or a few weak, rural or new schools.  Three variants:

* ``tuoguan`` 托管 (entrusted management): the hub sends an executive principal and a management
  team; the member's management converges fastest;
* ``jiedui`` 结对 (pairing): joint teaching research and mentoring without a management team;
* ``xinxiao`` 名校+新校 (new branch campus): a campus opens run by the hub's team, with hub staff
  seeded and the hub's brand, zoned to relieve the hub.

The mechanisms are pure functions in :mod:`sim.processes.partnership`; the units below are theirs.
Management quality is measured in SD units of the spread of management quality across the county's
campuses at the start (standardised starting school quality, :func:`~sim.processes.partnership.initial_management`).
Skill is a teacher's value added, pupil SD per year.  Reputation is in pupil SD units.

Every field carries its unit, default and the source of the default; where nothing is published the
description says "no estimate" and the declared range is what sweeps vary.  The teacher-exchange
rules (交流轮岗) are a separate model shared by every mode.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from .base import Model, Share
from .dynamics import upto
from .exchange import ExchangeRules
from .ranges import ranged

Variant = Literal["tuoguan", "jiedui", "xinxiao"]
"""tuoguan 托管 (entrusted management), jiedui 结对 (pairing), xinxiao 名校+新校 (new branch campus)."""

VARIANTS: tuple[str, ...] = ("tuoguan", "jiedui", "xinxiao")


class Management(Model):
    """管理输出 / the hub's management reaching members (executive principal, management team)."""

    rate_tuoguan: Share = ranged(
        0.3, (0.1, 0.5),
        "托管管理趋同速度 / share of the gap between a member's management quality and the hub's closed per year under 托管 (and for a 名校+新校 branch, which also opens at the hub's level); default 0.3: two thirds of the gap closed in about three years, the time Zhenjiang's 2019 policy gives grouping to lift weak schools (用3年左右的时间逐步提升薄弱学校办学水平); no measured estimate.")
    rate_jiedui: Share = ranged(
        0.1, (0.02, 0.2),
        "结对管理趋同速度 / the same under 结对, where no management team is sent; default 0.1, a third of the 托管 rate (no estimate).")
    pupil_effect: upto(0.5) = ranged(
        0.05, (0.0, 0.1),
        "管理对学业效应 / pupils' yearly gain, SD, per SD of management quality gained since the start; default 0.05 (Branch, Hanushek & Rivkin 2012, NBER w17803: the SD of principals' effects on pupils is at least 0.05 SD a year).")
    growth_effect: upto(2.0) = ranged(
        0.28, (0.0, 0.5),
        "管理对教师成长效应 / extra share of a teacher's yearly growth from experience per SD of management quality gained since the start; default 0.28 (Kraft & Papay 2014, Educ. Eval. & Policy Analysis: teachers in schools at the 75th percentile of professional environment improved 38 % more over ten years than at the 25th, ≈ 1.35 SD apart).")


class Teaching(Model):
    """教研与师徒 / joint teaching research (shared lesson plans) and mentoring (青蓝工程)."""

    spread_rate: Share = ranged(
        0.05, (0.0, 0.1),
        "教研技能扩散 / share of the skill gap to better linked teachers closed per year along hub–member links (joint research, shared lesson plans); only the teacher below gains, so the receiving side gains most; default 0.05 (no estimate; peer learning of 0–10 % of the gap a year; non-rotated receiving teachers gain most, 陈婧 & 范勇 2022).")
    links_per_teacher: Annotated[int, Field(ge=0, le=20)] = Field(
        3, description="教研联系数 / hub teachers of the same subject group each member teacher is linked to in joint research, drawn each year; default 3 (no estimate: Huanggang holds weekly online lesson preparation per subject and monthly joint research; 0 turns the links off).")
    mentoring_speedup: upto(5.0) = ranged(
        1.0, (0.0, 2.0),
        "青蓝工程成长加速 / extra share of the yearly growth from experience of a member's early-career teacher paired with a hub mentor (1 doubles it); the head start is kept; default 1.0: over three mentored years a novice gains ≈ 0.035 SD more (Kraft, Blazar & Hogan 2018, Rev. Educ. Res. 88(4): coaching +0.18 SD on achievement in efficacy trials, a fraction of that at scale; no Chinese estimate).")
    mentee_years: Annotated[int, Field(ge=0, le=10)] = Field(
        3, description="带徒年限 / teachers with fewer years of experience than this are mentees; default 3 (青蓝工程 pairs new teachers with a master for their first years; no national figure; 0 turns mentoring off).")
    mentees_per_mentor: Annotated[int, Field(ge=1, le=10)] = Field(
        2, description="每师带徒数 / mentees one hub mentor takes (backbone teachers first); default 2 (no estimate).")


class Brand(Model):
    """品牌 / a member's reputation takes a share of the hub's, then follows results."""

    share: Share = ranged(
        0.35, (0.25, 0.5),
        "品牌分享 / share of the gap between the hub's reputation and a member's own results that the member's perceived quality takes on joining; default 0.35 (access to a federation led by an elite school raised housing prices 2.4–4.3 % against 7.5–10.5 % for key-school eligibility, i.e. a third to 0.41 of the premium: Huang, He & Zhu, working paper 2018).")
    branch_share: Share = ranged(
        0.5, (0.35, 0.8),
        "分校品牌分享 / the same for a 名校+新校 branch campus, which carries the hub's name; default 0.5 (no estimate: at least the federation share, the upper end of its range).")
    fade: Share = ranged(
        0.1, (0.0, 0.3),
        "品牌消退 / yearly share of the brand lost, so that parents come to judge a member by its own results (after t years the share is share × (1 − fade)^t); default 0.1 (no estimate; housing premiums of existing federations show the label lasts for years).")


class Branch(Model):
    """名校+新校 / a branch campus opened by the hub: its first staff come partly from the hub."""

    seed_share: Share = ranged(
        0.3, (0.1, 0.5),
        "分校骨干派驻 / share of a new branch's posts filled by hub teachers moved there (post and quota) when it opens; default 0.3 (no estimate: Kunming No. 3 Middle School sent an executive principal and management backbone teachers as grade heads to its new campus; Qujing No. 2 Primary sent a management team and good teachers).")
    hub_cap: Share = ranged(
        0.15, (0.05, 0.3),
        "核心校派出上限 / largest share of the hub's own teachers moved to one branch, so the hub is not gutted; default 0.15 (no estimate).")


class Dilution(Model):
    """稀释 / the hub stretched over its members.  The one study found (雷万鹏 & 邓钟毓 2025,
    华中师范大学学报 64(1), four provinces) reports gains for lead schools too, so both default to 0."""

    per_member: upto(0.1) = ranged(
        0.0, (0.0, 0.0125),
        "成员校稀释 / hub pupils' yearly gain lost per member campus, SD; default 0 (lead schools gain, 雷万鹏 & 邓钟毓 2025; range up to 0.05 SD a year with four members).")
    per_backbone_away: upto(0.5) = ranged(
        0.0, (0.0, 0.05),
        "骨干外派稀释 / hub pupils' yearly gain lost if all its backbone teachers were away (proportional to the share away), SD; default 0 (no estimate; Japan's mandatory rotation does not lower the mean, Seebruck 2021).")


class CoveragePlan(Model):
    """覆盖计划 / roll-out by coverage: each year from ``start_year``, at least
    ``new_groups_per_year`` new groups until ``target_coverage`` of open campuses are in groups.
    Hubs are the strongest ungrouped campuses by reputation; each takes its weakest ungrouped
    neighbours (rule in :func:`~sim.scenario.rollout.pair_by_rule`)."""

    start_year: Annotated[int, Field(ge=1, le=100)] = Field(1, description="开始年份 / simulated year the plan starts (1 = first).")
    new_groups_per_year: Annotated[int, Field(ge=1, le=1000)] = Field(
        10, description="每年新建集团数 / new groups formed each year until the target is reached; default 10 (Yuxi plans at least 10 new groups a year, 2023–2025).")
    target_coverage: Share = Field(
        0.7, description="覆盖目标 / share of open campuses in groups (hubs and members) at which the plan stops; default 0.7 (Yuxi: 70 % of compulsory schools by end-2025, from 51 %).")
    members_per_hub: Annotated[int, Field(ge=1, le=20)] = Field(
        3, description="每集团成员校数 / members a new hub takes (fewer if fewer qualify); default 3 (Xiangyun: four lead junior schools each take 2–4 weaker ones).")
    max_km: Annotated[float, Field(gt=0, le=1000)] = Field(
        30.0, description="结对半径 / largest straight-line distance from hub to member, km; default 30 (no estimate: the radius of a county).")
    min_gap: upto(3.0) = Field(
        0.1, description="强弱差 / a member's reputation must be at least this far below its hub's, SD; default 0.1 (no estimate).")


class PartnershipCosts(Model):
    """成本 / yearly costs of the partnership beyond the scenario's unit costs.  Branch construction
    is costed from the new campus's floor area (``costs.construction_yuan_per_m2``) when it opens, so
    it is not repeated here; extra posts are costed at ``costs.teacher_yuan_per_year``."""

    exchange_allowance_yuan: upto(1e6) = ranged(
        4800.0, (0.0, 12000.0),
        "交流补贴 / allowance per teacher on a posting away from home (exchange, or a first posting at the hub) per year, yuan; default 4,800 (no published figure for exchange allowances: the mean rural teacher allowance of ≈ 400 yuan a month; Huanggang pays 3 levels / 9 grades by distance, amounts not published).")
    extra_posts_tuoguan: upto(10.0) = Field(
        1.0, description="托管增设岗位 / extra school-level posts per member under 托管 and per 名校+新校 branch (the executive principal the hub sends), posts; default 1 (Zhenjiang 2019: single-legal-person groups add school-level posts for those sent to other campuses).")
    extra_posts_jiedui: upto(10.0) = Field(
        0.0, description="结对增设岗位 / extra posts per member under 结对, posts; default 0 (no management team is sent).")
    management_yuan_per_group: upto(1e8) = ranged(
        200_000.0, (0.0, 500_000.0),
        "集团运行经费 / yearly running cost of a group's management (meetings, joint research, travel), yuan; default 200,000 (Wuhua district funds each school district 200,000 yuan a year; Dongsheng budgets ≥ 5 million yuan a year for all its groups).")


class MingxiaoParams(Model):
    """名校+弱校 / parameters of one group of the ``mingxiao_ruoxiao`` mode."""

    variant: Variant = Field("jiedui", description="形式 / tuoguan 托管, jiedui 结对 (default) or xinxiao 名校+新校.")
    management: Management = Management()
    teaching: Teaching = Teaching()
    brand: Brand = Brand()
    branch: Branch = Branch()
    dilution: Dilution = Dilution()
    exchange: ExchangeRules = ExchangeRules()
    costs: PartnershipCosts = PartnershipCosts()

    def convergence_rate(self) -> float:
        """Yearly share of the management gap closed under this group's variant."""
        return self.management.rate_jiedui if self.variant == "jiedui" else self.management.rate_tuoguan

    def brand_share(self) -> float:
        """Brand share on joining under this variant (a branch carries the hub's name)."""
        return self.brand.branch_share if self.variant == "xinxiao" else self.brand.share

    def extra_posts(self) -> float:
        """Extra posts per member under this variant."""
        return self.costs.extra_posts_jiedui if self.variant == "jiedui" else self.costs.extra_posts_tuoguan

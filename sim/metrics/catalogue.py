"""The metric catalogue: every metric's key, bilingual label (中文 first), unit, levels and
definition, in one place.  The metric tables, the comparison summary, ``run_sim.py metrics`` and
docs/METRICS.md read it; the pages will too.

Levels: ``region`` (entity ``all``), ``stage`` (primary|junior), ``locale`` (urban|town|rural),
``stage_locale`` (e.g. ``primary/rural``), ``locale_pair`` (origin→destination, e.g.
``rural→urban``), ``group`` (group id), ``campus`` (campus id), ``campus_stage`` (``<campus>/<stage>``:
a campus's primary or junior part, as the balance evaluation counts schools).  Every metric is
per simulated school year.
"""

from __future__ import annotations

from dataclasses import dataclass

from .balance import INDICATORS


@dataclass(frozen=True)
class Metric:
    """One metric: ``key`` in the tables, ``label`` 中文 / English, ``unit``, the ``levels`` at
    which it exists, and its ``definition`` (what is computed, from what, and the source)."""

    key: str
    label: str
    unit: str
    levels: tuple[str, ...]
    definition: str
    family: str = ""


FAMILIES = {
    "balance": "均衡评估 / balance yardstick (教督〔2017〕6号)",
    "quality": "质量差距 / quality gaps",
    "class_size": "班额与学位 / class sizes and seats",
    "migration": "学生流动 / pupil migration",
    "teachers": "教师 / teachers",
    "cost": "成本 / cost",
}

_CLASS_LEVELS = ("region", "stage", "locale", "stage_locale", "campus")
_COMPARISON_NOTE = " Comparison only (needs the reference scenario on the same seeds)."


def _balance() -> list[Metric]:
    out = []
    for ind in INDICATORS:
        out += [
            Metric(f"cv_{ind.key}", f"校际差异系数：{ind.label_zh} / inter-school 差异系数 of {ind.label_en}", "ratio",
                   ("stage",),
                   "Enrolment-weighted coefficient of variation of the indicator across the stage's schools, S / X̄ with "
                   "X̄ = ΣP_iX_i/ΣP_i and S = √(ΣP_i(X_i − X̄)²/ΣP_i) (教督〔2017〕6号). Schools are stage parts (a "
                   "nine-year school's resources split by pupils weighted 1 : 1.1), open, public (private 民办 campuses "
                   "are left out: the county does not provide their resources; the model's reading), with 50+ pupils "
                   "(教学点 under 50 left out); no row when X̄ is 0. Line: ≤ 0.50 primary, ≤ 0.45 junior."),
            Metric(f"cv_pass_{ind.key}", f"差异系数达标：{ind.label_zh} / within the 差异系数 line: {ind.label_en}",
                   "flag (1/0)", ("stage",),
                   "1 if the indicator's 差异系数 is at most 0.50 (primary) or 0.45 (junior), the lines of "
                   "教督〔2017〕6号, else 0."),
            Metric(f"ind_{ind.key}", f"{ind.label_zh} / {ind.label_en}", ind.unit, ("campus_stage",),
                   f"The indicator at one public school stage part: {ind.column} (a nine-year school's share split by pupils "
                   "weighted 1 : 1.1) over the part's pupils"
                   + (", per 100 pupils" if ind.per_100 else ", per pupil")
                   + f"; per-school standard {ind.standard['primary']:g} primary / {ind.standard['junior']:g} junior "
                     "(教督〔2017〕6号). Falls as pupils rise on fixed resources."),
        ]
    return out + [
        Metric("cv_mean", "差异系数均值 / mean 差异系数 of the seven indicators", "ratio", ("stage",),
               "Mean of the seven indicators' enrolment-weighted 差异系数 (教督〔2017〕6号), reported beside them; "
               "no row if any of the seven is undefined."),
        Metric("cv_pass_all", "七项差异系数全部达标 / all seven 差异系数 within the line", "flag (1/0)", ("stage",),
               "1 if every one of the seven indicators' 差异系数 is within its line (≤ 0.50 primary, ≤ 0.45 junior, "
               "教督〔2017〕6号); 0 if any exceeds it."),
        Metric("balance_schools", "参评学校数 / schools counted in the balance evaluation", "schools", ("stage",),
               "Number of open public school stage parts with at least 50 pupils (教学点 under 50 and private campuses are "
               "left out); a nine-year "
               "school counts once in each stage it has pupils in."),
        Metric("share_schools_meeting_standard", "校均达标学校比例 / share of schools meeting the per-school standard",
               "share", ("stage",),
               "Share of the counted school stage parts that meet the per-school rule: at least 6 of the 7 indicators "
               "at their standard and the rest at 85 % of it or more (教督〔2017〕6号)."),
        Metric("standards_met", "达标指标数 / indicators at the per-school standard", "indicators (0–7)",
               ("campus_stage",),
               "How many of the seven indicators reach their per-school standard for the part's stage "
               "(教督〔2017〕6号; e.g. 4.5 m² floor area per primary pupil, 5.8 per junior pupil)."),
        Metric("meets_school_standard", "学校达标 / school meets the per-school standard", "flag (1/0)",
               ("campus_stage",),
               "1 if at least 6 of the 7 indicators reach their per-school standard and the others are at 85 % of it "
               "or more (教督〔2017〕6号), else 0."),
    ]


_QUALITY = [
    Metric("achievement_cv", "学业成绩校际差异系数 / coefficient of variation of campus achievement", "ratio", ("region",),
           "Enrolment-weighted coefficient of variation S/X̄ of campus mean scale scores (x = 500 + 100·z), the "
           "official 差异系数 formula (教督〔2017〕6号) applied to achievement. Open campuses with pupils only."),
    Metric("achievement_gap_rural", "城乡学业差距 / urban–rural achievement gap", "SD", ("region",),
           "Pupil-weighted mean achievement of urban and town pupils minus that of rural pupils (by campus locale), "
           "in SD units. No row when either side has no pupils."),
    Metric("theil", "泰尔指数 / Theil index of achievement", "index", ("region",),
           "Pupil-level Theil T index of scale scores x = 500 + 100·z: T = (1/N) Σ (x/μ) ln(x/μ), computed exactly "
           "from each campus's Σx ln x. 0 means every pupil scores the same."),
    Metric("theil_between_campus", "泰尔指数校际部分 / Theil index, between campuses", "index", ("region",),
           "Part of the Theil index due to differences between campus means: Σ_c s_c ln(μ_c/μ), s_c the campus's "
           "share of all score points. Adds to theil_within_campus to give theil."),
    Metric("theil_within_campus", "泰尔指数校内部分 / Theil index, within campuses", "index", ("region",),
           "Part of the Theil index due to spread among pupils of the same campus: Σ_c s_c T_c."),
    Metric("theil_between_locale", "泰尔指数城乡间部分 / Theil index, between locales", "index", ("region",),
           "Part of the Theil index due to differences between the mean scores of urban, town and rural pupils: "
           "Σ_l s_l ln(μ_l/μ). Adds to theil_within_locale to give theil."),
    Metric("theil_within_locale", "泰尔指数城乡内部分 / Theil index, within locales", "index", ("region",),
           "Part of the Theil index due to spread inside each locale: Σ_l s_l T_l."),
    Metric("theil_between_group", "泰尔指数集团间部分 / Theil index, between groups", "index", ("region",),
           "Part of the Theil index due to differences between the mean scores of education groups, all campuses "
           "outside a group pooled as one class: Σ_g s_g ln(μ_g/μ). Zero when the run has no groups."),
    Metric("theil_within_group", "泰尔指数集团内部分 / Theil index, within groups", "index", ("region",),
           "Part of the Theil index due to spread inside each group (and inside the pooled independent campuses): "
           "Σ_g s_g T_g. Adds to theil_between_group to give theil."),
    Metric("mean_achievement", "平均学业水平 / mean achievement", "SD", ("locale", "campus"),
           "Mean achievement of pupils in SD units (z): pupil-weighted over the locale's open campuses, or the "
           "campus's own mean."),
    Metric("hub_member_gap", "核心校与成员校差距 / hub–member achievement gap", "SD", ("region", "group"),
           "Hub campus's mean achievement minus the pupil-weighted mean achievement of the group's member campuses, "
           "in SD units (填谷: does it narrow?). Only for groups whose hub and at least one member have pupils. "
           "Region: all hubs' pupils against all members' pupils of the run's groups (no row without groups)."),
    Metric("hub_change", "核心校水平变化（固峰） / change in hub achievement since the first year", "SD", ("campus",),
           "For hub campuses: mean achievement this year minus the same campus's mean in the first year of the "
           "run, in SD units. Shows whether the peak held (固峰)."),
]

_CLASS_SIZE = [
    Metric("classes", "班级数 / classes", "classes", _CLASS_LEVELS,
           "Number of classes on open campuses. A grade's stage is primary for grades 1–6 and junior for 7–9, so a "
           "nine-year campus counts in both."),
    Metric("mean_class_size", "平均班额 / mean class size", "pupils", _CLASS_LEVELS,
           "Pupils divided by classes on open campuses; standard 45 primary / 50 junior (建标〔2002〕102号)."),
    Metric("share_classes_le45", "标准班额占比（≤45人） / share of classes of 45 or fewer", "share", _CLASS_LEVELS,
           "Share of classes with at most 45 pupils. A grade's pupils are spread evenly over its classes, so class "
           "sizes are exact."),
    Metric("share_classes_46_55", "较大班额占比（46–55人） / share of classes of 46–55", "share", _CLASS_LEVELS,
           "Share of classes with 46–55 pupils: large, but below 大班额."),
    Metric("share_classes_56_65", "大班额占比（56–65人） / share of classes of 56–65", "share", _CLASS_LEVELS,
           "Share of classes with 56–65 pupils (大班额). The four band shares sum to 1."),
    Metric("share_classes_56plus", "大班额及以上占比（≥56人） / share of classes of 56 or more", "share", _CLASS_LEVELS,
           "Share of classes with 56 or more pupils (大班额 and 超大班额 together; to be ended by 2020, "
           "国发〔2016〕40号)."),
    Metric("share_classes_66plus", "超大班额占比（≥66人） / share of classes of 66 or more", "share", _CLASS_LEVELS,
           "Share of classes with 66 or more pupils (超大班额, to be ended by 2018 under 国发〔2016〕40号)."),
    Metric("classes_56plus", "大班额班级数（≥56人） / classes of 56 or more", "classes", _CLASS_LEVELS,
           "Number of classes with 56 or more pupils on open campuses."),
    Metric("classes_66plus", "超大班额班级数（≥66人） / classes of 66 or more", "classes", _CLASS_LEVELS,
           "Number of classes with 66 or more pupils on open campuses."),
    Metric("campuses_over_capacity", "超容量学校数 / campuses over capacity", "campuses", ("region", "locale"),
           "Number of open campuses whose enrolment exceeds their seats: where the town is crowded (城区挤)."),
    Metric("utilisation", "学位使用率 / seat utilisation", "ratio", ("region", "locale", "campus"),
           "Enrolment divided by seats over open campuses. Above 1 means over capacity; a low rural value measures "
           "农村空."),
]

_MIGRATION = [
    Metric("entrants", "新生入学人数 / entrants admitted", "pupils", ("region",),
           "Pupils admitted into grade 1 and grade 7 this year (flows entry and junior_entry)."),
    Metric("outside_catchment_share", "择校率 / share admitted outside the catchment", "share",
           ("region", "locale", "campus"),
           "Share of this year's entrants (grades 1 and 7) admitted at a campus other than the one their home is "
           "zoned to (划片), by the campus admitting them."),
    Metric("rural_flight_share", "乡村生源外流率 / share of rural entrants schooled outside villages", "share",
           ("region",),
           "Share of entrants living in rural cells who are admitted at urban or town campuses."),
    Metric("entry_flow", "入学流向 / entrants by home and school locale", "pupils", ("locale_pair",),
           "Entrants (grades 1 and 7) from homes in the origin locale admitted at campuses in the destination locale; "
           "a complete 3 × 3 matrix whose total is the entrants."),
    Metric("relocations", "随迁进城 / pupils whose families moved to town", "pupils", ("region", "locale_pair"),
           "Pupils whose household moved from a rural cell to a town or urban cell this year (rural→town flight)."),
    Metric("child_relocations", "学龄前儿童随迁 / pre-school children who moved with their families", "children",
           ("region",),
           "Children not yet at school whose families moved to town this year: later cohorts follow the flight."),
    Metric("backflow", "回流 / pupils returning to their home area", "pupils", ("region", "locale_pair"),
           "Pupils whose household moved back from town to its home cell this year (回流)."),
    Metric("backflow_cumulative", "累计回流 / cumulative backflow", "pupils", ("region",),
           "Backflow summed from the first year to this one."),
    Metric("transfers", "校际转移 / pupils moved between campuses", "pupils", ("region", "locale_pair"),
           "Pupils moved by the bureau between campuses: out of a closed campus (撤并) or 分流 into a newly opened one."),
    Metric("private_share", "民办学校在校生占比 / share of pupils at private schools", "share", ("region", "stage"),
           "Pupils at open private (民办) campuses ÷ pupils at all open campuses, for the region and each stage (grades "
           "1–6 primary, 7–9 junior; a nine-year campus counts in both): families' exit from the public schools "
           "(national CIEFR household survey: 7.0 % of primary and 9.4 % of junior pupils). No row when the run has no "
           "private campus."),
]

_TEACHERS = [
    Metric("teachers", "专任教师 / teachers", "teachers", ("region", "locale"),
           "Teachers in post this year (after September hiring), by locale of the campus of post."),
    Metric("vacancies", "缺编 / vacant posts", "posts", ("region", "locale"),
           "Posts needed (staffing norm and classes) that September hiring could not fill; classes are still "
           "covered (代课/调剂)."),
    Metric("teacher_skill_mean", "教师效能均值 / mean teacher skill", "SD", ("region", "locale"),
           "Mean teacher value added, in pupil SD per year."),
    Metric("teacher_skill_sd", "教师效能离散 / SD of teacher skill", "SD", ("region", "locale"),
           "Standard deviation of teacher value added (pooled from campus means and SDs), pupil SD per year."),
    Metric("hires", "新招教师 / teachers hired", "teachers", ("region", "locale"),
           "Teachers recruited in September, by locale of post."),
    Metric("substitutes", "代课 / posts covered by substitutes", "posts", ("region", "locale"),
           "Posts still vacant after September hiring, covered by substitute teachers (代课) at a cost to the "
           "pupils of the campus (dynamics.learning.vacancy_penalty × the campus's vacant share of posts)."),
    Metric("senior_teachers", "高级职称教师 / teachers with a senior title", "teachers", ("region", "locale"),
           "Teachers holding the senior title (高级) in post, by locale of post. Promotions fill the posts of the "
           "title-structure ceiling (岗位结构比例) as holders retire (人社部发〔2015〕79号 ladder)."),
    Metric("backbone_teachers", "骨干教师 / backbone teachers", "teachers", ("region", "locale"),
           "County-level-or-higher backbone teachers (骨干) in post, by locale of post; designated by merit within "
           "each locale's quota every few years (dynamics.teachers.backbone_cycle_years), falling with exits between."),
    Metric("senior_promotions", "晋升高级职称 / promotions to the senior title", "teachers", ("region", "locale"),
           "Teachers promoted to the senior title (高级) in the summer title round after this school year, by locale of "
           "post: 5+ years in the first title, the best by merit (skill, seniority, evaluation) into the free posts "
           "of the locale's ceiling; with dynamics.teachers.senior_hardship_years, only those with that much rural or "
           "weak-school service."),
    Metric("first_promotions", "晋升一级职称 / promotions to the first title", "teachers", ("region", "locale"),
           "Teachers promoted to the first title (一级) in the summer title round after this school year, by locale "
           "of post (4+ years in the second title, by merit into the free posts of the ceiling)."),
    Metric("backbone_designations", "新认定骨干教师 / new backbone designations", "teachers", ("region", "locale"),
           "Teachers designated backbone who were not before, at the designation after this school year (every "
           "dynamics.teachers.backbone_cycle_years years; 0 in the other years), by locale of post."),
    Metric("pupil_teacher_va_sd", "学生所遇教师效能离散 / SD of teacher value added pupils experience", "SD",
           ("region",),
           "Standard deviation over pupils of the value added of their own class's teachers (the mean skill of "
           "its main-subject teachers, less the substitutes' cost), pupil SD per year; the literature's 0.11–0.15 "
           "(Hanushek & Rivkin 2010). From each campus's pupil-weighted mean and SD (class_skill_mean, "
           "class_skill_sd)."),
    Metric("pupil_teacher_va_within_share", "校内差异占比 / within-campus share of that variance", "share",
           ("region",),
           "Share of the variance of pupil-experienced teacher value added that lies within campuses (between "
           "classes of one campus) rather than between campus means; the literature finds most of it within "
           "schools."),
    Metric("reallocations", "调剂 / surplus teachers moved to vacancies", "teachers", ("region", "locale_pair"),
           "Teachers moved by the bureau from campuses with more teachers than posts (编制 from classes and pupils) "
           "to campuses with vacancies within dynamics.teachers.reallocation_km, nearest first, by direction."),
    Metric("town_selections", "选调进城 / village teachers selected for town posts", "teachers",
           ("region", "locale_pair"),
           "Rural teachers selected by exam for town and urban vacancies this year (a move within the county, not "
           "attrition), by direction."),
    Metric("retirements", "退休 / retirements", "teachers", ("region", "locale"),
           "Teachers retiring at the end of the school year, by locale of post."),
    Metric("attrition", "流失 / teachers leaving", "teachers", ("region", "locale"),
           "Teachers leaving the county's schools (other than retirement) at the end of the school year, by locale of "
           "post; allowances reduce it at rural posts."),
    Metric("attrition_rate", "流失率 / attrition rate", "share", ("region", "locale"),
           "Teachers leaving ÷ teachers in post, by locale of post."),
    Metric("exchanges", "交流轮岗 / teachers exchanged", "teachers", ("region", "locale_pair"),
           "Teachers rotated between campuses this year (交流轮岗), by direction (e.g. town→village); zero without a "
           "grouping mode that rotates teachers."),
    Metric("exchange_backbone_share", "交流骨干教师占比 / backbone share of exchanged teachers", "share", ("region",),
           "Share of exchanged teachers who are backbone teachers (national rule ≥ 20 %, 教师〔2014〕4号; Huanggang "
           "≥ 30 %). No row without exchanges."),
    Metric("exchange_rate", "交流比例 / share of teachers exchanged", "share", ("region",),
           "Teachers exchanged ÷ teachers in post (national rule ≥ 10 % of eligible teachers a year)."),
]

_COST = [
    Metric("allowance_cost_yuan", "补助支出 / allowances paid", "yuan per year", ("region", "locale"),
           "Monthly allowance per teacher × teachers in post × 12, summed over open campuses (by locale of post)."),
    Metric("teacher_posts", "教师岗位 / teacher posts", "posts", ("region",),
           "Teachers in post at open campuses; the difference from the reference plan is the extra posts."),
    Metric("posts_cost_yuan", "岗位成本 / cost of teacher posts", "yuan per year", ("region",),
           "Teacher posts × costs.teacher_yuan_per_year (default 120,000, 国家统计局 mean wage in education 2022)."),
    Metric("classrooms_added", "新增教室 / classrooms added", "classrooms", ("region",),
           "Classrooms built this year, including the classrooms of a campus that opens."),
    Metric("construction_cost_yuan", "建设支出 / construction cost", "yuan per year", ("region",),
           "Teaching and auxiliary floor area built this year × costs.construction_yuan_per_m2 (default 3,000; no "
           "published estimate). A classroom brings the floor area the standard asks for the pupils it seats."),
    Metric("group_cost_yuan", "集团化办学支出 / cost of the grouping modes", "yuan per year", ("region",),
           "The grouping modes' own yearly costs summed over campuses (campus-year columns cost_<item>_yuan): for "
           "名校+弱校 the allowances of teachers on exchange and each group's running cost (extra posts are real "
           "teachers, in posts_cost_yuan). No row when no mode costs anything."),
    Metric("cost_yuan", "年度成本 / yearly cost", "yuan per year", ("region",),
           "Allowances + teacher posts + construction + the grouping modes' costs (group_cost_yuan) this year."),
    Metric("cumulative_cost_yuan", "累计成本 / cumulative cost", "yuan", ("region",),
           "Yearly cost summed from the first year to this one."),
    Metric("cost_per_cv_0_01_yuan", "差异系数每降0.01的成本 / cost per 0.01 of 差异系数 reduced", "yuan",
           ("stage",),
           "Extra cumulative cost over the reference plan ÷ (reduction of the stage's mean 差异系数, cv_mean, "
           "against the reference in the same year ÷ 0.01). Paired over replicates; the interval is a percentile "
           "bootstrap over replicates, and no interval is given where the reduction is not distinguishable from 0."
           + _COMPARISON_NOTE),
    Metric("cost_per_gap_sd_yuan", "城乡差距每缩小1个标准差的成本 / cost per SD of the urban–rural gap closed", "yuan",
           ("region",),
           "Extra cumulative cost over the reference plan ÷ reduction of achievement_gap_rural (SD) against the "
           "reference in the same year, paired over replicates, with the same interval rule." + _COMPARISON_NOTE),
]


def _all() -> dict[str, Metric]:
    families = {"balance": _balance(), "quality": _QUALITY, "class_size": _CLASS_SIZE, "migration": _MIGRATION,
                "teachers": _TEACHERS, "cost": _COST}
    out: dict[str, Metric] = {}
    for family, metrics in families.items():
        for m in metrics:
            assert m.key not in out, m.key
            out[m.key] = Metric(m.key, m.label, m.unit, m.levels, m.definition, family)
    return out


CATALOGUE: dict[str, Metric] = _all()
"""Every metric by key."""

COMPARISON_ONLY = ("cost_per_cv_0_01_yuan", "cost_per_gap_sd_yuan")
"""Metrics that exist only in a comparison (they need the reference plan)."""


def markdown() -> str:
    """The catalogue as a Markdown document (docs/METRICS.md is this text)."""
    lines = ["# 指标目录 / Metric catalogue", "",
             "Generated by `python run_sim.py metrics --markdown` from `sim/metrics/catalogue.py`; do not edit by hand.",
             "Every metric is per simulated school year, in `metrics.parquet` (columns scenario, replicate, seed, year, "
             "level, entity, metric, value) and, as mean, 95 % interval and paired difference, in "
             "`comparison.parquet`.", ""]
    for family, title in FAMILIES.items():
        lines += [f"## {title}", "", "| key | 名称 / label | unit | levels | definition |", "|---|---|---|---|---|"]
        for m in CATALOGUE.values():
            if m.family == family:
                cell = m.definition.replace("|", "\\|")
                lines.append(f"| `{m.key}` | {m.label} | {m.unit} | {', '.join(m.levels)} | {cell} |")
        lines.append("")
    return "\n".join(lines)

"""The scenario language: pydantic models of what a planner writes in a scenario YAML.

Every field carries its unit and default in its description, and the source of that default where
one exists (a figure from the seed documents summarised in DOMAIN.md, or a published estimate from
PARAMETERS.md).  Where nothing is published the description says so; such values are levers that a
sweep can vary.  The JSON Schema printed by ``run_sim.py schema`` is generated from these models,
so the descriptions double as editor help.

Models are frozen and forbid unknown keys (a misspelt key is an error with a "did you mean").
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import Discriminator, Field, Tag, TypeAdapter, create_model, model_validator

from .base import Ident, Model, SafeName, Share, ShareByLocale, Text, by_locale
from .dynamics import Dynamics
from .mode_params import MODE_LABELS, MODE_PARAMS
from .mingxiao import CoveragePlan
from .limits import (MAX_CAMPUS_PUPILS, MAX_CAMPUS_TEACHERS, MAX_CAMPUSES, MAX_CELL_CHILDREN, MAX_CELLS,
                     MAX_CLASSROOMS, MAX_KM, MAX_LIST, MAX_PUPILS, MAX_YEAR_OF_RUN, MAX_YUAN, SD_RANGE)
from .ranges import ranged

Stage = Literal["primary", "junior", "nine_year"]
"""primary 小学 (grades 1–6), junior 初中 (grades 7–9), nine_year 九年一贯制 (grades 1–9)."""
Locale = Literal["urban", "town", "rural"]
"""urban 城区 (county town), town 镇区 (township seat), rural 乡村 (village)."""
Sector = Literal["public", "private"]
"""public 公办 (run by the county, zoned, 就近入学), private 民办 (fee-paying, admits by application)."""

STAGES: tuple[str, ...] = ("primary", "junior", "nine_year")
LOCALES: tuple[str, ...] = ("urban", "town", "rural")
SECTORS: tuple[str, ...] = ("public", "private")
MODES: tuple[str, ...] = tuple(MODE_PARAMS)
"""Grouping modes of the language (:data:`sim.scenario.mode_params.MODE_PARAMS`): baseline 不分组,
mingxiao_ruoxiao 名校+弱校, xuequ 学区制, jiaolianti 教联体."""

Km = Annotated[float, Field(ge=-MAX_KM, le=MAX_KM)]
"""A coordinate, km."""
SD = Annotated[float, Field(ge=-SD_RANGE, le=SD_RANGE)]
"""A value in SD units of pupil achievement or family SES."""
Count = Annotated[int, Field(ge=0, le=MAX_CAMPUS_PUPILS)]
"""Pupils, seats or places of one campus."""
Yuan = Annotated[float, Field(ge=0, le=MAX_YUAN)]
"""Money, yuan."""
Tuition = Annotated[float, Field(ge=0, le=1_000_000)]
"""A yearly school fee, yuan (at most 1,000,000)."""

PRIVATE_TUITION_YUAN: dict[str, float] = {"primary": 6_000.0, "junior": 15_000.0, "nine_year": 9_000.0}
"""Default yearly fee of a private (民办) campus by stage, yuan: the difference in yearly family
education spending per pupil between private and public schools in the CIEFR household survey
(中国教育财政家庭调查, 魏易, 北京大学中国教育财政科学研究所): primary 12,945 vs 7,122 yuan, junior
23,355 vs 8,570 yuan, rounded to 6,000 and 15,000; nine-year = (6 × 6,000 + 3 × 15,000) / 9.  A
national mean, not a county's: state the fee of each campus where it is known."""
RunYear = Annotated[int, Field(ge=1, le=MAX_YEAR_OF_RUN)]
"""A simulated year (1 = the first)."""


class CountsByLocale(Model):
    """Campus counts per locale."""

    urban: Annotated[int, Field(ge=0, le=MAX_CAMPUSES)] = 0
    town: Annotated[int, Field(ge=0, le=MAX_CAMPUSES)] = 0
    rural: Annotated[int, Field(ge=0, le=MAX_CAMPUSES)] = 0


class YuanByLocale(Model):
    """A monthly amount per teacher by locale of post, yuan (at most 100,000 a month)."""

    urban: Annotated[int, Field(ge=0, le=100_000)] = 0
    town: Annotated[int, Field(ge=0, le=100_000)] = 0
    rural: Annotated[int, Field(ge=0, le=100_000)] = 0


class PupilsPerTeacher(Model):
    """Pupils per full-time teacher by compulsory stage (nine-year schools use the primary value for
    grades 1–6 and the junior value for grades 7–9); each between 1 and 100."""

    primary: Annotated[float, Field(ge=1.0, le=100.0)] = 19.0
    junior: Annotated[float, Field(ge=1.0, le=100.0)] = 13.5


SpeedByLocale = by_locale("SpeedByLocale", "Door-to-door speed by locale, km/h, between 1 and 200.", __name__,
                          ge=1.0, le=200.0)
SDByLocale = by_locale("SDByLocale", "A value in SD units by locale, within ±3.", __name__,
                       ge=-SD_RANGE, le=SD_RANGE)
CrowdingByLocale = by_locale("CrowdingByLocale", "Enrolment ÷ capacity by locale, between 0.05 and 5.", __name__,
                             ge=0.05, le=5.0)
SizeByLocale = by_locale("SizeByLocale", "Relative campus size by locale, between 0.01 and 100.", __name__,
                         ge=0.01, le=100.0)
LevelByLocale = by_locale("LevelByLocale", "Resources relative to the standard by locale, between 0 and 10.",
                          __name__, ge=0.0, le=10.0)


# --------------------------------------------------------------------------------------------
# simulation


class Simulation(Model):
    """How long and how often to run."""

    years: Annotated[int, Field(ge=1, le=50, description="模拟年数 / simulated school years (1–50); default 10.")] = 10
    replicates: Annotated[int, Field(ge=1, le=10_000, description="重复次数 / replicate runs with different seeds; default 20.")] = 20
    seed: Annotated[int, Field(ge=0, le=2**63 - 1, description="随机种子 / base seed of the run (replicate r uses a stream derived from it), 0 to 2⁶³−1; default 1.")] = 1
    start_year: Annotated[int, Field(ge=1990, le=2100, description="起始学年 / calendar year of the first simulated school year (starting September); default 2025.")] = 2025


# --------------------------------------------------------------------------------------------
# region


class Campus(Model):
    """One campus (校区): a school, or one campus of a multi-campus school.

    Resource inputs follow the indicators of the county high-quality balance evaluation
    (教督〔2017〕6号, DOMAIN.md).  Any resource left out is set, when the scenario is resolved, so that
    the campus just meets the per-pupil standard at its design capacity.
    """

    id: Ident = Field(description="校区编号 / unique campus id (letters, digits or Chinese, with _ - . inside; at most 64).")
    name: Text | None = Field(None, description="名称 / display name; defaults to the id.")
    stage: Stage = Field(description="学段 / primary, junior or nine_year.")
    locale: Locale = Field(description="城乡类别 / urban, town or rural.")
    x_km: Km | None = Field(None, description="东西坐标 / east–west position, km (give x_km/y_km or lon/lat).")
    y_km: Km | None = Field(None, description="南北坐标 / north–south position, km.")
    lon: Annotated[float, Field(ge=-180, le=180)] | None = Field(None, description="经度 / longitude, degrees.")
    lat: Annotated[float, Field(ge=-90, le=90)] | None = Field(None, description="纬度 / latitude, degrees.")
    legal_person: Ident | None = Field(None, description="法人编号 / legal-person id; defaults to the campus id (one school, one legal person).")
    district: Ident | None = Field(None, description="学区 / administrative school district this campus belongs to, if any.")
    classrooms: Annotated[int, Field(ge=0, le=MAX_CLASSROOMS)] = Field(
        description="普通教室数 / ordinary classrooms (one class each at the standard size); at most 2,000.")
    class_size_standard: Annotated[int, Field(ge=1, le=120)] | None = Field(
        None, description="标准班额 / standard class size, pupils; default 45 primary, 50 junior (建标〔2002〕102号).")
    capacity: Count | None = Field(None, description="学位数 / design capacity, pupils (at most 100,000); default classrooms × standard class size.")
    boarding_places: Count = Field(0, description="寄宿床位 / boarding places; default 0.")
    pupils: Count | None = Field(None, description="在校生 / pupils enrolled at the start (all grades; at most 100,000); default 90 % of capacity (no estimate; state it).")
    teachers: Annotated[int, Field(ge=0, le=MAX_CAMPUS_TEACHERS)] | None = Field(None, description="专任教师 / full-time teachers at the start; default pupils ÷ pupils_per_teacher of the teachers block.")
    teaching_point: bool = Field(False, description="教学点 / a teaching point (教学点); left out of the 差异系数 when under 50 pupils.")
    floor_area_m2: Annotated[float, Field(ge=0, le=1e7)] | None = Field(None, description="教学及辅助用房面积 / teaching and auxiliary floor area, m² (standard 4.5 primary / 5.8 junior per pupil).")
    sports_area_m2: Annotated[float, Field(ge=0, le=1e7)] | None = Field(None, description="体育运动场馆面积 / sports ground area, m² (standard 7.5 / 10.2 per pupil).")
    equipment_value_yuan: Yuan | None = Field(None, description="教学仪器设备值 / teaching equipment value, yuan (standard 2000 / 2500 per pupil).")
    multimedia_classrooms: Annotated[int, Field(ge=0, le=MAX_CLASSROOMS)] | None = Field(None, description="网络多媒体教室 / networked multimedia classrooms (standard 2.3 / 2.4 per 100 pupils).")
    quality: SD = Field(0.0, description="办学质量 / school effect on achievement at the start, SD of pupil achievement relative to the region mean (within ±3); default 0.")
    reputation: SD | None = Field(None, description="声誉 / perceived quality that parents act on, same SD units; defaults to quality.")
    sector: Sector = Field(
        "public", description="办学性质 / public (公办: zoned for 就近入学, staffed and moved by the county) or private (民办: "
                              "nobody's catchment, admits applicants up to its seats by lottery, charges tuition, left out "
                              "of the county's 调剂 and of the 差异系数); default public.")
    tuition_yuan_per_year: Tuition | None = Field(
        None, description="学费 / yearly fee a family pays, yuan (at most 1,000,000); public campuses charge none (义务教育免费, "
                          "so only 0 is accepted there); default for a private campus 6,000 primary / 15,000 junior / "
                          "9,000 nine-year (CIEFR household survey: the gap in family education spending between private "
                          "and public pupils, national means; state the campus's fee where known).")

    @model_validator(mode="after")
    def _free_if_public(self) -> "Campus":
        if self.sector == "public" and self.tuition_yuan_per_year:
            raise ValueError(f"no tuition at a public campus (义务教育免费; set sector: private for a fee-paying school) "
                             f"/ 公办学校不收学费; found tuition_yuan_per_year = {self.tuition_yuan_per_year:g}")
        return self

    @model_validator(mode="after")
    def _position(self) -> "Campus":
        has_xy = self.x_km is not None and self.y_km is not None
        has_ll = self.lon is not None and self.lat is not None
        if not (has_xy or has_ll):
            raise ValueError("a position: both x_km and y_km, or both lon and lat / 需要坐标")
        if (self.x_km is None) != (self.y_km is None) or (self.lon is None) != (self.lat is None):
            raise ValueError("coordinates in pairs: x_km with y_km, lon with lat / 坐标须成对")
        return self


class CampusCounts(Model):
    """Number of campuses of each stage in each locale."""

    primary: CountsByLocale = CountsByLocale()
    junior: CountsByLocale = CountsByLocale()
    nine_year: CountsByLocale = CountsByLocale()


class PupilsByStage(Model):
    """Pupils enrolled at the start, by stage (nine-year schools' pupils are counted in both)."""

    primary: Annotated[int, Field(ge=0, le=MAX_PUPILS)]
    junior: Annotated[int, Field(ge=0, le=MAX_PUPILS)]


class PrivateCountsByLocale(Model):
    """Private campus counts in the county town and the township seats (民办学校 locate where
    fee-paying families live; none is generated in a village)."""

    urban: Annotated[int, Field(ge=0, le=MAX_CAMPUSES)] = 0
    town: Annotated[int, Field(ge=0, le=MAX_CAMPUSES)] = 0


class PrivateCampusCounts(Model):
    """Number of private campuses of each stage in the county town and the township seats."""

    primary: PrivateCountsByLocale = PrivateCountsByLocale()
    junior: PrivateCountsByLocale = PrivateCountsByLocale()
    nine_year: PrivateCountsByLocale = PrivateCountsByLocale()


class TuitionByStage(Model):
    """Yearly fee of a private campus by stage, yuan (at most 1,000,000)."""

    primary: Tuition = PRIVATE_TUITION_YUAN["primary"]
    junior: Tuition = PRIVATE_TUITION_YUAN["junior"]
    nine_year: Tuition = PRIVATE_TUITION_YUAN["nine_year"]


class SyntheticPrivate(Model):
    """Private (民办) campuses of a synthetic region, beside its public ones.

    Ids are ``M`` + the public id pattern (``MPU01``: a private primary campus in the county town),
    lower numbers the stronger.  They are nobody's catchment: their pupils at the start are the
    families who choose them when the start's placement is settled by the admission rule.  The public
    campuses, cells and zones are generated exactly as without them (a separate random stream)."""

    campuses: PrivateCampusCounts = Field(description="民办校区数 / private campus counts by stage, urban and town only.")
    quality_premium: SD = ranged(
        0.2, (0.0, 0.5),
        "民办质量溢价 / mean starting quality of private campuses above the public mean of their locale, SD; default 0.2 "
        "(no estimate: private schools that charge fees must offer families something above the free school nearby; "
        "selective intake then raises their measured results further).")
    size: Annotated[float, Field(gt=0, le=100.0)] = Field(
        1.0, description="规模比 / classrooms of a private campus relative to the mean public campus of its stage and locale "
                         "(within ±30 %); default 1 (no estimate).")
    tuition_yuan_per_year: TuitionByStage = Field(
        TuitionByStage(), description="学费 / yearly fee by stage, yuan; default 6,000 / 15,000 / 9,000 (CIEFR household "
                                      "survey: gap in family education spending between private and public pupils).")


class SyntheticRegion(Model):
    """Generate a realistic county or district from summary figures.

    Campus ids follow ``<stage letter><locale letter><number>`` (P/J/N for primary, junior, nine-year;
    U/T/R for urban, town, rural), e.g. ``PU01``.  Within a stage and locale, lower numbers are the
    stronger schools (higher starting quality), so groups can name hubs without knowing the draw.
    """

    seed: Annotated[int, Field(ge=0, le=2**63 - 1)] = Field(1, description="布局种子 / seed of the region layout, fixed across replicates; default 1.")
    campuses: CampusCounts = Field(description="校区数 / campus counts by stage and locale.")
    pupils: PupilsByStage = Field(description="在校生 / pupils by stage at the start; generated totals match exactly.")
    county_radius_km: Annotated[float, Field(gt=0, le=MAX_KM)] = Field(30.0, description="县域半径 / radius of the county, km; default 30 (no estimate: a typical county of ~2,800 km²).")
    county_town_radius_km: Annotated[float, Field(gt=0, le=MAX_KM)] = Field(4.0, description="县城半径 / radius of the county town, km; default 4.")
    towns: Annotated[int, Field(ge=0, le=10_000)] = Field(8, description="乡镇数 / township seats (at most 10,000); default 8.")
    villages: Annotated[int, Field(ge=0, le=MAX_CELLS // 2)] = Field(40, description="村数 / villages with a residential cell (at most 100,000); default 40.")
    districts: Annotated[int, Field(ge=0, le=MAX_CAMPUSES)] = Field(0, description="学区数 / administrative school districts drawn by geography (0 = none); Dongsheng has 8.")
    quality_mean: SDByLocale = ranged(
        SDByLocale(urban=0.25, town=0.0, rural=-0.3), {"urban": (0.0, 0.5), "town": (-0.2, 0.2), "rural": (-0.6, 0.0)},
        "初始质量均值 / mean starting school quality by locale: the value added of its teachers is 0.15 × quality SD a year; default +0.25 / 0 / −0.30 (no estimate: sets the urban–rural gap a sweep can vary).")
    quality_sd: Annotated[float, Field(ge=0, le=2.0)] = ranged(
        0.15, (0.05, 0.3), "初始质量离散 / SD of starting quality within a locale, SD; default 0.15 (no estimate).")
    crowding: CrowdingByLocale = Field(
        CrowdingByLocale(urban=1.2, town=1.05, rural=0.55),
        description="拥挤度 / enrolment ÷ capacity at the start by locale (capacity is sized to make it so); default 1.20 / 1.05 / 0.55 ('城区挤、农村空'; no estimate).")
    campus_size: SizeByLocale = Field(
        SizeByLocale(urban=4.0, town=2.5, rural=1.0),
        description="校区规模比 / relative size of a campus by locale (junior campuses 2/3, nine-year 1.2 of it); "
                    "absolute classrooms are scaled so that capacity × crowding matches the pupils; default 4 / 2.5 / 1 (no estimate).")
    resource_level: LevelByLocale = Field(
        LevelByLocale(urban=0.9, town=1.0, rural=1.05),
        description="资源水平 / resources at design capacity relative to the per-pupil standard, by locale; default 0.9 / 1.0 / 1.05 (no estimate).")
    boarding_share: ShareByLocale = Field(
        ShareByLocale(urban=0.0, town=0.2, rural=0.5),
        description="寄宿床位比 / boarding places as a share of the junior seats of junior and nine-year campuses, by locale; default 0 / 0.2 / 0.5 (no estimate: rural junior schools are mostly boarding schools, 寄宿制, county-town ones rarely).")
    private: SyntheticPrivate | None = Field(
        None, description="民办学校 / private campuses beside the public ones counted under campuses (urban and town only); "
                          "default none.  Dongsheng district has 39 private schools of 135.")


class Region(Model):
    """The campuses: an explicit list, a CSV file, or a synthetic block (exactly one)."""

    name: Text | None = Field(None, description="地区名称 / region name.")
    campuses: list[Campus] | None = Field(None, description="校区列表 / explicit campus list.", max_length=MAX_CAMPUSES)
    campuses_csv: Annotated[str, Field(min_length=1, max_length=1000)] | None = Field(None, description="校区表 / CSV file of campuses (columns as the campus fields), relative to the YAML.")
    synthetic: SyntheticRegion | None = Field(None, description="合成地区 / generate the region from summary figures.")

    @model_validator(mode="after")
    def _one_source(self) -> "Region":
        given = [k for k in ("campuses", "campuses_csv", "synthetic") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("exactly one of campuses, campuses_csv, synthetic / 三者选一; found "
                             + (", ".join(given) if given else "none"))
        return self


# --------------------------------------------------------------------------------------------
# demography


NBS_BIRTHS_MILLIONS: dict[int, float] = {
    2010: 15.92, 2011: 16.04, 2012: 16.35, 2013: 16.40, 2014: 16.87, 2015: 16.55, 2016: 17.86,
    2017: 17.23, 2018: 15.23, 2019: 14.65, 2020: 12.02, 2021: 10.62, 2022: 9.56, 2023: 9.02,
    2024: 9.54,
}
"""National births, millions (National Bureau of Statistics yearly communiqués; PARAMETERS.md)."""


class Cell(Model):
    """A residential cell (居住网格): where children live."""

    id: Ident
    x_km: Km | None = None
    y_km: Km | None = None
    lon: Annotated[float, Field(ge=-180, le=180)] | None = None
    lat: Annotated[float, Field(ge=-90, le=90)] | None = None
    locale: Locale
    children: list[Annotated[int, Field(ge=0, le=MAX_CELL_CHILDREN)]] = Field(
        description="各年龄儿童 / children by single year of age 0–14 (15 numbers).", min_length=15, max_length=15)
    ses: SD = Field(0.0, description="家庭经济社会地位 / mean socio-economic status of families, SD units (within ±3); default 0.")
    zone_primary: Ident | None = Field(
        None, description="小学划片 / campus the cell is zoned to for grades 1–6 (划片); default: the nearest campus teaching them that is not more rural than the cell (any nearest one for a village).")
    zone_junior: Ident | None = Field(
        None, description="初中划片 / campus the cell is zoned to for grades 7–9 (对口初中); default as for zone_primary.")

    @model_validator(mode="after")
    def _position(self) -> "Cell":
        if not ((self.x_km is not None and self.y_km is not None) or (self.lon is not None and self.lat is not None)):
            raise ValueError("a position: both x_km and y_km, or both lon and lat / 需要坐标")
        return self


class Demography(Model):
    """Where children live and how cohorts change."""

    cells: list[Cell] | None = Field(
        None, min_length=1, max_length=MAX_CELLS, description="居住网格 / explicit residential cells; if absent, cells are placed by rule: one per settlement of a synthetic region, or one per campus of an explicit one.")
    births: dict[Annotated[int, Field(ge=1900, le=2200)], Annotated[float, Field(gt=0, le=MAX_YUAN)]] = Field(
        default_factory=lambda: dict(NBS_BIRTHS_MILLIONS), min_length=1, max_length=300,
        description="出生人数指数 / births by calendar year (any unit: only ratios matter) shaping cohort sizes; default national births 2010–2024, millions (国家统计局).")
    births_trend: Annotated[float, Field(ge=-0.5, le=0.5)] = ranged(
        0.0, (-0.05, 0.02), "出生趋势 / relative change of births per year after the last given year; default 0 (no published projection; births fell 5–10 % a year 2017–2023 and rose in 2024: sweep it).")
    urbanisation_drift_pp: Annotated[float, Field(ge=-5, le=5)] = ranged(
        0.9, (0.5, 1.5), "城镇化速度 / rise of the urban population share, percentage points per year; default 0.9 (国家统计局: 65.2 % 2022 → 67.0 % 2024; faster, about 1.4 a year, in the 2010s).")
    ses_mean: SDByLocale = ranged(
        SDByLocale(urban=0.3, town=0.0, rural=-0.4), {"urban": (0.1, 0.5), "town": (-0.2, 0.2), "rural": (-0.7, -0.2)},
        "家庭背景均值 / mean family SES by locale, SD of family SES; default +0.3 / 0 / −0.4 (no estimate: urban–rural gaps in parents' schooling and income of about 0.5–1 SD are common in Chinese surveys such as CEPS and CFPS).")


# --------------------------------------------------------------------------------------------
# teachers


class AgeMix(Model):
    """Teacher age bands: young under 35, middle 35–49, old 50 and over."""

    young: Share = 0.12
    middle: Share = 0.638
    old: Share = 0.242

    @model_validator(mode="after")
    def _sums(self) -> "AgeMix":
        if abs(self.young + self.middle + self.old - 1.0) > 0.01:
            raise ValueError(f"young + middle + old = 1 / 三者之和为 1; found {self.young + self.middle + self.old:.3f}")
        return self


class TitleMix(Model):
    """Professional titles (职称): senior 高级, first 一级, second or below 二级及以下."""

    senior: Share = 0.12
    first: Share = 0.45
    second: Share = 0.43

    @model_validator(mode="after")
    def _sums(self) -> "TitleMix":
        if abs(self.senior + self.first + self.second - 1.0) > 0.01:
            raise ValueError(f"senior + first + second = 1 / 三者之和为 1; found {self.senior + self.first + self.second:.3f}")
        return self


class Teachers(Model):
    """Teacher workforce composition; campuses may override their count."""

    pupils_per_teacher: PupilsPerTeacher = Field(
        PupilsPerTeacher(),
        description="生师比 / pupils per full-time teacher by stage; default 19 / 13.5 (中央编办发〔2014〕72号 staffing norm).")
    min_per_class: Annotated[float, Field(ge=0, le=10.0)] = Field(
        1.2, description="每班最低教师数 / minimum teachers per class (small rural schools are staffed by classes, not pupils); default 1.2 (no estimate).")
    pe_arts_share: Share = Field(0.10, description="体艺教师占比 / share of PE, music and art teachers; default 0.10 (no estimate; the 0.9 per 100 pupils standard needs ≈ 0.15 at 16 pupils per teacher).")
    backbone_share: ShareByLocale = Field(
        ShareByLocale(urban=0.2, town=0.12, rural=0.06),
        description="骨干教师占比 / share of county-level-or-higher backbone teachers by locale, at the start and as the quota each designation fills; default 0.20 / 0.12 / 0.06 (no estimate).")
    above_qualification_share: ShareByLocale = Field(
        ShareByLocale(urban=0.85, town=0.7, rural=0.55),
        description="高于规定学历占比 / share above the required qualification by locale; default 0.85 / 0.70 / 0.55 (no estimate).")
    title_mix: TitleMix = Field(TitleMix(), description="职称结构 / title mix at the start, and the ceilings (岗位结构比例) of senior and first titles that yearly promotions fill in each locale; default 12 / 45 / 43 % (no estimate).")
    age_mix: AgeMix = Field(AgeMix(), description="年龄结构 / age mix young/middle/old; default 12 / 63.8 / 24.2 % (Hongta, Yunnan seed).")
    female_share: Share = Field(0.7, description="女教师占比 / share of women; default 0.70 (no estimate in the sources).")
    managers_per_campus: Annotated[int, Field(ge=0, le=100)] = Field(3, description="管理人员 / managers (principal, vice principals, directors) per campus; default 3 (no estimate).")
    skill_sd: Annotated[float, Field(ge=0, le=1.0)] = ranged(
        0.21, (0.18, 0.25),
        "教师效能离散 / SD of a teacher's lasting talent (value added when teaching a class alone), pupil SD per year; default 0.21, calibrated so that the value added pupils get from their class's 1–3 main-subject teachers has SD ≈ 0.13 with about 90 % of its variance within campuses (Hanushek & Rivkin 2010: 0.11 reading – 0.15 maths, most of it within schools); the range maps to 0.11–0.15.")



class Travel(Model):
    """How distance turns into travel time, and how far the network looks."""

    speed_kmh: SpeedByLocale = ranged(
        SpeedByLocale(urban=15.0, town=25.0, rural=30.0), {"urban": (8.0, 25.0), "town": (15.0, 35.0), "rural": (15.0, 45.0)},
        "出行速度 / door-to-door speed of the school trip by locale of the campus, km/h; default 15 / 25 / 30 (no estimate; sweep it).")
    circuity: Annotated[float, Field(ge=1.0, le=3.0)] = ranged(
        1.3, (1.15, 1.6), "绕行系数 / road distance ÷ straight-line distance; default 1.3 (typical road circuity, Ballou, Rahardja & Sakai 2002, Transp. Res. A 36; higher in hills).")
    neighbours: Annotated[int, Field(ge=1, le=50)] = Field(
        6, description="邻近校数 / proximity links per campus to its nearest campuses of an overlapping stage; default 6.")
    choice_set: Annotated[int, Field(ge=1, le=50)] = Field(
        8, description="择校范围 / campuses per stage a residential cell can choose among (nearest first); default 8.")


# --------------------------------------------------------------------------------------------
# groups and policies


class GroupBase(Model):
    """An education group (教育集团), school district (学区) or consortium (教联体): what every mode
    shares.  The ``mode`` and its typed ``params`` are added per mode by :func:`group_model`."""

    id: Ident
    name: Text | None = None
    hub: Ident | None = Field(None, description="核心校 / hub campus (core school or district head school); required unless mode is baseline.")
    members: list[Ident] = Field(default_factory=list, max_length=MAX_LIST, description="成员校 / member campuses (not including the hub).")
    start_year: RunYear = Field(1, description="成立年份 / simulated year in which the group forms (1 = first year); a form_group policy overrides it.")

    @model_validator(mode="after")
    def _hub(self) -> "GroupBase":
        if self.mode != "baseline" and self.hub is None:
            raise ValueError(f"a hub campus for mode {self.mode} / 需指定核心校")
        return self


def group_model(mode: str, params: type[Model], label: str | None = None) -> type[GroupBase]:
    """The group model of ``mode``: :class:`GroupBase` with ``mode`` fixed to that name and
    ``params`` validated by ``params`` (all defaults when absent)."""
    label = label or mode
    return create_model(
        f"Group_{mode}", __base__=GroupBase, __module__=__name__,
        __doc__=f"A group of mode {mode} ({label}).",
        mode=(Literal[mode], Field(description=f"办学模式 / grouping mode: {label}.")),
        params=(params, Field(default_factory=params, description=f"模式参数 / parameters of mode {mode}.")))


GROUP_MODELS: dict[str, type[GroupBase]] = {m: group_model(m, p, MODE_LABELS.get(m)) for m, p in MODE_PARAMS.items()}
for _model in GROUP_MODELS.values():
    globals()[_model.__name__] = _model  # importable by name, so groups pickle for worker processes

Group = Annotated[Union[tuple(GROUP_MODELS.values())], Field(discriminator="mode")]
"""A group: the model of its ``mode`` (a discriminated union, as policies are on ``action``)."""

_GROUP = TypeAdapter(Group)


def make_group(**data: Any) -> GroupBase:
    """A group validated from keyword fields (the model its ``mode`` names)."""
    return _GROUP.validate_python(data)


ROLLOUT_DEFAULT_MODE = "mingxiao_ruoxiao"
"""The mode of a roll-out that names none (roll-outs were of 名校+弱校 groups before they had a mode)."""

ROLLOUT_MODES: tuple[str, ...] = tuple(m for m in MODE_PARAMS if m != "baseline")
"""Modes a roll-out may form: every mode with a hub (a baseline set has no hub to pair around)."""


class RolloutBase(CoveragePlan):
    """推进计划 / a scenario's roll-out of groups by a coverage plan.  The plan is drawn up at the
    start from the campuses' reputation and positions (the bureau's list of groups, year by year):
    each pairing becomes a group of mode ``mode`` with ``params``, forming in its year
    (:func:`sim.scenario.rollout.rollout_groups`).  Campuses in the scenario's own groups, and
    campuses opened later by a policy, are left out.  ``mode`` and its typed ``params`` are added per
    mode by :func:`rollout_model`."""


def rollout_model(mode: str, params: type[Model], label: str | None = None) -> type[RolloutBase]:
    """The roll-out model of ``mode``: :class:`RolloutBase` with ``mode`` fixed to that name (optional
    for :data:`ROLLOUT_DEFAULT_MODE`, required for the others, so the JSON Schema's ``oneOf`` picks
    exactly one) and ``params`` validated by ``params`` (all defaults when absent)."""
    label = label or mode
    default = mode if mode == ROLLOUT_DEFAULT_MODE else ...
    return create_model(
        f"Rollout_{mode}", __base__=RolloutBase, __module__=__name__,
        __doc__=f"A roll-out of groups of mode {mode} ({label}).",
        mode=(Literal[mode], Field(default, description=f"办学模式 / mode of the groups the plan forms: {label}"
                                                       + ("; the default when mode is left out." if mode == ROLLOUT_DEFAULT_MODE else "."))),
        params=(params, Field(default_factory=params, description=f"集团参数 / the parameters of every group the plan forms (as groups[i].params of mode {mode}); default the mode's defaults.")))


ROLLOUT_MODELS: dict[str, type[RolloutBase]] = {m: rollout_model(m, MODE_PARAMS[m], MODE_LABELS.get(m))
                                                 for m in ROLLOUT_MODES}
for _model in ROLLOUT_MODELS.values():
    globals()[_model.__name__] = _model  # importable by name, so scenarios pickle for worker processes


ROLLOUT_MODE_ERROR = "rollout_mode"
"""pydantic error type of a roll-out whose ``mode`` is not one of :data:`ROLLOUT_MODES` (located at
``rollout.mode`` by :mod:`sim.scenario.validation_errors`)."""


def _rollout_mode(value: Any) -> str | None:
    """The tag of a roll-out: its ``mode``, :data:`ROLLOUT_DEFAULT_MODE` when left out (None, an
    unknown tag, for a mode that is not text)."""
    mode = value.get("mode", ROLLOUT_DEFAULT_MODE) if isinstance(value, dict) else getattr(value, "mode", None)
    return mode if isinstance(mode, str) else None


Rollout = Annotated[Union[tuple(Annotated[m, Tag(k)] for k, m in ROLLOUT_MODELS.items())],
                    Discriminator(_rollout_mode, custom_error_type=ROLLOUT_MODE_ERROR,
                                  custom_error_message="mode is one of " + ", ".join(ROLLOUT_MODES)
                                  + " (a roll-out forms groups around hubs)")]
"""A roll-out: the model of its ``mode`` (a discriminated union, the default mode when left out)."""


class OpenCampus(Model):
    """A new campus opens (新建/分校区) at the start of the given school year."""

    action: Literal["open_campus"]
    year: RunYear
    campus: Campus


class CloseCampus(Model):
    """A campus closes (撤并) at the start of the given year; its pupils are re-allocated."""

    action: Literal["close_campus"]
    year: RunYear
    campus: Ident


class AddClassrooms(Model):
    """Classrooms are added to (or, if negative, removed from) a campus."""

    action: Literal["add_classrooms"]
    year: RunYear
    campus: Ident
    classrooms: Annotated[int, Field(ge=-MAX_CLASSROOMS, le=MAX_CLASSROOMS)] = Field(description="增加教室 / classrooms added (negative removes).")


class AllowanceTier(Model):
    """One distance tier of an allowance: posts at least ``from_km`` from the county town."""

    from_km: Annotated[float, Field(ge=0, le=MAX_KM)] = Field(description="起始距离 / tier starts at this straight-line distance from the county town, km.")
    yuan_per_month: Annotated[int, Field(ge=0, le=100_000)] = Field(description="每月补助 / yuan per teacher per month in this tier (at most 100,000).")


class SetAllowance(Model):
    """Allowance for posts (乡村教师生活补助), yuan per teacher per month: a flat amount by locale of
    post, plus, for posts in ``tier_locales``, the amount of the farthest distance tier the campus
    reaches (越往基层、越是艰苦，待遇越高: 国办发〔2015〕43号 asks for allowances differentiated by
    hardship; Huanggang pays 3 levels / 9 grades by distance).  Distance is straight-line km from
    the county town: the nearest urban campus (or town campus when the region has no urban one).
    Replaces the allowance in force before."""

    action: Literal["set_allowance"]
    year: RunYear
    yuan_per_month: YuanByLocale = Field(YuanByLocale(), description="每月补助 / flat yuan per teacher per month by locale of post; default 0.")
    tiers: list[AllowanceTier] = Field(default_factory=list, max_length=100, description="距离分档 / distance tiers, ascending from_km (added to the flat amount).")
    tier_locales: list[Locale] = Field(["rural"], description="分档适用 / locales of post the tiers apply to; default rural.")

    @model_validator(mode="after")
    def _ascending(self) -> "SetAllowance":
        starts = [t.from_km for t in self.tiers]
        if any(b <= a for a, b in zip(starts, starts[1:])):
            raise ValueError(f"tiers in strictly ascending from_km / 分档须按距离递增; found {starts}")
        return self


class FormGroup(Model):
    """A group declared under ``groups`` forms in the given year (overrides its start_year)."""

    action: Literal["form_group"]
    year: RunYear
    group: Ident


Policy = Annotated[Union[OpenCampus, CloseCampus, AddClassrooms, SetAllowance, FormGroup], Field(discriminator="action")]


# --------------------------------------------------------------------------------------------
# costs


class Costs(Model):
    """Unit costs that turn a plan's inputs into yuan (the cost metrics and cost-effectiveness)."""

    teacher_yuan_per_year: Annotated[float, Field(ge=0, le=1e8)] = Field(
        120_000.0, description="教师岗位年成本 / yearly cost of one teacher post, yuan; default 120,000 (国家统计局: mean "
                               "yearly wage in education, urban non-private units, 2022 ≈ 120 thousand; on-costs not included).")
    construction_yuan_per_m2: Annotated[float, Field(ge=0, le=1e6)] = ranged(
        3_000.0, (2_000.0, 5_000.0), "建设单价 / construction cost of teaching and auxiliary floor area, yuan per m²; default 3,000 "
                                     "(no published estimate for a county; a lever to sweep).")


# --------------------------------------------------------------------------------------------
# the scenario


class Scenario(Model):
    """A whole scenario as written (after ``extends`` and ``--set`` are applied)."""

    name: SafeName | None = Field(None, description="情景名 / scenario name, used in output folder and file names: letters, digits or Chinese, with _ - . inside, at most 64; defaults to the file name (made safe).")
    title: Text | None = Field(None, description="标题 / one-line description shown in summaries (at most 300 characters).")
    extends: Annotated[str, Field(max_length=1000)] | None = Field(None, description="继承 / another scenario YAML (relative path) whose settings this one deep-merges over.")
    simulation: Simulation = Simulation()
    region: Region
    demography: Demography = Demography()
    teachers: Teachers = Teachers()
    travel: Travel = Travel()
    dynamics: Dynamics = Dynamics()
    groups: list[Group] = Field(default_factory=list, max_length=MAX_LIST)
    rollout: Rollout | None = Field(None, description="推进计划 / groups of one mode (default mingxiao_ruoxiao 名校+弱校) formed year by year by a coverage plan (beside the groups listed); default none.")
    policies: list[Policy] = Field(default_factory=list, max_length=MAX_LIST)
    costs: Costs = Costs()

"""The headline measures a planner reads first (the run page's cards, the comparison's forest plot,
notes and spreadsheet): 差异系数 per stage against its line, the urban–rural gap, 56+ and 66+
classes, rural seat use, backflow, rural teacher attrition and cost, in the last year.

Values are read from a summary table (``metrics_summary`` or ``comparison``: scenario, year, level,
entity, metric, mean, ci_low, ci_high, …) as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..metrics.balance import CV_THRESHOLD
from ..metrics.frame import REGION
from .text import entity_label, format_interval, format_value, metric_label, metric_unit, split_label


@dataclass(frozen=True)
class Headline:
    """One headline measure: a metric at one level and entity, and the yardstick ``line`` its mean
    is held against (at most), if any."""

    level: str
    entity: str
    metric: str
    line: float | None = None

    @property
    def label(self) -> str:
        """'中文 — entity / English — entity' from the catalogue label and the entity's name."""
        zh, en = split_label(metric_label(self.metric))
        if self.level == "region":
            return f"{zh} / {en}"
        ezh, een = (entity_label(self.level, self.entity).split(" ", 1) + [""])[:2]
        return f"{zh}（{ezh}） / {en} ({een or ezh})"

    @property
    def unit(self) -> str:
        return metric_unit(self.metric)


HEADLINES: tuple[Headline, ...] = (
    Headline("stage", "primary", "cv_mean", CV_THRESHOLD["primary"]),
    Headline("stage", "junior", "cv_mean", CV_THRESHOLD["junior"]),
    Headline("stage", "primary", "cv_pass_all"),
    Headline("stage", "junior", "cv_pass_all"),
    Headline("region", REGION, "achievement_gap_rural"),
    Headline("region", REGION, "share_classes_56plus"),
    Headline("region", REGION, "classes_66plus"),
    Headline("locale", "rural", "utilisation"),
    Headline("region", REGION, "backflow_cumulative"),
    Headline("locale", "rural", "attrition_rate"),
    Headline("region", REGION, "cumulative_cost_yuan"),
)


def headline_subset(summary: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``summary`` whose metric is a headline measure (faster look-ups)."""
    return summary[summary["metric"].isin({h.metric for h in HEADLINES})]


def headline_row(summary: pd.DataFrame, scenario: str, year: int, h: Headline) -> pd.Series | None:
    """The summary row of ``h`` for ``scenario`` in ``year`` (None if the metric has no row there)."""
    rows = summary[(summary["scenario"] == scenario) & (summary["year"] == year) & (summary["level"] == h.level)
                   & (summary["entity"] == h.entity) & (summary["metric"] == h.metric)]
    return None if rows.empty else rows.iloc[0]


@dataclass(frozen=True)
class Card:
    """A headline card: label halves, the value and interval as text, and where it stands against
    its line ('met', 'missed' or '' when it has none)."""

    title_zh: str
    title_en: str
    value: str
    interval: str
    status: str
    status_text: str


def cards(summary: pd.DataFrame, scenario: str, year: int) -> list[Card]:
    """The cards of a run's last year: every headline measure with its 95 % interval."""
    out = []
    summary = headline_subset(summary)
    for h in HEADLINES:
        row = headline_row(summary, scenario, year, h)
        zh, en = h.label.split(" / ", 1)
        if row is None:
            out.append(Card(zh, en, "–", "", "", "本次运行无此指标 / not in this run"))
            continue
        status, text = "", ""
        if h.line is not None:
            met = row["mean"] <= h.line
            status = "met" if met else "missed"
            text = (f"≤ {h.line:.2f} 达标 / within the line" if met else f"> {h.line:.2f} 未达标 / above the line")
        out.append(Card(zh, en, format_value(row["mean"], h.unit), format_interval(row["ci_low"], row["ci_high"], h.unit),
                        status, text))
    return out

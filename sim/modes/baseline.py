"""The baseline mode (不分组): a group that is only a comparison set of campuses.  Every hook keeps
its no-op default, so a scenario whose groups are all baseline runs exactly as one without groups."""

from __future__ import annotations

from .base import GroupingMode, register


@register
class Baseline(GroupingMode):
    """No mechanisms: hubs and members are labelled (metrics by role), nothing else changes."""

    name = "baseline"

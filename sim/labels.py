"""Bilingual labels (中文 first, English beside) for categories shown to planners."""

from __future__ import annotations

STAGE_LABEL = {"primary": "小学 primary", "junior": "初中 junior", "nine_year": "九年一贯制 nine-year"}
LOCALE_LABEL = {"urban": "城区 urban", "town": "镇区 town", "rural": "乡村 rural"}
MODE_LABEL = {"baseline": "不分组 baseline", "mingxiao_ruoxiao": "名校+弱校 mingxiao_ruoxiao",
              "xuequ": "学区制 xuequ", "jiaolianti": "教联体 jiaolianti"}
ROLE_LABEL = {"hub": "核心校 hub", "member": "成员校 member", "independent": "独立 independent"}

NETWORK_STAT_LABEL = {
    "campuses": "校区 campuses",
    "cells": "居住网格 residential cells",
    "groups": "集团 groups",
    "edges_group": "集团连接 group links",
    "edges_district": "学区连接 district links",
    "edges_proximity": "邻近连接 proximity links",
    "edges_catchment": "学区划片连接 catchment links",
    "campuses_in_groups": "集团内校区 campuses in groups",
    "group_coverage_pct": "集团覆盖率 % group coverage %",
    "districts": "学区数 districts",
    "hub_member_km_mean": "核心校-成员校平均距离 km / mean hub–member km",
    "hub_member_km_max": "核心校-成员校最大距离 km / max hub–member km",
    "components": "集团与学区连通分量 / group+district components",
    "mean_nearest_campus_km": "网格到最近校区平均距离 km / mean cell–nearest campus km",
}
NETWORK_STAT_LABEL.update({f"groups_{m}": f"集团 groups: {label}" for m, label in MODE_LABEL.items()})

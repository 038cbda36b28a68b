"""The scenario language: models, loading with located errors, and resolution into explicit facts."""

from .loader import load_scenario
from .models import Scenario
from .resolved import ResolvedScenario

__all__ = ["load_scenario", "Scenario", "ResolvedScenario"]

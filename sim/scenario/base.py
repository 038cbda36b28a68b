"""Base types of the scenario language: the frozen, strict model base and per-locale values."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

Share = Annotated[float, Field(ge=0.0, le=1.0)]
PositiveFloat = Annotated[float, Field(gt=0.0)]
Ident = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-.\u4e00-\u9fff]+$")]


class Model(BaseModel):
    """Base of every scenario model: frozen, unknown keys rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class ByLocale(Model):
    """A value that may differ by locale; a single number in the YAML means the same everywhere."""

    urban: float
    town: float
    rural: float

    @model_validator(mode="before")
    @classmethod
    def _scalar(cls, value: Any) -> Any:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return {"urban": value, "town": value, "rural": value}
        return value

    def of(self, locale: str) -> float:
        return float(getattr(self, locale))

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema, handler):  # noqa: ANN001 (pydantic hook)
        """Advertise the scalar shorthand in the JSON Schema too."""
        schema = handler(core_schema)
        return {"anyOf": [{"type": "number"}, schema]}


class ShareByLocale(ByLocale):
    """A share in [0, 1] that may differ by locale."""

    urban: Share
    town: Share
    rural: Share



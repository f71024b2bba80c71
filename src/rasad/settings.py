"""Layered, validated configuration: packaged defaults < user file < environment < flags.

The user file is TOML (``--config FILE`` or ``RASAD_CONFIG``); environment variables are
``RASAD_<FIELD>`` in upper case (lists separated by ``:``). Settings are validated once and
then passed explicitly to whatever needs them: there is no global configuration object.
"""

from __future__ import annotations

import codecs
import datetime as dt
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from rasad.errors import ConfigError


class Settings(BaseModel):
    """Everything a run can be configured with."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    published: dt.date | None = Field(
        default=None, description="publication date for inputs that have none"
    )
    max_article_chars: int = Field(
        default=2_000_000, gt=0, description="longer articles are skipped with a message"
    )
    max_file_bytes: int = Field(
        default=200_000_000, gt=0, description="larger input files are skipped with a message"
    )
    min_arabic_ratio: float = Field(
        default=0.3,
        ge=0.0,
        le=1.0,
        description="share of letters that must be Arabic script for an article to be analysed",
    )
    languages: list[str] = Field(
        default_factory=lambda: ["ar"],
        min_length=1,
        description="languages analysed (ISO 639 codes); articles identified as another "
        "language (e.g. fa, ckb, ur) are skipped with a message",
    )
    fallback_encodings: list[str] = Field(
        default_factory=lambda: ["cp1256"],
        description="encodings tried, in order, for a file or line that is not UTF-8; the "
        "text is kept only if it then reads as Arabic script (empty: no fallback)",
    )
    max_seconds_per_article: float = Field(
        default=10.0,
        ge=0.0,
        description="an article whose analysis takes longer is given up with a message "
        "(0: no limit)",
    )
    earliest_published: dt.date = Field(
        default=dt.date(1900, 1, 1),
        description="publication dates before this are ignored with a warning",
    )
    latest_published: dt.date = Field(
        default=dt.date(2199, 12, 31),
        description="publication dates after this are ignored with a warning",
    )
    min_confidence: float = Field(
        default=0.1,
        ge=0.0,
        le=1.0,
        description="mentions below this calibrated confidence are dropped (0 keeps all)",
    )
    extra_actors: list[Path] = Field(default_factory=list, description="extra actor YAML files")
    extra_places: list[Path] = Field(
        default_factory=list, description="extra gazetteer CSV/JSONL files"
    )
    extra_triggers: list[Path] = Field(
        default_factory=list, description="extra event-trigger YAML files"
    )
    db: str = Field(default="sqlite:///rasad.sqlite", description="database URL")
    calibrated: bool = Field(
        default=True, description="map raw scores to calibrated confidence (calibration.json)"
    )

    @model_validator(mode="after")
    def _check(self) -> Settings:
        if self.earliest_published > self.latest_published:
            raise ValueError("earliest_published is after latest_published")
        if self.published is not None and not (
            self.earliest_published <= self.published <= self.latest_published
        ):
            raise ValueError(
                f"published {self.published} is outside earliest_published.."
                "latest_published "
                f"({self.earliest_published}..{self.latest_published})"
            )
        for name in self.fallback_encodings:
            try:
                codecs.lookup(name)
            except LookupError as exc:
                raise ValueError(f"fallback_encodings: unknown encoding {name!r}") from exc
        return self


ENV_PREFIX = "RASAD_"


def _from_env(environ: Mapping[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, field in Settings.model_fields.items():
        key = ENV_PREFIX + name.upper()
        if key in environ:
            raw = environ[key]
            annotation = str(field.annotation)
            values[name] = [p for p in raw.split(":") if p] if "list" in annotation else raw
    return values


def _from_file(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ConfigError(f"settings file {path} does not exist") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"settings file {path} is not valid TOML: {exc}") from exc
    section = data.get("rasad", data)
    if not isinstance(section, dict):
        raise ConfigError(f"settings file {path}: [rasad] must be a table")
    return dict(section)


def load_settings(
    config_file: Path | None = None,
    environ: Mapping[str, str] | None = None,
    **flags: Any,
) -> Settings:
    """Build :class:`Settings` from the layers; flags that are ``None`` are not set."""
    env = os.environ if environ is None else environ
    merged: dict[str, Any] = {}
    path = config_file or (Path(env["RASAD_CONFIG"]) if env.get("RASAD_CONFIG") else None)
    if path is not None:
        merged.update(_from_file(path))
    merged.update(_from_env(env))
    merged.update({k: v for k, v in flags.items() if v is not None})
    try:
        return Settings.model_validate(merged)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise ConfigError(f"invalid settings: {problems}") from exc

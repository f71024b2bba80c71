"""Settings layers: defaults < user file < environment < flags, validated once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from rasad.errors import ConfigError
from rasad.settings import Settings, load_settings


def test_defaults() -> None:
    s = load_settings(environ={})
    assert s == Settings()
    assert s.published is None


def test_layers_in_order(tmp_path: Path) -> None:
    cfg = tmp_path / "rasad.toml"
    cfg.write_text('[rasad]\nmin_confidence = 0.3\nmax_article_chars = 1000\npublished = "2020-01-01"\n')
    env = {"RASAD_MIN_CONFIDENCE": "0.5", "RASAD_EXTRA_ACTORS": "/a.yaml:/b.yaml"}
    s = load_settings(cfg, environ=env, published="2026-01-16")
    assert s.max_article_chars == 1000  # file
    assert s.min_confidence == 0.5  # env beats file
    assert s.published == dt.date(2026, 1, 16)  # flag beats file
    assert s.extra_actors == [Path("/a.yaml"), Path("/b.yaml")]


def test_config_from_environment_variable(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text("min_arabic_ratio = 0.5\n")
    assert load_settings(environ={"RASAD_CONFIG": str(cfg)}).min_arabic_ratio == 0.5


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"RASAD_MIN_CONFIDENCE": "2"}, "min_confidence"),
        ({"RASAD_PUBLISHED": "yesterday"}, "published"),
        ({"RASAD_MAX_ARTICLE_CHARS": "-5"}, "max_article_chars"),
    ],
)
def test_invalid_values_say_which_setting(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(environ=env)


def test_unknown_key_in_file_is_an_error(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text("min_confidense = 0.5\n")
    with pytest.raises(ConfigError, match="min_confidense"):
        load_settings(cfg, environ={})


def test_bad_toml(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text("min_confidence = \n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(cfg, environ={})

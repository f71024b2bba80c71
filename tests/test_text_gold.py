"""Every count and date of the seeds' gold is recognised by the text layer as a span."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from conftest import SEEDS, SEEDS_GOLD, SEEDS_META, need_shared, read_jsonl
from rasad.model import Article
from rasad.pipeline import Pipeline, Resources


def gold_rows() -> list[dict[str, Any]]:
    if not SEEDS_GOLD.exists():
        return []
    return list(read_jsonl(SEEDS_GOLD))


@pytest.fixture(scope="module")
def articles(resources: Resources) -> dict[str, Article]:
    need_shared(SEEDS_META)
    out: dict[str, Article] = {}
    pipeline = Pipeline(resources)
    for meta in read_jsonl(SEEDS_META):
        art = Article(
            id=str(meta["id"]),
            text=(SEEDS / f"{meta['id']}.txt").read_text(encoding="utf-8"),
            published=dt.date.fromisoformat(str(meta["published"])),
        )
        out[art.id] = pipeline.process(art)
    return out


COUNTS = [
    (g["gid"], key, value)
    for g in gold_rows()
    for key, value in (g.get("counts") or {}).items()
    if value is not None and value != 1 and not (isinstance(value, dict) and value.get("low") == 1)
]
DATES = [(g["gid"], g["date"], g.get("date_tolerance_days") or 0) for g in gold_rows() if g.get("date")]


@pytest.mark.parametrize(("gid", "key", "value"), COUNTS or [pytest.param("", "", 0, marks=pytest.mark.skip("no gold"))])
def test_gold_count_is_a_number_span(articles: dict[str, Article], gid: str, key: str, value: Any) -> None:
    g = next(r for r in gold_rows() if r["gid"] == gid)
    art = articles[g["article_id"]]
    if isinstance(value, int):
        ok = any(n.value == value for n in art.numbers if n.role == "count")
    else:
        ok = any(
            (value.get("value") is not None and n.value == value["value"])
            or (value.get("low") is not None and n.low == value["low"])
            for n in art.numbers
            if n.role == "count"
        )
    assert ok, f"{gid}: no number span for {key}={value}"


@pytest.mark.parametrize(("gid", "date", "tolerance"), DATES or [pytest.param("", "", 0, marks=pytest.mark.skip("no gold"))])
def test_gold_date_is_a_time_span_or_the_dateline(
    articles: dict[str, Article], gid: str, date: str, tolerance: int
) -> None:
    g = next(r for r in gold_rows() if r["gid"] == gid)
    art = articles[g["article_id"]]
    want = dt.date.fromisoformat(date)
    spans = [t.date for t in art.times if t.date is not None]
    near = [d for d in spans if abs((d - want).days) <= tolerance]
    # a report with no time word at all is dated by its publication (seed 000)
    assert near or (not spans and art.published == want), f"{gid}: {want} not among {spans}"

"""The gold scorer, on small hand-made gold and predictions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from rasad.errors import GoldFileError
from rasad.evaluate import Scorer, evaluate_files, haversine_km
from rasad.text.normalize import Normalizer

ARMY = ["Syrian army", "الجيش السوري", "الجيش العربي السوري"]
SDF = ["SDF", "قسد", "قوات سوريا الديمقراطية"]


def gold(gid: str, kind: str, lat: float = 36.157, lon: float = 37.708, **kw: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "gid": gid, "article_id": "a", "required": True, "kind": kind, "alt_kinds": [],
        "date": "2026-01-16", "date_tolerance_days": 0,
        "place": {"name": "Dayr Hafir", "name_ar": "دير حافر", "admin1": "Aleppo",
                  "lat": lat, "lon": lon, "tolerance_km": 10},
        "actor1": SDF, "actor2": ARMY, "counts": {"defected": 6},
    }
    row.update(kw)
    return row


def pred(pid: str, kind: str, lat: float = 36.16, lon: float = 37.71, **kw: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": pid, "article_id": "a", "kind": kind, "date": "2026-01-16",
        "location": {"name": "Dayr Hafir", "name_ar": "دير حافر", "admin1": "Aleppo", "lat": lat, "lon": lon},
        "actor1": {"id": "sdf", "name": "Syrian Democratic Forces", "name_ar": "قوات سوريا الديمقراطية"},
        "actor2": {"id": "syria-army-2024", "name": "Military Forces of Syria (2024-)", "name_ar": "الجيش العربي السوري"},
        "counts": {"defected": {"value": 6, "low": 6, "high": 6, "qualifier": "exact"}},
        "historical": False,
    }
    row.update(kw)
    return row


@pytest.fixture(scope="module")
def scorer() -> Scorer:
    return Scorer(Normalizer.from_file())


def test_perfect(scorer: Scorer) -> None:
    r = scorer.score([gold("g1", "defection")], [pred("p1", "defection")])
    assert (r.precision, r.recall, r.f1) == (1.0, 1.0, 1.0)
    for f in ("kind", "date", "place", "actor1", "actor2", "counts"):
        assert r.accuracy(f) == 1.0


def test_wrong_kind_or_far_place_does_not_match(scorer: Scorer) -> None:
    far = pred("p2", "defection", lat=35.0)
    far["location"]["name_ar"] = "مسكنة"
    r = scorer.score([gold("g1", "defection")], [pred("p1", "arrest"), far])
    assert r.matched == 0 and r.predicted == 2
    assert r.recall == 0.0 and r.precision == 0.0


def test_alt_kind_matches_but_kind_accuracy_counts_it_wrong(scorer: Scorer) -> None:
    g = gold("g1", "weapons_disrupted", alt_kinds=["air_strike"], counts={})
    r = scorer.score([g], [pred("p1", "air_strike", counts={})])
    assert r.recall == 1.0
    assert r.accuracy("kind") == 0.0


def test_optional_gold_neither_rewards_nor_penalises(scorer: Scorer) -> None:
    golds = [gold("g1", "defection"), gold("g2", "displacement", required=False, counts={})]
    preds = [pred("p1", "defection"), pred("p2", "displacement", counts={})]
    r = scorer.score(golds, preds)
    assert (r.precision, r.recall) == (1.0, 1.0)
    assert r.gold_required == 1


def test_prediction_on_article_without_gold_is_false_positive(scorer: Scorer) -> None:
    p = pred("p9", "armed_clash")
    p["article_id"] = "negative"
    r = scorer.score([gold("g1", "defection")], [pred("p1", "defection"), p])
    assert r.precision == 0.5 and r.recall == 1.0


def test_historical_predictions_are_not_scored(scorer: Scorer) -> None:
    r = scorer.score([gold("g1", "defection")], [pred("p1", "defection"), pred("p2", "abduction", historical=True)])
    assert r.precision == 1.0


def test_null_gold_place_matches_any_place(scorer: Scorer) -> None:
    r = scorer.score([gold("g1", "withdrawal", place=None, counts={})], [pred("p1", "withdrawal", location=None, counts={})])
    assert r.recall == 1.0


def test_arabic_name_match_rescues_a_distant_coordinate(scorer: Scorer) -> None:
    # same Arabic name (with the article and a hamza variant), same governorate, 30 km off
    p = pred("p1", "defection", lat=36.4, lon=37.9)
    p["location"]["name_ar"] = "ديرِ حافر"
    r = scorer.score([gold("g1", "defection")], [p])
    assert r.recall == 1.0
    assert r.accuracy("place") == 0.0  # field accuracy still uses 10 km


def test_one_to_one_best_pairs_first(scorer: Scorer) -> None:
    golds = [gold("g1", "armed_clash", counts={}), gold("g2", "armed_clash", lat=36.5, lon=37.9, counts={})]
    preds = [pred("p1", "armed_clash", lat=36.49, lon=37.9, counts={}), pred("p2", "armed_clash", counts={})]
    r = scorer.score(golds, preds)
    assert r.matched == 2


@pytest.mark.parametrize(
    ("expected", "got", "ok"),
    [
        (6, {"value": 6, "low": 6, "high": 6, "qualifier": "exact"}, True),
        (6, {"value": 7, "low": 7, "high": 7, "qualifier": "exact"}, False),
        ({"low": 20, "high": 99}, {"value": None, "low": 20, "high": 99, "qualifier": "vague"}, True),
        ({"low": 20, "high": 99}, {"value": 50, "low": 50, "high": 50, "qualifier": "exact"}, True),
        ({"low": 140, "qualifier": "at_least"}, {"value": 140, "low": 140, "high": None, "qualifier": "at_least"}, True),
        ({"value": 165000, "qualifier": "approx"}, {"value": 165000, "low": None, "high": None, "qualifier": "approx"}, True),
        (None, {"value": None, "low": None, "high": None, "qualifier": "vague"}, True),
        (None, None, False),
    ],
)
def test_count_rules(expected: Any, got: Any, ok: bool) -> None:
    assert Scorer.count_ok(expected, got) is ok


def test_actor_names_are_compared_normalised(scorer: Scorer) -> None:
    assert scorer.actor_ok(["الجيش السوري"], {"id": "x", "name": "y", "name_ar": "الجيش السوريّ"})
    assert not scorer.actor_ok(["الجيش الحر"], {"id": "x", "name": "y", "name_ar": "الجيش السوري"})


def test_date_tolerance(scorer: Scorer) -> None:
    g = gold("g1", "defection", date="2026-01-16", date_tolerance_days=1)
    assert scorer.score([g], [pred("p1", "defection", date="2026-01-15")]).accuracy("date") == 1.0
    assert scorer.score([g], [pred("p1", "defection", date="2026-01-14")]).accuracy("date") == 0.0


def test_haversine() -> None:
    assert haversine_km(36.2, 37.1, 36.2, 37.1) == 0
    assert 110 < haversine_km(35.0, 38.0, 36.0, 38.0) < 112


def test_files_and_bad_files(tmp_path: Path) -> None:
    g, p = tmp_path / "g.jsonl", tmp_path / "p.jsonl"
    g.write_text(json.dumps(gold("g1", "defection"), ensure_ascii=False) + "\n", encoding="utf-8")
    p.write_text(json.dumps(pred("p1", "defection"), ensure_ascii=False) + "\n", encoding="utf-8")
    assert evaluate_files(g, p).f1 == 1.0
    p.write_text("{oops\n", encoding="utf-8")
    with pytest.raises(GoldFileError, match="not JSON"):
        evaluate_files(g, p)

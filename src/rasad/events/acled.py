"""ACLED event types, fatalities and short notes for mentions."""

from __future__ import annotations

from typing import Any

from rasad.events.lexicon import KindTable
from rasad.model import Actor, Count, Location


def acled_pair(
    table: KindTable, kind: str, actor1: Actor | None, circumstances: dict[str, Any]
) -> tuple[str, str]:
    """ACLED event type and sub-event type for a kind, its actors and circumstances."""
    info = table.kinds[kind]
    for when, pair in info.rules:
        if _matches(when, actor1, circumstances):
            return pair
    return info.acled


def _matches(when: dict[str, Any], actor1: Actor | None, circ: dict[str, Any]) -> bool:
    for key, expected in when.items():
        if key == "actor1_inter":
            if actor1 is None or actor1.inter not in expected:
                return False
        elif circ.get(key) != expected:
            return False
    return True


def fatalities(counts: dict[str, Count]) -> int:
    """ACLED's conservative fatality figure for a mention."""
    killed = counts.get("killed")
    if killed is None:
        return 0
    if killed.qualifier == "vague":
        # ACLED's convention: "dozens" -> 10, "hundreds" -> 100, unknown -> 0
        return 10 ** (len(str(killed.low)) - 1) if killed.low else 0
    for figure in (killed.low, killed.value):
        if figure is not None:
            return figure
    return 0


def _count_text(counts: dict[str, Count]) -> str:
    for c in counts.values():
        if c.value is not None:
            return str(c.value)
        if c.low is not None:
            return f"{c.low}+" if c.high is None else f"{c.low}-{c.high}"
    return ""


def notes(
    table: KindTable,
    kind: str,
    actor1: Actor | None,
    actor2: Actor | None,
    location: Location | None,
    counts: dict[str, Count],
) -> dict[str, str]:
    """Short English and Arabic notes from the kind's templates."""
    info = table.kinds[kind]
    place = location.place if location is not None else None
    values = {
        "actor1": actor1.name if actor1 else "unidentified actor",
        "actor2": actor2.name if actor2 else "unidentified side",
        "actor1_ar": actor1.name_ar if actor1 else "جهة غير محددة",
        "actor2_ar": actor2.name_ar if actor2 else "جهة غير محددة",
        "place": place.name if place else "an unnamed place",
        "place_ar": place.name_ar if place else "مكان غير محدد",
        "admin1": (place.admin1 or place.country) if place else "",
        "count": _count_text(counts),
    }
    en = " ".join(info.note_en.format(**values).split()).replace(" ()", "")
    ar = " ".join(info.note_ar.format(**values).split())
    return {"en": en, "ar": ar}

"""Shared by the atheris harnesses: the checks every fuzzed result must pass, and the
libFuzzer dictionary and seed corpus, built from the package's own data (never copied).

Run through ``scripts/fuzz.sh SECONDS``; see docs/robustness.md.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from importlib import resources
from pathlib import Path

from rasad.ingest.reader import MAX_ID_CHARS
from rasad.model import Article, Problem
from rasad.model import recorded_spans as spans_of

REPO = Path(__file__).resolve().parents[1]
_ARABIC_WORD = re.compile(r"[\u0600-\u06FF]{2,}")


class Finding(AssertionError):
    """A fuzzed input broke a promise (a crash for libFuzzer)."""


def check_article(article: Article) -> None:
    failed = [p for p in article.problems if p.code == "stage_failed"]
    if failed:
        raise Finding(failed[0].message)
    n = len(article.text)
    for kind, span in spans_of(article):
        if not (0 <= span.start <= span.end <= n):
            raise Finding(f"{kind} span out of range: {span!r} (text length {n})")
        if span.text != article.text[span.start : span.end]:
            raise Finding(f"{kind} span text is not the article slice: {span!r}")
    prev = 0
    for s in article.sentences:
        if not (prev <= s.start <= s.end <= n):
            raise Finding(f"sentence out of order or range: {s!r}")
        prev = s.end


def check_items(items: list[Article | Problem]) -> None:
    ids: set[str] = set()
    for item in items:
        if isinstance(item, Problem):
            if not (item.code and item.message and item.source):
                raise Finding(f"problem without code, message or source: {item!r}")
            continue
        if not item.text.strip() or "\x00" in item.text:
            raise Finding(f"article with empty or NUL text: {item.id!r}")
        item.text.encode("utf-8")  # raises on a lone surrogate
        if not (0 < len(item.id) <= MAX_ID_CHARS) or item.id in ids:
            raise Finding(f"bad or duplicate id {item.id!r}")
        ids.add(item.id)


def write_dictionary(path: Path, limit: int = 2500) -> int:
    """A libFuzzer dictionary of the Arabic words in the packaged data files."""
    counts: Counter[str] = Counter()
    for entry in resources.files("rasad.data").iterdir():
        name = entry.name
        if entry.is_file() and name.endswith((".json", ".yaml", ".jsonl", ".csv")):
            counts.update(_ARABIC_WORD.findall(entry.read_text("utf-8")))
    words = [w for w, _ in counts.most_common(limit)]
    words += ["2026", "1445", "١٥", "\n\n", "، ", ". ", "«", "»", "<p>", "</p>", '{"id": ',
              '"text": ', '"published": ', '"html": ', "\\u0000", "\\ud800"]
    with path.open("w", encoding="utf-8") as fh:
        for w in words:
            escaped = "".join(f"\\x{b:02x}" for b in w.encode("utf-8"))
            fh.write(f'"{escaped}"\n')
    return len(words)


def write_seeds(folder: Path) -> int:
    """Seed inputs: the own dev set's texts (in the repo) and the bad-input corpus."""
    folder.mkdir(parents=True, exist_ok=True)
    n = 0
    dev = REPO / "tests" / "data" / "devset" / "input.jsonl"
    if dev.exists():
        for line in dev.read_text(encoding="utf-8").splitlines():
            if line.strip():
                text = str(json.loads(line).get("text", ""))[:3000]
                (folder / f"dev{n:03d}").write_bytes(b"\x00" + text.encode("utf-8"))
                n += 1
    bad = REPO / "tests" / "data" / "bad"
    for path in sorted(bad.glob("*")):
        if path.is_file() and path.stat().st_size < 20_000 and path.suffix != ".py":
            (folder / f"bad-{path.name}").write_bytes(b"\x00" + path.read_bytes())
            n += 1
    return n


def main(argv: list[str]) -> int:
    """``python fuzz/common.py DICT SEEDS``: write the dictionary and the seed folder."""
    if len(argv) != 3:
        print("usage: common.py DICT_FILE SEED_DIR", file=sys.stderr)
        return 2
    words = write_dictionary(Path(argv[1]))
    seeds = write_seeds(Path(argv[2]))
    print(f"dictionary: {words} words; seeds: {seeds} files")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))

"""Atheris (libFuzzer) harness: arbitrary text and publication date through the pipeline.

The first byte picks the publication date's kind (none, a date anywhere in 0001–9999, the
extremes), the rest is the article text (UTF-8, damaged bytes replaced). A stage that
raises, an offset out of range or a span whose text is not the article slice is a crash.
Slow inputs (over 2 s) are printed, not crashes. Run by ``scripts/fuzz.sh``.
"""

from __future__ import annotations

import datetime as dt
import sys
import time

import atheris

with atheris.instrument_imports(include=["rasad"]):
    from common import check_article

    from rasad.model import Article
    from rasad.pipeline import Pipeline, Resources
    from rasad.settings import Settings

# The pipeline's own SIGALRM time limit is off: libFuzzer's -timeout watches for hangs.
PIPELINE = Pipeline(Resources(Settings(max_seconds_per_article=0)))
PIPELINE.resources.warm()
MAX_ORDINAL = dt.date.max.toordinal()


def one_input(data: bytes) -> None:
    if not data:
        return
    mode, body = data[0], data[1:]
    published: dt.date | None
    if mode % 4 == 0:
        published = None
    elif mode % 4 == 1:
        published = dt.date(2026, 1, 1) + dt.timedelta(days=mode)
    elif mode % 4 == 2:
        published = dt.date.min if mode & 4 else dt.date.max
    else:
        seed = int.from_bytes(body[:3].ljust(3, b"\x00"), "little")
        published = dt.date.fromordinal(1 + seed % MAX_ORDINAL)
    text = body.decode("utf-8", errors="replace")
    article = Article(id="fuzz", text=text, published=published)
    t0 = time.perf_counter()
    PIPELINE.process(article)
    took = time.perf_counter() - t0
    if took > 2:
        print(f"[slow] {took:.1f} s for {len(text)} characters", file=sys.stderr)
    check_article(article)


def main() -> None:
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()

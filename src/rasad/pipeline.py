"""The pipeline: explicit stages over one :class:`~rasad.model.Article` at a time.

:class:`Resources` loads every lexicon, gazetteer and automaton lazily, once per run, and is
passed to the stages; nothing is loaded at import time. :class:`Pipeline` runs the stages in
order; a failure inside one article is recorded on it and the batch goes on.
"""

from __future__ import annotations

import datetime as dt
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import IO, TYPE_CHECKING

from rasad.events.detect import EventDetector
from rasad.events.lexicon import EventRules, KindTable, TriggerLexicon
from rasad.events.triggers import Tokens, TriggerRecognizer
from rasad.ingest.reader import ArticleReader, Item
from rasad.model import Article, Problem, Sentence
from rasad.settings import Settings
from rasad.text.morphology import Morphology
from rasad.text.normalize import Normalizer

if TYPE_CHECKING:
    from rasad.ingest.html import HtmlExtractor
    from rasad.recognize.actors import ActorRecognizer, SourceFinder
    from rasad.recognize.dates import TimeReader
    from rasad.recognize.numbers import NumberReader
    from rasad.recognize.places import PlaceRecognizer
    from rasad.text.clean import Cleaner
    from rasad.text.segment import SegmentationRules


class Resources:
    """Everything the stages need, each loaded on first use and then shared."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def normalizer(self) -> Normalizer:
        return Normalizer.from_file()

    @cached_property
    def morphology(self) -> Morphology:
        return Morphology.load()

    @cached_property
    def cleaner(self) -> Cleaner:
        from rasad.text.clean import Cleaner

        return Cleaner.load(normalizer=self.normalizer)

    @cached_property
    def segmentation(self) -> SegmentationRules:
        from rasad.text.segment import SegmentationRules

        return SegmentationRules.load(normalizer=self.normalizer)

    @cached_property
    def numbers(self) -> NumberReader:
        from rasad.recognize.numbers import NumberReader

        return NumberReader.load()

    @cached_property
    def times(self) -> TimeReader:
        from rasad.recognize.dates import TimeReader

        return TimeReader.load()

    @cached_property
    def places(self) -> PlaceRecognizer:
        from rasad.recognize.places import PlaceRecognizer

        return PlaceRecognizer.load(extra=self.settings.extra_places)

    @cached_property
    def actors(self) -> ActorRecognizer:
        from rasad.recognize.actors import ActorRecognizer

        return ActorRecognizer.load(extra=self.settings.extra_actors)

    @cached_property
    def sources(self) -> SourceFinder:
        from rasad.recognize.actors import SourceFinder

        return SourceFinder.load()

    @cached_property
    def triggers(self) -> TriggerRecognizer:
        lexicon = TriggerLexicon.load(
            self.normalizer, extra=self.settings.extra_triggers, morphology=self.morphology
        )
        return TriggerRecognizer(lexicon, self.morphology)

    @cached_property
    def detector(self) -> EventDetector:
        return EventDetector(
            EventRules.load(self.normalizer), KindTable.load(), attribution=self.attribution
        )

    def attribution(self, article: Article, sent: Sentence) -> str | None:
        found = self.sources.find(article.norm_text, sent.norm_start, sent.norm_end)
        if found is None:
            return None
        start, end = found[0], found[1]
        return article.norm_span(start, end).text

    @cached_property
    def html(self) -> HtmlExtractor:
        from rasad.ingest.html import HtmlExtractor

        return HtmlExtractor.load()

    def html_extractor(
        self, html: str, url: str | None
    ) -> tuple[str | None, str, dt.date | None]:
        return self.html.fields(html, url)

    def warm(self) -> None:
        """Load everything now (start-up cost paid once, e.g. before timing a run)."""
        for name in ("cleaner", "segmentation", "numbers", "times", "places", "actors",
                     "sources", "triggers", "detector"):
            getattr(self, name)


Stage = Callable[[Article], None]


@dataclass(slots=True)
class RunStats:
    """The summary a run prints at the end."""

    read: int = 0
    skipped: int = 0
    failed: int = 0
    mentions: int = 0
    chars: int = 0
    started: float = field(default_factory=time.perf_counter)

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.started


class Pipeline:
    """Runs the stages over articles: clean → normalise → segment → recognise → detect."""

    def __init__(self, resources: Resources) -> None:
        self.resources = resources

    def stages(self) -> list[tuple[str, Stage]]:
        r = self.resources
        return [
            ("clean", r.cleaner),
            ("normalize", self._normalize),
            ("segment", lambda a: _segment(a, r.segmentation)),
            ("numbers", r.numbers),
            ("times", r.times),
            ("places", r.places),
            ("actors", r.actors),
            ("events", self._events),
        ]

    def _normalize(self, article: Article) -> None:
        norm = self.resources.normalizer(article.clean if article.clean is not None else article.text)
        article.norm_text, article.norm_offsets = norm.text, norm.offsets

    def _events(self, article: Article) -> None:
        tokens = Tokens.of(
            article.norm_text, self.resources.morphology, article.text, article.norm_offsets
        )
        self.resources.triggers(article, tokens)
        self.resources.detector(article, tokens)
        threshold = self.resources.settings.min_confidence
        if threshold > 0:
            article.mentions = [m for m in article.mentions if m.confidence >= threshold]

    def process(self, article: Article) -> Article:
        """Run every stage; an exception is recorded on the article, which keeps no mentions."""
        for name, stage in self.stages():
            try:
                stage(article)
            except Exception as exc:  # one article's failure must not stop the batch
                article.mentions = []
                article.problems.append(
                    Problem(
                        "stage_failed",
                        f"stage {name!r} failed: {type(exc).__name__}: {exc}; "
                        f"at {traceback.extract_tb(exc.__traceback__)[-1].filename.rsplit('/', 1)[-1]}"
                        f":{traceback.extract_tb(exc.__traceback__)[-1].lineno}",
                        article.source or article.id,
                        stage=name,
                    )
                )
                break
        return article

    def run(
        self,
        inputs: Iterable[str],
        stats: RunStats | None = None,
        stdin: IO[str] | None = None,
    ) -> Iterator[Item]:
        """Read and process inputs in order, yielding processed articles and skipped inputs."""
        reader = ArticleReader(
            self.resources.settings, html_extractor=self.resources.html_extractor, stdin=stdin
        )
        stats = stats if stats is not None else RunStats()
        for item in reader.read(inputs):
            if isinstance(item, Problem):
                stats.skipped += 1
                yield item
                continue
            self.process(item)
            stats.read += 1
            stats.chars += len(item.text)
            stats.mentions += len(item.mentions)
            if any(p.code == "stage_failed" for p in item.problems):
                stats.failed += 1
            yield item


def _segment(article: Article, rules: SegmentationRules) -> None:
    from rasad.text.segment import segment

    segment(article, rules)


def extract_text(text: str, published: dt.date | None = None, resources: Resources | None = None,
                 article_id: str = "text") -> Article:
    """Convenience: run the pipeline over one string."""
    res = resources or Resources(Settings())
    article = Article(id=article_id, text=text, published=published)
    return Pipeline(res).process(article)

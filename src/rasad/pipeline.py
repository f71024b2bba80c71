"""The pipeline: explicit stages over one :class:`~rasad.model.Article` at a time.

:class:`Resources` loads every lexicon, gazetteer and automaton lazily, once per run, and is
passed to the stages; nothing is loaded at import time. :class:`Pipeline` runs the stages in
order; a failure inside one article is recorded on it and the batch goes on.
"""

from __future__ import annotations

import datetime as dt
import signal
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from types import FrameType, TracebackType
from typing import IO, TYPE_CHECKING, Any

from rasad.errors import ArticleTimeout, RasadError
from rasad.events.calibration import ConfidenceMap, ConfidenceModel
from rasad.events.detect import EventDetector
from rasad.events.lexicon import EventRules, KindTable, TriggerLexicon
from rasad.events.triggers import Tokens, TriggerRecognizer
from rasad.ingest.language import LanguageProfiles
from rasad.ingest.reader import ArticleReader, Item
from rasad.model import Actor, Article, Problem, Sentence
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
            EventRules.load(self.normalizer),
            KindTable.load(),
            attribution=self.attribution,
            calibration=ConfidenceMap.load() if self.settings.calibrated else None,
            scorer=ConfidenceModel.load() if self.settings.calibrated else None,
            actor_of=self.actor_of,
            sides=self.actors.dictionary.sides(),
        )

    def actor_of(self, actor_id: str, on: dt.date | None) -> Actor | None:
        """The actor dictionary's entry for an id, as valid on a date."""
        try:
            return self.actors.dictionary.resolve(actor_id, on)
        except (KeyError, RasadError):
            return None

    def attribution(self, article: Article, sent: Sentence) -> str | None:
        found = self.sources.find(article.norm_text, sent.norm_start, sent.norm_end)
        if found is None:
            return None
        start, end = found[0], found[1]
        return article.norm_span(start, end).text

    @cached_property
    def languages(self) -> LanguageProfiles:
        return LanguageProfiles.load()

    def reader(self, stdin: IO[str] | None = None) -> ArticleReader:
        """An input reader sharing these resources (HTML extractor, language profiles)."""
        return ArticleReader(
            self.settings, html_extractor=self.html_extractor, stdin=stdin,
            languages=self.languages,
        )

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
                     "sources", "triggers", "detector", "languages"):
            getattr(self, name)


Stage = Callable[[Article], None]

#: Problem codes that mean an article's analysis did not finish (counted as failed).
FAILURE_CODES = frozenset({"stage_failed", "timeout"})


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
        self._warm = False

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
        """Run every stage; a failure is recorded on the article, which keeps no mentions.

        An exception in a stage is a ``stage_failed`` problem; running past the setting
        ``max_seconds_per_article`` is a ``timeout`` problem (see :class:`Deadline`).
        """
        if not self._warm:  # load every resource before the first clock starts
            self.resources.warm()
            self._warm = True
        stages = self.stages()
        stage_name = ""
        try:
            with Deadline(self.resources.settings.max_seconds_per_article) as deadline:
                for stage_name, stage in stages:
                    deadline.stage = stage_name
                    try:
                        stage(article)
                    except ArticleTimeout:
                        raise
                    except Exception as exc:  # one article's failure must not stop the batch
                        article.mentions = []
                        article.problems.append(_stage_problem(article, stage_name, exc))
                        break
                    deadline.check()
        except ArticleTimeout as exc:
            article.mentions = []
            article.problems.append(
                Problem("timeout", str(exc), article.source or article.id, stage=exc.stage or stage_name)
            )
        return article

    def run(
        self,
        inputs: Iterable[str],
        stats: RunStats | None = None,
        stdin: IO[str] | None = None,
    ) -> Iterator[Item]:
        """Read and process inputs in order, yielding processed articles and skipped inputs."""
        reader = self.resources.reader(stdin)
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
            if any(p.code in FAILURE_CODES for p in item.problems):
                stats.failed += 1
            yield item


def _stage_problem(article: Article, name: str, exc: Exception) -> Problem:
    last = traceback.extract_tb(exc.__traceback__)[-1]
    return Problem(
        "stage_failed",
        f"stage {name!r} failed: {type(exc).__name__}: {exc}; "
        f"at {last.filename.rsplit('/', 1)[-1]}:{last.lineno}",
        article.source or article.id,
        stage=name,
    )


class Deadline:
    """A time limit on one article's analysis (``with Deadline(seconds) as d: ...``).

    On the main thread of a platform with ``signal.setitimer`` a one-shot ``SIGALRM``
    interrupts a stage that runs too long (the handler raises :class:`ArticleTimeout`;
    long regular-expression matches check for signals too). Elsewhere — another thread,
    e.g. a web server's worker — only :meth:`check`, called between stages, enforces it.
    The handler and any timer that was running before are restored on exit. At most one
    :class:`ArticleTimeout` is raised per deadline. ``seconds`` of 0 means no limit.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._end = 0.0
        self._armed = False
        self._previous: Any = None
        self._previous_timer = (0.0, 0.0)
        self._started = 0.0
        self._uses_signal = False
        self.stage: str | None = None  # the running stage, named in the timeout message

    def __enter__(self) -> Deadline:
        if self.seconds <= 0:
            return self
        self._started = time.monotonic()
        self._end = self._started + self.seconds
        self._uses_signal = (
            hasattr(signal, "setitimer")
            and threading.current_thread() is threading.main_thread()
        )
        if self._uses_signal:
            self._previous = signal.signal(signal.SIGALRM, self._on_alarm)
            self._previous_timer = signal.setitimer(signal.ITIMER_REAL, self.seconds)
        self._armed = True
        return self

    def _on_alarm(self, signum: int, frame: FrameType | None) -> None:
        if self._armed:
            self._armed = False
            raise ArticleTimeout(self.seconds, self.stage)

    def check(self) -> None:
        """Raise :class:`ArticleTimeout` if the time is up (once)."""
        if self._armed and time.monotonic() > self._end:
            self._armed = False
            raise ArticleTimeout(self.seconds, self.stage)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self._armed = False
        finally:
            if self._uses_signal:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, self._previous)
                delay, interval = self._previous_timer
                if delay > 0:  # someone else's timer was running: give it its remaining time
                    left = delay - (time.monotonic() - self._started)
                    signal.setitimer(signal.ITIMER_REAL, max(left, 1e-6), interval)


def _segment(article: Article, rules: SegmentationRules) -> None:
    from rasad.text.segment import segment

    segment(article, rules)


def extract_text(text: str, published: dt.date | None = None, resources: Resources | None = None,
                 article_id: str = "text") -> Article:
    """Convenience: run the pipeline over one string."""
    res = resources or Resources(Settings())
    article = Article(id=article_id, text=text, published=published)
    return Pipeline(res).process(article)

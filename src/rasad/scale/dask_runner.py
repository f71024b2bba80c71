"""Scale-out on Dask: extract on many workers, merge once, write events or a database.

``scheduler`` is ``local`` (a ``distributed.LocalCluster`` with one single-threaded worker
process per core), ``local:N`` (N such workers), the address of a running scheduler
(``tcp://host:8786``), an existing ``distributed.Client``, or ``sync`` (no Dask: the same
partitions processed one after the other in this process, for debugging and as the
reference). Each worker builds :class:`~rasad.pipeline.Resources` once, in a worker plugin,
and reuses it for every partition it is given.

:func:`run_events` brings the processed articles back (without their per-character
working data) and merges them in one call on the client, in input order, so its events are
those of a single-process run. :func:`run_ingest` has workers store articles in batches and
then rebuilds the events once from the database, as ``rasad ingest`` does.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from distributed import WorkerPlugin
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from rasad.model import Article, Problem
from rasad.pipeline import Pipeline, Resources, RunStats
from rasad.scale.shards import Partition, ScaleError, plan_partitions, read_partition
from rasad.settings import Settings

if TYPE_CHECKING:
    from distributed import Client, Worker

    from rasad.store import Store
    from rasad.store.ingest import IngestSummary

DEFAULT_PARTITION_SIZE = 1000
DEFAULT_BATCH_SIZE = 100

Keep = Callable[[dict[str, Any]], bool]


# -- schedulers -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SchedulerSpec:
    """A parsed ``scheduler`` string: ``sync``, ``local`` with a worker count, or an address."""

    kind: str  # "sync" | "local" | "address"
    workers: int = 0
    address: str = ""

    @classmethod
    def parse(cls, spec: str) -> SchedulerSpec:
        text = spec.strip()
        if text == "sync":
            return cls("sync", 1)
        if text == "local":
            return cls("local", os.cpu_count() or 1)
        if text.startswith("local:"):
            count = text.removeprefix("local:")
            if not count.isdigit() or int(count) < 1:
                raise ScaleError(f"bad scheduler {spec!r}: local:N needs a worker count N >= 1")
            return cls("local", int(count))
        if "://" in text or (":" in text and text.rsplit(":", 1)[1].isdigit()):
            return cls("address", 0, text if "://" in text else f"tcp://{text}")
        raise ScaleError(
            f"bad scheduler {spec!r}: use sync, local, local:N or a scheduler address "
            "such as tcp://host:8786"
        )


@contextmanager
def connect(scheduler: str | Client, console: Console, quiet: bool) -> Iterator[Client | None]:
    """A client for ``scheduler`` (None for ``sync``); clusters started here are closed."""
    from distributed import Client, LocalCluster

    if not isinstance(scheduler, str):
        yield scheduler
        return
    spec = SchedulerSpec.parse(scheduler)
    if spec.kind == "sync":
        yield None
        return
    if spec.kind == "local":
        cluster = LocalCluster(
            n_workers=spec.workers, threads_per_worker=1, processes=True,
            dashboard_address=":8787", silence_logs=logging.CRITICAL,
        )  # type: ignore[no-untyped-call]
        try:
            with Client(cluster) as client:  # type: ignore[no-untyped-call]
                _announce(client, console, quiet)
                yield client
        finally:
            cluster.close()
        return
    try:
        client = Client(spec.address, timeout="30s")  # type: ignore[no-untyped-call]
    except OSError as exc:
        raise ScaleError(f"cannot reach the Dask scheduler at {spec.address}: {exc}") from exc
    with client:
        _announce(client, console, quiet)
        yield client


def _remote(scheduler: str | Client) -> bool:
    """Whether workers may run elsewhere (and so need absolute paths)."""
    return not isinstance(scheduler, str) or SchedulerSpec.parse(scheduler).kind == "address"


def _announce(client: Client, console: Console, quiet: bool) -> None:
    if not quiet:
        workers = len(client.scheduler_info().get("workers", {}))
        note = "" if importlib.util.find_spec("bokeh") else " (the dashboard needs bokeh installed)"
        console.print(f"Dask: {workers} workers, dashboard {client.dashboard_link}{note}")


# -- work on the workers --------------------------------------------------------------------


class RasadPlugin(WorkerPlugin):
    """Holds one pipeline (and any open stores) per worker, built once at set-up."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.name = plugin_name(settings)
        self.pipeline: Pipeline | None = None
        self.stores: dict[str, Store] = {}

    def setup(self, worker: Worker) -> None:
        resources = Resources(self.settings)
        resources.warm()
        self.pipeline = Pipeline(resources)

    def teardown(self, worker: Worker) -> None:
        for store in self.stores.values():
            store.close()
        self.stores.clear()

    def store(self, url: str) -> Store:
        if url not in self.stores:
            from rasad.store import Store

            self.stores[url] = Store.open(url, migrate=False)
        return self.stores[url]


def plugin_name(settings: Settings) -> str:
    digest = hashlib.sha1(settings.model_dump_json().encode("utf-8")).hexdigest()[:12]
    return f"rasad-{digest}"


def _plugin(name: str) -> RasadPlugin:
    from distributed import get_worker

    plugin = get_worker().plugins[name]
    if not isinstance(plugin, RasadPlugin) or plugin.pipeline is None:
        raise ScaleError(f"worker plugin {name!r} is missing or not set up")
    return plugin


@dataclass(slots=True)
class PartResult:
    """What one partition gives back to the client."""

    index: int
    articles: list[Article] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # skipped inputs
    warnings: list[Problem] = field(default_factory=list)  # problems of analysed articles
    read: int = 0
    skipped: int = 0
    failed: int = 0
    mentions: int = 0
    chars: int = 0
    new: int = 0
    replaced: int = 0
    unchanged: int = 0
    seconds: float = 0.0


def slim(article: Article) -> Article:
    """The article without its working data (offset map, cleaned copy, sentences,
    recognised spans, HTML): what the merge and the outputs need, a quarter of the memory."""
    return Article(
        id=article.id, text=article.text, url=article.url, outlet=article.outlet,
        title=article.title, published=article.published, source=article.source,
        extra=article.extra, norm_text=article.norm_text, removed=article.removed,
        metadata=article.metadata, mentions=article.mentions, problems=article.problems,
    )


def _count(result: PartResult, article: Article) -> None:
    result.read += 1
    result.chars += len(article.text)
    result.mentions += len(article.mentions)
    if any(p.code == "stage_failed" for p in article.problems):
        result.failed += 1
    result.warnings.extend(article.problems)


def extract_partition(part: Partition, pipeline: Pipeline) -> PartResult:
    """Read and process one partition; articles come back slimmed."""
    started = time.perf_counter()
    res = pipeline.resources
    result = PartResult(part.index)
    for item in read_partition(part, res.settings, res.html_extractor):
        if isinstance(item, Problem):
            result.skipped += 1
            result.problems.append(item)
            continue
        pipeline.process(item)
        _count(result, item)
        result.articles.append(slim(item))
    result.seconds = time.perf_counter() - started
    return result


def ingest_partition(
    part: Partition, pipeline: Pipeline, store: Store, batch_size: int = DEFAULT_BATCH_SIZE
) -> PartResult:
    """Read, process and store one partition (articles whose text is stored unchanged are
    not processed again); nothing but counts and problems comes back."""
    from rasad.store.rows import text_digest

    started = time.perf_counter()
    res = pipeline.resources
    result = PartResult(part.index)
    batch: list[Article] = []
    for item in read_partition(part, res.settings, res.html_extractor):
        if isinstance(item, Problem):
            result.skipped += 1
            result.problems.append(item)
        elif store.article_digest(item.id) == text_digest(item.text):
            result.read += 1
            result.unchanged += 1
        else:
            pipeline.process(item)
            _count(result, item)
            batch.append(item)
            if len(batch) >= batch_size:
                _save(store, batch, result)
                batch = []
    _save(store, batch, result)
    result.seconds = time.perf_counter() - started
    return result


def _save(store: Store, batch: list[Article], result: PartResult) -> None:
    """Store a batch in one transaction; when another worker wrote one of its articles in
    the meantime (same id or URL), store them one by one instead."""
    from sqlalchemy.exc import IntegrityError

    from rasad.store import StoreError

    if not batch:
        return
    try:
        outcomes = store.save_articles(batch)
    except (IntegrityError, StoreError):
        outcomes = []
        for article in batch:
            try:
                outcomes.append(store.save_article(article))
            except (IntegrityError, StoreError):
                outcomes.append(store.save_article(article))  # the race is over: retry once
    for outcome in outcomes:
        setattr(result, outcome, getattr(result, outcome) + 1)


def _extract_task(part: Partition, name: str) -> PartResult:
    plugin = _plugin(name)
    assert plugin.pipeline is not None
    return extract_partition(part, plugin.pipeline)


def _ingest_task(part: Partition, name: str, db_url: str, batch_size: int) -> PartResult:
    plugin = _plugin(name)
    assert plugin.pipeline is not None
    return ingest_partition(part, plugin.pipeline, plugin.store(db_url), batch_size)


# -- the client ---------------------------------------------------------------------------


def _execute(
    parts: list[Partition],
    client: Client | None,
    settings: Settings,
    local: Callable[[Partition, Pipeline], PartResult],
    remote: Callable[..., PartResult],
    remote_args: tuple[Any, ...],
    stats: RunStats,
    console: Console,
    quiet: bool,
) -> list[PartResult]:
    """Run every partition, report problems and progress, return results in input order."""
    results: dict[int, PartResult] = {}
    progress = _progress(console, quiet)
    last_note = time.perf_counter()
    with progress:
        task = progress.add_task("articles", total=sum(p.size for p in parts) or None)

        def done(result: PartResult) -> None:
            nonlocal last_note
            results[result.index] = result
            stats.read += result.read
            stats.skipped += result.skipped
            stats.failed += result.failed
            stats.mentions += result.mentions
            stats.chars += result.chars
            if not quiet:
                for p in result.problems:
                    console.print(f"[yellow]skipped[/yellow] {p.source}: {p.message}")
                for p in result.warnings:
                    console.print(f"[yellow]warning[/yellow] {p.source}: {p.message}")
            progress.advance(task, result.read + result.skipped)
            now = time.perf_counter()
            if not quiet and progress.disable and now - last_note >= 30:
                last_note = now
                console.print(f"{len(results)}/{len(parts)} partitions, {stats.read} articles, "
                              f"{stats.read / stats.seconds:.1f} articles/s")

        if client is None:
            pipeline = Pipeline(Resources(settings))
            for part in parts:
                done(local(part, pipeline))
        else:
            from distributed import as_completed

            plugin = RasadPlugin(settings)
            client.register_plugin(plugin, name=plugin.name)
            futures = [
                client.submit(remote, part, plugin.name, *remote_args, pure=False,
                              key=f"rasad-part-{part.index}-{os.urandom(4).hex()}")
                for part in parts
            ]
            for future, result in as_completed(  # type: ignore[no-untyped-call]
                futures, with_results=True
            ):
                done(result)
                future.release()
    return [results[i] for i in sorted(results)]


def _progress(console: Console, quiet: bool) -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=quiet or not console.is_terminal,
        transient=True,
    )


class _Clock:
    """Records the seconds since the previous mark under each phase name."""

    def __init__(self, into: dict[str, float] | None) -> None:
        self.into = into
        self.last = time.perf_counter()

    def __call__(self, phase: str) -> None:
        now = time.perf_counter()
        if self.into is not None:
            self.into[phase] = self.into.get(phase, 0.0) + now - self.last
        self.last = now


def _console(console: Console | None) -> Console:
    return console or Console(file=sys.stderr, highlight=False, soft_wrap=True)


def _summary(console: Console, quiet: bool, stats: RunStats, parts: int, extra: str) -> None:
    if quiet:
        return
    rate = stats.read / stats.seconds if stats.seconds > 0 else 0.0
    console.print(
        f"read {stats.read} articles in {parts} partitions, skipped {stats.skipped} inputs, "
        f"{stats.failed} failed in a stage, {stats.mentions} mentions{extra} "
        f"in {stats.seconds:.2f} s ({rate:.1f} articles/s)"
    )


def extract_articles(
    inputs: Sequence[str],
    scheduler: str | Client,
    settings: Settings,
    partition_size: int = DEFAULT_PARTITION_SIZE,
    *,
    stats: RunStats | None = None,
    console: Console | None = None,
    quiet: bool = False,
    timings: dict[str, float] | None = None,
) -> list[Article]:
    """Extract on the workers; the processed articles (slimmed, see :func:`slim`) in input
    order, as a single-process run would list them. Arguments as for :func:`run_events`."""
    articles, _ = _extract(inputs, scheduler, settings, partition_size, stats or RunStats(),
                           _console(console), quiet, _Clock(timings))
    return articles


def _extract(
    inputs: Sequence[str],
    scheduler: str | Client,
    settings: Settings,
    partition_size: int,
    stats: RunStats,
    console: Console,
    quiet: bool,
    clock: _Clock,
) -> tuple[list[Article], int]:
    parts = plan_partitions(inputs, partition_size, settings, absolute=_remote(scheduler))
    clock("plan")
    with connect(scheduler, console, quiet) as client:
        clock("cluster")
        results = _execute(parts, client, settings, extract_partition, _extract_task, (),
                           stats, console, quiet)
        clock("extract")
    if clock.into is not None:
        clock.into["partitions"] = sum(r.seconds for r in results)
    return [a for r in results for a in r.articles], len(parts)


def run_events(
    inputs: Sequence[str],
    scheduler: str | Client,
    settings: Settings,
    out_dir: Path | None = None,
    partition_size: int = DEFAULT_PARTITION_SIZE,
    *,
    keep: Keep | None = None,
    stats: RunStats | None = None,
    console: Console | None = None,
    quiet: bool = False,
    timings: dict[str, float] | None = None,
) -> list[dict[str, Any]]:
    """Extract on the workers, merge once on the client; the event documents in the order a
    single-process run gives them. ``keep`` filters the documents; with ``out_dir`` they are
    also written as ``out_dir/part-NNNNN.parquet``. ``stats`` (a :class:`RunStats`) is
    filled in; a summary goes to ``console`` (standard error) unless ``quiet``;
    ``timings`` receives the seconds spent to plan, start the cluster, extract, merge and
    write, and (``partitions``) the sum of the seconds the partitions took on the workers."""
    from rasad.merge.events import event_json, events_from_articles
    from rasad.scale.shards import write_parquet_parts

    console = _console(console)
    stats = stats if stats is not None else RunStats()
    clock = _Clock(timings)
    articles, n_parts = _extract(inputs, scheduler, settings, partition_size, stats, console,
                                 quiet, clock)
    docs = [event_json(e) for e in events_from_articles(articles)]
    if keep is not None:
        docs = [d for d in docs if keep(d)]
    clock("merge")
    extra = f", {len(docs)} events"
    if out_dir is not None:
        written = write_parquet_parts(docs, out_dir)
        extra += f" in {len(written)} Parquet parts under {out_dir}"
        clock("write")
    _summary(console, quiet, stats, n_parts, extra)
    return docs


def run_ingest(
    inputs: Sequence[str],
    scheduler: str | Client,
    settings: Settings,
    db_url: str,
    partition_size: int = DEFAULT_PARTITION_SIZE,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    stats: RunStats | None = None,
    console: Console | None = None,
    quiet: bool = False,
    timings: dict[str, float] | None = None,
) -> IngestSummary:
    """Workers extract and store articles (``batch_size`` to a transaction); the events are
    then rebuilt once from every stored mention. The run is logged in the database.
    SQLite works for a few local workers; use PostgreSQL for a real cluster."""
    from rasad.store import Store
    from rasad.store.ingest import IngestSummary, rebuild_events

    console = _console(console)
    stats = stats if stats is not None else RunStats()
    clock = _Clock(timings)
    parts = plan_partitions(inputs, partition_size, settings, absolute=_remote(scheduler))
    summary = IngestSummary()
    clock("plan")
    with Store.open(db_url) as store:
        run_id = store.start_run("ingest --dask", list(inputs))
        try:
            with connect(scheduler, console, quiet) as client:
                clock("cluster")
                results = _execute(
                    parts, client, settings,
                    lambda part, pipeline: ingest_partition(part, pipeline, store, batch_size),
                    _ingest_task, (db_url, batch_size), stats, console, quiet,
                )
                clock("extract")
            for r in results:
                summary.new += r.new
                summary.replaced += r.replaced
                summary.unchanged += r.unchanged
                summary.problems.extend(r.problems)
            summary.events = rebuild_events(store)
            clock("merge")
        except BaseException as exc:
            store.finish_run(run_id, status="failed", articles_read=stats.read,
                             articles_skipped=stats.skipped, articles_failed=stats.failed,
                             mentions=stats.mentions, message=f"{type(exc).__name__}: {exc}")
            raise
        store.finish_run(run_id, status="ok", articles_read=stats.read,
                         articles_skipped=stats.skipped, articles_failed=stats.failed,
                         mentions=stats.mentions, events=summary.events)
    _summary(console, quiet, stats, len(parts),
             f" ({summary.new} new, {summary.replaced} replaced, {summary.unchanged} unchanged),"
             f" {summary.events} events in {db_url}")
    return summary

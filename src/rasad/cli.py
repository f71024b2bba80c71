"""The ``rasad`` command: a thin shell over the library (Typer + Rich).

Output goes to a file (``-o``) or standard output; messages, the progress bar and the
summary go to standard error, and the progress bar only when standard error is a terminal.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from rasad import __version__
from rasad.errors import RasadError
from rasad.model import Article, Problem
from rasad.pipeline import Pipeline, Resources, RunStats
from rasad.serialize import article_json, mention_json
from rasad.settings import Settings, load_settings

if TYPE_CHECKING:
    from rasad.store import Store
    from rasad.store.filters import EventFilter

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Rasad: Arabic conflict news to geolocated, source-attributed events.",
)

Inputs = Annotated[
    list[str],
    typer.Argument(help="JSONL files (or - for stdin), .txt/.html files, or folders of them"),
]
OutOpt = Annotated[Path | None, typer.Option("-o", "--output", help="write here instead of stdout")]
PublishedOpt = Annotated[
    str | None,
    typer.Option("--published", help="publication date (YYYY-MM-DD) for inputs that have none"),
]
ConfigOpt = Annotated[
    Path | None, typer.Option("--config", help="settings file (TOML); see the README, Configuration")
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="no progress bar and no summary")]


class Format(StrEnum):
    jsonl = "jsonl"
    csv = "csv"
    geojson = "geojson"
    parquet = "parquet"


def _console() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def _settings(config: Path | None, **flags: Any) -> Settings:
    try:
        return load_settings(config, **flags)
    except RasadError as exc:
        _console().print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc


@contextmanager
def _output(path: Path | None) -> Iterator[IO[str]]:
    if path is None:
        yield sys.stdout
        sys.stdout.flush()
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8") as fh:
            yield fh


def _progress(console: Console, show: bool) -> Progress:
    """A progress bar on standard error, shown only on a terminal."""
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed} articles"),
        TimeElapsedColumn(),
        console=console,
        disable=not show,
        transient=True,
    )


def _report(console: Console, item: Article | Problem) -> bool:
    """Print why an input was skipped, or the warnings of a kept article; whether it was kept."""
    if isinstance(item, Problem):
        console.print(f"[yellow]skipped[/yellow] {item.source}: {item.message}")
        return False
    for problem in item.problems:
        console.print(f"[yellow]warning[/yellow] {problem.source}: {problem.message}")
    return True


def _articles(
    inputs: list[str], resources: Resources, quiet: bool, stats: RunStats
) -> Iterator[Article]:
    """Run the pipeline, reporting skipped inputs and a progress bar on a terminal."""
    console = _console()
    pipeline = Pipeline(resources)
    show_bar = console.is_terminal and not quiet
    with _progress(console, show_bar) as progress:
        task = progress.add_task("extracting", total=None)
        for item in pipeline.run(inputs, stats):
            if _report(console, item):
                assert isinstance(item, Article)
                progress.advance(task)
                yield item


def _summary(stats: RunStats, quiet: bool, extra: str = "") -> None:
    if quiet:
        return
    rate = stats.read / stats.seconds if stats.seconds > 0 else 0.0
    _console().print(
        f"read {stats.read} articles, skipped {stats.skipped} inputs, "
        f"{stats.failed} failed in a stage, {stats.mentions} mentions{extra} "
        f"in {stats.seconds:.2f} s ({rate:.1f} articles/s)"
    )


def _write_jsonl(
    inputs: list[str],
    output: Path | None,
    settings: Settings,
    quiet: bool,
    rows: Callable[[Article], Iterable[dict[str, Any]]],
) -> None:
    """Run the pipeline and write JSON lines made from each article."""
    stats = RunStats()
    with _output(output) as out:
        for article in _articles(inputs, Resources(settings), quiet, stats):
            for row in rows(article):
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
    _summary(stats, quiet)


@app.command()
def extract(
    inputs: Inputs,
    output: OutOpt = None,
    published: PublishedOpt = None,
    config: ConfigOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Write one JSON line per event mention found in the articles."""
    settings = _settings(config, published=published)
    _write_jsonl(inputs, output, settings, quiet, lambda a: (mention_json(m) for m in a.mentions))


DbOpt = Annotated[
    str | None,
    typer.Option("--db", help="database URL (sqlite:///FILE or postgresql+psycopg://...)"),
]


DaskOpt = Annotated[
    str | None,
    typer.Option(
        "--dask",
        help="run on Dask: local, local:N (N worker processes) or a scheduler address tcp://host:8786",
    ),
]


def _event_filter(
    since: str | None,
    until: str | None,
    kind: list[str] | None,
    actor: str | None,
    admin1: str | None,
    bbox: str | None,
) -> EventFilter:
    from rasad.store.filters import EventFilter

    try:
        box = tuple(float(x) for x in bbox.split(",")) if bbox else None
        if box is not None and len(box) != 4:
            raise ValueError("--bbox needs four numbers: min_lon,min_lat,max_lon,max_lat")
        return EventFilter(
            since=dt.date.fromisoformat(since) if since else None,
            until=dt.date.fromisoformat(until) if until else None,
            kinds=tuple(kind or ()),
            actor=actor,
            admin1=admin1,
            bbox=box,
        )
    except ValueError as exc:
        _console().print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc


@app.command()
def events(
    inputs: Annotated[
        list[str] | None, typer.Argument(help="articles to process (or none with --db)")
    ] = None,
    output: OutOpt = None,
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help="output format (parquet needs -o)")
    ] = Format.jsonl,
    db: DbOpt = None,
    since: Annotated[str | None, typer.Option(help="events on or after YYYY-MM-DD")] = None,
    until: Annotated[str | None, typer.Option(help="events on or before YYYY-MM-DD")] = None,
    kind: Annotated[list[str] | None, typer.Option(help="event kind (repeatable)")] = None,
    actor: Annotated[str | None, typer.Option(help="actor id or part of a name")] = None,
    admin1: Annotated[str | None, typer.Option(help="governorate")] = None,
    bbox: Annotated[str | None, typer.Option(help="min_lon,min_lat,max_lon,max_lat")] = None,
    published: PublishedOpt = None,
    config: ConfigOpt = None,
    quiet: QuietOpt = False,
    dask: DaskOpt = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out-dir", help="with --dask: write sharded Parquet here")
    ] = None,
) -> None:
    """Write merged events (one per real-world happening), from inputs or from --db."""
    from rasad.export import write_csv, write_geojson, write_jsonl
    from rasad.merge.events import event_json, events_from_articles
    from rasad.store.filters import matches

    flt = _event_filter(since, until, kind, actor, admin1, bbox)
    if fmt is Format.parquet and output is None:
        _console().print("[red]error:[/red] --format parquet needs -o FILE")
        raise typer.Exit(2)
    settings = _settings(config, published=published)
    if not inputs and not db:
        _console().print("[red]error:[/red] give input files, or --db to read stored events")
        raise typer.Exit(2)
    stats = RunStats()
    resources = Resources(settings)
    if inputs and dask:
        from rasad.scale.dask_runner import run_events

        normalizer = resources.normalizer
        docs = run_events(
            inputs,
            dask,
            settings,
            out_dir,
            keep=lambda d: matches(d, flt, normalizer.text),
            stats=stats,
            console=_console(),
            quiet=quiet,
        )
        if output is None and out_dir is not None:
            return
    elif inputs:
        articles_ = list(_articles(inputs, resources, quiet, stats))
        docs = [
            d
            for d in (event_json(e) for e in events_from_articles(articles_))
            if matches(d, flt, resources.normalizer.text)
        ]
    else:
        with _open_store(db) as store:
            docs = store.events(flt)
    if fmt is Format.parquet:
        from rasad.export import write_parquet

        assert output is not None
        output.parent.mkdir(parents=True, exist_ok=True)
        write_parquet(docs, output)
    else:
        writer = {Format.jsonl: write_jsonl, Format.csv: write_csv, Format.geojson: write_geojson}[
            fmt
        ]
        with _output(output) as out:
            writer(docs, out)
    if inputs and not dask:
        _summary(stats, quiet, extra=f", {len(docs)} events")
    elif not inputs and not quiet:
        _console().print(f"{len(docs)} events from {db}")


@contextmanager
def _open_store(url: str | None) -> Iterator[Store]:
    from rasad.store import Store, StoreError

    try:
        store = Store.open(url or "sqlite:///rasad.sqlite")
    except StoreError as exc:
        _console().print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    try:
        yield store
    finally:
        store.close()


@app.command()
def ingest(
    inputs: Inputs,
    db: DbOpt = None,
    published: PublishedOpt = None,
    config: ConfigOpt = None,
    quiet: QuietOpt = False,
    dask: DaskOpt = None,
) -> None:
    """Store articles, their mentions and the merged events in a database (incremental)."""
    from rasad.store.ingest import ingest as run_ingest

    settings = _settings(config, published=published, db=db)
    if dask:
        from rasad.scale.dask_runner import run_ingest as run_dask_ingest

        run_dask_ingest(inputs, dask, settings, settings.db, console=_console(), quiet=quiet)
        return
    console = _console()
    stats = RunStats()
    pipeline = Pipeline(Resources(settings))
    show_bar = console.is_terminal and not quiet
    with _open_store(settings.db) as store, _progress(console, show_bar) as progress:
        run_id = store.start_run("ingest", list(inputs))
        task = progress.add_task("ingesting", total=None)

        def report(item: Article | Problem) -> None:
            if _report(console, item):
                progress.advance(task)

        summary = run_ingest(inputs, store, pipeline, stats, on_item=report)
        for problem in summary.problems:
            if problem.stage == "events":
                console.print(f"[yellow]note[/yellow] {problem.message}")
        store.finish_run(
            run_id,
            status="ok",
            articles_read=stats.read,
            articles_skipped=stats.skipped,
            articles_failed=stats.failed,
            mentions=stats.mentions,
            events=summary.events,
            message=None,
        )
    _summary(
        stats,
        quiet,
        extra=f" ({summary.new} new, {summary.replaced} replaced, {summary.unchanged} unchanged), "
        f"{summary.events} events in {settings.db}",
    )


@app.command()
def articles(
    inputs: Inputs,
    output: OutOpt = None,
    published: PublishedOpt = None,
    config: ConfigOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Write each article as analysed: the text offsets refer to (e.g. extracted from HTML)."""
    settings = _settings(config, published=published)
    _write_jsonl(inputs, output, settings, quiet, lambda a: [article_json(a)])


@app.command()
def evaluate(
    gold: Annotated[Path, typer.Option("--gold", help="gold mentions (JSONL)")],
    pred: Annotated[Path, typer.Option("--pred", help="predicted mentions (JSONL)")],
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable report")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="list misses")] = False,
) -> None:
    """Score predicted mentions against gold: P/R/F1 and per-field accuracy."""
    from rasad.evaluate import evaluate_files

    try:
        report = evaluate_files(gold, pred)
    except RasadError as exc:
        _console().print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    if as_json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=1))
        return
    if verbose:
        for line in report.unmatched_gold:
            print(f"missed gold  {line}")
        for line in report.unmatched_pred:
            print(f"unmatched    {line}")
    for line in report.lines():
        print(line)


@app.command()
def places(
    text: Annotated[str, typer.Argument(help="Arabic text, or a path to a text file")],
    as_json: Annotated[bool, typer.Option("--json", help="JSON output")] = False,
) -> None:
    """Show the places found in a text and how they resolve in the gazetteer."""
    from rasad.recognize.places import describe

    path = Path(text)
    body = path.read_text(encoding="utf-8") if len(text) < 4096 and path.is_file() else text
    resources = Resources(Settings())
    found = describe(body, resources.places, resources.normalizer)
    if as_json:
        print(json.dumps(found, ensure_ascii=False, indent=1))
        return
    console = Console(highlight=False)
    if not found:
        console.print("no places found")
    for row in found:
        console.print(
            f"{row.get('text')} [{row.get('start')}:{row.get('end')}] → {row.get('name')} / "
            f"{row.get('name_ar')} ({row.get('feature_type')}; {row.get('admin1')}, "
            f"{row.get('admin2')}) {row.get('lat')},{row.get('lon')} precision {row.get('precision')}"
        )


@app.command()
def watch(
    feeds: Annotated[list[str], typer.Argument(help="RSS or Atom feed URLs")],
    every: Annotated[str, typer.Option("--every", help="interval: 30s, 5m, 1h")] = "5m",
    rounds: Annotated[int | None, typer.Option("--rounds", help="stop after N rounds")] = None,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Poll news feeds and ingest new articles into the database."""
    from rasad.ingest.feeds import watch as run_watch

    settings = _settings(config, db=db)
    try:
        run_watch(
            feeds, every, settings.db, rounds, Pipeline(Resources(settings)), None, _console().print
        )
    except RasadError as exc:
        _console().print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc


@app.command()
def serve(
    db: DbOpt = None,
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
    tile_url: Annotated[
        str | None, typer.Option(help="map tile server URL (off by default: works offline)")
    ] = None,
    config: ConfigOpt = None,
) -> None:
    """Serve the map-and-timeline page and the JSON API over a database (read-only)."""
    from rasad.web.app import serve as run_server

    settings = _settings(config, db=db)
    try:
        run_server(settings.db, host, port, tile_url)
    except RasadError as exc:
        _console().print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc


def _version(value: bool) -> None:
    if value:
        print(f"rasad {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="show the version")
    ] = False,
) -> None:
    """Rasad: Arabic conflict news to geolocated, source-attributed events."""


def main() -> None:
    app()


if __name__ == "__main__":
    main()

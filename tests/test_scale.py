"""Scale-out: Dask runs equal single-process runs; sharded input and Parquet output;
the synthetic corpus generator is deterministic."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from rich.console import Console

from conftest import SEEDS
from pg import fresh_database, postgres_fixture
from rasad.ingest.reader import ArticleReader
from rasad.merge.events import event_json, events_from_articles
from rasad.model import Article, Problem
from rasad.pipeline import Pipeline, Resources, RunStats
from rasad.scale.dask_runner import SchedulerSpec, extract_articles, run_events, run_ingest
from rasad.scale.shards import (
    ScaleError,
    plan_partitions,
    read_parquet_docs,
    read_partition,
    write_parquet_parts,
)
from rasad.settings import Settings
from rasad.store import Store
from rasad.store.ingest import ingest

REPO = Path(__file__).resolve().parents[1]
pg_server = postgres_fixture()


def _load_generator() -> ModuleType:
    path = REPO / "benchmarks" / "generate_corpus.py"
    spec = importlib.util.spec_from_file_location("rasad_bench_generate_corpus", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def gen_mod() -> ModuleType:
    return _load_generator()


@pytest.fixture(scope="module")
def vocab(gen_mod: ModuleType) -> Any:
    return gen_mod.Vocabulary.load()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, gen_mod: ModuleType, vocab: Any) -> Path:
    """300 synthetic articles in 3 shards (10% re-tell an earlier article's event)."""
    out = tmp_path_factory.mktemp("corpus")
    gen_mod.write_corpus(gen_mod.CorpusGenerator(vocab, seed=7, copy_rate=0.1), 300, out, 3)
    return out


@pytest.fixture(scope="module")
def small_shard(corpus: Path) -> Path:
    """The first 40 articles of the last shard, as a file of their own."""
    path = corpus.parent / f"{corpus.name}-small.jsonl"
    lines = (corpus / "part-00002.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:40]), encoding="utf-8")
    return path


def single_process_events(inputs: list[str], resources: Resources) -> list[dict[str, Any]]:
    articles = [a for a in Pipeline(resources).run(inputs) if isinstance(a, Article)]
    return [event_json(e) for e in events_from_articles(articles)]


# -- Dask equals single process ---------------------------------------------------------------


def test_dask_two_workers_gives_the_single_process_events(
    corpus: Path, resources: Resources, tmp_path: Path
) -> None:
    inputs = [str(corpus)] + ([str(SEEDS)] if SEEDS.exists() else [])
    settings = Settings()
    assert len(plan_partitions(inputs, 40, settings)) >= 8  # spans many partitions
    expected = single_process_events(inputs, resources)
    stats = RunStats()
    timings: dict[str, float] = {}
    got = run_events(inputs, "local:2", settings, out_dir=tmp_path / "out", partition_size=40,
                     stats=stats, quiet=True, timings=timings)
    assert len(expected) > 300
    assert any(len(d["mentions"]) > 1 for d in expected)  # the merge joined reports
    assert got == expected
    assert stats.read == 300 + (5 if SEEDS.exists() else 0)
    assert stats.skipped == 0
    assert set(timings) == {"plan", "cluster", "extract", "partitions", "merge", "write"}
    assert read_parquet_docs(tmp_path / "out") == expected


def test_sync_scheduler_gives_the_single_process_events(
    small_shard: Path, resources: Resources
) -> None:
    shard = str(small_shard)
    expected = single_process_events([shard], resources)
    assert run_events([shard], "sync", Settings(), partition_size=7, quiet=True) == expected


def test_extracted_articles_come_back_slim_and_in_input_order(
    small_shard: Path, resources: Resources
) -> None:
    full = [a for a in Pipeline(resources).run([str(small_shard)]) if isinstance(a, Article)]
    got = extract_articles([str(small_shard)], "sync", Settings(), partition_size=6, quiet=True)
    assert [a.id for a in got] == [a.id for a in full]
    assert [a.mentions for a in got] == [a.mentions for a in full]
    assert [a.norm_text for a in got] == [a.norm_text for a in full]
    assert all(a.norm_offsets for a in full)
    assert not any(a.norm_offsets or a.sentences or a.places or a.numbers or a.clean for a in got)


# -- sharded input ------------------------------------------------------------------------------

GOOD = "اندلعت اشتباكات عنيفة بين مجموعتين مسلحتين في ريف درعا الغربي صباح اليوم."


def _bad_shard(path: Path) -> list[str]:
    """A shard with good lines and bad ones; returns the good ids."""
    lines = [
        json.dumps({"id": "a1", "text": GOOD, "published": "2024-03-02"}, ensure_ascii=False),
        '{"id": "a2", "text": "مقطوع',  # not JSON
        json.dumps({"id": "a3", "text": GOOD + " " + GOOD}, ensure_ascii=False),
        "",  # blank lines are passed over
        json.dumps({"text": GOOD}, ensure_ascii=False),  # no id
        json.dumps({"id": "a6", "text": GOOD, "published": "2 March"}, ensure_ascii=False),
        "[1, 2]",  # not an object
        json.dumps({"id": "a8", "text": GOOD}, ensure_ascii=False),
    ]
    data = ("\n".join(lines) + "\n").encode("utf-8")
    data += b'{"id": "a9", "text": "\xff\xfe"}\n'  # not UTF-8
    data += json.dumps({"id": "a10", "text": GOOD}, ensure_ascii=False).encode("utf-8")  # no \n
    path.write_bytes(data)
    return ["a1", "a3", "a6", "a8", "a10"]


def _key(item: Article | Problem) -> tuple[str, str, str]:
    if isinstance(item, Problem):
        return ("problem", item.code, item.source)
    return ("article", item.id, item.source)


@pytest.mark.parametrize("size", [1, 2, 3, 4, 100])
def test_partitions_report_bad_lines_like_the_reader(tmp_path: Path, size: int) -> None:
    shard = tmp_path / "shard.jsonl"
    good = _bad_shard(shard)
    settings = Settings()
    reference = list(ArticleReader(settings).read([str(shard)]))
    parts = plan_partitions([str(shard)], size, settings)
    assert len(parts) == -(-10 // size)  # ten lines
    items = [item for part in parts for item in read_partition(part, settings)]
    assert sorted(map(_key, items)) == sorted(map(_key, reference))
    assert [i.id for i in items if isinstance(i, Article)] == good
    problems = {p.source.rsplit(":", 1)[1]: p.code for p in items if isinstance(p, Problem)}
    assert problems == {"2": "not_json", "5": "no_id", "7": "not_object", "9": "undecodable"}
    a6 = next(i for i in items if isinstance(i, Article) and i.id == "a6")
    assert [(p.code, p.source) for p in a6.problems] == [("bad_date", f"{shard}:6")]


def test_a_run_reports_bad_lines_and_goes_on(tmp_path: Path) -> None:
    shard = tmp_path / "shard.jsonl"
    _bad_shard(shard)
    out = io.StringIO()
    stats = RunStats()
    run_events([str(shard), str(tmp_path / "missing.jsonl")], "sync", Settings(),
               partition_size=3, stats=stats, console=Console(file=out, width=300))
    text = out.getvalue()
    assert stats.read == 5
    assert stats.skipped == 5  # four bad lines and the missing file
    assert f"skipped {shard}:2: not JSON" in text
    assert f"skipped {shard}:9: line is not valid UTF-8" in text
    assert f"skipped {tmp_path / 'missing.jsonl'}: no such file or folder" in text
    assert "read 5 articles" in text


def test_folders_are_planned_like_the_reader_reads_them(
    tmp_path: Path, resources: Resources
) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "a.meta.json").write_text('{"published": "2024-05-01"}', encoding="utf-8")
    (tmp_path / "notes.md").write_text("# notes", encoding="utf-8")  # passed over in folders
    (tmp_path / "sub" / "b.html").write_text(f"<html><body><p>{GOOD}</p></body></html>",
                                             encoding="utf-8")
    (tmp_path / "sub" / "c.xyz").write_text(GOOD, encoding="utf-8")  # reported
    settings, html = Settings(), resources.html_extractor
    reference = list(ArticleReader(settings, html_extractor=html).read([str(tmp_path)]))
    items = [i for p in plan_partitions([str(tmp_path)], 2, settings)
             for i in read_partition(p, settings, html)]
    assert [_key(i) for i in items if isinstance(i, Problem)] == [
        _key(i) for i in reference if isinstance(i, Problem)
    ] == [("problem", "unknown_extension", str(tmp_path / "sub" / "c.xyz"))]
    articles = [i for i in items if isinstance(i, Article)]
    assert [(a.id, a.source) for a in articles] == [
        (i.id, i.source) for i in reference if isinstance(i, Article)
    ] == [("a", str(tmp_path / "a.txt")), ("b", str(tmp_path / "sub" / "b.html"))]
    assert str(articles[0].published) == "2024-05-01"  # from the sidecar


def test_parquet_input_reads_like_jsonl(tmp_path: Path, gen_mod: ModuleType, vocab: Any) -> None:
    gen = gen_mod.CorpusGenerator(vocab, seed=3)
    gen_mod.write_corpus(gen, 25, tmp_path / "j", 1, "jsonl")
    gen_mod.write_corpus(gen, 25, tmp_path / "p", 1, "parquet")
    settings = Settings()
    parquet = tmp_path / "p" / "part-00000.parquet"
    parts = plan_partitions([str(parquet)], 10, settings)
    assert [p.kind for p in parts] == ["rows"]  # one row group: not cut
    from_parquet = [i for p in parts for i in read_partition(p, settings)]
    from_jsonl = list(ArticleReader(settings).read([str(tmp_path / "j")]))
    assert len(from_parquet) == 25
    for a, b in zip(from_parquet, from_jsonl, strict=True):
        assert isinstance(a, Article) and isinstance(b, Article)
        assert (a.id, a.text, a.published, a.title, a.extra) == (
            b.id, b.text, b.published, b.title, b.extra)
    assert from_parquet[3].source == f"{parquet}:4"


def test_standard_input_cannot_be_distributed() -> None:
    with pytest.raises(ScaleError, match="standard input"):
        plan_partitions(["-"], 10, Settings())


@pytest.mark.parametrize(
    ("spec", "kind", "workers", "address"),
    [
        ("sync", "sync", 1, ""),
        ("local:3", "local", 3, ""),
        ("tcp://10.0.0.5:8786", "address", 0, "tcp://10.0.0.5:8786"),
        ("scheduler:8786", "address", 0, "tcp://scheduler:8786"),
    ],
)
def test_scheduler_specs(spec: str, kind: str, workers: int, address: str) -> None:
    assert SchedulerSpec.parse(spec) == SchedulerSpec(kind, workers, address)


@pytest.mark.parametrize("spec", ["local:0", "local:two", "cluster", ""])
def test_bad_scheduler_specs(spec: str) -> None:
    with pytest.raises(ScaleError, match="bad scheduler"):
        SchedulerSpec.parse(spec)


# -- Parquet output ---------------------------------------------------------------------------


def test_parquet_parts_keep_types_and_read_back(tmp_path: Path, corpus: Path) -> None:
    docs = run_events([str(corpus / "part-00000.jsonl")], "sync", Settings(),
                      partition_size=50, quiet=True)[:120]
    paths = write_parquet_parts(docs, tmp_path, rows_per_part=50)
    assert [p.name for p in paths] == ["part-00000.parquet", "part-00001.parquet",
                                       "part-00002.parquet"]
    schema = pq.read_schema(paths[0])
    assert schema.field("id").type == pa.string()
    assert schema.field("date").type == pa.date32()
    assert schema.field("fatalities").type == pa.int64()
    assert schema.field("confidence").type == pa.float64()
    assert schema.field("historical").type == pa.bool_()
    assert schema.field("lat").type == pa.float64()  # convenience column from location
    assert schema.field("location").type == pa.string()  # nested: a JSON string
    table = pq.read_table(paths[0])
    row = table.slice(0, 1).to_pylist()[0]
    assert json.loads(row["location"])["lat"] == row["lat"] == docs[0]["location"]["lat"]
    assert sum(pq.read_metadata(p).num_rows for p in paths) == 120
    assert read_parquet_docs(tmp_path) == docs
    write_parquet_parts(docs[:10], tmp_path)  # old parts are replaced
    assert read_parquet_docs(tmp_path) == docs[:10]


@pytest.mark.parametrize(
    ("values", "arrow"),
    [
        ([1, None, 3], pa.int64()),
        ([1, 2.5], pa.float64()),
        (["2024-01-02", None], pa.date32()),
        (["2024-01-02", "soon"], pa.string()),
        ([True, False], pa.bool_()),
        ([{"a": 1}, [1, 2]], pa.string()),
        ([1, "x"], pa.string()),
    ],
)
def test_parquet_column_types(tmp_path: Path, values: list[Any], arrow: pa.DataType) -> None:
    docs = [{"v": v} for v in values]
    (path,) = write_parquet_parts(docs, tmp_path)
    assert pq.read_schema(path).field("v").type == arrow
    assert read_parquet_docs(path) == docs


# -- ingest on workers ----------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def db_pair(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/dask.sqlite", f"sqlite:///{tmp_path}/single.sqlite"
    else:
        server = request.getfixturevalue("pg_server")
        with contextlib.ExitStack() as stack:
            yield (stack.enter_context(fresh_database(server)),
                   stack.enter_context(fresh_database(server)))


def _dump(url: str) -> dict[str, Any]:
    with contextlib.closing(Store.open(url)) as store:
        return store.dump()


def test_dask_ingest_stores_what_a_single_process_ingest_stores(
    small_shard: Path, resources: Resources, db_pair: tuple[str, str]
) -> None:
    dask_url, single_url = db_pair
    inputs = [str(small_shard)]
    with contextlib.closing(Store.open(single_url)) as store:
        ingest(inputs, store, Pipeline(resources), RunStats())
    summary = run_ingest(inputs, "local:2", Settings(), dask_url, partition_size=6,
                         batch_size=4, quiet=True)
    assert (summary.new, summary.replaced, summary.unchanged) == (40, 0, 0)
    assert _dump(dask_url) == _dump(single_url)
    again = run_ingest(inputs, "sync", Settings(), dask_url, partition_size=30, quiet=True)
    assert (again.new, again.unchanged) == (0, 40)
    with contextlib.closing(Store.open(dask_url)) as store:
        assert [r["command"] for r in store.runs()] == ["ingest --dask", "ingest --dask"]
        assert store.runs()[0]["status"] == "ok"


# -- the synthetic corpus -----------------------------------------------------------------------


def test_generator_is_deterministic_and_independent_of_sharding(
    tmp_path: Path, gen_mod: ModuleType, vocab: Any
) -> None:
    def lines(seed: int, shards: int, name: str) -> list[str]:
        gen = gen_mod.CorpusGenerator(vocab, seed=seed)
        paths = gen_mod.write_corpus(gen, 40, tmp_path / name, shards)
        assert len(paths) == shards
        return [line for p in paths for line in p.read_text(encoding="utf-8").splitlines()]

    one = lines(5, 1, "a")
    assert one == lines(5, 4, "b")
    other = lines(6, 1, "c")
    assert len(one) == len(other) == 40
    assert not set(one) & set(other)
    whole = (tmp_path / "a" / "part-00000.jsonl").read_bytes()
    assert whole == b"".join(p.read_bytes() for p in sorted((tmp_path / "b").iterdir()))


def test_generated_articles_are_marked_synthetic_and_sized(
    gen_mod: ModuleType, vocab: Any
) -> None:
    gen = gen_mod.CorpusGenerator(vocab, seed=11, copy_rate=0.3)
    rows = [gen.article(i) for i in range(200)]
    assert len({r["id"] for r in rows}) == 200
    for r in rows:
        assert r["synthetic"] is True and r["outlet"] == "synthetic.invalid"
        assert r["url"].startswith("https://synthetic.invalid/")
        assert vocab.templates["marker"] in r["text"]
        assert 3000 <= len(r["text"].encode("utf-8")) <= 5000
        assert r["text"].startswith(r["title"] + "\n")
        assert "{" not in r["text"] and "[" not in r["text"]  # every slot filled
    copies = [i for i in range(200) if gen.source_of(i) != i]
    assert 30 <= len(copies) <= 90  # about 30%
    assert all(gen.source_of(i) < i for i in copies)
    assert gen.event(gen.source_of(copies[0])) == gen.event(gen.source_of(copies[0]))

"""The bad-input corpus (tests/data/bad/ + what make.py generates) through the reader, the
pipeline, and `rasad extract` / `events` / `ingest`: every bad input gets a clear message
naming it, the batch goes on, nothing already stored is lost, and the limits are settings.
See docs/robustness.md for the list."""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.util
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from conftest import DEV, OWN_DEV, read_jsonl
from rasad.ingest.language import LanguageProfiles
from rasad.ingest.reader import ArticleReader
from rasad.model import Article, Problem
from rasad.pipeline import Deadline, Pipeline, Resources
from rasad.settings import Settings, load_settings
from rasad.store import Store

BAD = Path(__file__).resolve().parent / "data" / "bad"


def _load_make() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bad_make", BAD / "make.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make = _load_make()
GOOD: str = make.GOOD
GOOD_2: str = make.GOOD_2

#: committed file → outcome of each item the reader yields for it, in order ("article",
#: with ":code" per warning on it, or the problem's code).
COMMITTED: dict[str, list[str]] = {
    "lines.jsonl": [
        "article",  # 1 good
        "not_json",  # 2 truncated mid-line
        "not_json",  # 3 not JSON at all
        "not_json",  # 4 single quotes
        "not_json",  # 5 trailing comma
        "not_object",  # 6 a list
        "not_object",  # 7 a string
        "not_object",  # 8 null
        *["no_id"] * 6,  # 9-14 id as list, dict, bool, float; missing; blank
        "bad_id",  # 15 300 characters
        "bad_id",  # 16 a newline in the id
        *["no_text"] * 5,  # 17-21 text as dict, list, number; missing; blank
        "bad_text",  # 22 NUL character
        "bad_text",  # 23 lone surrogate
        *["article:bad_date"] * 3,  # 24-26 published as number, garbage, list
        *["article:bad_date"] * 2,  # 27-28 published 0001-01-01, 9999-12-31
        "article:bad_field:bad_field:bad_field",  # 29 title/url/outlet of wrong types
        "duplicate_id",  # 30 id of line 1 again
        "article",  # 31 id as a number
        "duplicate_id",  # 32 the same id as a string
        "not_arabic",  # 33 English
        "not_arabic",  # 34 Kurmanji (Latin script)
        *["wrong_language"] * 3,  # 35-37 Persian, Sorani, Urdu (Arabic script)
        "article",  # 38 Arabic with English names and a quote
        "article",  # 39 Arabic quoting a Persian sentence
        "article",  # 40 zero-width and bidi control characters
        "not_arabic",  # 41 only numbers
        # 42 a blank line: nothing
        "not_json",  # 43 the file ends mid-line
    ],
    "empty.txt": ["empty"],
    "empty.jsonl": ["empty"],
    "blank.txt": ["empty"],
    "english.txt": ["not_arabic"],
    "kurmanji.txt": ["not_arabic"],
    "persian.txt": ["wrong_language"],
    "sorani.txt": ["wrong_language"],
    "urdu.txt": ["wrong_language"],
    "mixed-scripts.txt": ["article"],
    "zero-width-bidi.txt": ["article"],
    "bad-sidecar.txt": ["article:bad_sidecar"],
    "far-dates.txt": ["article:bad_date"],
    "unknown.xyz": ["unknown_extension"],
    "page-without-article.html": ["article"],  # the page's title is all the text there is
}


def outcome(item: Article | Problem) -> str:
    if isinstance(item, Problem):
        return item.code
    return ":".join(["article", *(p.code for p in item.problems)])


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bad")
    make.build(out)
    return out


@pytest.fixture(scope="module")
def reader_resources() -> Resources:
    return Resources(Settings())


def read_one(resources: Resources, path: Path, tmp_path: Path) -> list[Article | Problem]:
    """Read a bad input followed by a good one: the good one must still come through."""
    good = tmp_path / "zz-after.txt"
    good.write_text(GOOD, encoding="utf-8")
    items = list(resources.reader().read([str(path), str(good)]))
    last = items.pop()
    assert isinstance(last, Article) and last.id == "zz-after", "the batch did not go on"
    return items


@pytest.mark.parametrize("name", sorted(COMMITTED))
def test_committed_bad_inputs(
    name: str, reader_resources: Resources, tmp_path: Path
) -> None:
    items = read_one(reader_resources, BAD / name, tmp_path)
    assert [outcome(i) for i in items] == COMMITTED[name]
    for item in items:
        problems = [item] if isinstance(item, Problem) else item.problems
        for p in problems:
            assert Path(p.source).name.split(":")[0] in {name, name.replace(".txt", ".meta.json")}
            assert len(p.message) > 10


def test_json_lines_say_what_they_expect(reader_resources: Resources, tmp_path: Path) -> None:
    """Each JSON line of lines.jsonl carries its own expectation in an unknown field."""
    items = read_one(reader_resources, BAD / "lines.jsonl", tmp_path)
    by_line = {int(i.source.rsplit(":", 1)[1]): i for i in items}
    lines = (BAD / "lines.jsonl").read_text(encoding="utf-8").split("\n")
    checked = 0
    for lineno, line in enumerate(lines, start=1):
        with contextlib.suppress(json.JSONDecodeError):
            obj = json.loads(line)
            if isinstance(obj, dict) and "expect" in obj:
                assert outcome(by_line[lineno]) == obj["expect"], f"line {lineno}"
                checked += 1
    assert checked >= 30


@pytest.mark.parametrize("name", sorted(make.EXPECT))
def test_generated_bad_inputs(
    name: str, generated: Path, reader_resources: Resources, tmp_path: Path
) -> None:
    items = read_one(reader_resources, generated / name, tmp_path)
    assert [outcome(i) for i in items] == make.EXPECT[name]
    for item in items:
        for p in [item] if isinstance(item, Problem) else item.problems:
            assert name in p.source


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("cp1256.txt", ["cp1256", "fallback_encodings"]),
        ("cp1256-noise.txt", ["not valid UTF-8", "cp1256", "fallback_encodings"]),
        ("latin1-french.txt", ["not valid UTF-8", "re-encode"]),
        ("damaged-utf8.txt", ["damaged", "otherwise UTF-8"]),
        ("utf16-nobom.txt", ["NUL", "UTF-16"]),
        ("big-50mb.txt", ["max_article_chars", "50000"]),
        ("big-50mb-one-line.jsonl", ["max_article_chars", "skipped unread"]),
        ("deep-nesting.jsonl", ["RecursionError"]),
        ("huge-number.jsonl", ["digits"]),
        ("nested-10k.html", ["no article text"]),
    ],
)
def test_messages_say_what_is_wrong(
    name: str, words: list[str], generated: Path, reader_resources: Resources, tmp_path: Path
) -> None:
    items = read_one(reader_resources, generated / name, tmp_path)
    first = items[0]
    message = first.message if isinstance(first, Problem) else first.problems[0].message
    for word in words:
        assert word in message


def test_windows_1256_text_is_decoded_exactly(generated: Path, reader_resources: Resources) -> None:
    (article,) = reader_resources.reader().read([str(generated / "cp1256.txt")])
    assert isinstance(article, Article)
    assert article.text == GOOD + "\n" + GOOD_2 + "\n"


def test_utf16_jsonl_lines_are_numbered(generated: Path, reader_resources: Resources) -> None:
    items = list(reader_resources.reader().read([str(generated / "utf16-bom.jsonl")]))
    assert [i.source.rsplit(":", 1)[1] for i in items] == ["1", "2", "3"]
    assert isinstance(items[0], Article) and items[0].text == GOOD


def test_fifty_megabytes_of_lines_stream(tmp_path: Path) -> None:
    """A 50 MB JSONL file of short lines is read line by line, in bounded time."""
    path = tmp_path / "many.jsonl"
    line = json.dumps({"id": "x", "text": "Clashes near Aleppo. " * 40}) + "\n"
    with path.open("w", encoding="utf-8") as fh:
        for i in range(50_000_000 // len(line)):
            fh.write(line.replace('"x"', f'"x{i}"', 1))
    assert path.stat().st_size > 49_000_000
    t0 = time.perf_counter()
    n = 0
    for item in ArticleReader(Settings()).read([str(path)]):
        assert isinstance(item, Problem) and item.code == "not_arabic"
        n += 1
    assert n == 50_000_000 // len(line)
    assert time.perf_counter() - t0 < 60


# -- the limits are settings ------------------------------------------------------------


def test_file_size_limit_is_a_setting_named_in_the_message(tmp_path: Path) -> None:
    for name in ("a.txt", "a.jsonl", "a.html"):
        path = tmp_path / name
        body = GOOD if name.endswith(".txt") else json.dumps({"id": "a", "text": GOOD})
        path.write_text(body, encoding="utf-8")
        (p,) = ArticleReader(Settings(max_file_bytes=100)).read([str(path)])
        assert isinstance(p, Problem) and p.code == "too_large"
        assert "max_file_bytes" in p.message and "100" in p.message


def test_article_length_limit_is_a_setting_named_in_the_message(tmp_path: Path) -> None:
    settings = load_settings(environ={"RASAD_MAX_ARTICLE_CHARS": "100"})
    assert settings.max_article_chars == 100
    txt = tmp_path / "a.txt"
    txt.write_text(GOOD, encoding="utf-8")
    short_line = json.dumps({"id": "s", "text": GOOD}, ensure_ascii=False)
    long_line = json.dumps({"id": "l", "text": GOOD * 400}, ensure_ascii=False)
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text(f"{short_line}\n{long_line}\n", encoding="utf-8")
    items = list(ArticleReader(settings).read([str(txt), str(jsonl)]))
    assert [outcome(i) for i in items] == ["too_long"] * 3
    for p in items:
        assert isinstance(p, Problem) and "max_article_chars" in p.message
    assert isinstance(items[2], Problem) and "skipped unread" in items[2].message
    with pytest.raises(Exception, match="max_article_chars"):
        load_settings(environ={"RASAD_MAX_ARTICLE_CHARS": "0"})


def test_published_range_is_a_setting(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text(
        json.dumps({"id": "old", "text": GOOD, "published": "1850-05-01"}) + "\n", encoding="utf-8"
    )
    (a,) = ArticleReader(Settings()).read([str(path)])
    assert isinstance(a, Article) and a.published is None
    assert "earliest_published" in a.problems[0].message
    (b,) = ArticleReader(Settings(earliest_published=dt.date(1800, 1, 1))).read([str(path)])
    assert isinstance(b, Article) and b.published == dt.date(1850, 5, 1) and not b.problems
    with pytest.raises(Exception, match="earliest_published"):
        load_settings(environ={"RASAD_PUBLISHED": "0001-01-01"})


def test_languages_is_a_setting() -> None:
    persian = BAD / "persian.txt"
    (p,) = ArticleReader(Settings()).read([str(persian)])
    assert isinstance(p, Problem) and p.code == "wrong_language"
    assert "Persian (fa)" in p.message and "setting languages" in p.message
    settings = load_settings(environ={"RASAD_LANGUAGES": "ar:fa"})
    (a,) = ArticleReader(settings).read([str(persian)])
    assert isinstance(a, Article)


def test_fallback_encodings_is_a_setting(generated: Path) -> None:
    (p,) = ArticleReader(Settings(fallback_encodings=[])).read([str(generated / "cp1256.txt")])
    assert isinstance(p, Problem) and p.code == "undecodable"
    with pytest.raises(Exception, match="unknown encoding"):
        load_settings(environ={"RASAD_FALLBACK_ENCODINGS": "no-such-codec"})


# -- the time limit per article -----------------------------------------------------------


def _timed_run(settings: Settings, tmp_path: Path) -> list[Article | Problem]:
    path = tmp_path / "in.jsonl"
    big = " ".join([GOOD] * 800)  # ~150 KB: seconds of work; the small one takes ~3 ms
    path.write_text(
        json.dumps({"id": "big", "text": big}, ensure_ascii=False) + "\n"
        + json.dumps({"id": "small", "text": GOOD}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    return list(Pipeline(Resources(settings)).run([str(path)]))


def test_time_limit_per_article_is_a_setting(tmp_path: Path) -> None:
    t0 = time.perf_counter()
    big, small = _timed_run(Settings(max_seconds_per_article=0.05), tmp_path)
    assert time.perf_counter() - t0 < 5
    assert isinstance(big, Article) and isinstance(small, Article)
    (problem,) = big.problems
    assert problem.code == "timeout" and "max_seconds_per_article" in problem.message
    assert problem.stage in {n for n, _ in Pipeline(Resources(Settings())).stages()}
    assert big.mentions == []
    assert not small.problems and small.mentions, "the next article is analysed as usual"


def test_time_limit_off_the_main_thread(tmp_path: Path) -> None:
    """In a worker thread (no SIGALRM) the limit is checked between stages."""
    result: list[list[Article | Problem]] = []
    worker = threading.Thread(
        target=lambda: result.append(_timed_run(Settings(max_seconds_per_article=0.05), tmp_path))
    )
    worker.start()
    worker.join(120)
    big, small = result[0]
    assert isinstance(big, Article) and [p.code for p in big.problems] == ["timeout"]
    assert isinstance(small, Article) and small.mentions


def test_no_time_limit_with_zero(tmp_path: Path) -> None:
    big, _ = _timed_run(Settings(max_seconds_per_article=0), tmp_path)
    assert isinstance(big, Article) and not big.problems


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="no setitimer on this platform")
def test_deadline_restores_the_previous_handler_and_timer() -> None:
    fired: list[int] = []

    def previous(signum: int, frame: Any) -> None:
        fired.append(signum)

    old = signal.signal(signal.SIGALRM, previous)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        with Deadline(5):
            pass
        assert signal.getsignal(signal.SIGALRM) is previous
        remaining = signal.getitimer(signal.ITIMER_REAL)[0]
        assert 0 < remaining <= 0.3
        time.sleep(0.4)
        assert fired == [signal.SIGALRM]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


# -- language identification --------------------------------------------------------------


@pytest.fixture(scope="module")
def profiles() -> LanguageProfiles:
    return LanguageProfiles.load()


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("قالت مصادر محلية إن ثلاثة مدنيين قتلوا في قصف على ريف إدلب الجنوبي.", "ar"),
        ("نیروهای دولتی سوریه روز یکشنبه در حومه شرقی حلب با گروه‌های مسلح درگیر شدند.", "fa"),
        # Persian typed on an Arabic keyboard (ي and ك): still Persian.
        ("نيروهاي دولتي سوريه روز يكشنبه در حومه شرقي حلب با گروه‌هاي مسلح درگير شدند و "
         "به گفته ديده‌بان حقوق بشر پنج نفر كشته شدند.", "fa"),
        ("هێزەکانی سوریای دیموکرات ڕایانگەیاند کە لە نزیک قامشلۆ دوو چەکدار کوژران.", "ckb"),
        ("شام کے شمالی شہر حلب کے قریب جھڑپوں میں کم از کم پانچ افراد ہلاک ہو گئے۔", "ur"),
        # Too little evidence (a name, numbers): the default, Arabic.
        ("حلب 2026", "ar"),
        ("", "ar"),
    ],
)
def test_language_profiles(profiles: LanguageProfiles, text: str, code: str) -> None:
    assert profiles.identify(text).code == code


def test_arabic_with_a_persian_quote_is_arabic(profiles: LanguageProfiles) -> None:
    text = next(
        json.loads(line)["text"]
        for line in (BAD / "lines.jsonl").read_text(encoding="utf-8").splitlines()
        if '"persian-quote"' in line
    )
    guess = profiles.identify(text)
    assert guess.code == "ar" and guess.scores["fa"] > 0


def test_no_dev_article_is_taken_for_another_language(profiles: LanguageProfiles) -> None:
    texts = [str(d["text"]) for d in read_jsonl(OWN_DEV / "input.jsonl") if "text" in d]
    if (DEV / "input.jsonl").exists():
        texts += [str(d["text"]) for d in read_jsonl(DEV / "input.jsonl")]
    assert len(texts) >= 50
    wrong = [(profiles.identify(t).code, t[:60]) for t in texts if profiles.identify(t).code != "ar"]
    assert wrong == []


def test_extra_profiles_add_a_language(tmp_path: Path, profiles: LanguageProfiles) -> None:
    extra = tmp_path / "ps.json"
    extra.write_text(
        json.dumps({"languages": {"ps": {"name": "Pashto", "letters": ["ټ", "ډ", "ړ", "ښ", "ږ"],
                                         "words": ["د", "په", "او", "چې", "دا", "کې", "ته"]}}}),
        encoding="utf-8",
    )
    more = LanguageProfiles.load(extra=[extra])
    text = "د سوریې په شمال کې د حلب ښار ته نږدې جګړې روانې دي او دا چې ډېر خلک وژل شوي."
    assert more.identify(text).code == "ps"
    assert profiles.identify(text).code != "ps"


def test_language_file_matches_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    data_dir = Path(__file__).resolve().parents[1] / "src" / "rasad" / "data"
    data = json.loads((data_dir / "languages.json").read_text(encoding="utf-8"))
    schema = json.loads((data_dir / "schemas" / "languages.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)


# -- the commands over the whole corpus -----------------------------------------------------


def rasad(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rasad", *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, "RASAD_MAX_SECONDS_PER_ARTICLE": "1", **(env or {})},
    )


def _named_in(stderr: str, generated: Path) -> list[str]:
    """Bad inputs (problem or warning expected) that stderr does not name."""
    wanted = [n for n, codes in COMMITTED.items() if codes != ["article"]]
    wanted += [n for n, codes in make.EXPECT.items() if codes != ["article"]]
    return [n for n in wanted if Path(n).stem not in stderr]


def test_extract_over_the_corpus(generated: Path) -> None:
    result = rasad("extract", str(BAD), str(generated))
    assert result.returncode == 0, result.stderr[-3000:]
    assert _named_in(result.stderr, generated) == []
    assert "Traceback" not in result.stderr
    mentions = [json.loads(line) for line in result.stdout.splitlines()]
    ids = {m["article_id"] for m in mentions}
    assert {"g1", "w1", "u1", "after-deep", "after-huge"} <= ids
    assert len({m["id"] for m in mentions}) == len(mentions), "duplicate mention ids"
    # The 200 KB line takes more than the limit of 1 s: a warning, not a crash.
    assert "long-line-200k.txt: analysis took longer than 1 s" in result.stderr


def test_events_over_the_corpus(generated: Path) -> None:
    result = rasad("events", str(BAD), str(generated), "--quiet")
    assert result.returncode == 0, result.stderr[-3000:]
    assert _named_in(result.stderr, generated) == []
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert events and all(e["mentions"] for e in events)


def _article_rows(dump: dict[str, list[dict[str, Any]]], ids: set[str]) -> Any:
    return (
        [r for r in dump["articles"] if r["id"] in ids],
        [r for r in dump["mentions"] if r["article_id"] in ids],
    )


def test_ingest_of_the_corpus_loses_nothing_stored(generated: Path, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/bad.sqlite"
    good = tmp_path / "good.jsonl"
    rows = [
        {"id": "g1", "text": GOOD, "published": "2026-01-13"},
        {"id": "t-dict", "text": GOOD_2, "published": "2026-01-13"},
        {"id": "lang-fa", "text": GOOD_2 + " " + GOOD, "published": "2026-01-14"},
    ]
    good.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    first = rasad("ingest", str(good), "--db", db)
    assert first.returncode == 0, first.stderr
    with contextlib.closing(Store.open(db)) as store:
        before = _article_rows(store.dump(), {"g1", "t-dict", "lang-fa"})
    assert len(before[0]) == 3 and before[1]

    # The corpus reuses those ids for a duplicate (g1), a dict text (t-dict) and a Persian
    # article (lang-fa): all skipped, so the stored rows stay as they are.
    second = rasad("ingest", str(BAD), str(generated), "--db", db)
    assert second.returncode == 0, second.stderr[-3000:]
    assert "Traceback" not in second.stderr
    skipped = [n for n, codes in COMMITTED.items() if any(not c.startswith("article") for c in codes)]
    skipped += [n for n, codes in make.EXPECT.items() if any(not c.startswith("article") for c in codes)]
    assert [n for n in skipped if Path(n).stem not in second.stderr] == []
    with contextlib.closing(Store.open(db)) as store:
        after = store.dump()
        assert _article_rows(after, {"g1", "t-dict", "lang-fa"}) == before
        assert {"w1", "u1", "after-deep", "after-huge"} <= {r["id"] for r in after["articles"]}

    third = rasad("ingest", str(BAD), str(generated), "--db", db)
    assert third.returncode == 0, third.stderr[-3000:]
    with contextlib.closing(Store.open(db)) as store:
        assert store.dump() == after, "a second run of the same inputs changes nothing"

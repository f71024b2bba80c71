"""Input reading: JSONL, text, folders, sidecars, --published, and every kind of bad input."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest

from rasad.errors import InputError
from rasad.ingest.reader import ArticleReader, arabic_ratio, parse_published
from rasad.model import Article, Problem
from rasad.settings import Settings

AR = "اندلعت اشتباكات عنيفة بين الطرفين في ريف حلب الشرقي صباح اليوم."


def read(paths: list[str], **kw: object) -> list[Article | Problem]:
    return list(ArticleReader(Settings(**kw)).read(paths))  # type: ignore[arg-type]


def write_jsonl(path: Path, rows: list[object]) -> None:
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows) + "\n",
        encoding="utf-8",
    )


def test_jsonl_articles_in_order_with_metadata(tmp_path: Path) -> None:
    f = tmp_path / "in.jsonl"
    write_jsonl(f, [
        {"id": "a1", "text": AR, "url": "https://x.invalid/1", "outlet": "x", "title": "t",
         "published": "2026-01-16", "extra_field": 5},
        {"id": "a2", "text": AR, "published": "2026-01-16T18:30:00+03:00"},
        {"id": "a3", "text": AR, "published": None},
    ])
    items = read([str(f)])
    assert [type(i) for i in items] == [Article, Article, Article]
    a1, a2, a3 = items
    assert isinstance(a1, Article) and isinstance(a2, Article) and isinstance(a3, Article)
    assert (a1.id, a1.url, a1.outlet, a1.title) == ("a1", "https://x.invalid/1", "x", "t")
    assert a1.published == dt.date(2026, 1, 16)
    assert a1.extra == {"extra_field": 5}
    assert a2.published == dt.date(2026, 1, 16)
    assert a3.published is None
    assert a1.source == f"{f}:1"


def test_published_flag_applies_only_where_missing(tmp_path: Path) -> None:
    f = tmp_path / "in.jsonl"
    write_jsonl(f, [{"id": "a", "text": AR, "published": "2018-12-03"}, {"id": "b", "text": AR}])
    a, b = read([str(f)], published=dt.date(2026, 1, 1))
    assert isinstance(a, Article) and isinstance(b, Article)
    assert a.published == dt.date(2018, 12, 3)
    assert b.published == dt.date(2026, 1, 1)


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("{not json", "not_json"),
        ("[1, 2]", "not_object"),
        (json.dumps({"text": AR}), "no_id"),
        (json.dumps({"id": "", "text": AR}), "no_id"),
        (json.dumps({"id": "x"}), "no_text"),
        (json.dumps({"id": "x", "text": 42}), "no_text"),
        (json.dumps({"id": "x", "text": "   "}), "no_text"),
        (json.dumps({"id": "x", "text": "Clashes broke out in the eastern countryside today."}), "not_arabic"),
    ],
)
def test_bad_jsonl_lines_are_reported_with_line_number(tmp_path: Path, line: str, code: str) -> None:
    f = tmp_path / "bad.jsonl"
    write_jsonl(f, [{"id": "ok1", "text": AR}, line, {"id": "ok2", "text": AR}])
    items = read([str(f)])
    assert [i.id for i in items if isinstance(i, Article)] == ["ok1", "ok2"]
    problems = [i for i in items if isinstance(i, Problem)]
    assert len(problems) == 1
    assert problems[0].code == code
    assert problems[0].source == f"{f}:2"


def test_bad_published_keeps_article_with_warning(tmp_path: Path) -> None:
    f = tmp_path / "in.jsonl"
    write_jsonl(f, [{"id": "a", "text": AR, "published": "16/01/2026"}])
    (a,) = read([str(f)])
    assert isinstance(a, Article)
    assert a.published is None
    assert a.problems and a.problems[0].code == "bad_date"


def test_folder_recursive_in_name_order_with_sidecars(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "002.txt").write_text(AR, encoding="utf-8")
    (tmp_path / "001.txt").write_text(AR, encoding="utf-8")
    (tmp_path / "001.meta.json").write_text(
        json.dumps({"published": "2026-01-09", "outlet": "o", "ignored": 1}), encoding="utf-8"
    )
    (tmp_path / "README.md").write_text("notes", encoding="utf-8")
    items = read([str(tmp_path)])
    arts = [i for i in items if isinstance(i, Article)]
    assert [a.id for a in arts] == ["001", "002"]
    assert arts[0].published == dt.date(2026, 1, 9)
    assert arts[0].outlet == "o"
    assert arts[1].published is None
    assert not [i for i in items if isinstance(i, Problem)]


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"  \n\n ", "empty"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("latin1.txt", "اشتباكات".encode()[:3] + b"\xff\xfe\xfa", "undecodable"),
        ("image.png", b"\x89PNG", "unknown_extension"),
        ("empty.jsonl", b"", "empty"),
    ],
)
def test_bad_files_are_skipped_with_a_message(tmp_path: Path, name: str, content: bytes, code: str) -> None:
    bad = tmp_path / name
    bad.write_bytes(content)
    good = tmp_path / "z_good.txt"
    good.write_text(AR, encoding="utf-8")
    items = read([str(bad), str(good)])
    assert isinstance(items[-1], Article)
    assert isinstance(items[0], Problem)
    assert items[0].code == code
    assert name in items[0].source


def test_utf16_with_bom_is_read(tmp_path: Path) -> None:
    f = tmp_path / "u16.txt"
    f.write_bytes(AR.encode("utf-16"))
    (a,) = read([str(f)])
    assert isinstance(a, Article) and a.text == AR


def test_missing_path(tmp_path: Path) -> None:
    (p,) = read([str(tmp_path / "nope.jsonl")])
    assert isinstance(p, Problem) and p.code == "not_found"


def test_stdin_dash() -> None:
    stream = io.StringIO(json.dumps({"id": "s1", "text": AR}) + "\n{broken\n")
    items = list(ArticleReader(Settings(), stdin=stream).read(["-"]))
    assert isinstance(items[0], Article) and items[0].id == "s1"
    assert isinstance(items[1], Problem) and items[1].source == "<stdin>:2"


def test_html_without_extractor_is_a_problem(tmp_path: Path) -> None:
    f = tmp_path / "p.html"
    f.write_text(f"<html><body><p>{AR}</p></body></html>", encoding="utf-8")
    (p,) = read([str(f)])
    assert isinstance(p, Problem) and p.code == "no_html_support"


def test_size_limit_is_a_setting(tmp_path: Path) -> None:
    f = tmp_path / "big.txt"
    f.write_text(AR * 10, encoding="utf-8")
    (p,) = read([str(f)], max_file_bytes=100)
    assert isinstance(p, Problem) and p.code == "too_large"
    (a,) = read([str(f)])
    assert isinstance(a, Article)


def test_parse_published_and_ratio() -> None:
    assert parse_published("2026-01-16", "x") == dt.date(2026, 1, 16)
    assert parse_published("2026-01-16T23:10:00Z", "x") == dt.date(2026, 1, 16)
    assert parse_published(None, "x") is None
    with pytest.raises(InputError):
        parse_published(20260116, "x")
    assert arabic_ratio(AR) > 0.9
    assert arabic_ratio("hello world") == 0.0

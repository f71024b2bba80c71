"""Tests of rasad.ingest.html on the test pages in tests/data/html.

Each page was written for these tests (invented text, marked as such in the page) in the
layout of a kind of Arabic news site. Elements marked ``data-gold="body"`` hold the
article's text and ``data-gold="boilerplate"`` page furniture; :func:`measure` scores an
extractor by the share of body sentences it keeps and the number of boilerplate items that
leak into the analysed text. Run ``python tests/test_html.py`` to print the table that
``docs/html-extraction.md`` reports.
"""

from __future__ import annotations

import datetime as dt
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import html as lxml_html

from rasad.ingest.html import HtmlExtractor, JustextParams, extract_html
from rasad.model import Article
from rasad.text.clean import Cleaner
from rasad.text.normalize import Normalizer
from rasad.text.segment import SegmentationRules, segment

PAGES = Path(__file__).resolve().parent / "data" / "html"
PAGE_NAMES = sorted(p.name for p in PAGES.glob("*.html"))


def _ws(text: str) -> str:
    return " ".join(text.split())


def gold(page: str) -> tuple[list[str], list[str]]:
    """Body sentences and boilerplate items marked in a test page."""
    tree = lxml_html.fromstring(page)
    body: list[str] = []
    furniture: list[str] = []
    for el in tree.xpath("//*[@data-gold]"):
        text = _ws(el.text_content())
        if el.get("data-gold") == "body":
            body.extend(s for s in re.split(r"(?<=[.!؟?])\s+", text) if s)
        else:
            furniture.append(text)
    return body, furniture


@dataclass
class Score:
    kept: int
    body: int
    leaked: int
    furniture: int


def score(page: str, text: str, cleaner: Cleaner | None) -> Score:
    body, furniture = gold(page)
    if cleaner is not None:
        art = Article(id="page", text=text)
        cleaner(art)
        text = art.clean or ""
    flat = _ws(text)
    return Score(
        sum(s in flat for s in body), len(body), sum(f in flat for f in furniture), len(furniture)
    )


def extractors() -> dict[str, Callable[[str], str]]:
    chosen = HtmlExtractor.load()
    with_tables = HtmlExtractor.load()
    with_tables.include_tables = True
    default_justext = HtmlExtractor.load()
    default_justext.justext = JustextParams(
        length_low=70, length_high=200, stopwords_low=0.30, stopwords_high=0.32
    )
    return {
        "trafilatura (tables on)": with_tables.trafilatura_text,
        "trafilatura (tables off)": chosen.trafilatura_text,
        "justext (default thresholds)": default_justext.justext_text,
        "justext (tuned thresholds)": chosen.justext_text,
        "chosen: trafilatura, justext fallback": lambda page: chosen(page).text,
    }


def measure() -> dict[str, dict[str, tuple[Score, Score]]]:
    """For each extractor and page: the score of the raw text and of the cleaned text."""
    cleaner = Cleaner.load()
    table: dict[str, dict[str, tuple[Score, Score]]] = {}
    for name, run in extractors().items():
        row: dict[str, tuple[Score, Score]] = {}
        for page_name in PAGE_NAMES:
            page = (PAGES / page_name).read_text("utf-8")
            text = run(page)
            row[page_name] = (score(page, text, None), score(page, text, cleaner))
        table[name] = row
    return table


@pytest.fixture(scope="module")
def extractor() -> HtmlExtractor:
    return HtmlExtractor.load()


@pytest.fixture(scope="module")
def table() -> dict[str, dict[str, tuple[Score, Score]]]:
    return measure()


def test_at_least_six_pages() -> None:
    assert len(PAGE_NAMES) >= 6
    for name in PAGE_NAMES:
        page = (PAGES / name).read_text("utf-8")
        assert "INVENTED" in page, f"{name} must say that its text is invented"
        body, furniture = gold(page)
        assert body and furniture, name


@pytest.mark.parametrize("page_name", PAGE_NAMES)
def test_chosen_extractor_keeps_body_and_no_furniture(
    table: dict[str, dict[str, tuple[Score, Score]]], page_name: str
) -> None:
    _, cleaned = table["chosen: trafilatura, justext fallback"][page_name]
    assert cleaned.kept == cleaned.body
    assert cleaned.leaked == 0


def test_chosen_is_best_overall(table: dict[str, dict[str, tuple[Score, Score]]]) -> None:
    def total(name: str) -> tuple[int, int]:
        rows = table[name].values()
        return sum(c.kept for _, c in rows), -sum(c.leaked for _, c in rows)

    best = total("chosen: trafilatura, justext fallback")
    assert all(total(name) <= best for name in table)


@pytest.mark.parametrize(
    ("page_name", "title", "published"),
    [
        ("wp_comments.html", "انشقاق عناصر من فصيل مسلح في ريف الرقة الغربي", dt.date(2025, 3, 14)),
        ("portal_ticker.html", "غارات جوية تستهدف مواقع في ريف إدلب الجنوبي", dt.date(2024, 11, 2)),
        ("no_semantic.html", "قتلى بانفجار عبوة ناسفة في ريف درعا", None),
        ("agency_copy.html", "اتفاق لإجلاء مقاتلين وعائلاتهم من حي في حمص", dt.date(2023, 4, 18)),
        ("comments_thread.html", "انسحاب قوات من مواقع قرب الحدود الشمالية", dt.date(2019, 10, 20)),
        # The only date is in the body (06-11-2025): not taken.
        ("linked_sidebar.html", "القبض على مسؤول سابق متهم بانتهاكات في ريف حماة", None),
        (
            "short_brief.html",
            "إسقاط طائرة مسيرة قرب قاعدة جوية في ريف اللاذقية",
            dt.date(2022, 7, 13),
        ),
    ],
)
def test_title_and_metadata_date(
    extractor: HtmlExtractor, page_name: str, title: str, published: dt.date | None
) -> None:
    doc = extractor((PAGES / page_name).read_text("utf-8"))
    assert doc.title == title
    assert doc.published == published
    assert doc.text.split("\n")[0] == title


def test_fallback_to_justext_when_trafilatura_finds_nothing(
    extractor: HtmlExtractor, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = (PAGES / "wp_comments.html").read_text("utf-8")
    monkeypatch.setattr(HtmlExtractor, "trafilatura_text", lambda self, html, url=None: "")
    doc = extractor(page)
    assert doc.extractor == "justext"
    body, _ = gold(page)
    assert all(s in _ws(doc.text) for s in body)


@pytest.mark.parametrize("html", ["", "   ", "<html><body></body></html>"])
def test_empty_page(extractor: HtmlExtractor, html: str) -> None:
    doc = extractor(html)
    assert doc.text == ""
    assert doc.extractor == "none"
    assert doc.published is None


def test_runs_offline(extractor: HtmlExtractor, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the HTML extractor tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    doc = extractor((PAGES / "agency_copy.html").read_text("utf-8"), "https://example.com/a/1")
    assert doc.extractor == "trafilatura"
    assert "حي الوعر" in doc.text


def test_fields_shape_for_the_reader(extractor: HtmlExtractor) -> None:
    title, text, published = extractor.fields((PAGES / "short_brief.html").read_text("utf-8"))
    assert title == "إسقاط طائرة مسيرة قرب قاعدة جوية في ريف اللاذقية"
    assert "أسقطت الدفاعات الجوية" in text
    assert published == dt.date(2022, 7, 13)


def test_extract_html_convenience() -> None:
    doc = extract_html((PAGES / "portal_ticker.html").read_text("utf-8"))
    assert doc.published == dt.date(2024, 11, 2)
    assert "كفرنبل" in doc.text


def test_page_through_clean_and_segment(extractor: HtmlExtractor) -> None:
    doc = extractor((PAGES / "wp_comments.html").read_text("utf-8"))
    art = Article(id="wp", text=doc.text)
    Cleaner.load()(art)
    normed = Normalizer.from_file()(art.clean or "")
    art.norm_text, art.norm_offsets = normed.text, normed.offsets
    segment(art, SegmentationRules.load())
    texts = [art.text[s.start : s.end] for s in art.sentences]
    headings = [art.text[s.start : s.end] for s in art.sentences if s.heading]
    assert texts[0] == "انشقاق عناصر من فصيل مسلح في ريف الرقة الغربي"
    assert "تعزيزات على خطوط التماس" in headings
    assert not any("تعليق" in t and "اترك" in t for t in texts)
    assert texts[-1].startswith("ولم يصدر أي تعليق رسمي")


def _print_table() -> None:
    table = measure()
    print("| extractor | " + " | ".join(n.removesuffix(".html") for n in PAGE_NAMES) + " | total |")
    print("|---" * (len(PAGE_NAMES) + 2) + "|")
    for name, row in table.items():
        for stage in (0, 1):
            cells = []
            kept = body = leaked = furniture = 0
            for page_name in PAGE_NAMES:
                s = row[page_name][stage]
                cells.append(f"{s.kept}/{s.body} · {s.leaked}/{s.furniture}")
                kept, body = kept + s.kept, body + s.body
                leaked, furniture = leaked + s.leaked, furniture + s.furniture
            label = f"{name}{' + Cleaner' if stage else ''}"
            total = f"{kept}/{body} · {leaked}/{furniture}"
            print(f"| {label} | " + " | ".join(cells) + f" | {total} |")


if __name__ == "__main__":
    _print_table()

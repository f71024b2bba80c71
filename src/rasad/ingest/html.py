"""Web page → article text, offline.

:class:`HtmlExtractor` runs trafilatura (comments, tables of links and page furniture
left out) and falls back to jusText with its Arabic stop-list when trafilatura finds no
text or too little (a short brief drowned in page furniture, a page without semantic
tags). ``docs/html-extraction.md`` has the measurement behind this choice. The extracted
text keeps one paragraph per line, so the same :class:`rasad.text.clean.Cleaner` that
cleans plain-text articles then blanks what boilerplate is left.

The publication date comes only from the page's metadata (``article:published_time``,
``datePublished`` in JSON-LD or microdata, ``pubdate`` …), never from the body text, where
dates of other events abound. Nothing here touches the network.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Self

import justext
import trafilatura
from lxml import html as lxml_html
from trafilatura.settings import use_config

_DATE = re.compile(r"((?:19|20)\d\d)-?(\d\d)-?(\d\d)")
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n{2,}")
_TITLE_SEP = re.compile(r"\s+[-|–—]\s+")
_DATE_META_PROPERTIES = (
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "datepublished",
)
_DATE_META_NAMES = (
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "publication_date",
    "date",
    "dc.date",
    "dc.date.issued",
    "dcterms.date",
    "dcterms.created",
    "article:published_time",
    "parsely-pub-date",
    "sailthru.date",
    "datepublished",
)


@dataclass(slots=True, frozen=True)
class HtmlDoc:
    """What a web page gives: its title, its article text (one paragraph per line), the
    publication date from its metadata, and which extractor produced the text."""

    title: str | None
    text: str
    published: dt.date | None
    extractor: str  # "trafilatura", "justext" or "none"


@dataclass(slots=True, frozen=True)
class JustextParams:
    """jusText's thresholds. Its defaults (70/200 characters) make every paragraph of a
    short Arabic news page "bad"; these were set on the pages in ``tests/data/html``."""

    length_low: int = 50
    length_high: int = 120
    stopwords_low: float = 0.25
    stopwords_high: float = 0.32
    max_link_density: float = 0.2


class HtmlExtractor:
    """Build once per run with :meth:`load`; call with a page's HTML."""

    __slots__ = ("_config", "_stoplist", "include_tables", "include_title", "justext", "min_chars")

    def __init__(
        self,
        config: Any,
        stoplist: frozenset[str],
        min_chars: int = 200,
        justext_params: JustextParams | None = None,
    ) -> None:
        self._config = config
        self._stoplist = stoplist
        self.min_chars = min_chars
        self.justext = justext_params or JustextParams()
        # Layout tables hold whole pages on old sites; data tables are summaries that the
        # cleaner would blank anyway.
        self.include_tables = False
        self.include_title = True

    @classmethod
    def load(cls, min_chars: int = 200) -> Self:
        config = use_config()
        # No SIGALRM timeout (it breaks in threads) and no download of anything.
        config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")
        return cls(config, frozenset(justext.get_stoplist("Arabic")), min_chars)

    def __call__(self, html: str, url: str | None = None) -> HtmlDoc:
        tree = _parse(html)
        title = _title(tree) if tree is not None else None
        published = _published(tree) if tree is not None else None
        text, name = self.trafilatura_text(html, url), "trafilatura"
        if len(text) < self.min_chars:
            fallback = self.justext_text(html)
            if len(fallback) > len(text):
                text, name = fallback, "justext"
        if not text.strip():
            name = "none"
        elif self.include_title and title:
            text = _title_first(title, text)
        return HtmlDoc(title, text, published, name)

    def fields(self, html: str, url: str | None = None) -> tuple[str | None, str, dt.date | None]:
        """``(title, text, published)``: the shape ``rasad.ingest.reader`` expects."""
        doc = self(html, url)
        return doc.title, doc.text, doc.published

    def trafilatura_text(self, html: str, url: str | None = None) -> str:
        """trafilatura's main text, comments left out, one paragraph per line."""
        if not html.strip():
            return ""
        text = trafilatura.extract(
            html,
            url=url,
            include_comments=False,
            include_tables=self.include_tables,
            include_images=False,
            include_links=False,
            with_metadata=False,
            deduplicate=False,
            output_format="txt",
            config=self._config,
        )
        return _tidy(text or "")

    def justext_text(self, html: str) -> str:
        """jusText's good paragraphs (Arabic stop-list), one per line."""
        if not html.strip():
            return ""
        try:
            p = self.justext
            paragraphs = justext.justext(
                html.encode("utf-8"),
                self._stoplist,
                length_low=p.length_low,
                length_high=p.length_high,
                stopwords_low=p.stopwords_low,
                stopwords_high=p.stopwords_high,
                max_link_density=p.max_link_density,
                encoding="utf-8",
            )
        except (ValueError, TypeError, lxml_html.etree.ParserError):
            return ""
        return _tidy("\n".join(p.text for p in paragraphs if not p.is_boilerplate))


def extract_html(html: str, url: str | None = None) -> HtmlDoc:
    """One-off convenience: build an :class:`HtmlExtractor` and run it. In a batch, build
    the extractor once with :meth:`HtmlExtractor.load` and call it for every page."""
    return HtmlExtractor.load()(html, url)


def _tidy(text: str) -> str:
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return _BLANK_LINES.sub("\n", "\n".join(line for line in lines if line)).strip()


def _parse(html: str) -> Any:
    if not html.strip():
        return None
    try:
        return lxml_html.fromstring(html)
    except (ValueError, lxml_html.etree.ParserError):
        try:
            return lxml_html.fromstring(html.encode("utf-8"))
        except (ValueError, lxml_html.etree.ParserError):
            return None


def _title_first(title: str, text: str) -> str:
    """The headline as the first line: moved there if the extractor left it lower down
    (next to a sidebar, where the cleaner could take it for a list of links)."""
    lines = text.split("\n")
    rest = [line for line in lines if line != title]
    return "\n".join([title, *rest])


def _title(tree: Any) -> str | None:
    for xpath in (
        '//meta[@property="og:title"]/@content',
        '//meta[@name="twitter:title"]/@content',
        "//h1//text()",
        "//title//text()",
    ):
        found = tree.xpath(xpath)
        text = _SPACES.sub(" ", " ".join(str(t) for t in found)).strip() if found else ""
        if text and xpath.startswith("//title"):
            # "Headline - Site" or "Site | Headline": keep the longest part.
            text = max(_TITLE_SEP.split(text), key=len).strip()
        if text:
            return text
    return None


def _published(tree: Any) -> dt.date | None:
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        if key in _DATE_META_PROPERTIES or key in _DATE_META_NAMES:
            day = _to_date(meta.get("content"))
            if day is not None:
                return day
    for node in tree.xpath('//*[@itemprop="datePublished"]'):
        day = _to_date(node.get("datetime") or node.get("content"))
        if day is not None:
            return day
    for script in tree.xpath('//script[@type="application/ld+json"]/text()'):
        try:
            data = json.loads(str(script))
        except ValueError:
            continue
        for value in _json_values(data, "datePublished"):
            day = _to_date(value)
            if day is not None:
                return day
    return None


def _json_values(data: Any, key: str) -> Iterator[Any]:
    if isinstance(data, dict):
        for k, v in data.items():
            if k == key:
                yield v
            else:
                yield from _json_values(v, key)
    elif isinstance(data, list):
        for item in data:
            yield from _json_values(item, key)


def _to_date(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    m = _DATE.search(value)
    if m is None:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None

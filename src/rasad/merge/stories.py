"""Stories: articles that are copies, syndications or rewrites of each other.

One report copied by five outlets is one source, not five. Two signals find such groups,
both near-linear in the number of articles:

- **copies**: MinHash signatures of the character shingles of the normalised text (runs of
  non-word characters collapsed to one space), candidates from a datasketch LSH index,
  kept when the estimated Jaccard similarity reaches ``copy_jaccard``;
- **rewrites** (a spun rewrite shares few shingles with its model): candidates are
  articles whose mentions share a signature key (kind family, day, governorate) and that
  were published within a few days of each other; a pair is one story when one article
  reports a good share of the other's dated, placed mentions (``same_event``) *and* the
  texts share passages (distinct word n-grams) or are close in character TF-IDF space.

The result maps every article id to a story id: the smallest article id of its group.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from datasketch import MinHash, MinHashLSH

from rasad.errors import DataFileError
from rasad.model import Article, Mention

U32 = npt.NDArray[np.uint32]
F64 = npt.NDArray[np.float64]
SameEvent = Callable[[Mention, Mention], bool]
Reason = Literal["copy", "rewrite"]

_NON_WORD = re.compile(r"[\W_]+")
_WORD = re.compile(r"\w+")
_MASK32 = np.uint64(0xFFFFFFFF)
_PRIME = np.uint64(0x100000001B3)


@dataclass(frozen=True, slots=True)
class RewriteConfig:
    max_days_apart: int = 3
    word_ngram: int = 4
    min_shared_ngrams: int = 18
    min_shared_ratio: float = 0.05
    tfidf_cosine: float = 0.55
    min_event_overlap: float = 0.4
    idf_bits: int = 22
    max_block: int = 400


@dataclass(frozen=True, slots=True)
class StoryConfig:
    shingle_size: int = 5
    num_perm: int = 128
    seed: int = 1
    lsh_threshold: float = 0.5
    copy_jaccard: float = 0.5
    min_shingles: int = 40
    minhash_sample: int = 4
    rewrite: RewriteConfig = field(default_factory=RewriteConfig)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], where: str) -> StoryConfig:
        """Read the ``stories`` section of merge.yaml (missing keys keep their defaults)."""
        rewrite = data.get("rewrite") or {}
        try:
            return cls(
                **{k: _num(v, k, where) for k, v in data.items() if k != "rewrite"},
                rewrite=RewriteConfig(**{k: _num(v, k, where) for k, v in rewrite.items()}),
            )
        except TypeError as exc:
            raise DataFileError(f"{where}: unknown key in 'stories': {exc}") from exc


def _num(value: Any, key: str, where: str) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise DataFileError(f"{where}: stories.{key} must be a number, not {value!r}")
    return value


@dataclass(frozen=True, slots=True)
class StoryLink:
    """Why two articles were put in one story (for explanations and tests)."""

    a: str
    b: str
    reason: Reason
    jaccard: float | None = None
    shared_ngrams: int | None = None
    cosine: float | None = None
    event_overlap: float | None = None


@dataclass(slots=True)
class _Print:
    """An article's text fingerprint: sorted distinct shingle hashes and their counts."""

    grams: U32
    counts: npt.NDArray[np.int64]
    minhash: MinHash | None = None
    norm: float | None = None
    weights: F64 | None = None


class StoryClusterer:
    """Groups articles into stories; build once per run, call on each batch."""

    def __init__(
        self,
        config: StoryConfig,
        families: Mapping[str, str],
        same_event: SameEvent,
    ) -> None:
        self.config = config
        self.families = dict(families)
        self.same_event = same_event
        template = MinHash(num_perm=config.num_perm, seed=config.seed, scheme="affine32")
        self._perm_a = np.asarray(template.permutations[0], dtype=np.uint32)
        self._perm_b = np.asarray(template.permutations[1], dtype=np.uint32)

    @classmethod
    def load(cls, extra: Sequence[Path] = ()) -> StoryClusterer:
        """The packaged configuration (plus user files), with the event matcher of merging."""
        from rasad.merge.events import EventMerger

        return EventMerger.load(extra).stories

    # -- public -----------------------------------------------------------------------------
    def __call__(self, articles: Sequence[Article]) -> dict[str, str]:
        """Article id -> story id (the smallest article id of its story)."""
        return self.cluster(articles, self.links(articles))

    @staticmethod
    def cluster(articles: Sequence[Article], links: Iterable[StoryLink]) -> dict[str, str]:
        parent = {a.id: a.id for a in articles}

        def find(x: str) -> str:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for link in links:
            ra, rb = find(link.a), find(link.b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
        return {a.id: find(a.id) for a in articles}

    def links(self, articles: Sequence[Article]) -> list[StoryLink]:
        """Every pair of articles found to be one story, copies first."""
        prints = [self._fingerprint(a) for a in articles]
        found: dict[tuple[int, int], StoryLink] = {}
        for i, j, jac in self._copies(articles, prints):
            found[(i, j)] = StoryLink(articles[i].id, articles[j].id, "copy", jaccard=jac)
        candidates = [ij for ij in self._rewrite_candidates(articles) if ij not in found]
        df = self._document_frequencies(prints) if candidates else np.zeros(1, np.int32)
        words: dict[int, U32] = {}
        vocab: dict[str, int] = {}
        for i, j in candidates:
            link = self._rewrite(articles, prints, df, words, vocab, i, j)
            if link is not None:
                found[(i, j)] = link
        return [found[k] for k in sorted(found)]

    # -- copies -----------------------------------------------------------------------------
    def _fingerprint(self, article: Article) -> _Print:
        text = _NON_WORD.sub(" ", article.norm_text).strip()
        n = self.config.shingle_size
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        m = len(codes) - n + 1
        if m <= 0:
            return _Print(np.zeros(0, np.uint32), np.zeros(0, np.int64))
        h = np.zeros(m, dtype=np.uint64)
        for k in range(n):  # polynomial hash of each n-gram, vectorised (wraps mod 2**64)
            h = h * _PRIME + codes[k : k + m]
        grams, counts = np.unique((h >> np.uint64(32)) ^ (h & _MASK32), return_counts=True)
        return _Print(grams.astype(np.uint32), counts.astype(np.int64))

    def _minhash(self, p: _Print) -> MinHash:
        hv = _fmix32(p.grams)
        rate = self.config.minhash_sample
        if rate > 1:  # a consistent sample of the shingles (same shingles kept in every text)
            kept = hv[(hv >> np.uint32(24)) % np.uint32(rate) == 0]
            hv = kept if len(kept) else hv
        values = (hv.reshape(-1, 1) * self._perm_a + self._perm_b).min(axis=0)
        return MinHash(
            num_perm=self.config.num_perm,
            seed=self.config.seed,
            scheme="affine32",
            hashvalues=values,
            permutations=(self._perm_a, self._perm_b),
        )

    def _copies(
        self, articles: Sequence[Article], prints: list[_Print]
    ) -> Iterable[tuple[int, int, float]]:
        cfg = self.config
        lsh = MinHashLSH(threshold=cfg.lsh_threshold, num_perm=cfg.num_perm)
        for i, p in enumerate(prints):
            if len(p.grams) < cfg.min_shingles:
                continue
            p.minhash = self._minhash(p)
            for key in lsh.query(p.minhash):
                j = int(key)
                other = prints[j].minhash
                assert other is not None
                jac = float(p.minhash.jaccard(other))
                if jac >= cfg.copy_jaccard:
                    yield (j, i, jac)
            lsh.insert(str(i), p.minhash)

    # -- rewrites ---------------------------------------------------------------------------
    def _keys(self, article: Article) -> set[tuple[str, int, str]]:
        keys: set[tuple[str, int, str]] = set()
        for m in _anchored(article.mentions):
            assert m.date is not None and m.location is not None
            place = m.location.place
            region = place.admin1 or f"cc:{place.country}"
            family = self.families.get(m.kind, m.kind)
            day = m.date.toordinal()
            keys.update((family, d, region) for d in (day - 1, day, day + 1))
        return keys

    def _rewrite_candidates(self, articles: Sequence[Article]) -> list[tuple[int, int]]:
        cfg = self.config.rewrite
        blocks: dict[tuple[str, int, str], list[int]] = {}
        for i, art in enumerate(articles):
            for key in self._keys(art):
                blocks.setdefault(key, []).append(i)
        pairs: set[tuple[int, int]] = set()
        for members in blocks.values():
            if len(members) < 2 or len(members) > cfg.max_block:
                continue
            for i, j in combinations(members, 2):
                a, b = articles[i].published, articles[j].published
                if a is not None and b is not None and abs((a - b).days) > cfg.max_days_apart:
                    continue
                pairs.add((i, j))
        return sorted(pairs)

    def _rewrite(
        self,
        articles: Sequence[Article],
        prints: list[_Print],
        df: npt.NDArray[np.int32],
        words: dict[int, U32],
        vocab: dict[str, int],
        i: int,
        j: int,
    ) -> StoryLink | None:
        cfg = self.config.rewrite
        overlap = self.event_overlap(articles[i], articles[j])
        if overlap < cfg.min_event_overlap:
            return None
        for k in (i, j):
            if k not in words:
                words[k] = _word_ngrams(articles[k].norm_text, cfg.word_ngram, vocab)
        wi, wj = words[i], words[j]
        shared = int(np.intersect1d(wi, wj, assume_unique=True).size)
        shorter = min(len(wi), len(wj))
        cosine = self._cosine(prints, df, len(articles), i, j)
        by_passages = shared >= max(cfg.min_shared_ngrams, cfg.min_shared_ratio * shorter)
        if not (by_passages or cosine >= cfg.tfidf_cosine):
            return None
        return StoryLink(
            articles[i].id, articles[j].id, "rewrite",
            shared_ngrams=shared, cosine=round(cosine, 4), event_overlap=round(overlap, 4),
        )  # fmt: skip

    def event_overlap(self, a: Article, b: Article) -> float:
        """How much of one article's dated, placed mentions the other also reports (the
        larger of the two shares: a rewrite may add background, or drop it)."""
        ma, mb = _anchored(a.mentions), _anchored(b.mentions)
        if not ma or not mb:
            return 0.0
        hit_a = sum(1 for x in ma if any(self.same_event(x, y) for y in mb))
        hit_b = sum(1 for y in mb if any(self.same_event(x, y) for x in ma))
        return max(hit_a / len(ma), hit_b / len(mb))

    def _document_frequencies(self, prints: list[_Print]) -> npt.NDArray[np.int32]:
        mask = np.uint32((1 << self.config.rewrite.idf_bits) - 1)
        df = np.zeros(1 << self.config.rewrite.idf_bits, dtype=np.int32)
        for p in prints:
            df[p.grams & mask] += 1  # a repeated bucket counts once per text, as it should
        return df

    def _cosine(
        self, prints: list[_Print], df: npt.NDArray[np.int32], n_docs: int, i: int, j: int
    ) -> float:
        """Character n-gram TF-IDF cosine (sublinear tf, smoothed idf over the batch)."""
        mask = np.uint32((1 << self.config.rewrite.idf_bits) - 1)
        for p in (prints[i], prints[j]):
            if p.weights is None:
                idf = np.log((1.0 + n_docs) / (1.0 + df[p.grams & mask])) + 1.0
                p.weights = (1.0 + np.log(p.counts.astype(np.float64))) * idf
                p.norm = float(np.sqrt(np.dot(p.weights, p.weights)))
        pi, pj = prints[i], prints[j]
        assert pi.weights is not None and pj.weights is not None
        if not pi.norm or not pj.norm:
            return 0.0
        _, ai, aj = np.intersect1d(pi.grams, pj.grams, assume_unique=True, return_indices=True)
        dot = float(np.dot(pi.weights[ai], pj.weights[aj]))
        return dot / (pi.norm * (pj.norm or math.inf))


def story_groups(stories: Mapping[str, str]) -> dict[str, list[str]]:
    """``{story id: [article ids]}`` from ``{article id: story id}`` (sorted, for storage)."""
    groups: dict[str, list[str]] = {}
    for article_id, story in sorted(stories.items()):
        groups.setdefault(story, []).append(article_id)
    return groups


def _anchored(mentions: Iterable[Mention]) -> list[Mention]:
    """Mentions with a date and a place that are not background."""
    return [
        m for m in mentions if m.date is not None and m.location is not None and not m.historical
    ]


def _fmix32(h: U32) -> U32:
    """MurmurHash3's 32-bit finaliser: spreads the shingle hashes before the permutations."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def _word_ngrams(text: str, n: int, vocab: dict[str, int]) -> U32:
    """Distinct hashes of the word n-grams of a normalised text (ids shared via ``vocab``)."""
    ids = np.fromiter(
        (vocab.setdefault(w, len(vocab) + 1) for w in _WORD.findall(text)), dtype=np.uint64
    )
    m = len(ids) - n + 1
    if m <= 0:
        return np.zeros(0, np.uint32)
    h = np.zeros(m, dtype=np.uint64)
    for k in range(n):
        h = h * _PRIME + ids[k : k + m]
    out: U32 = np.unique(((h >> np.uint64(32)) ^ (h & _MASK32)).astype(np.uint32))
    return out

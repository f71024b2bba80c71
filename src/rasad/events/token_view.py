"""A view of one article's tokens for the argument finders: offsets to token indices, the
words before a position, the clause a trigger stands in."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence

from rasad.events.lexicon import EventRules
from rasad.events.triggers import Tokens
from rasad.model import Article, Sentence, TriggerSpan


def in_sentence(start: int, sent: Sentence) -> bool:
    return sent.start <= start < sent.end


def has_phrase(words: Sequence[str], phrases: Iterable[tuple[str, ...]]) -> bool:
    """Whether one of ``phrases`` (word tuples) stands in ``words`` word for word."""
    for phrase in phrases:
        n = len(phrase)
        if any(tuple(words[k : k + n]) == phrase for k in range(len(words) - n + 1)):
            return True
    return False


class TokenView:
    """One article's text, tokens and the event rules (built per article)."""

    def __init__(self, article: Article, tokens: Tokens, rules: EventRules) -> None:
        self.article = article
        self.tokens = tokens
        self.rules = rules
        offsets = article.norm_offsets
        # original start of every token, to relate original spans to token indices
        self._tok_orig = [offsets[s] for s, _ in tokens.spans]

    def tok_index(self, orig_offset: int) -> int:
        """Index of the first token starting at or after ``orig_offset``."""
        return bisect_left(self._tok_orig, orig_offset)

    def tok_containing(self, orig_offset: int) -> int:
        """Index of the token that contains ``orig_offset`` ("وبني" for "بني" after a clitic)."""
        return max(0, bisect_right(self._tok_orig, orig_offset) - 1)

    def words_before(self, orig_offset: int, n: int, floor: int = 0) -> list[list[str]]:
        i = self.tok_index(orig_offset)
        return self.tokens.candidates[max(floor, i - n) : i]

    def sentence_token_floor(self, sent: Sentence) -> int:
        return self.tok_index(sent.start)

    def preceded_by(self, orig_offset: int, words: frozenset[str], n: int, sent: Sentence) -> bool:
        floor = self.sentence_token_floor(sent)
        return any(c in words for cands in self.words_before(orig_offset, n, floor) for c in cands)

    def clause_start(self, trig: TriggerSpan, sent: Sentence) -> int:
        """Where the trigger's clause starts: after the last comma before it in its sentence."""
        text = self.article.text
        comma = max(text.rfind(c, sent.start, trig.span.start) for c in "،,")
        return comma + 1 if comma >= 0 else sent.start

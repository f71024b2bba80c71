"""Rasad's error classes. Each has a stable ``code`` that messages and tests can rely on."""

from __future__ import annotations


class RasadError(Exception):
    """Base class; ``code`` is stable across releases."""

    code = "rasad_error"


class ConfigError(RasadError):
    """A settings file, environment variable or flag has an invalid value."""

    code = "config"


class DataFileError(RasadError):
    """A packaged or user-supplied data file (lexicon, gazetteer, actors) is invalid."""

    code = "data_file"


class InputError(RasadError):
    """One input (file, JSONL line) cannot be read as an article. The batch goes on."""

    code = "input"

    def __init__(self, message: str, source: str, code: str | None = None) -> None:
        super().__init__(f"{source}: {message}")
        self.source = source
        self.reason = message
        if code is not None:
            self.code = code


class GoldFileError(RasadError):
    """A gold or prediction file given to ``rasad evaluate`` is malformed."""

    code = "gold_file"


class ArticleTimeout(RasadError):
    """Analysing one article took longer than the setting ``max_seconds_per_article``.

    Raised inside :meth:`rasad.pipeline.Pipeline.process` and recorded there as the
    article's problem (code ``timeout``); the batch goes on.
    """

    code = "timeout"

    def __init__(self, seconds: float, stage: str | None = None) -> None:
        where = f" (in stage {stage!r})" if stage else ""
        super().__init__(
            f"analysis took longer than {seconds:g} s{where}, the limit set by "
            "max_seconds_per_article; the article is kept without mentions"
        )
        self.seconds = seconds
        self.stage = stage

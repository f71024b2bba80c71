"""Atheris (libFuzzer) harness: arbitrary bytes as an input file for the article reader.

The first byte picks the file's kind (.jsonl, .txt, .html, or standard input); the rest is
the file. The reader must turn anything into articles and problems without raising, give
every problem a source, and never yield an article with an empty, NUL-holding or
unencodable text or a duplicate id. Run by ``scripts/fuzz.sh``.
"""

from __future__ import annotations

import io
import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["rasad"]):
    from common import check_items

    from rasad.pipeline import Resources
    from rasad.settings import Settings

RESOURCES = Resources(Settings(max_article_chars=20_000, max_file_bytes=100_000))
RESOURCES.languages  # noqa: B018 - load before fuzzing
RESOURCES.html  # noqa: B018
TMP = Path(tempfile.mkdtemp(prefix="rasad-fuzz-reader-"))
SUFFIXES = (".jsonl", ".txt", ".html", "-")


def one_input(data: bytes) -> None:
    if not data:
        return
    kind, body = SUFFIXES[data[0] % 4], data[1:]
    if kind == "-":
        stream = io.StringIO(body.decode("utf-8", errors="replace"))
        items = list(RESOURCES.reader(stdin=stream).read(["-"]))
    else:
        path = TMP / f"input{kind}"
        path.write_bytes(body)
        items = list(RESOURCES.reader().read([str(path)]))
    check_items(items)


def main() -> None:
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()

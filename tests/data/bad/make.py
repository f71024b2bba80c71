"""Build the large and binary parts of the bad-input corpus into a folder.

The small, readable bad inputs are committed beside this file (``lines.jsonl``, ``*.txt``,
``*.html``); what is big (50 MB, 200 KB lines) or not text (Windows-1256, UTF-16, random
bytes) is made here at test time, never committed. ``EXPECT`` says what the reader must
make of each generated file; ``tests/test_bad_input.py`` checks it.

Usage: python tests/data/bad/make.py OUTDIR      (or ``build(Path)`` from a test)
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

# Invented example sentences in the genre (not taken from any article).
GOOD = (
    "قالت مصادر محلية إن ثلاثة مدنيين قتلوا وأصيب خمسة آخرون يوم الثلاثاء جراء قصف مدفعي "
    "استهدف بلدة معرة النعمان في ريف إدلب الجنوبي، بحسب ما أفاد به ناشطون في المنطقة."
)
GOOD_2 = (
    "انفجرت عبوة ناسفة بسيارة مدنية على الطريق الواصل بين مدينتي الباب وجرابلس في ريف حلب "
    "الشرقي، ما أدى إلى مقتل شخصين وإصابة ثلاثة آخرين، وفق مصادر طبية."
)
ENGLISH = "Clashes broke out between government forces and armed groups near Aleppo on Sunday."

MB = 1_000_000

#: generated file → the problem codes (or "article" for a kept article, with the codes of
#: its warnings after a colon) the reader must yield for it, in order.
EXPECT: dict[str, list[str]] = {
    "cp1256.txt": ["article:legacy_encoding"],
    "cp1256.jsonl": ["article:legacy_encoding", "article:legacy_encoding"],
    "cp1256-noise.txt": ["undecodable"],
    "latin1-french.txt": ["undecodable"],
    "damaged-utf8.txt": ["undecodable"],
    "utf16-bom.txt": ["article"],
    "utf16-bom.jsonl": ["article", "not_json", "article"],
    "utf16-nobom.txt": ["binary"],
    "random.txt": ["binary"],
    "image.jsonl": ["binary"],
    "big-50mb.txt": ["too_long"],
    "big-50mb-one-line.jsonl": ["too_long", "article"],
    "deep-nesting.jsonl": ["not_json", "not_json", "article"],
    "huge-number.jsonl": ["not_json", "bad_id", "article"],
    "nested-10k.html": ["no_text"],
    "long-line-200k.txt": ["article"],
    "numbers-10k.txt": ["article"],
}


def _article_line(art_id: str, text: str, **extra: object) -> str:
    return json.dumps({"id": art_id, "text": text, **extra}, ensure_ascii=False) + "\n"


def build(out: Path, big: bool = True) -> dict[str, Path]:
    """Write the generated bad inputs into ``out``; ``big=False`` leaves out the 50 MB ones."""
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}

    def put(name: str, data: bytes | str) -> None:
        path = out / name
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)
        files[name] = path

    # Mis-encoded text: Windows-1256 Arabic (read, with a warning), noise that a one-byte
    # code page would also "decode", Latin-1 French, UTF-8 with damaged bytes.
    put("cp1256.txt", (GOOD + "\n" + GOOD_2 + "\n").encode("cp1256"))
    put(
        "cp1256.jsonl",
        (_article_line("w1", GOOD, published="2026-01-13") + _article_line("w2", GOOD_2)).encode(
            "cp1256"
        ),
    )
    rng = random.Random(1256)
    put("cp1256-noise.txt", bytes(rng.choice(range(0xC1, 0x100)) for _ in range(300)))
    put("latin1-french.txt", "Des affrontements ont éclaté près d'Alep, a-t-on appris.\n".encode("latin-1"))
    good = GOOD.encode("utf-8")
    put("damaged-utf8.txt", good[:41] + b"\xff" + good[42:])

    # UTF-16 with a byte-order mark (read), without one (binary: says so).
    put("utf16-bom.txt", (GOOD + "\n").encode("utf-16"))
    put(
        "utf16-bom.jsonl",
        (_article_line("u1", GOOD) + "{broken\n" + _article_line("u2", GOOD_2)).encode("utf-16"),
    )
    put("utf16-nobom.txt", (GOOD + "\n").encode("utf-16-le"))

    # Binary files.
    put("random.txt", bytes(rng.randrange(256) for _ in range(4096)) + b"\x00")
    put("image.jsonl", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(rng.randrange(256) for _ in range(512)))

    # Too big: a 50 MB text file and a 50 MB single JSON line (the limits are settings).
    if big:
        chunk = (GOOD + " ").encode("utf-8")
        with (out / "big-50mb.txt").open("wb") as fh:
            for _ in range(50 * MB // len(chunk) + 1):
                fh.write(chunk)
        files["big-50mb.txt"] = out / "big-50mb.txt"
        with (out / "big-50mb-one-line.jsonl").open("w", encoding="utf-8") as fh:
            fh.write('{"id": "huge", "text": "')
            piece = GOOD + " "
            for _ in range(50 * MB // len(piece.encode("utf-8")) + 1):
                fh.write(piece)
            fh.write('"}\n')
            fh.write(_article_line("after-huge", GOOD_2))
        files["big-50mb-one-line.jsonl"] = out / "big-50mb-one-line.jsonl"

    # JSON that breaks parsers: 100,000 levels of nesting, a 5,000-digit number.
    put(
        "deep-nesting.jsonl",
        "[" * 100_000 + "]" * 100_000 + "\n"
        + '{"id": "deep", "text": ' + "[" * 100_000 + "]" * 100_000 + "}\n"
        + _article_line("after-deep", GOOD),
    )
    put(
        "huge-number.jsonl",
        '{"id": ' + "9" * 5000 + ', "text": "x"}\n'
        + '{"id": ' + "9" * 300 + ', "text": ' + json.dumps(GOOD, ensure_ascii=False) + "}\n"
        + _article_line("after-number", GOOD),
    )

    # Pathological text and markup.
    depth = 10_000
    put(
        "nested-10k.html",
        "<html><head><title>خبر</title></head><body>" + "<div>" * depth + f"<p>{GOOD}</p>"
        + "</div>" * depth + "</body></html>",
    )
    line = (GOOD + " ") * (200_000 // (len(GOOD) + 1) + 1)
    put("long-line-200k.txt", line[:200_000].replace("\n", " "))
    numbers = " و".join(str(n) for n in range(10_000))
    put("numbers-10k.txt", f"قتل {numbers} شخصا في ريف حلب أمس.\n{GOOD}\n")
    return files


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: make.py OUTDIR", file=sys.stderr)
        return 2
    for name, path in sorted(build(Path(argv[1])).items()):
        print(f"{path.stat().st_size:>11} {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))

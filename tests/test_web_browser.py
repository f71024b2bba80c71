"""The page in a real browser: Debian's Chromium driven by Playwright (never
``playwright install``), over a server running the app on the seeds' database, and over a
database of hostile articles (script tags, onerror images, javascript: links)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

uvicorn = pytest.importorskip("uvicorn")
sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")

from rasad.web import create_app  # noqa: E402 (after the importorskips)

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"
ARTIFACTS = REPO / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TIMEOUT = 20_000  # ms

pytestmark = pytest.mark.slow

# Invented articles in the genre, carrying markup that must stay text on the page. Each
# payload would set window.__xss (or open a dialog) if it ever ran.
HOSTILE = [
    {
        "id": "hostile-1",
        "url": "javascript:window.__xss='url'",
        "outlet": "<img src=x onerror=\"window.__xss='outlet'\">",
        "title": "<script>window.__xss='title'</script>اشتباكات في ذيبان",
        "published": "2026-02-03",
        "text": (
            "دير الزور - خاص\n\n"
            "اندلعت اشتباكات عنيفة بين قوات سوريا الديمقراطية ومقاتلين من العشائر فجر اليوم "
            "الثلاثاء في بلدة ذيبان بريف دير الزور الشرقي <script>window.__xss='script';"
            "alert(1)</script> وأسفرت عن مقتل 4 عناصر من قسد.\n\n"
            "وأفادت مصادر محلية بأن قصفاً مدفعياً استهدف أطراف بلدة الشحيل مساء اليوم "
            "<img src=x onerror=\"window.__xss='img';alert(2)\"> دون ورود أنباء عن إصابات.\n"
        ),
    },
    {
        "id": "hostile-2",
        "url": 'https://news.example.org/a?x="><script>alert(3)</script>',
        "outlet": "news.example.org",
        "title": '<a href="javascript:alert(4)">اضغط هنا</a>',
        "published": "2026-02-04",
        "text": (
            "حلب - مراسلنا\n\n"
            "سيطرت قوات الجيش السوري على قرية دير حافر شرق حلب صباح اليوم الأربعاء بعد "
            "انسحاب قوات سوريا الديمقراطية منها <a href=\"javascript:window.__xss='link'\">"
            "التفاصيل</a> وفق ما أعلنت وزارة الدفاع.\n"
        ),
    },
]


def ingest(inputs: list[Path], db_url: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "rasad", "ingest", *map(str, inputs), "--db", db_url, "--quiet"],
        check=True,
        cwd=REPO,
        capture_output=True,
        timeout=600,
    )


class Server:
    """The app under uvicorn in a thread, on a free port of 127.0.0.1."""

    def __init__(self, db_url: str) -> None:
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        sock.close()
        config = uvicorn.Config(
            create_app(db_url), host="127.0.0.1", port=self.port, log_level="warning"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the web server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} missing: run scripts/install_system_deps.sh"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def seeds_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    if not SEEDS.exists():
        pytest.skip(f"../shared not present beside the checkout ({SEEDS} missing): CI has it")
    url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'seeds.sqlite'}"
    ingest([SEEDS], url)
    with Server(url) as server:
        yield server


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("hostile")
    src = folder / "hostile.jsonl"
    src.write_text(
        "".join(json.dumps(a, ensure_ascii=False) + "\n" for a in HOSTILE), encoding="utf-8"
    )
    url = f"sqlite:///{folder / 'hostile.sqlite'}"
    ingest([src], url)
    with Server(url) as server:
        yield server


class Watch:
    """A page with its console errors, page errors, CSP refusals and dialogs recorded."""

    def __init__(self, browser: Any, width: int = 1400, height: int = 900) -> None:
        self.context = browser.new_context(
            viewport={"width": width, "height": height}, locale="en-US"
        )
        self.page = self.context.new_page()
        self.page.set_default_timeout(TIMEOUT)
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        self.requests: list[str] = []
        self.page.on("requestfinished", lambda r: self.requests.append(r.url))
        self.page.on("requestfailed", lambda r: self.requests.append(f"FAILED {r.url}"))

        def dialog(d: Any) -> None:
            self.dialogs.append(d.message)
            d.dismiss()

        self.page.on("dialog", dialog)

    def open(self, url: str) -> Any:
        self.page.goto(url)
        self.ready()
        return self.page

    def ready(self) -> None:
        self.page.wait_for_selector("body[data-state=ready]")

    def close(self) -> None:
        self.context.close()


@pytest.fixture()
def watch(browser: Any) -> Iterator[Watch]:
    w = Watch(browser)
    yield w
    w.close()


def api(server: Server, path: str) -> Any:
    import urllib.request

    with urllib.request.urlopen(server.url + path, timeout=30) as resp:  # local test server
        return json.loads(resp.read().decode("utf-8"))


def marker_total(page: Any) -> int:
    """Markers on the map: single markers plus the numbers on cluster icons."""
    singles = page.locator(".ev-marker").count()
    clustered = sum(int(t) for t in page.locator(".ev-cluster span").all_inner_texts())
    return int(singles) + clustered


def wait_until_still(page: Any) -> None:
    """Poll from here: the page's CSP forbids the eval that wait_for_function polls with."""
    moving = "!!document.querySelector('.leaflet-zoom-anim, .leaflet-cluster-anim, #map[data-moving]')"
    deadline = time.monotonic() + TIMEOUT / 1000
    while page.evaluate(moving):
        if time.monotonic() > deadline:
            raise AssertionError("the map did not stand still")
        page.wait_for_timeout(50)


def click_a_marker(page: Any) -> str:
    """Click clusters until a single marker shows, click it; returns its event id."""
    for _ in range(12):
        # While the map pans or zooms (#map[data-moving]; the page's first fit to the
        # boundaries may still be panning when the data is ready), or the cluster layer
        # moves markers out of a cluster, a click can land on the ground and ".first" can
        # name another marker by the time it is clicked (both seen under load in CI). Wait
        # for the map to stand still, then click the marker by the id that was read.
        wait_until_still(page)
        marker = page.locator(".ev-marker").first
        if marker.count() and marker.is_visible():
            event_id: str = marker.get_attribute("data-event-id")
            page.locator(f".ev-marker[data-event-id='{event_id}']").click()
            return event_id
        page.locator(".ev-cluster").first.click()
        page.wait_for_timeout(700)  # the zoom animation
    raise AssertionError("no single marker after opening clusters")


# -- the seeds ----------------------------------------------------------------------------


def test_page_shows_the_events_on_the_map(seeds_server: Server, watch: Watch) -> None:
    points = api(seeds_server, "/api/points")
    page = watch.open(seeds_server.url)
    total = api(seeds_server, "/api/events?limit=1")["total"]
    assert page.locator("#list-title").inner_text() == f"{total} events"
    page.wait_for_selector(".ev-marker, .ev-cluster")
    in_syria = [p for p in points["points"] if 32.3 <= p[1] <= 37.4 and 35.6 <= p[2] <= 42.4]
    assert len(in_syria) <= marker_total(page) <= len(points["points"])
    assert page.locator("path.admin1").count() == 14  # governorates drawn from the boundaries
    assert page.locator("#timeline-svg rect.bar").count() > 0
    assert not watch.errors, watch.errors  # no script error, no CSP refusal


def test_clicking_a_marker_shows_the_event_with_highlighted_evidence(
    seeds_server: Server, watch: Watch
) -> None:
    page = watch.open(seeds_server.url)
    event_id = click_a_marker(page)
    shown = page.locator("#event-view .event")
    try:
        shown.wait_for()
    except sync_api.TimeoutError:
        pytest.fail(
            f"clicking the marker of {event_id} opened no event: "
            f"status {page.locator('#status').inner_text()!r}, errors {watch.errors}, "
            f"selected {page.eval_on_selector_all('.ev-marker.selected', 'els => els.map(e => e.dataset.eventId)')}, "
            f"requests {watch.requests[-5:]}"
        )
    assert shown.get_attribute("data-event-id") == event_id
    mark = page.locator("#event-view mark.evidence").first
    mark.wait_for()
    detail = api(seeds_server, f"/api/events/{event_id}")
    evidence = {span["text"] for m in detail["mentions"] for span in m["evidence"]} | {
        span["text"] for span in detail["event"].get("evidence") or []
    }
    assert mark.inner_text().strip() in {e.strip() for e in evidence}
    assert mark.evaluate("m => getComputedStyle(m).backgroundColor") != "rgba(0, 0, 0, 0)"
    text_box = page.locator("#event-view .article-text").first
    assert text_box.get_attribute("dir") == "rtl" and text_box.get_attribute("lang") == "ar"
    assert page.locator("#event-view [data-field=where]").inner_text().strip()
    assert page.locator(".ev-marker.selected").count() == 1
    page.locator("#event-view button.back").click()
    assert page.locator("#list-view").is_visible()
    assert not watch.errors, watch.errors


def test_filtering_by_kind_changes_the_list_and_the_map(seeds_server: Server, watch: Watch) -> None:
    facets = api(seeds_server, "/api/facets")
    total = facets["total"]
    kind, n = sorted(facets["kind"].items(), key=lambda kv: (-kv[1], kv[0]))[0]
    assert 0 < n < total
    page = watch.open(seeds_server.url)
    page.locator(f"#kind-options label[data-kind='{kind}'] input").check()
    sync_api.expect(page.locator("#list-title")).to_have_text(f"{n} events")
    watch.ready()
    rows = page.locator("#event-list .ev-row")
    assert rows.count() == min(n, 50)
    label = page.locator(f"#kind-options label[data-kind='{kind}'] span").first.inner_text()
    assert set(page.locator("#event-list .ev-row .chip").all_inner_texts()) == {label}
    page.wait_for_timeout(300)
    kinds_on_map = set(
        page.eval_on_selector_all(".ev-marker", "els => els.map(e => e.dataset.kind)")
    )
    assert kinds_on_map <= {kind}
    assert marker_total(page) <= n
    assert "kind=" + kind in (page.locator("#export-csv").get_attribute("href") or "")


def test_switching_language_turns_the_page_right_to_left(
    seeds_server: Server, watch: Watch
) -> None:
    page = watch.open(seeds_server.url)
    assert page.evaluate("document.documentElement.dir") == "ltr"
    page.click("#lang-toggle")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("document.documentElement.lang") == "ar"
    assert page.locator("h1").inner_text() == "رصد"
    assert page.locator("#lang-toggle").inner_text() == "English"
    assert "حدث" in page.locator("#list-title").inner_text()
    chips = page.locator("#event-list .chip").all_inner_texts()
    assert chips and all(any("\u0600" <= ch <= "\u06ff" for ch in c) for c in chips)
    # the filter panel is on the right in Arabic
    panel = page.locator("#filters-box").bounding_box()
    assert panel["x"] > 700
    page.reload()
    watch.ready()
    assert page.evaluate("document.documentElement.dir") == "rtl"  # remembered
    page.click("#lang-toggle")
    assert page.evaluate("document.documentElement.dir") == "ltr"


def test_brushing_the_timeline_filters_by_date(seeds_server: Server, watch: Watch) -> None:
    page = watch.open(seeds_server.url)
    box = page.locator("#timeline-svg").bounding_box()
    y = box["y"] + box["height"] / 2
    # the last fifth of the time axis: the newest events
    page.mouse.move(box["x"] + box["width"] * 0.8, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.9, y, steps=5)
    page.mouse.move(box["x"] + box["width"] - 2, y, steps=5)
    page.mouse.up()
    sync_api.expect(page.locator("input[name=since]")).not_to_have_value("")
    watch.ready()
    since = page.eval_on_selector("#filters", "f => f.since.value")
    until = page.eval_on_selector("#filters", "f => f.until.value")
    assert since <= until
    page.wait_for_timeout(300)
    watch.ready()
    dates = page.locator("#event-list .ev-date").all_inner_texts()
    assert dates and all(since <= d[:10] <= until for d in dates)
    assert page.locator("#brush-clear").is_visible()
    page.click("#brush-clear")
    sync_api.expect(page.locator("input[name=since]")).to_have_value("")


def test_phone_width(seeds_server: Server, browser: Any) -> None:
    w = Watch(browser, width=390, height=844)
    try:
        page = w.open(seeds_server.url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 392, f"page is {width}px wide on a 390px screen"
        assert page.locator("#map").bounding_box()["width"] >= 350
        assert page.locator("#event-list .ev-row").count() > 0
        page.locator("#event-list .ev-row").first.click()
        page.locator("#event-view mark.evidence").first.wait_for()
        assert not w.errors, w.errors
    finally:
        w.close()


def test_screenshot(seeds_server: Server, watch: Watch) -> None:
    """The page with an event open, saved as a test artefact (artifacts/screenshot.png)."""
    page = watch.open(seeds_server.url)
    events = api(seeds_server, "/api/events?limit=500")["items"]
    ev = max(events, key=lambda e: (e.get("n_sources", 1), len(e.get("counts") or {})))
    row = page.locator(f"#event-list .ev-row[data-event-id='{ev['id']}']")
    (row if row.count() else page.locator("#event-list .ev-row").first).click()
    page.locator("#event-view mark.evidence").first.wait_for()
    page.wait_for_timeout(400)
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "screenshot.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 20_000
    if os.environ.get("RASAD_UPDATE_SCREENSHOT"):
        shutil.copyfile(shot, REPO / "docs" / "img" / "screenshot.png")


# -- hostile articles ---------------------------------------------------------------------


def test_hostile_articles_stay_text(hostile_server: Server, watch: Watch) -> None:
    events = api(hostile_server, "/api/events?limit=500")["items"]
    assert events, "the hostile articles should give events (pipeline precondition)"
    page = watch.open(hostile_server.url)
    for ev in events:
        page.locator(f"#event-list .ev-row[data-event-id='{ev['id']}']").click()
        page.locator("#event-view mark.evidence").first.wait_for()
        view = page.locator("#event-view")
        text = page.locator("#event-view .article-text").first.inner_text()
        art_id = ev["sources"][0]["article_id"]
        raw = next(a for a in HOSTILE if a["id"] == art_id)
        for payload in ("<script>", "<img src=x onerror=", '<a href="javascript:'):
            if payload in raw["text"]:
                assert payload in text  # shown literally
        assert view.locator("script, img, iframe, object, embed, svg").count() == 0
        assert (
            view.locator("a").count()
            == view.locator("a[href^='http://'], a[href^='https://']").count()
        )
        if raw["url"].startswith("javascript:"):
            assert view.locator(".unsafe-link").count() >= 1
        header = view.locator(".src-head").first.inner_text()
        assert raw["outlet"] in header or raw["title"] in header
        page.locator("#event-view button.back").click()
    assert page.locator("a[href^='javascript:']").count() == 0
    # a language switch re-renders everything: still nothing runs
    page.click("#lang-toggle")
    page.wait_for_timeout(300)
    assert page.evaluate("window.__xss") is None
    assert watch.dialogs == []
    assert not watch.errors, watch.errors  # not even a refused inline script or image

"""Rasad's web app: the JSON API and the map-and-timeline page, over one database.

``create_app(db_url)`` opens the database read-only in spirit (no migration, no write
route), loads the vocabularies once and returns a FastAPI app; ``serve(...)`` runs it with
uvicorn (no reload, no debug). The page's front-end packages (Leaflet,
Leaflet.markercluster, Swagger UI) are npm packages installed by
``scripts/install_frontend.sh`` into the repository's ``node_modules/`` (or the folder
named by ``RASAD_NODE_MODULES``); they are served from there, never copied into the
package.
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from rasad import __version__
from rasad.events.lexicon import KindTable
from rasad.model import KINDS
from rasad.recognize.actors import ActorDictionary
from rasad.settings import Settings
from rasad.store import Store, StoreError
from rasad.store.migrations import MIGRATIONS
from rasad.text.normalize import Normalizer
from rasad.web.api import WebContext, build_router
from rasad.web.errors import WebSetupError, install_handlers
from rasad.web.query import WebQueries
from rasad.web.security import SecurityMiddleware, content_security_policy, tile_origin

#: npm packages the page needs: URL prefix -> folder inside node_modules, and one file
#: that must be there.
VENDOR = {
    "leaflet": ("leaflet/dist", "leaflet.js"),
    "markercluster": ("leaflet.markercluster/dist", "leaflet.markercluster.js"),
    "swagger-ui": ("swagger-ui-dist", "swagger-ui-bundle.js"),
}
INSTALL_HINT = (
    "run scripts/install_frontend.sh in the Rasad repository (npm ci), "
    "or set RASAD_NODE_MODULES to a node_modules folder that holds "
    "leaflet, leaflet.markercluster and swagger-ui-dist"
)


def static_dir() -> Path:
    return Path(__file__).resolve().parent / "static"


def find_node_modules(environ: Mapping[str, str] | None = None) -> Path:
    """The ``node_modules`` folder to serve the front-end packages from.

    ``RASAD_NODE_MODULES`` when set; otherwise the repository's (beside ``src/``), then
    one in the current directory. Raises :class:`WebSetupError` naming what is missing.
    """
    env = os.environ if environ is None else environ
    if env.get("RASAD_NODE_MODULES"):
        candidates = [Path(env["RASAD_NODE_MODULES"]).expanduser()]
    else:
        candidates = [
            Path(__file__).resolve().parents[3] / "node_modules",
            Path.cwd() / "node_modules",
        ]
    for folder in candidates:
        missing = [
            f"{sub}/{probe}"
            for sub, probe in VENDOR.values()
            if not (folder / sub / probe).is_file()
        ]
        if not missing:
            return folder
    where = ", ".join(str(c) for c in candidates)
    raise WebSetupError(f"front-end packages not found in {where}: {INSTALL_HINT}")


def open_store(db_url: str) -> Store:
    """Open an existing Rasad database without changing it (no migration)."""
    try:
        url = make_url(db_url)
    except ArgumentError as exc:
        raise WebSetupError(f"not a database URL: {db_url!r}") from exc
    if url.get_backend_name() == "sqlite":
        db = url.database or ""
        if not db or db == ":memory:":
            raise WebSetupError("the web app needs a database file, not an in-memory SQLite")
        if not db.startswith("file:") and not Path(db).expanduser().is_file():
            raise WebSetupError(
                f"no database at {db}: build one first with `rasad ingest INPUT... --db {db_url}`"
            )
    try:
        store = Store.open(db_url, migrate=False)
    except StoreError as exc:
        raise WebSetupError(str(exc)) from exc
    applied = set(store.migrations_applied())
    missing = [name for name, _ in MIGRATIONS if name not in applied]
    if missing:
        store.close()
        raise WebSetupError(
            f"{db_url} is not an up-to-date Rasad database (missing migrations "
            f"{', '.join(missing)}): run `rasad ingest --db {db_url}` to create or migrate it"
        )
    return store


def _labels(path: str) -> dict[str, dict[str, str]]:
    data = json.loads((files("rasad.data") / "boundaries" / path).read_text(encoding="utf-8"))
    return {
        f["properties"]["name_en"]: {
            "en": f["properties"]["name_en"],
            "ar": f["properties"]["name_ar"],
        }
        for f in data["features"]
    }


def create_app(
    db_url: str,
    settings: Settings | None = None,
    tile_url: str | None = None,
    cors_origins: Sequence[str] = (),
    *,
    tile_attribution: str | None = None,
    node_modules: Path | None = None,
) -> FastAPI:
    """The web app over the database at ``db_url``.

    ``tile_url`` (e.g. ``https://tile.example.org/{z}/{x}/{y}.png``) adds a background
    tile layer and allows its host in the page's CSP; without it the map is drawn from
    the shipped boundaries only and needs no network. ``cors_origins`` lists the origins
    allowed to call the API from a browser (none by default). Raises
    :class:`~rasad.web.errors.WebSetupError` with a clear message when the database or
    the front-end packages are missing.
    """
    settings = settings or Settings()
    vendor = node_modules or find_node_modules()
    img_sources = [tile_origin(tile_url)] if tile_url else []
    store = open_store(db_url)
    try:
        normalizer = Normalizer.from_file()
        kinds = KindTable.load()
        actors = ActorDictionary.load(settings.extra_actors)
    except BaseException:
        store.close()
        raise

    def fold(s: str) -> str:
        return normalizer.text(s).lower()

    acled_types = sorted(
        {info.acled[0] for info in kinds.kinds.values()}
        | {pair[0] for info in kinds.kinds.values() for _when, pair in info.rules}
    )
    boundaries = {
        level: (files("rasad.data") / "boundaries" / f"syr_{level}.geojson").read_bytes()
        for level in ("admin1", "admin2")
    }
    ctx = WebContext(
        queries=WebQueries(store, fold),
        kinds=KINDS,
        kind_acled={k: kinds.kinds[k].acled for k in KINDS},
        acled_types=tuple(acled_types),
        actor_labels={e.id: {"en": e.name, "ar": e.name_ar} for e in actors.entries()},
        admin1_labels=_labels("syr_admin1.geojson"),
        boundaries=boundaries,
        tile_url=tile_url,
        tile_attribution=tile_attribution,
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        store.close()

    app = FastAPI(
        title="Rasad API",
        version=__version__,
        description=(
            "Read-only access to Rasad's geolocated, source-attributed conflict events: "
            "filter, page, inspect one event with its sources' claims and evidence, and "
            "export as JSON Lines, ACLED-style CSV or GeoJSON."
        ),
        debug=False,
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
    )
    app.state.rasad = ctx
    install_handlers(app)
    app.include_router(build_router(ctx))

    static = static_dir()
    app.mount("/static", StaticFiles(directory=static), name="static")
    for prefix, (sub, _probe) in VENDOR.items():
        app.mount(f"/vendor/{prefix}", StaticFiles(directory=vendor / sub), name=prefix)

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(static / "index.html", headers={"Cache-Control": "no-cache"})

    @app.get("/api/docs", include_in_schema=False)
    def docs() -> FileResponse:
        return FileResponse(static / "docs.html", headers={"Cache-Control": "no-cache"})

    if cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(cors_origins),
            allow_methods=["GET"],
            allow_headers=[],
            allow_credentials=False,
        )
    csp = content_security_policy(img_sources)
    docs_csp = csp.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
    app.add_middleware(SecurityMiddleware, csp=csp, docs_csp=docs_csp)
    return app


def serve(
    db_url: str, host: str = "127.0.0.1", port: int = 8000, tile_url: str | None = None
) -> None:
    """Run the app with uvicorn until interrupted (no reload, no debug, no server header)."""
    import uvicorn

    app = create_app(db_url, tile_url=tile_url)
    uvicorn.run(
        app,
        host=host,
        port=port,
        reload=False,
        server_header=False,
        proxy_headers=False,
        log_level="info",
        timeout_keep_alive=5,
    )

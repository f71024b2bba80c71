"""Rasad's HTTP API and map-and-timeline page (FastAPI); see ``docs/web.md``.

``create_app(db_url)`` builds the app; ``serve(db_url, host, port, tile_url)`` runs it.
"""

from rasad.web.app import create_app, serve

__all__ = ["create_app", "serve"]

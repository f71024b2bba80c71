"""Security headers and request limits, as one small ASGI middleware.

- Content-Security-Policy: scripts, styles and data only from this server (no inline
  script, no eval), images also from the configured tile server, no framing, no plugins;
- X-Content-Type-Options, Referrer-Policy, X-Frame-Options, Permissions-Policy,
  Cross-Origin-Opener-Policy and Cross-Origin-Resource-Policy on every answer;
- requests with a body over ``max_body`` bytes get 413 (every route is a GET: a body is
  never needed), URLs over ``max_url`` bytes get 414.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rasad.web.errors import WebSetupError, error_body


def tile_origin(tile_url: str) -> str:
    """The CSP source for a tile URL template (``{s}`` subdomains become ``*.``)."""
    parts = urlsplit(tile_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise WebSetupError(f"tile URL must be an http(s) URL template, got {tile_url!r}")
    if not all(p in tile_url for p in ("{z}", "{x}", "{y}")):
        raise WebSetupError(f"tile URL must contain {{z}}, {{x}} and {{y}}, got {tile_url!r}")
    host = parts.netloc
    if "{s}" in host:
        host = host.replace("{s}.", "*.").replace("{s}", "*")
    if any(c in host for c in " ;,'\"{}"):
        raise WebSetupError(f"tile URL has an unusable host: {tile_url!r}")
    return f"{parts.scheme}://{host}"


def content_security_policy(img_sources: Sequence[str] = ()) -> str:
    img = " ".join(["'self'", "data:", *img_sources])
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; "
        f"img-src {img}; connect-src 'self'; font-src 'self'; manifest-src 'self'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'"
    )


class SecurityMiddleware:
    """Adds the security headers; refuses over-large bodies and URLs."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        csp: str,
        docs_csp: str,
        docs_prefix: str = "/api/docs",
        max_body: int = 16_384,
        max_url: int = 8_192,
    ) -> None:
        self.app = app
        self.max_body = max_body
        self.max_url = max_url
        self.docs_prefix = docs_prefix
        common = [
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
            (b"x-frame-options", b"DENY"),
            (b"permissions-policy", b"geolocation=(), camera=(), microphone=(), payment=()"),
            (b"cross-origin-opener-policy", b"same-origin"),
            (b"cross-origin-resource-policy", b"same-origin"),
        ]
        self.headers = [(b"content-security-policy", csp.encode()), *common]
        self.docs_headers = [(b"content-security-policy", docs_csp.encode()), *common]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        extra = self.docs_headers if path.startswith(self.docs_prefix) else self.headers

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [
                    *message.get("headers", []),
                    *((k, v) for k, v in extra if k not in names),
                ]
            await send(message)

        url_len = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"")
        if url_len > self.max_url:
            await _refuse(send_with_headers, 414, f"URL longer than {self.max_url} bytes")
            return
        declared = _content_length(scope)
        if declared == -1:
            await _refuse(send_with_headers, 400, "invalid Content-Length header")
            return
        if declared is not None and declared > self.max_body:
            await _refuse(send_with_headers, 413, f"request body over {self.max_body} bytes")
            return

        seen = 0
        too_big = False

        async def limited_receive() -> Message:
            nonlocal seen, too_big
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    too_big = True
                    return {"type": "http.disconnect"}
            return message

        started = False

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send_with_headers(message)

        await self.app(scope, limited_receive, guarded_send)
        if too_big and not started:
            await _refuse(send_with_headers, 413, f"request body over {self.max_body} bytes")


def _content_length(scope: Scope) -> int | None:
    for key, value in scope.get("headers", []):
        if key == b"content-length":
            try:
                n = int(value)
            except ValueError:
                return -1
            return n if n >= 0 else -1
    return None


async def _refuse(send: Send, status: int, message: str) -> None:
    body = error_body(status, message)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})

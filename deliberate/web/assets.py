"""Static files under content-hashed names, compressed, cached for a year.

At app start every file a page may load (our static/ and the vendored files the templates use) is read and
hashed; templates name them only through `asset("css/app.css")`, which answers
`/static/css/app.3f2a9c1e.css`. A changed file gets a new name, so those URLs can be `immutable`: a phone
on a venue's thin connection fetches each file once, and a page opened again loads nothing but its HTML.
The hashed files live under the existing /static mount (no new route); the plain names keep working there
and under /vendor/ with a short cache. Stylesheets have their url() references rewritten to hashed names
before they are hashed themselves, so a new font also renames the CSS that points at it.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import os
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

import anyio.to_thread
import brotli
from starlette.datastructures import Headers
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES
from starlette.responses import Response
from starlette.staticfiles import PathLike, StaticFiles
from starlette.types import Scope

from deliberate.settings import ROOT

log = logging.getLogger(__name__)

STATIC = ROOT / "static"
NODE = ROOT / "node_modules"
# Vendored files actually served: logical name -> file. Sarabun is fontsource's Thai and Latin subsets only,
# regular and bold (app.css gives each its unicode-range, so a page loads just the subsets its text uses).
VENDOR = {
    "vendor/htmx/htmx.min.js": NODE / "htmx.org" / "dist" / "htmx.min.js",
    "vendor/htmx/ext/hx-ws.min.js": NODE / "htmx.org" / "dist" / "ext" / "hx-ws.min.js",
    **{
        f"vendor/sarabun/sarabun-{subset}-{weight}-normal.woff2": NODE
        / "@fontsource"
        / "sarabun"
        / "files"
        / f"sarabun-{subset}-{weight}-normal.woff2"
        for subset in ("thai", "latin")
        for weight in (400, 700)
    },
}
# Files served as one: htmx and its websocket extension. As two deferred scripts, htmx could start (it does on
# a timer once the document is parsed) before the extension had loaded on a slow connection, and the page
# never opened its live socket. One file runs both in order, and is one request fewer.
BUNDLES = {
    "vendor/htmx/htmx-ws.min.js": (VENDOR["vendor/htmx/htmx.min.js"], VENDOR["vendor/htmx/ext/hx-ws.min.js"]),
}
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"
TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".webp": "image/webp",
}
COMPRESSIBLE = (".css", ".js", ".svg", ".json", ".txt")
# Already-compressed downloads gain nothing from gzip and cost CPU: the HTML middleware leaves them alone.
NOT_GZIPPED = (
    *DEFAULT_EXCLUDED_CONTENT_TYPES,
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")\s]+)\1\s*\)""")

# Compressed bodies by (content hash, coding): made on first request, shared by every app in the process.
_compressed: dict[tuple[str, str], bytes] = {}


@dataclass(frozen=True)
class Asset:
    name: str  # logical: "css/app.css", "vendor/htmx/htmx.min.js"
    url_path: str  # under /static: "css/app.3f2a9c1e.css"
    body: bytes
    digest: str

    @property
    def url(self) -> str:
        return "/static/" + self.url_path

    @property
    def media_type(self) -> str:
        return TYPES.get(posixpath.splitext(self.name)[1], "application/octet-stream")

    @property
    def compressible(self) -> bool:
        return self.name.endswith(COMPRESSIBLE)

    async def encoded(self, coding: str) -> bytes:
        key = (self.digest, coding)
        if key not in _compressed:
            compress = _brotli if coding == "br" else _gzip
            _compressed[key] = await anyio.to_thread.run_sync(compress, self.body)
        return _compressed[key]

    async def response(self, request_headers: Headers) -> Response:
        etag = f'"{self.digest}"'
        headers = {"cache-control": IMMUTABLE, "etag": etag}
        if self.compressible:
            headers["vary"] = "Accept-Encoding"
        if etag in request_headers.get("if-none-match", ""):
            return Response(status_code=304, headers=headers)
        body = self.body
        coding = negotiate(request_headers.get("accept-encoding", "")) if self.compressible else None
        if coding:
            body = await self.encoded(coding)
            headers["content-encoding"] = coding
        return Response(body, media_type=self.media_type, headers=headers)


def _brotli(body: bytes) -> bytes:
    compressed: bytes = brotli.compress(body, quality=11)  # brotli ships no types
    return compressed


def _gzip(body: bytes) -> bytes:
    return gzip.compress(body, compresslevel=9, mtime=0)


def negotiate(accept_encoding: str) -> str | None:
    """brotli when the browser takes it (every current one does over HTTPS and on localhost), else gzip."""
    offered: dict[str, float] = {}
    for part in accept_encoding.lower().split(","):
        coding, _, params = part.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        offered[coding.strip()] = q
    for coding in ("br", "gzip"):
        if offered.get(coding, offered.get("*", 0.0)) > 0:
            return coding
    return None


def hashed_path(name: str, digest: str) -> str:
    stem, ext = posixpath.splitext(name)
    return f"{stem}.{digest}{ext}"


class Manifest:
    def __init__(self, files: dict[str, Path | tuple[Path, ...]]) -> None:
        self.by_name: dict[str, Asset] = {}
        # Stylesheets last: their url()s must point at names already hashed.
        for name in sorted(files, key=lambda n: n.endswith(".css")):
            source = files[name]
            # A bundle's parts joined by an empty statement, so no part's last line can run into the next.
            body = (
                b"\n;\n".join(part.read_bytes() for part in source)
                if isinstance(source, tuple)
                else source.read_bytes()
            )
            if name.endswith(".css"):
                body = self._rewrite_css(name, body)
            digest = hashlib.sha256(body).hexdigest()[:10]
            self.by_name[name] = Asset(name, hashed_path(name, digest), body, digest)
        self.by_path = {a.url_path: a for a in self.by_name.values()}

    def _rewrite_css(self, name: str, body: bytes) -> bytes:
        def hashed(match: re.Match[str]) -> str:
            ref = match.group(2)
            if ref.startswith(("data:", "#")) or "//" in ref:
                return match.group(0)
            target = _logical(name, ref.split("?")[0].split("#")[0])
            if target not in self.by_name:
                log.warning("%s refers to %s, which is not a served asset", name, ref)
                return match.group(0)
            return f'url("{self.by_name[target].url}")'

        return CSS_URL.sub(hashed, body.decode("utf-8")).encode("utf-8")

    def url(self, name: str) -> str:
        try:
            return self.by_name[name].url
        except KeyError:
            raise KeyError(f"asset({name!r}): no such file in static/ or the vendored list") from None


def _logical(css_name: str, ref: str) -> str:
    if ref.startswith("/static/"):
        return ref.removeprefix("/static/")
    if ref.startswith("/"):
        return ref.removeprefix("/")  # /vendor/...
    return posixpath.normpath(posixpath.join(posixpath.dirname(css_name), ref))


def served_files() -> dict[str, Path | tuple[Path, ...]]:
    files: dict[str, Path | tuple[Path, ...]] = {
        p.relative_to(STATIC).as_posix(): p for p in sorted(STATIC.rglob("*")) if p.is_file()
    }
    files.update({name: path for name, path in VENDOR.items() if path.is_file()})
    files.update({name: parts for name, parts in BUNDLES.items() if all(p.is_file() for p in parts)})
    return files


_manifest: Manifest | None = None


def load() -> Manifest:
    """Read and hash every served file (at app start; milliseconds for the few files there are)."""
    global _manifest
    _manifest = Manifest(served_files())
    return _manifest


def manifest() -> Manifest:
    return _manifest or load()


def asset(name: str) -> str:
    """The jinja global: the hashed URL of a static file, by its path under static/ or its vendored name."""
    return manifest().url(name)


class ShortCacheFiles(StaticFiles):
    """Plain, un-hashed paths: still served, but only cached briefly, since their content can change."""

    def file_response(
        self, full_path: PathLike, stat_result: os.stat_result, scope: Scope, status_code: int = 200
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers.setdefault("cache-control", SHORT)
        return response


class AssetFiles(ShortCacheFiles):
    """The /static mount: hashed names from the manifest (compressed, immutable), plain names from disk.
    Made once per app, so building it is the moment the files are hashed."""

    def __init__(self, directory: PathLike) -> None:
        super().__init__(directory=directory)
        load()

    async def get_response(self, path: str, scope: Scope) -> Response:
        found = manifest().by_path.get(path.replace(os.sep, "/"))
        if found is not None and scope["method"] in ("GET", "HEAD"):
            return await found.response(Headers(scope=scope))
        return await super().get_response(path, scope)

"""Static files under content-hashed names (deliberate/web/assets.py), through the real app."""

from __future__ import annotations

import gzip
import re

import brotli
import httpx

from deliberate.web.assets import IMMUTABLE, manifest, negotiate

ASSET_URL = re.compile(r'(?:href|src)="(/static/[^"]+)"')


async def raw(client: httpx.AsyncClient, url: str, **headers: str) -> tuple[httpx.Response, bytes]:
    async with client.stream("GET", url, headers=headers) as r:
        return r, b"".join([chunk async for chunk in r.aiter_raw()])


async def test_pages_name_every_static_file_by_its_content_hash(client: httpx.AsyncClient) -> None:
    page = await client.get("/")
    urls = ASSET_URL.findall(page.text)
    stems = {u.rsplit("/", 1)[-1].split(".")[0] for u in urls}
    assert stems >= {"app", "htmx-ws", "live", "sarabun-thai-400-normal"}
    for url in urls:
        assert re.search(r"\.[0-9a-f]{10}\.(css|js|woff2)$", url), url
        r = await client.get(url)
        assert r.status_code == 200 and r.headers["cache-control"] == IMMUTABLE
    assert '<link rel="preload"' in page.text and "sarabun-thai-400-normal" in page.text


async def test_htmx_and_its_websocket_extension_arrive_as_one_script(client: httpx.AsyncClient) -> None:
    """As two deferred scripts, htmx could process the page before the extension had loaded, and the live
    socket never opened: one script, htmx first, the extension registering right after it."""
    page = (await client.get("/")).text
    scripts = re.findall(r'<script src="(/static/[^"]+)"', page)
    htmx = [u for u in scripts if "/vendor/htmx/" in u]
    assert len(htmx) == 1 and "htmx-ws." in htmx[0]
    body = (await client.get(htmx[0], headers={"accept-encoding": "identity"})).text
    parts = manifest().by_name
    core, ws = parts["vendor/htmx/htmx.min.js"].body.decode(), parts["vendor/htmx/ext/hx-ws.min.js"].body.decode()
    assert body.index(core) < body.index(ws) and 'registerExtension("ws"' in ws


async def test_text_assets_are_sent_brotli_or_gzip_as_the_browser_asks(client: httpx.AsyncClient) -> None:
    css = manifest().by_name["css/app.css"]
    r, body = await raw(client, css.url, **{"accept-encoding": "gzip, deflate, br"})
    assert r.headers["content-encoding"] == "br" and brotli.decompress(body) == css.body
    assert r.headers["vary"] == "Accept-Encoding" and len(body) < len(css.body) // 3
    r, body = await raw(client, css.url, **{"accept-encoding": "gzip"})
    assert r.headers["content-encoding"] == "gzip" and gzip.decompress(body) == css.body
    r, body = await raw(client, css.url, **{"accept-encoding": "identity"})
    assert "content-encoding" not in r.headers and body == css.body
    font = manifest().by_name["vendor/sarabun/sarabun-thai-400-normal.woff2"]
    r, body = await raw(client, font.url, **{"accept-encoding": "br"})
    assert "content-encoding" not in r.headers and r.headers["content-type"] == "font/woff2"


async def test_the_stylesheet_points_at_hashed_fonts_of_the_thai_and_latin_subsets_only(
    client: httpx.AsyncClient,
) -> None:
    css = (await client.get(manifest().url("css/app.css"))).text
    fonts = re.findall(r'url\("([^"]+)"\)', css)
    assert len(fonts) == 4
    for url in fonts:
        assert re.fullmatch(r"/static/vendor/sarabun/sarabun-(thai|latin)-(400|700)-normal\.[0-9a-f]{10}\.woff2", url)
        assert (await client.get(url)).status_code == 200
    assert css.count("font-display: swap") == 4 and css.count("unicode-range") == 4


async def test_a_revalidation_is_answered_304_and_an_unknown_hash_404(client: httpx.AsyncClient) -> None:
    js = manifest().by_name["js/live.js"]
    r = await client.get(js.url, headers={"if-none-match": f'"{js.digest}"'})
    assert r.status_code == 304 and r.content == b""
    assert (await client.get("/static/js/live.0123456789.js")).status_code == 404


async def test_plain_paths_keep_working_with_a_short_cache(client: httpx.AsyncClient) -> None:
    for url in ("/static/css/app.css", "/vendor/htmx/htmx.min.js"):
        r = await client.get(url)
        assert r.status_code == 200 and r.headers["cache-control"] == "public, max-age=300", url


async def test_html_pages_are_compressed(client: httpx.AsyncClient) -> None:
    r, body = await raw(client, "/", **{"accept-encoding": "gzip"})
    assert r.headers["content-encoding"] == "gzip" and b"<html" in gzip.decompress(body)
    assert "Accept-Encoding" in r.headers["vary"]


def test_negotiation_follows_the_accept_encoding_header() -> None:
    assert negotiate("gzip, deflate, br, zstd") == "br"
    assert negotiate("gzip;q=1.0, br;q=0") == "gzip"
    assert negotiate("identity") is None
    assert negotiate("*") == "br"
    assert negotiate("") is None

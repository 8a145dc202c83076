"""Fetching pages and feeds over HTTP: timeouts, a size limit, a redirect limit, a clear user agent,
and no requests to private or loopback addresses unless the user allows them."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from fogwatch.errors import SourceError
from fogwatch.sources.options import ReadOptions


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str  # after redirects
    body: bytes
    content_type: str
    charset: str | None


def is_url(spec: str) -> bool:
    return spec.lower().startswith(("http://", "https://"))


def _check_address(url: str, options: ReadOptions) -> None:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"}:
        raise SourceError("E015", url, detail=f"scheme {parts.scheme or 'none'!r} (only http and https)")
    host = parts.hostname
    if not host:
        raise SourceError("E015", url, detail="no host")
    if options.allow_private:
        return
    try:
        infos = socket.getaddrinfo(host, parts.port or 0, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise SourceError("E009", url, detail=f"cannot resolve {host} ({exc.strerror})") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise SourceError(
                "E015", url, detail=f"{host} is {address}, a private or local address (use --allow-private)"
            )


def fetch(url: str, options: ReadOptions, client: httpx.Client | None = None) -> Fetched:
    """GET a URL, following at most `max_redirects` redirects, each hop checked like the first."""
    own = client is None
    client = client or httpx.Client(
        timeout=options.timeout, follow_redirects=False, headers={"User-Agent": options.user_agent}
    )
    try:
        current = url
        for _ in range(options.max_redirects + 1):
            _check_address(current, options)
            try:
                with client.stream("GET", current) as response:
                    if response.is_redirect:
                        location = response.headers.get("location")
                        if not location:
                            raise SourceError("E010", url, status=response.status_code)
                        current = urljoin(current, location)
                        continue
                    if response.status_code >= 400:
                        raise SourceError("E010", url, status=response.status_code)
                    body = _read_limited(response, url, options.max_bytes)
                    content_type = response.headers.get("content-type", "")
                    return Fetched(str(response.url), body, content_type.split(";")[0].strip().lower(),
                                   response.charset_encoding)
            except httpx.TimeoutException:
                raise SourceError("E009", url, detail=f"timed out after {options.timeout:g} s") from None
            except httpx.HTTPError as exc:
                raise SourceError("E009", url, detail=f"{type(exc).__name__}: {exc}") from None
        raise SourceError("E009", url, detail=f"more than {options.max_redirects} redirects")
    finally:
        if own:
            client.close()


def _read_limited(response: httpx.Response, url: str, limit: int) -> bytes:
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise SourceError("E004", url, size=int(declared), limit=limit)
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limit:
            raise SourceError("E004", url, size=size, limit=limit)
        chunks.append(chunk)
    return b"".join(chunks)

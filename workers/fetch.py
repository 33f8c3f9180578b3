"""Fetching a document by URL for the HTTP API, only from hosts the allow-list permits.

The host is resolved first and every address it resolves to must lie in an allowed network;
otherwise the URL is refused before any connection is made. The connection then goes to the
address that was checked (the name is not resolved a second time), and each redirect is checked
the same way. The body is read with a size limit and a wall-clock limit.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit

import httpx

from workers.config import Network


class FetchRefused(Exception):
    """The URL may not be fetched (scheme, host, address): nothing was contacted."""


class FetchFailed(Exception):
    """The server could not be reached or answered with an error."""


class FetchTooLarge(Exception):
    """The document is larger than the limit."""


@dataclass(frozen=True)
class Fetched:
    data: bytes
    name: str


def allowed_address(host: str, port: int, allow: tuple[Network, ...]) -> str:
    """The first address of `host`, if all its addresses are allowed; else FetchRefused."""
    if not allow:
        raise FetchRefused("fetching URLs is disabled (no allowed networks configured)")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchRefused(f"{host}: cannot be resolved ({exc})") from exc
    addresses = [str(info[4][0]) for info in infos]
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if not any(ip in network for network in allow):
            raise FetchRefused(f"{host} resolves to {ip}, which is not an allowed address")
    return addresses[0]


def fetch(url: str, allow: tuple[Network, ...], max_bytes: int, timeout: float, max_redirects: int) -> Fetched:
    """Download `url` (http/https) under the allow-list, size and time limits."""
    deadline = time.monotonic() + timeout
    for _ in range(max_redirects + 1):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchRefused(f"only http and https URLs with a host can be fetched: {url!r}")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = allowed_address(parts.hostname, port, allow)
        pinned = parts._replace(netloc=f"[{address}]:{port}" if ":" in address else f"{address}:{port}").geturl()
        headers = {"Host": parts.netloc.rsplit("@", 1)[-1]}
        try:
            with (
                httpx.Client(timeout=max(deadline - time.monotonic(), 0.1), follow_redirects=False) as client,
                client.stream("GET", pinned, headers=headers, extensions={"sni_hostname": parts.hostname}) as resp,
            ):
                if resp.is_redirect and "location" in resp.headers:
                    url = urljoin(url, resp.headers["location"])
                    continue
                if resp.status_code >= 400:
                    raise FetchFailed(f"{url}: the server answered {resp.status_code}")
                return Fetched(_read(resp, max_bytes, deadline), unquote(parts.path.rsplit("/", 1)[-1]) or "download")
        except httpx.HTTPError as exc:
            raise FetchFailed(f"{url}: {type(exc).__name__}: {exc}") from exc
    raise FetchFailed(f"{url}: more than {max_redirects} redirects")


def _read(resp: httpx.Response, max_bytes: int, deadline: float) -> bytes:
    declared = resp.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise FetchTooLarge(f"{declared} bytes; the limit is {max_bytes}")
    body = bytearray()
    for chunk in resp.iter_bytes():
        body.extend(chunk)
        if len(body) > max_bytes:
            raise FetchTooLarge(f"more than {max_bytes} bytes; the limit is {max_bytes}")
        if time.monotonic() > deadline:
            raise FetchFailed("the download took longer than the time limit")
    return bytes(body)

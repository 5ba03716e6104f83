"""HTTP access to OParl servers: timeouts, retries with exponential backoff, tolerant JSON.

Every failure is returned as a `Fetched` with a warning kind (missing-object, timeout,
http-error, malformed-json) for the caller to report; nothing here raises for a bad response.
The client is shared by the crawler's worker threads (httpx clients are thread-safe).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx

from kg.oparl_models import WarningLog

log = logging.getLogger(__name__)

USER_AGENT = "ratsgraph-oparl/0.1 (+https://w3id.org/ratsgraph)"
MAX_DOWNLOAD_BYTES = 64 * 1024 * 1024
_RETRY_STATUS = {408, 425, 429, 500, 502, 503, 504}
_MAX_RETRY_AFTER = 60.0


@dataclass(frozen=True, slots=True)
class FetchOptions:
    """How to talk to a server.

    Attributes:
        timeout: seconds for connecting and for each read.
        retries: extra attempts after a timeout, connection error, 5xx/429 or broken JSON.
        backoff: seconds before the first retry; doubled for each further one.
        concurrency: lists and objects fetched at the same time.
    """

    timeout: float = 30.0
    retries: int = 3
    backoff: float = 1.0
    concurrency: int = 4


@dataclass(frozen=True, slots=True)
class Fetched:
    """The outcome of one request: parsed JSON (`data`) or a one-line `error` of `kind`."""

    url: str
    data: Any = None
    error: str | None = None
    kind: str | None = None

    @property
    def ok(self) -> bool:
        """True when the response was read."""
        return self.error is None


@dataclass(frozen=True, slots=True)
class Download:
    """Bytes of a file (a protocol PDF/HTML) or a one-line `error`."""

    url: str
    content: bytes = b""
    content_type: str = ""
    error: str | None = None


class OParlClient:
    """A pooled HTTP client that retries what is worth retrying and counts requests."""

    def __init__(self, options: FetchOptions, warnings: WarningLog) -> None:
        self.options = options
        self.warnings = warnings
        self.requests = 0
        self._lock = threading.Lock()
        pool = max(2, options.concurrency * 2)
        self._client = httpx.Client(
            timeout=httpx.Timeout(options.timeout),
            follow_redirects=True,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            limits=httpx.Limits(max_connections=pool, max_keepalive_connections=pool),
        )

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def __enter__(self) -> OParlClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get_json(self, url: str, params: dict[str, str] | None = None) -> Fetched:
        """GET a JSON document, retrying timeouts, connection errors, 5xx and broken JSON."""
        failure = Fetched(url, error="not attempted", kind="http-error")
        for attempt in range(self.options.retries + 1):
            if attempt:
                self._sleep(attempt, failure)
            response, failure = self._get(url, params)
            if response is None:
                continue
            if response.status_code in (404, 410):
                return Fetched(
                    url, error=f"{url}: HTTP {response.status_code}", kind="missing-object"
                )
            if response.status_code >= 400:
                failure = Fetched(
                    url, error=f"{url}: HTTP {response.status_code}", kind="http-error"
                )
                if response.status_code in _RETRY_STATUS:
                    continue
                return failure
            result = self._decode(url, response)
            if result.ok:
                return result
            failure = result
        return failure

    def download(self, url: str) -> Download:
        """GET a file's bytes (at most 64 MB), with the same retries as JSON."""
        error = "not attempted"
        for attempt in range(self.options.retries + 1):
            if attempt:
                time.sleep(self.options.backoff * 2 ** (attempt - 1))
            response, failure = self._get(url, None)
            if response is None:
                error = failure.error or error
                continue
            if response.status_code >= 400:
                error = f"{url}: HTTP {response.status_code}"
                if response.status_code in _RETRY_STATUS:
                    continue
                return Download(url, error=error)
            if len(response.content) > MAX_DOWNLOAD_BYTES:
                return Download(url, error=f"{url}: larger than 64 MB")
            content_type = response.headers.get("content-type", "").split(";")[0].strip()
            return Download(url, response.content, content_type.lower())
        return Download(url, error=error)

    def _get(
        self, url: str, params: dict[str, str] | None
    ) -> tuple[httpx.Response | None, Fetched]:
        with self._lock:
            self.requests += 1
        try:
            return self._client.get(url, params=params), Fetched(url)
        except httpx.TimeoutException:
            return None, Fetched(url, error=f"{url}: timed out", kind="timeout")
        except (httpx.HTTPError, httpx.InvalidURL, ValueError) as error:
            message = str(error).splitlines()[0] if str(error) else type(error).__name__
            return None, Fetched(url, error=f"{url}: {message}", kind="http-error")

    def _sleep(self, attempt: int, failure: Fetched) -> None:
        delay = self.options.backoff * 2 ** (attempt - 1)
        log.info("retrying %s in %.2fs (%s)", failure.url, delay, failure.error)
        time.sleep(min(delay, _MAX_RETRY_AFTER))

    def _decode(self, url: str, response: httpx.Response) -> Fetched:
        content_type = response.headers.get("content-type", "")
        if "json" not in content_type.lower():
            self.warnings.warn(
                "content-type", f"{url}: served as {content_type or 'no type'!r}, read as JSON"
            )
        return parse_json(url, response.content, self.warnings)


def parse_json(where: str, raw: bytes, warnings: WarningLog) -> Fetched:
    """Parse JSON bytes leniently: BOM, cp1252 and raw control characters are accepted.

    >>> parse_json("x", b'{"name": "Rat\\r\\n"}', WarningLog()).data
    {'name': 'Rat\\r\\n'}
    >>> parse_json("x", b'{"name": ', WarningLog()).kind
    'malformed-json'
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        warnings.warn("bad-value", f"{where}: not UTF-8, read as cp1252")
        text = raw.decode("cp1252", errors="replace")
    try:
        return Fetched(where, data=json.loads(text, strict=False))
    except ValueError as error:
        message = str(error).splitlines()[0]
        return Fetched(where, error=f"{where}: malformed JSON ({message})", kind="malformed-json")

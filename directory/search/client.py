"""A small Meilisearch HTTP client on one kept-alive httpx connection.

Why not the `meilisearch` package: it opens a new TCP connection per request, has no default timeout,
and a kept-alive connection asking for gzip stalls ~40 ms per response (see ../shared/MEILISEARCH.md).
We need only a handful of endpoints, so one explicit client keeps the search endpoint close to raw latency.
Bodies are encoded and answers decoded by orjson (a search answer of ~23 KB in a tenth of the standard library's
time).
"""

from __future__ import annotations

import socket
import ssl
import time
from functools import cache
from typing import Any

import httpx
import orjson


@cache
def _tls() -> ssl.SSLContext:
    """The default TLS context (system certificates), made once: loading the certificates takes tens of
    milliseconds, and every application, test and command opens a client."""
    return httpx.create_ssl_context()


def transport() -> httpx.HTTPTransport:
    """Keep-alive transport with TCP_NODELAY: headers and body go out in two writes, and Nagle's algorithm would
    hold the second one until the first is acknowledged."""
    return httpx.HTTPTransport(verify=_tls(), socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)])


class MeiliError(RuntimeError):
    """An error answered by Meilisearch (with its stable `code`) or a transport failure (`code='unreachable'`)."""

    def __init__(self, message: str, code: str = "", status: int = 0):
        super().__init__(message)
        self.code, self.status = code, status


class MeiliClient:
    """Thin, typed wrapper over the Meilisearch REST API."""

    def __init__(self, url: str, master_key: str = "", timeout: float = 5.0, search_timeout: float | None = None):
        headers = {"Accept-Encoding": "identity", "Content-Type": "application/json"}
        if master_key:
            headers["Authorization"] = f"Bearer {master_key}"
        self.url = url.rstrip("/")
        self.search_timeout = search_timeout or timeout  # searches give up sooner: the SQL fallback answers them
        self._http = httpx.Client(base_url=self.url, headers=headers, timeout=timeout, transport=transport())

    def close(self) -> None:
        self._http.close()

    def request(
        self, method: str, path: str, json: Any = None, params: dict | None = None, timeout: float | None = None
    ) -> Any:
        """Send a request and return the decoded JSON body; raise MeiliError on failure. Searches wait
        `search_timeout` unless `timeout` says otherwise (a download's pages may wait longer)."""
        try:
            wait: Any = timeout
            if wait is None:
                wait = self.search_timeout if path.endswith("search") else self._http.timeout
            content = None if json is None else orjson.dumps(json)  # the client's Content-Type says JSON
            response = self._http.request(method, path, content=content, params=params, timeout=wait)
        except httpx.TransportError as exc:
            raise MeiliError(f"Meilisearch unreachable at {self.url}: {exc}", "unreachable") from exc
        if response.status_code >= 400:
            body = orjson.loads(response.content) if response.content else {}
            raise MeiliError(body.get("message", response.text), body.get("code", ""), response.status_code)
        return orjson.loads(response.content) if response.content else None

    def health(self) -> bool:
        """True when the server answers `/health`."""
        try:
            return self.request("GET", "/health").get("status") == "available"
        except MeiliError:
            return False

    def wait_for_task(self, task: dict | int, timeout: float = 120.0) -> dict:
        """Poll a task until it ends; raise MeiliError if it failed."""
        uid = task if isinstance(task, int) else task["taskUid"]
        deadline = time.monotonic() + timeout
        delay = 0.005
        while True:
            info = self.request("GET", f"/tasks/{uid}")
            if info["status"] in ("succeeded", "failed", "canceled"):
                if info["status"] != "succeeded":
                    error = info.get("error") or {}
                    raise MeiliError(error.get("message", info["status"]), error.get("code", info["status"]))
                return info
            if time.monotonic() > deadline:
                raise MeiliError(f"task {uid} still {info['status']} after {timeout}s", "timeout")
            time.sleep(delay)
            delay = min(delay * 2, 0.2)

    # Index-level helpers -------------------------------------------------------------------------
    def create_index(self, uid: str, primary_key: str = "id") -> dict:
        return self.request("POST", "/indexes", {"uid": uid, "primaryKey": primary_key})

    def delete_index(self, uid: str) -> dict:
        return self.request("DELETE", f"/indexes/{uid}")

    def index_exists(self, uid: str) -> bool:
        try:
            self.request("GET", f"/indexes/{uid}")
            return True
        except MeiliError as exc:
            if exc.code == "index_not_found":
                return False
            raise

    def update_settings(self, uid: str, settings: dict) -> dict:
        return self.request("PATCH", f"/indexes/{uid}/settings", settings)

    def add_documents(self, uid: str, documents: list[dict]) -> dict:
        return self.request("POST", f"/indexes/{uid}/documents", documents)

    def delete_documents(self, uid: str, ids: list[str]) -> dict:
        return self.request("POST", f"/indexes/{uid}/documents/delete-batch", ids)

    def delete_documents_by_filter(self, uid: str, filter_: str) -> dict:
        return self.request("POST", f"/indexes/{uid}/documents/delete", {"filter": filter_})

    def search(self, uid: str, body: dict) -> dict:
        return self.request("POST", f"/indexes/{uid}/search", body)

    def swap_indexes(self, a: str, b: str) -> dict:
        return self.request("POST", "/swap-indexes", [{"indexes": [a, b]}])

    def stats(self, uid: str) -> dict:
        return self.request("GET", f"/indexes/{uid}/stats")

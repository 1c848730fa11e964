"""ASGI middleware that counts every HTTP request: in flight, duration, status code by route."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from codemill.domain.ports.serving_metrics import ServingMetrics

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]
OTHER = "other"  # any path that is not a route: keeps the label set bounded


class MetricsMiddleware:
    """Plain ASGI (no per-request task or body copy): cheap enough for every request."""

    def __init__(self, app: App, metrics: ServingMetrics, routes: frozenset[str]) -> None:
        self._app = app
        self._metrics = metrics
        self._routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        path = scope["path"] if scope["path"] in self._routes else OTHER
        status = 500  # unless the app starts a response

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        start = time.perf_counter()
        self._metrics.request_started()
        try:
            await self._app(scope, receive, send_and_note)
        finally:
            self._metrics.request_finished(path, status, time.perf_counter() - start)

"""The FastAPI app of `codemill serve`: predict, health, readiness, metrics, the model served."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from codemill.application.serving.load_model import describe
from codemill.application.serving.model_service import ModelService
from codemill.application.serving.served_model import ModelNotReadyError
from codemill.domain.errors import first_line
from codemill.domain.ports.serving_metrics import ServingMetrics
from codemill.presentation.http.metrics_middleware import MetricsMiddleware
from codemill.presentation.http.request_body import BadRequestError, RequestLimits, parse_inputs, read_body

PREDICT, MODEL, HEALTH, READY, METRICS = "/v1/predict", "/v1/model", "/healthz", "/readyz", "/metrics"


def json_response(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8")
    return Response(body, status_code=status, media_type="application/json", headers=headers)


def error(status: int, message: str) -> Response:
    headers = {"Retry-After": "1"} if status == 503 else None
    return json_response({"error": " ".join(message.split())}, status, headers)


def create_app(service: ModelService, metrics: ServingMetrics, limits: RequestLimits) -> FastAPI:
    """The app; its lifespan starts the service (model loading in the background) and stops it."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await service.start()
        try:
            yield
        finally:
            await service.stop()

    app = FastAPI(title="codemill serve", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)

    @app.post(PREDICT)
    async def predict(request: Request) -> Response:
        try:
            body = await read_body(
                request.headers.get("content-length"), request.stream(), limits.max_body_bytes
            )
            inputs = parse_inputs(body, limits.max_inputs)
            answer = await service.predict(inputs)
        except BadRequestError as exc:
            return error(exc.status, exc.message)
        except ModelNotReadyError as exc:
            return error(503, str(exc))
        except Exception as exc:  # the model failed on a batch holding this request's inputs
            return error(500, f"the model failed on this request: {first_line(exc)}")
        model = answer.model
        predictions = [prediction.to_dict() for prediction in answer.predictions]
        return json_response({"model": model.name, "version": model.version, "predictions": predictions})

    @app.get(MODEL)
    async def model() -> Response:
        if not service.ready:
            return error(503, "the model is still loading")
        served = service.model
        return json_response(
            {
                "name": served.name,
                "version": served.version,
                "alias": served.alias,
                "reference": served.reference,
                "fingerprint": served.fingerprint,
                "kind": service.kind,
                "lineage": dict(served.lineage),
                "description": describe(served),
            }
        )

    @app.get(HEALTH)
    async def health() -> Response:
        return json_response({"status": "alive"})

    @app.get(READY)
    async def ready() -> Response:
        if not service.ready:
            return error(503, "the model is still loading")
        return json_response(
            {"status": "ready", "model": service.model.name, "version": service.model.version}
        )

    @app.get(METRICS)
    async def metrics_text() -> Response:
        body, content_type = metrics.render()
        return Response(body, media_type=content_type)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        return error(exc.status_code, f"{request.method} {request.url.path}: {exc.detail}")

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        return error(422, f"{request.method} {request.url.path}: the request does not fit this route")

    app.add_middleware(
        MetricsMiddleware, metrics=metrics, routes=frozenset({PREDICT, MODEL, HEALTH, READY, METRICS})
    )
    return app

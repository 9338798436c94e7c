"""Serve the dashboard with a health check that fails when the warehouse cannot be read.

`streamlit run serve.py` runs dashboard.py exactly as `streamlit run dashboard.py` does (Streamlit finds `app` and
serves it), except that /_stcore/health answers 503 "warehouse unreadable" while the warehouse file is damaged,
truncated or not a loti-demand warehouse, so a load balancer or orchestrator takes the server out of service
instead of sending visitors to a page that cannot show them anything. The reason is in the server log.
"""

import gc
from pathlib import Path

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse

from loti_demand import config
from loti_demand.warehouse import health


class WarehouseHealth:
    """ASGI middleware answering Streamlit's own health path when the warehouse is unreadable."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        # Reading a new warehouse version takes DuckDB a moment: off the event loop.
        if (
            scope["type"] == "http"
            and scope["path"].endswith("/_stcore/health")
            and await run_in_threadpool(health.problem, config.path("warehouse"))
        ):
            await PlainTextResponse("warehouse unreadable", status_code=503)(scope, receive, send)
            return
        await self.app(scope, receive, send)


# Python's collector at its default thresholds (700, 10, 10) ran a full collection about every 8 s under the load
# test, each holding the interpreter lock for 250 to 440 ms as the caches filled, so every session stalled. With a
# young generation of 50,000 objects there was none in two minutes (young ones took 60 to 120 ms every 10 s or so):
# 12% more page runs, p95 1.94 to 1.63 s, for 15 MB more memory (docs/performance.md).
GC_THRESHOLDS = (50_000, 20, 10)
gc.set_threshold(*GC_THRESHOLDS)

app = st.App(Path(__file__).with_name("dashboard.py"), middleware=[Middleware(WarehouseHealth)])

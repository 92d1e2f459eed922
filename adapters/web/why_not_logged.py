"""The console's answer to "why wasn't it logged?": the CSV downloads (as `activity-sync
export`) and the kept rejected lines as a page; the health page's part is `web.recipients`."""

from __future__ import annotations

import io

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from adapters.views.csv_export import write_csv
from adapters.views.exports import EXPORTS, export_rows
from adapters.views.rejections import newest_rejections
from adapters.web.console import Console
from adapters.web.rendering import render
from domain.errors import NotFound

SHOWN_REJECTED = 500

router = APIRouter(include_in_schema=False)


@router.get("/exports/{kind}.csv")
def download(request: Request, kind: str) -> Response:
    """One export as a CSV attachment (failures, rejected, unmatched)."""
    chosen = EXPORTS.get(kind)
    if chosen is None:
        raise NotFound(f"no export named '{kind}'; there are {', '.join(EXPORTS)}")
    console: Console = request.app.state.console
    buffer = io.StringIO()
    write_csv(buffer, chosen.header, export_rows(console.app, console.views, kind))
    return Response(
        buffer.getvalue().encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{chosen.filename()}"',
            "Cache-Control": "no-store",  # personal data: never kept by a proxy or the browser
        },
    )


@router.get("/rejected", response_class=HTMLResponse)
def rejected_page(request: Request) -> HTMLResponse:
    """The kept bad input, newest run first, as a table."""
    console: Console = request.app.state.console
    kept = newest_rejections(console.app, SHOWN_REJECTED)
    return render(request, "rejected.html", lines=kept.lines, total=kept.total)

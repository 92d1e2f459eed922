"""Signing in with the admin token: a form that sets an HttpOnly, SameSite=Strict cookie."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from adapters.web.console import Console
from adapters.web.rendering import checked_form, render
from adapters.web.security import SESSION_COOKIE, safe_next

router = APIRouter(include_in_schema=False)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/") -> Response:
    console: Console = request.app.state.console
    if console.keys.admin_token is None or request.state.auth in ("cookie", "bearer"):
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "login.html", next=safe_next(next), error=None)


@router.post("/login", response_model=None)
async def login(request: Request) -> Response:
    console: Console = request.app.state.console
    fields = await checked_form(request)
    target = safe_next(fields.get("next"))
    person = console.keys.person_of(fields.get("token", ""))
    if person is None:
        return render(
            request, "login.html", status=401, next=target, error="That is not the admin token."
        )
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        console.keys.session_for(person),
        httponly=True,
        samesite="strict",
        path="/",
        secure=request.url.scheme == "https",  # behind an HTTPS proxy
    )
    return response


@router.post("/logout", response_model=None)
async def logout(request: Request) -> Response:
    await checked_form(request)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    return response

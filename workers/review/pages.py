"""Who may see the review pages, and how they are rendered: the service token and the reviewer's name (a
header, or cookies set by the login page), Jinja2 templates (autoescaped) under a strict CSP."""

# No `from __future__ import annotations`: FastAPI reads the annotations of the route functions.
import hmac
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, unquote, urlencode

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.security.utils import get_authorization_scheme_param
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from ingest.names import visible

# The templates and static files of the pages (workers/templates, workers/static).
ASSETS = Path(__file__).resolve().parent.parent
_TOKEN_COOKIE = "ingest_token"
_REVIEWER_COOKIE = "reviewer"
# Scripts and styles from this server only: a document's text can never run as code.
_CSP = "default-src 'self'; img-src 'self'; script-src 'self'; style-src 'self'; frame-ancestors 'none'"


def _shown(value: Any) -> Any:
    """Every value a page prints, without the bidirectional controls that could disguise a name."""
    if isinstance(value, Markup):
        return Markup(visible(str(value)))
    return visible(value) if isinstance(value, str) else value


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(ASSETS / "templates"), autoescape=select_autoescape(default=True), finalize=_shown
    )
    env.globals["static"] = lambda name: f"/review/static/{name}"
    return env


def _loopback_safe_next(target: str) -> str:
    return target if target.startswith("/review") and not target.startswith("//") else "/review"


class Pages:
    """Renders the pages for a signed-in reviewer; `token` None: the service needs none."""

    def __init__(self, token: str | None) -> None:
        self.token = token
        self.env = _environment()

    def authorized(self, request: Request) -> bool:
        if self.token is None:
            return True
        # The scheme is case-insensitive (RFC 7235), parsed as the API's HTTPBearer parses it.
        scheme, given = get_authorization_scheme_param(request.headers.get("authorization"))
        given = (given if scheme.lower() == "bearer" else "") or request.cookies.get(_TOKEN_COOKIE, "")
        return hmac.compare_digest(given.encode(), self.token.encode())

    @staticmethod
    def reviewer_of(request: Request) -> str:
        cookie = unquote(request.cookies.get(_REVIEWER_COOKIE, ""))
        return (request.headers.get("x-reviewer") or cookie).strip()[:80]

    def api_reviewer(self, request: Request) -> str:
        """The reviewer of a JSON request (a dependency of the API routes); 401 without the token."""
        if not self.authorized(request):
            raise HTTPException(401, "review needs the service token: sign in at /review/login")
        return self.reviewer_of(request)

    def page(self, request: Request, template: str, **context: Any) -> Response:
        """The page, or the login page when the request has no token or no reviewer's name."""
        if not self.authorized(request) or not self.reviewer_of(request):
            return RedirectResponse(f"/review/login?{urlencode({'next': request.url.path})}", 303)
        html = self.env.get_template(template).render(reviewer=self.reviewer_of(request), **context)
        return HTMLResponse(html, headers={"Content-Security-Policy": _CSP, "Cache-Control": "no-store"})

    def _login_page(self, next: str, reviewer: str, failed: bool) -> HTMLResponse:
        html = self.env.get_template("login.html").render(
            next=_loopback_safe_next(next), needs_token=self.token is not None, reviewer=reviewer, failed=failed,
        )
        return HTMLResponse(html, 401 if failed else 200, headers={"Content-Security-Policy": _CSP})

    def add_login(self, router: APIRouter) -> None:
        """`/review/login`: the reviewer's name (and the token) kept in cookies for 30 days."""

        @router.get("/login")
        async def login_form(request: Request, next: str = "/review") -> Response:
            return self._login_page(next, self.reviewer_of(request), failed=False)

        @router.post("/login")
        async def login(name: Annotated[str, Form()], token: Annotated[str, Form()] = "",
                        next: Annotated[str, Form()] = "/review") -> Response:
            name = name.strip()[:80]
            if not name or (self.token is not None and not hmac.compare_digest(token.encode(), self.token.encode())):
                return self._login_page(next, name, failed=True)
            response = RedirectResponse(_loopback_safe_next(next), 303)
            cookie = {"httponly": True, "samesite": "strict", "path": "/review", "max_age": 30 * 24 * 3600}
            response.set_cookie(_REVIEWER_COOKIE, quote(name), **cookie)  # type: ignore[arg-type]
            if self.token is not None:
                response.set_cookie(_TOKEN_COOKIE, token, **cookie)  # type: ignore[arg-type]
            return response

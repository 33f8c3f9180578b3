"""Review pages: the queue of reports with flagged cells, and a keyboard-first view to confirm or correct them.

`review_router(service, settings)` is included by `workers.api.create_app`; it needs the service's reports
only (no Redis). In parts: `routes` (the router), `pages` (sign-in and rendering), `queue` (what is left to
review), `view` (what a report's page shows), `media` (page crops), `source` (the source read again),
`findings` (the findings pages). Decisions go through `workers.corrections.ReviewLog`.
"""

from workers.review.routes import review_router

__all__ = ["review_router"]

"""The admin console, an entry point: pages, the JSON API and the signed webhook.

- `app`: the ASGI application and the background sync's lifetime.
- `console`: the console's parts wired on the runtime; the health document.
- `background`: the sync round in a background thread.
- `api`, `pages`: the JSON API and the HTML pages; `models`, `orders`: their response
  and request shapes.
- `actions`: what the console changes (retries, settings), always through events.
- `queries`: reads for the pages; `story`: the explain document as a timeline.
- `replays`: replay plans made, kept and applied from the console.
- `security`, `login`, `config`, `rendering`: who may use it, and how pages are rendered.
- `webhook`: signed ingest at `POST /api/activities`.
"""

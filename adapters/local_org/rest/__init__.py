"""The local org's REST API under /services/data/vXX.X/: the routes and what each one answers.

Imports go one way: `routes` imports the handlers and fills the table in `dispatch`; handlers
import `dispatch` (composite runs its subrequests through it), never `routes`.

- routes: every route, in the order they are tried; import `dispatch` from here.
- dispatch: the route context (`Ctx`), the route table and `dispatch`.
- sobjects: create, retrieve, update, delete, upsert by external id, describe, limits.
- collections: sObject Collections, 200 records a call.
- composite: up to 25 subrequests in one call, with references and allOrNone.
- query: query and queryAll through the SOQL engine, paged with server-side cursors.
- bulk: Bulk API 2.0 ingest jobs.
"""

"""The local org: an HTTPS emulator of the Salesforce REST API, backed by SQLite (docs/local-org.md).

A product of its own in the `local_org` stage of adapters/: it imports nothing from domain,
projections, replay or any other adapters package. Its command line is adapters/cli/org.py
(`activity-sync org serve|seed`), which also starts it in a child process (launcher).

Subpackages:
- rest/: the REST routes under /services/data/vXX.X/ and their dispatcher.
- soql/: the SOQL engine, working on any `RecordSource`.
- schema/: the objects and fields, the catalogue, describe.

Serving:
- serve: run the org until stopped, announcing one JSON line on stdout.
- http_server: the threaded HTTPS server.
- tls: the org's CA and server certificate, kept beside the db.
- app: one org: authentication, API usage, faults, then the route in a transaction.
- protocol: the org's own request and response values.
- admin: the admin routes for tests and benchmarks.
- soap: SOAP headers and faults, and the Metadata API's readMetadata of ActivitiesSettings.
- partner_soap: the Partner API's convertLead, merge and undelete.
- users: who calls: each session's User, and the permissions the integration user lacks.
- faults: injected faults, seeded so a run can be repeated.
- errors: a refusal as Salesforce words it.

Records:
- store: the SQLite storage, one table per object.
- org_source: the storage as the SOQL engine's `RecordSource`.
- records: writing one record as Salesforce does.
- record_checks: defaults, required fields, references and unique values.
- values: checking and normalising field values.
- derived: fields the org computes from others.
- archive: which Tasks and Events are archived, computed when they are read.
- activities: shared activities, who a Task or Event is related to.
- relations: the TaskRelation / EventRelation rows.
- recycle_bin: what a delete takes with it and what undelete brings back.
- convert: lead conversion (convertLead).
- merge: merging Accounts, Contacts or Leads (merge).
- ids: Salesforce-style 15/18-character record ids.
- settings_change: a db at start: its integration user, shared activities kept, on or off.
- assumptions: every choice made where Salesforce's behaviour is unconfirmed.

Clients:
- launcher: start the org as a subprocess for tests, the demo and benchmarks.
- client: a simple-salesforce client for an org reached by session id.
- partner_client: convertLead, merge and undelete through a simple-salesforce client's session.
- seed: create demo records from a JSON file through the REST API.
"""

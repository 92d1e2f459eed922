"""The local org's schema: which objects and fields exist, and how describe reports them.

It imports only `assumptions` from the rest of the local org; storage, writes and routes read it.

- model: `Field`, `Child`, `SObjectType`, the field label, and helpers that keep objects short.
- objects_crm: users, accounts, contacts, leads, opportunities and their roles, a custom object.
- objects_activities: Task, Event, their relations and the who-relation views.
- catalog: every object by name or key prefix, and which exist under a shared-activities setting.
- describe: the global and per-object describe results built from the catalogue.
"""

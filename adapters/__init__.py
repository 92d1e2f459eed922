"""The outside world, grouped by the stage of the flow (docs/architecture.md).

- `input/`: JSON Lines in, `Recorded` events or kept rejections out.
- `store/`: the event log, its SQL helpers, the one follower loop, the work queue.
- `views/`: the read side: the task view, the address index, the documents shown.
- `notices/`: rule notices: their queue and their signed delivery.
- `salesforce/`: the gateway on simple-salesforce.
- `local_org/`: the HTTPS emulator of the Salesforce REST API (a product of its own).
- `cli/`, `web/`, `demo/`: the entry points.
- `bootstrap.py`: the wiring (`build()` -> `Runtime`, the followers' table).
- `doctor.py`: what is missing before a first sync, each with its fix.
"""

"""`activity-sync demo`, an entry point: the whole job on embedded defaults.

- `run`: starts a local org, seeds it, ingests a day of email, syncs, explains a shared Task.
- `sample`: the realistic sample org and day of email.
"""

"""`python -m adapters.local_org serve|seed ...`: the `activity-sync org` commands alone.

The commands and their error handling are the CLI's (adapters/cli/org.py); this entry point only
runs them without importing the rest of the CLI, so tests and benchmarks that start many local
orgs start them quicker (the launcher starts the org this way).
"""

from __future__ import annotations

from adapters.cli.org import main

if __name__ == "__main__":
    main()

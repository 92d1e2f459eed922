"""The project's exception root and the kinds an entrypoint maps to exit codes."""

from __future__ import annotations


class ActivitySyncError(Exception):
    """Root of every error the engine raises on purpose. Exit code 1."""

    exit_code = 1


class BadInput(ActivitySyncError):
    """The user gave something unusable (a bad file, flag or value). Exit code 2."""

    exit_code = 2


class BadSetting(BadInput):
    """An unknown setting key or an invalid value."""


class ConfigurationError(ActivitySyncError):
    """The engine cannot start: missing credentials, unreachable org, missing field."""


class NotFound(ActivitySyncError):
    """An id that matches nothing the engine knows."""

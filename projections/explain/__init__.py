"""Explain (R21): why a Task looks the way it does, told from its activity's events.

- `document`: the explain document for one Task or a whole activity (the entry point).
- `story`: the fold of an activity's events into its story, and the settings versions.
- `entries`: the document's entries for a recipient, the opportunities, the settings.
- `writes`: one exchange with the org (written, related, refused, deleted).
- `sentences`: the plain-English sentences the entries carry.
"""

from projections.explain.document import SCHEMA, SettingsVersion, explain, fold, settings_versions

__all__ = ["SCHEMA", "SettingsVersion", "explain", "fold", "settings_versions"]

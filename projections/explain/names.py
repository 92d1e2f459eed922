"""The names beside explain's ids: what the lookup read from the org with the people (R21).

Every name comes from the directory stored in RecipientsResolved (`projections.record_names`).
An id that directory does not name (a person merged in later, say) has none.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from projections.record_names import named_records


@dataclass(frozen=True)
class Names:
    """Names by record id, from one stored directory."""

    by_id: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, directory: Mapping[str, Any]) -> Names:
        return cls({record.record_id: record.name for record in named_records(directory)})

    def of_id(self, record_id: str | None) -> str | None:
        """The name of this record, when the directory read one."""
        return self.by_id.get(record_id) if record_id else None

"""Shaping selected rows as the REST API returns them: attributes, parents, child lists."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from adapters.local_org.soql.schema import FieldPath, Lookup

Row = dict[str, Any]


class Shaper:
    """Builds result records; `children(child_plan)` gives {parent id: child rows}."""

    def __init__(
        self, lookup: Lookup, version: str, children: Callable[[Any], dict[Any, list[Row]]]
    ) -> None:
        self._lookup, self._version, self._children = lookup, version, children

    def attributes(self, sobject: str, record_id: Any) -> dict[str, str]:
        url = f"/services/data/v{self._version}/sobjects/{sobject}/{record_id}"
        return {"type": sobject, "url": url}

    def records(self, sobject: str, fields: Sequence[Any], rows: list[Row]) -> list[Row]:
        children = {
            id(item): self._children(item) for item in fields if not isinstance(item, FieldPath)
        }
        out = []
        for row in rows:
            record: Row = {"attributes": self.attributes(sobject, row.get("Id"))}
            for item in fields:
                if isinstance(item, FieldPath):
                    self._put(record, sobject, row, item)
                else:
                    kids = children[id(item)].get(row.get("Id"))
                    record[item.name] = self._child_list(item, kids)
            out.append(record)
        return out

    def _child_list(self, child: Any, rows: list[Row] | None) -> Row | None:
        if not rows:
            return None  # Salesforce answers null, not an empty list, for no children
        records = self.records(child.plan.sobject, child.plan.fields, rows)
        return {"totalSize": len(records), "done": True, "records": records}

    def _put(self, record: Row, sobject: str, row: Row, path: FieldPath) -> None:
        container, current_type, current = record, sobject, row
        for step in path.steps:
            parent = self._lookup(current.get(step.ref_field))
            if step.name not in container:
                container[step.name] = (
                    None
                    if parent is None
                    else {"attributes": self.attributes(parent[0], parent[1].get("Id"))}
                )
            if parent is None or container[step.name] is None:
                return
            container, (current_type, current) = container[step.name], parent
        if path.polymorphic and path.field == "Type":
            container[path.field] = current_type
        else:
            container[path.field] = current.get(path.field)

"""Event encoding with orjson, keeping eventsourcing's transcodings for datetimes and ids."""

from __future__ import annotations

from typing import Any

import orjson
from eventsourcing.persistence import JSONTranscoder

_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_SUBCLASS
_MARKER = b'"_type_"'


class OrjsonTranscoder(JSONTranscoder):
    """Encodes event state with orjson; registered transcodings still apply (R20 history stays readable)."""

    def encode(self, obj: Any) -> bytes:
        return orjson.dumps(obj, default=self._encode_obj, option=_OPTIONS)

    def decode(self, data: bytes) -> Any:
        value = orjson.loads(data)
        markers = data.count(_MARKER)
        if not markers:
            return value
        if isinstance(value, dict):
            if markers == 1:  # most events: only their timestamp is transcoded
                stamp = value.get("timestamp")
                if isinstance(stamp, dict) and "_type_" in stamp:
                    value["timestamp"] = self._decode_obj(stamp)
                    return value
            shallow = self._decode_top_level(value)
            if shallow is not None and shallow[1] == markers:
                return shallow[0]
        return self._walk(value)

    def _decode_top_level(self, value: dict[str, Any]) -> tuple[dict[str, Any], int] | None:
        """Events keep transcoded values (timestamps) at the top; plain data below (STYLE)."""
        decoded = 0
        result = {}
        for key, item in value.items():
            if isinstance(item, dict) and "_type_" in item:
                item = self._decode_obj(item)
                decoded += 1
            result[key] = item
        return result, decoded

    def _walk(self, value: Any) -> Any:
        if isinstance(value, dict):
            return self._decode_obj({key: self._walk(item) for key, item in value.items()})
        if isinstance(value, list):
            return [self._walk(item) for item in value]
        return value

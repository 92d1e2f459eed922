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
        if _MARKER not in data:
            return value
        return self._walk(value)

    def _walk(self, value: Any) -> Any:
        if isinstance(value, dict):
            return self._decode_obj({key: self._walk(item) for key, item in value.items()})
        if isinstance(value, list):
            return [self._walk(item) for item in value]
        return value

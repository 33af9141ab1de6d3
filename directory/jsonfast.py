"""Fast JSON: Flask's responses encoded by orjson (directory/search/client.py uses it for Meilisearch too).

A search answer is about 35 KB (hits and a few hundred labelled facet values) and Meilisearch's is about 23 KB;
the standard library takes a millisecond or more for each under load, orjson a tenth of that. The output means
the same as Flask's: dates as HTTP dates and dataclasses as dicts (Flask's own `default`), UTF-8 instead of
`\\uXXXX` escapes; pretty output (debug) and whatever orjson refuses (integers beyond 64 bits) go through Flask's
encoder unchanged.
"""

from __future__ import annotations

from typing import Any

import orjson
from flask.json.provider import DefaultJSONProvider
from werkzeug.sansio.response import Response  # as Flask's providers say

# Datetimes and dataclasses are left to Flask's `default` (HTTP dates, `asdict`), as its encoder does.
OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_NON_STR_KEYS


def column_json(value: Any) -> str:
    """A JSON column's value as stored (the engine's `json_serializer`): compact UTF-8, as orjson writes it.
    Readers parse it; the `LIKE '%"code"%'` filters on JSON lists find a code either way."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


class FastJSONProvider(DefaultJSONProvider):
    """Flask's default provider with orjson encoding compact output (`jsonify`, `tojson`)."""

    def _fast(self, obj: Any) -> bytes | None:
        """`obj` encoded by orjson, None when orjson refuses it."""
        option = OPTIONS | (orjson.OPT_SORT_KEYS if self.sort_keys else 0)
        try:
            return orjson.dumps(obj, default=self.default, option=option)
        except orjson.JSONEncodeError:
            return None

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        if not kwargs.keys() - {"separators"}:  # compact, Flask's options otherwise (indent, sort_keys...)
            encoded = self._fast(obj)
            if encoded is not None:
                return encoded.decode()
        return super().dumps(obj, **kwargs)

    def response(self, *args: Any, **kwargs: Any) -> Response:
        if (self.compact is None and self._app.debug) or self.compact is False:  # pretty: Flask's way
            return super().response(*args, **kwargs)
        encoded = self._fast(self._prepare_response_obj(args, kwargs))
        if encoded is None:
            return super().response(*args, **kwargs)
        return self._app.response_class(encoded + b"\n", mimetype=self.mimetype)  # type: ignore[arg-type]

"""Parameter values onto the wire as OpenAPI's `style` and `explode` say, and form bodies."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

_RESERVED = "!#$&'()*+,/:;=?@[]"
"""Kept as they are with `allowReserved` (besides letters, digits and `-._~`)."""


def encode(text: str, allow_reserved: bool = False) -> str:
    """Percent-encodes everything but RFC 3986's unreserved characters (and `!`), or only what can never
    appear raw when `allow_reserved` is set."""
    return quote(text, safe=_RESERVED if allow_reserved else "!")


def json_text(value: Any) -> str:
    """Compact JSON, non-ASCII kept as is."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def scalar_text(value: Any) -> str:
    """A primitive as text (`true`, `12`, `a b`); objects and arrays as JSON; None as nothing."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    return json_text(value)


def _join(value: Any, sep: str, explode: bool, enc: Any) -> str:
    """`a,b,c` for arrays; `k,v,k2,v2` (or `k=v,k2=v2` exploded) for objects; the text of a primitive."""
    if isinstance(value, list):
        return sep.join(enc(scalar_text(item)) for item in value)
    if isinstance(value, dict):
        if explode:
            return sep.join(f"{enc(k)}={enc(scalar_text(v))}" for k, v in value.items())
        return sep.join(part for k, v in value.items() for part in (enc(k), enc(scalar_text(v))))
    return enc(scalar_text(value))


def path_value(name: str, value: Any, style: str, explode: bool, allow_reserved: bool = False) -> str:
    """A path parameter's replacement for `{name}`, already percent-encoded."""

    def enc(text: str) -> str:
        return encode(text, allow_reserved)

    if style == "label":
        return "." + _join(value, "." if explode else ",", explode, enc)
    if style == "matrix":
        if explode and isinstance(value, list):
            return "".join(f";{name}={enc(scalar_text(item))}" for item in value)
        if explode and isinstance(value, dict):
            return "".join(f";{enc(k)}={enc(scalar_text(v))}" for k, v in value.items())
        return f";{name}={_join(value, ',', False, enc)}"
    return _join(value, ",", explode, enc)


def query_pairs(name: str, value: Any, style: str, explode: bool, allow_reserved: bool = False) -> list[str]:
    """`name=value` pairs (percent-encoded) for one query parameter."""

    def enc(text: str) -> str:
        return encode(text, allow_reserved)

    key = encode(name)
    if style == "deepObject" and isinstance(value, dict):
        return [pair for k, v in value.items() for pair in _deep_object_pairs(f"{name}[{k}]", v)]
    if isinstance(value, list) and not explode and style in ("spaceDelimited", "pipeDelimited"):
        sep = "%20" if style == "spaceDelimited" else "|"
        return [f"{key}={sep.join(enc(scalar_text(item)) for item in value)}"]
    if isinstance(value, list) and explode:
        return [f"{key}={enc(scalar_text(item))}" for item in value]
    if isinstance(value, dict) and explode:
        return [f"{encode(k)}={enc(scalar_text(v))}" for k, v in value.items()]
    return [f"{key}={_join(value, ',', False, enc)}"]


def _deep_object_pairs(prefix: str, value: Any) -> list[str]:
    """`filter[a]=1`, nesting for nested objects (`filter[a][b]=1`) and repeating for arrays."""
    if isinstance(value, dict):
        return [pair for k, v in value.items() for pair in _deep_object_pairs(f"{prefix}[{k}]", v)]
    if isinstance(value, list):
        return [f"{encode(prefix)}={encode(scalar_text(item))}" for item in value]
    return [f"{encode(prefix)}={encode(scalar_text(value))}"]


def header_value(value: Any, explode: bool) -> str:
    """A header's value (`simple` style, not percent-encoded)."""
    return _join(value, ",", explode, lambda text: text)


def cookie_pair(name: str, value: Any, explode: bool) -> str:
    """One `name=value` pair of a Cookie header (several for an exploded array)."""
    if isinstance(value, list) and explode:
        return "; ".join(f"{name}={encode(scalar_text(item))}" for item in value)
    return f"{name}={_join(value, ',', False, encode)}"


def form_urlencoded(value: Any) -> str:
    """`a=1&tags=x&tags=y`: arrays repeat their key, objects are sent as JSON text, None is left out."""
    if not isinstance(value, dict):
        return encode(scalar_text(value))
    pairs: list[str] = []
    for key, field in value.items():
        if field is None:
            continue
        items = field if isinstance(field, list) else [field]
        pairs.extend(f"{encode(key)}={encode(scalar_text(item))}" for item in items)
    return "&".join(pairs)

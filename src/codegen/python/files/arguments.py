"""Checking a call's arguments against the tool's inputSchema before any request, and the reasons for a refusal
in the words `mcpow serve` uses (the same keywords checked in the same order, values shown as JSON)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import jsonschema
from jsonschema.protocols import Validator

from .serialize import json_text


def _number(digits: bytes) -> int | None:
    return int(digits) if digits and all(48 <= byte <= 57 for byte in digits) else None


def is_date(text: str) -> bool:
    """RFC 3339 `full-date`: YYYY-MM-DD, a real day."""
    data = text.encode()
    if len(data) != 10 or data[4:5] != b"-" or data[7:8] != b"-":
        return False
    year, month, day = _number(data[0:4]), _number(data[5:7]), _number(data[8:10])
    if year is None or month is None or day is None or not 1 <= month <= 12 or day == 0:
        return False
    leap = (year % 4 == 0 and year % 100 != 0) or year % 400 == 0
    days = 29 if month == 2 and leap else (28 if month == 2 else (30 if month in (4, 6, 9, 11) else 31))
    return day <= days


def is_time(text: str) -> bool:
    """RFC 3339 `full-time`: HH:MM:SS, optional fraction, then Z or an offset; a leap second only at 23:59 UTC."""
    data = text.encode()
    size = len(data)
    if size < 9 or data[2:3] != b":" or data[5:6] != b":":
        return False
    hour, minute, second = _number(data[0:2]), _number(data[3:5]), _number(data[6:8])
    if hour is None or minute is None or second is None or hour > 23 or minute > 59 or second > 60:
        return False
    at = 8
    if data[at : at + 1] == b".":
        at += 1
        start = at
        while at < size and 48 <= data[at] <= 57:
            at += 1
        if at == start:
            return False
    sign = data[at : at + 1]
    if sign in (b"Z", b"z"):
        return at == size - 1 and (second != 60 or (hour == 23 and minute == 59))
    if sign not in (b"+", b"-") or size - at != 6 or data[at + 3 : at + 4] != b":":
        return False
    offset_hours, offset_minutes = _number(data[at + 1 : at + 3]), _number(data[at + 4 : at + 6])
    if offset_hours is None or offset_minutes is None or offset_hours > 23 or offset_minutes > 59:
        return False
    if second != 60:
        return True
    offset = offset_hours * 60 + offset_minutes
    utc = hour * 60 + minute + (-offset if sign == b"+" else offset)
    return utc % 1440 == 23 * 60 + 59


def is_date_time(text: str) -> bool:
    """RFC 3339 `date-time`: a date, T (or t), a time."""
    match = re.search("[Tt]", text)
    return match is not None and is_date(text[: match.start()]) and is_time(text[match.end() :])


def _strings_only(check: Callable[[str], bool]) -> Callable[[object], bool]:
    def checker(value: object) -> bool:
        return not isinstance(value, str) or check(value)

    return checker


FORMATS = jsonschema.FormatChecker()
"""JSON Schema 2020-12's format checks, with `date`, `time` and `date-time` checked as `mcpow serve` does."""
FORMATS.checkers = {
    **jsonschema.Draft202012Validator.FORMAT_CHECKER.checkers,
    "date": (_strings_only(is_date), ()),
    "time": (_strings_only(is_time), ()),
    "date-time": (_strings_only(is_date_time), ()),
}


_KEYWORD_ORDER = {
    keyword: rank
    for rank, keyword in enumerate(
        (
            "type",
            "const",
            "enum",
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "multipleOf",
            "minLength",
            "maxLength",
            "minItems",
            "maxItems",
            "minProperties",
            "maxProperties",
            "required",
            "dependentRequired",
            "pattern",
            "format",
            "uniqueItems",
            "properties",
            "patternProperties",
            "additionalProperties",
            "propertyNames",
            "items",
            "prefixItems",
            "contains",
            "dependentSchemas",
            "allOf",
            "anyOf",
            "oneOf",
            "not",
            "if",
            "unevaluatedProperties",
            "unevaluatedItems",
            "$ref",
            "$dynamicRef",
        )
    )
}
"""The order in which `mcpow serve` checks a schema's keywords, and so reports their violations."""


def _in_check_order(schema: dict[str, Any]) -> list[tuple[str, Any]]:
    return sorted(schema.items(), key=lambda item: _KEYWORD_ORDER.get(item[0], len(_KEYWORD_ORDER)))


ArgumentValidator = jsonschema.validators.create(
    meta_schema=jsonschema.Draft202012Validator.META_SCHEMA,
    validators=jsonschema.Draft202012Validator.VALIDATORS,
    type_checker=jsonschema.Draft202012Validator.TYPE_CHECKER,
    format_checker=FORMATS,
    applicable_validators=_in_check_order,
)
"""JSON Schema 2020-12, its violations reported in `mcpow serve`'s order."""


def problems(validator: Validator, arguments: dict[str, Any]) -> str | None:
    """Why the arguments do not fit the inputSchema (up to five reasons), or None."""
    messages = []
    for error in list(validator.iter_errors(arguments))[:5]:
        at = "".join(f"/{part}" for part in error.absolute_path)
        argument = at.lstrip("/").split("/")[0]
        if argument:
            messages.append(f"invalid argument `{argument}` (at {at}): {describe(error)}")
        else:
            messages.append(f"invalid arguments: {describe(error)}")
    return "; ".join(messages) or None


def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


def describe(error: jsonschema.ValidationError) -> str:
    """One schema violation in the words `mcpow serve` uses, values shown as JSON."""
    value, limit, keyword = json_text(error.instance), error.validator_value, error.validator
    if keyword == "type":
        if isinstance(limit, list):
            return f"{value} is not of types " + ", ".join(f'"{kind}"' for kind in limit)
        return f'{value} is not of type "{limit}"'
    if keyword == "required":
        missing = [name for name in limit if name not in error.instance and error.message.startswith(repr(name))]
        return f"{json_text(missing[0] if missing else None)} is a required property"
    if keyword == "enum":
        options = [json_text(option) for option in limit]
        if len(options) <= 3:
            listed = options[0] if len(options) == 1 else ", ".join(options[:-1]) + f" or {options[-1]}"
        else:
            listed = f"{', '.join(options[:2])} or {len(options) - 2} other candidates"
        return f"{value} is not one of {listed}"
    texts = {
        "const": f"{json_text(limit)} was expected",
        "format": f'{value} is not a "{limit}"',
        "pattern": f'{value} does not match "{limit}"',
        "minimum": f"{value} is less than the minimum of {json_text(limit)}",
        "maximum": f"{value} is greater than the maximum of {json_text(limit)}",
        "exclusiveMinimum": f"{value} is less than or equal to the minimum of {json_text(limit)}",
        "exclusiveMaximum": f"{value} is greater than or equal to the maximum of {json_text(limit)}",
        "multipleOf": f"{value} is not a multiple of {json_text(limit)}",
        "minLength": f"{value} is shorter than {limit} character{_plural(limit, '', 's')}",
        "maxLength": f"{value} is longer than {limit} character{_plural(limit, '', 's')}",
        "minItems": f"{value} has less than {limit} item{_plural(limit, '', 's')}",
        "maxItems": f"{value} has more than {limit} item{_plural(limit, '', 's')}",
        "minProperties": f"{value} has less than {limit} propert{_plural(limit, 'y', 'ies')}",
        "maxProperties": f"{value} has more than {limit} propert{_plural(limit, 'y', 'ies')}",
        "uniqueItems": f"{value} has non-unique elements",
        "anyOf": f"{value} is not valid under any of the schemas listed in the 'anyOf' keyword",
        "contains": f"None of {value} are valid under the given schema",
        "not": f"{json_text(limit)} is not allowed for {value}",
    }
    if keyword == "oneOf" and " is valid under each of " in error.message:
        return f"{value} is valid under more than one of the schemas listed in the 'oneOf' keyword"
    if keyword == "oneOf":
        return f"{value} is not valid under any of the schemas listed in the 'oneOf' keyword"
    if keyword == "additionalProperties" and isinstance(error.instance, dict) and limit is False:
        known = error.schema.get("properties", {})
        patterns = error.schema.get("patternProperties", {})
        unexpected = [
            name
            for name in error.instance
            if name not in known and not any(re.search(pattern, name) for pattern in patterns)
        ]
        names = ", ".join(f"'{name}'" for name in unexpected)
        return f"Additional properties are not allowed ({names} {_plural(len(unexpected), 'was', 'were')} unexpected)"
    if keyword is None or error.schema is False:
        return f"False schema does not allow {value}"
    return texts.get(str(keyword), error.message)

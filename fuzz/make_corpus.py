#!/usr/bin/env python3
"""Writes seed corpora for both fuzz targets into fuzz/corpus/ (git-ignored; nothing here is committed).

Seeds come from the bundled samples in specs/ and from small root documents (< 20 KB) of the shared corpus
(../shared/corpus or $MCPOW_CORPUS). For `load` a seed is the file as it is; for `load_structured` it is the
selector byte of the skeleton the document fits followed by the document's body without the part the skeleton
already has (see fuzz_targets/load_structured.rs).

    python3 fuzz/make_corpus.py
"""

import csv
import hashlib
import json
import os
import sys
from pathlib import Path

import yaml  # PyYAML

FUZZ = Path(__file__).resolve().parent
ROOT = FUZZ.parent
SHARED = Path(os.environ.get("MCPOW_CORPUS", ROOT.parent / "shared" / "corpus"))
MAX_SEED = 20_000
# Skeleton selectors, in the order of SKELETONS in load_structured.rs.
OPENAPI30, OPENAPI31, SWAGGER, POSTMAN, INTROSPECTION, OPENAPI_YAML, SDL = range(7)


def write(target, data):
    folder = FUZZ / "corpus" / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)


def members(doc, drop):
    """The root object's other members as JSON text without the braces: `"paths":{...},"tags":[...]`."""
    rest = {k: v for k, v in doc.items() if k not in drop}
    text = json.dumps(rest, separators=(",", ":"), ensure_ascii=False, default=str)
    return text[1:-1].encode()


def structured(path, raw):
    """The load_structured seed for a document, or None when it fits no skeleton."""
    if path.suffix == ".graphql":
        return bytes([SDL]) + raw
    try:
        doc = json.loads(raw) if raw.lstrip()[:1] in (b"{", b"[") else yaml.safe_load(raw)
    except Exception:
        return None
    if not isinstance(doc, dict):
        return None
    version = str(doc.get("openapi", ""))
    if version.startswith("3.0"):
        if path.suffix in (".yaml", ".yml"):
            rest = {k: v for k, v in doc.items() if k not in ("openapi", "info")}
            return bytes([OPENAPI_YAML]) + yaml.safe_dump(rest, sort_keys=False, allow_unicode=True).encode()
        return bytes([OPENAPI30]) + members(doc, ("openapi", "info"))
    if version.startswith("3."):
        return bytes([OPENAPI31]) + members(doc, ("openapi", "info"))
    if "swagger" in doc:
        return bytes([SWAGGER]) + members(doc, ("swagger", "info"))
    if isinstance(doc.get("item"), list):
        return bytes([POSTMAN]) + members(doc, ("info",))
    schema = doc.get("__schema") or (doc.get("data") or {}).get("__schema")
    if isinstance(schema, dict):
        return bytes([INTROSPECTION]) + json.dumps(schema, separators=(",", ":")).encode()
    return None


def sources():
    for path in sorted((ROOT / "specs").iterdir()):
        if path.suffix in (".json", ".yaml", ".yml", ".graphql"):
            yield path
    manifest = SHARED / "manifest.tsv"
    if not manifest.exists():
        print(f"no shared corpus at {SHARED}; seeding from specs/ only", file=sys.stderr)
        return
    with manifest.open(newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if int(row["bytes"]) < MAX_SEED:
                yield SHARED / row["relative_path"]


def introspection_sample():
    """A small introspection result: the first types of a large one, so the introspection reader has a seed."""
    big = SHARED / "graphql" / "shopify" / "storefront.schema.json"
    if not big.exists():
        return None
    doc = json.loads(big.read_bytes())
    schema = doc.get("data", doc)["__schema"]
    schema = dict(schema, types=schema["types"][:12])
    return json.dumps({"data": {"__schema": schema}}, separators=(",", ":")).encode()


def sdl_samples():
    """A larger SDL schema cut at definition boundaries into seeds of a few KB."""
    big = SHARED / "graphql" / "swapi" / "schema.graphql"
    if not big.exists():
        return
    chunk = b""
    for definition in big.read_bytes().split(b"\n\n"):
        chunk += definition + b"\n\n"
        if len(chunk) > 6_000:
            yield chunk
            chunk = b""
    if chunk:
        yield chunk


def main():
    count = 0
    for path in sources():
        raw = path.read_bytes()
        if len(raw) < 2 * MAX_SEED:
            write("load", raw)
        seed = structured(path, raw)
        if seed is not None and len(seed) < 4 * MAX_SEED:
            write("load_structured", seed)
        count += 1
    sample = introspection_sample()
    if sample is not None:
        write("load", sample)
        write("load_structured", structured(Path("x.json"), sample))
    for chunk in sdl_samples():
        write("load", chunk)
        write("load_structured", bytes([SDL]) + chunk)
    print(f"seeded from {count} documents into {FUZZ / 'corpus'}")


if __name__ == "__main__":
    main()

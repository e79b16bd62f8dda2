"""Validates tiqu output against the published JSON Schemas (docs/record.schema.json,
docs/manifest.schema.json). Run by .ci/run:

    python tests/python/validate_schema.py OUT.jsonl [OUT2.jsonl ...]

Each OUT.jsonl is checked line by line, and so is its OUT.jsonl.manifest.jsonl.
Fails (exit 1) on the first few violations, printing them.
"""
import json
import sys

from jsonschema import Draft202012Validator

record_schema = json.load(open("docs/record.schema.json", encoding="utf-8"))
manifest_schema = json.load(open("docs/manifest.schema.json", encoding="utf-8"))
Draft202012Validator.check_schema(record_schema)
Draft202012Validator.check_schema(manifest_schema)
validators = {
    "record": Draft202012Validator(record_schema),
    "manifest": Draft202012Validator(manifest_schema),
}

errors = []
counts = {}
for out in sys.argv[1:]:
    for kind, path in (("record", out), ("manifest", out + ".manifest.jsonl")):
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                obj = json.loads(line)
                counts[kind] = counts.get(kind, 0) + 1
                for e in validators[kind].iter_errors(obj):
                    where = "/".join(str(p) for p in e.absolute_path)
                    errors.append(f"{path}:{n}: {where}: {e.message}")

for e in errors[:20]:
    print(e)
if errors:
    print(f"{len(errors)} schema violation(s)")
    sys.exit(1)
print(f"schema: {counts.get('record', 0)} records and {counts.get('manifest', 0)} manifest lines valid")

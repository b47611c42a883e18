#!/usr/bin/python3
"""Checks an OpenAPI 3.1 document (a file, or - for stdin) against the OAS 3.1
JSON Schema, and its component schemas against JSON Schema 2020-12. Prints
every problem and exits 1 when there is one."""
import json
import pathlib
import sys

from jsonschema import Draft202012Validator

here = pathlib.Path(__file__).resolve().parent
document = json.load(sys.stdin if sys.argv[1] == "-" else open(sys.argv[1]))
oas = json.loads((here / "oas-3.1-schema.json").read_text())

problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in Draft202012Validator(oas).iter_errors(document)]
for name, schema in document.get("components", {}).get("schemas", {}).items():
    problems += [f"components/schemas/{name}: {e.message}"
                 for e in Draft202012Validator(Draft202012Validator.META_SCHEMA).iter_errors(schema)]
for problem in problems:
    print(problem, file=sys.stderr)
sys.exit(1 if problems else 0)

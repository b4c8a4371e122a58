#!/usr/bin/env python3
"""Checks docs/openapi.yaml: a valid OpenAPI 3.1 document (openapi-spec-validator), answers that
match what every route can answer, and an embedded Swift copy that is up to date."""
import pathlib
import subprocess
import sys

import yaml
from openapi_spec_validator import validate
from openapi_spec_validator.validation import OpenAPIV31SpecValidator

ROOT = pathlib.Path(__file__).resolve().parents[2]
METHODS = {"get", "put", "post", "delete", "patch"}
# Parameters that name something that may not exist (answered 404 naming the parameter).
ID_PARAMETERS = {"UserID", "AccountID", "AccountIDForWrite", "NoteID", "SegmentID", "NudgeID", "JourneyID",
                 "RecommendationID", "EventTypePath", "SegmentFilter", "SignalID", "WorkspaceItemID"}


def answers_problems(spec: dict) -> list[str]:
    """What the middleware answers on every route of a kind, which the description must list."""
    problems = []
    default_security = spec.get("security", [])
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            name = f"{method.upper()} {path}"
            codes = set(operation["responses"])
            security = operation.get("security", default_security)
            needs_key = any("apiKey" in option or "bearer" in option for option in security)
            if security and "401" not in codes:
                problems.append(f"{name}: needs a key but does not list 401")
            if needs_key:
                for code, why in (("403", "X-Workspace-ID mismatch"), ("503", "tenant recovering")):
                    if code not in codes:
                        problems.append(f"{name}: does not list {code} ({why})")
                if (path.startswith("/api/") or path.startswith("/ingest")) and "429" not in codes:
                    problems.append(f"{name}: rate-limited but does not list 429")
            if "requestBody" in operation:
                for code in ("400", "413"):
                    if code not in codes and path != "/api/nudges/refresh-audiences":
                        problems.append(f"{name}: reads a body but does not list {code}")
            refs = {p.get("$ref", "").rsplit("/", 1)[-1] for p in operation.get("parameters", [])}
            if "IdempotencyKey" in refs and "422" not in codes:
                problems.append(f"{name}: takes an Idempotency-Key but does not list 422 (a key reused with another request)")
            if refs & ID_PARAMETERS and "404" not in codes:
                problems.append(f"{name}: names an object by id but does not list 404")
    return problems


def main() -> int:
    path = ROOT / "docs" / "openapi.yaml"
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    validate(spec, cls=OpenAPIV31SpecValidator)
    if not str(spec.get("openapi", "")).startswith("3.1."):
        print("docs/openapi.yaml: openapi must be 3.1.x", file=sys.stderr)
        return 1
    problems = answers_problems(spec)
    for problem in problems:
        print(f"docs/openapi.yaml: {problem}", file=sys.stderr)
    embedded = subprocess.run([sys.executable, str(ROOT / "Tests" / "fuzz" / "embed_spec.py"), "--check"])
    operations = sum(1 for item in spec["paths"].values() for m in item if m in METHODS)
    if problems or embedded.returncode != 0:
        return 1
    print(f"docs/openapi.yaml: valid OpenAPI {spec['openapi']}, {len(spec['paths'])} paths, {operations} operations")
    return 0


if __name__ == "__main__":
    sys.exit(main())

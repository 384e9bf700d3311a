"""Every route of the OpenAPI document and every page, sent what an attacker or a careless
script sends: traversal paths as raw bytes, overlong and broken UTF-8, Int64-overflowing
and negative paging, and numbers at the ends of Double in JSON bodies. Unauthenticated and
signed in. Nothing may answer 5xx and the process must survive (issue 10: one request like
this used to end the process for everyone)."""

import json
import time
import uuid

import pytest
import requests

from kefu_http import (BASE_URL, ROLES, TIMEOUT, ServerDied, api_token, assert_alive, crawl, health_ok,
                      login_session, raw_request, shape)

TRAVERSALS = [
    "/css/../../Package.swift",
    "/css/../../../../../../etc/passwd",
    "/%FF",
    "/%c0%ae%c0%ae/",
    "/css/%c0%ae%c0%ae/%c0%ae%c0%ae/Package.swift",
    "/css/..%2f..%2fPackage.swift",
    "/css/%2e%2e/%2e%2e/Package.swift",
    "/js/..\\..\\Package.swift",
    "/%00",
    "/css/%",
]
SUFFIXES = ["/../../Package.swift", "/%FF", "/%c0%ae%c0%ae/", "%00"]
QUERIES = ["offset=9223372036854775807", "offset=9223372036854775808", "limit=-1", "limit=9223372036854775807",
           "offset=-9223372036854775808", "offset=1e308", "limit=0", "offset=9223372036854775807&limit=200"]
NUMBERS = [1e308, -1e308, 1e-300, 9223372036854775807, -9223372036854775808, 0, -1]
PLACEHOLDER = {"month": "2026-12", "token": "not-a-token"}


def openapi_operations():
    doc = requests.get(BASE_URL + "/api/v1/openapi.json", timeout=TIMEOUT).json()
    base = doc.get("servers", [{"url": "/api/v1"}])[0]["url"].rstrip("/")
    ops = []
    for template, item in doc["paths"].items():
        for method, op in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            path = template
            for name in [p.split("}")[0] for p in template.split("{")[1:]]:
                path = path.replace("{" + name + "}", PLACEHOLDER.get(name, str(uuid.UUID(int=1))))
            body_schema = (op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema"))
            ops.append((method.upper(), base + path, resolve(doc, body_schema) if body_schema else None, doc))
    return ops


def resolve(doc, schema):
    while isinstance(schema, dict) and "$ref" in schema:
        node = doc
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def example(doc, schema, number, depth=0):
    """A body shaped like the schema, with every number replaced by `number`: the
    strings and flags are plausible so the number gets as far into the handler as it can."""
    schema = resolve(doc, schema) or {}
    for key in ("allOf", "anyOf", "oneOf"):
        if key in schema and schema[key]:
            return example(doc, schema[key][0], number, depth + 1)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    if kind in ("number", "integer"):
        return number
    if kind == "boolean":
        return True
    if kind == "array":
        return [example(doc, schema.get("items", {}), number, depth + 1)] if depth < 4 else []
    if kind == "object" or "properties" in schema:
        if depth > 4:
            return {}
        return {k: example(doc, v, number, depth + 1) for k, v in schema.get("properties", {}).items()}
    if schema.get("format") == "date-time":
        return "2026-12-07T10:00:00+08:00"
    if schema.get("format") == "uuid":
        return str(uuid.UUID(int=1))
    return "测试"


@pytest.fixture(scope="module")
def page_paths(base_url):
    """Every page the admin and an agent reach by links (the page list of this build)."""
    paths = {}
    deadline = time.monotonic() + 60
    for work_id in (ROLES["admin"], ROLES["agent"], ROLES["liaison"]):
        s = login_session(work_id)
        for path, _ in crawl(s, max_pages=120, deadline=deadline):
            paths.setdefault(shape(path), path.split("?", 1)[0])
    for public in ("/", "/login", "/chat"):
        paths.setdefault(public, public)
    return sorted(set(paths.values()))


def identities():
    """(label, headers for the API, headers for pages)."""
    out = [("unauthenticated", {}, {})]
    for role in ("admin", "complaint_handler", "agent"):
        token = api_token(ROLES[role])
        cookie = "; ".join(f"{k}={v}" for k, v in login_session(ROLES[role]).cookies.get_dict().items())
        out.append((role, {"Authorization": f"Bearer {token}"}, {"Cookie": cookie}))
    return out


def run_batch(label, requests_to_send, failures):
    for method, target, headers, body in requests_to_send:
        status, data = raw_request(method, target, headers, body)
        if status == 0 or status >= 500:
            failures.append(f"{label}: {method} {target} {body[:120] if body else ''} → {status} {data[:200]!r}")
            if status == 0 and not health_ok():
                raise ServerDied(f"the server died on {label}: {method} {target} {body!r}")
    assert_alive(f"{label} batch ending with {requests_to_send[-1][:2] if requests_to_send else '-'}")


def test_traversal_and_overflow_never_answer_5xx(base_url, page_paths):
    ops = openapi_operations()
    assert len(ops) > 20, "the OpenAPI document lists too few operations"
    assert len(page_paths) > 10, f"the crawl found too few pages: {page_paths}"
    failures = []
    for label, api_headers, page_headers in identities():
        run_batch(f"{label} traversal", [("GET", t, page_headers, None) for t in TRAVERSALS]
                  + [("GET", "/api/v1" + t, api_headers, None) for t in TRAVERSALS], failures)
        for method, path, body_schema, doc in ops:
            batch = [(method, path + suffix, api_headers, None) for suffix in SUFFIXES]
            batch += [(method, f"{path}?{q}", api_headers, None) for q in QUERIES]
            if body_schema is not None:
                for n in NUMBERS:
                    batch.append((method, path, api_headers, json.dumps(example(doc, body_schema, n)).encode()))
                batch.append((method, path, api_headers, b"1e308"))
                batch.append((method, path, api_headers, b'{"calls":1e15,"aht":1e6}'))
            run_batch(f"{label} API", batch, failures)
        for path in page_paths:
            batch = [("GET", path + suffix, page_headers, None) for suffix in SUFFIXES]
            batch += [("GET", f"{path}?{q}", page_headers, None) for q in QUERIES]
            run_batch(f"{label} page", batch, failures)
    assert not failures, "server errors:\n" + "\n".join(failures)


def test_erlang_numbers_at_the_ends_of_double_are_refused_quickly(base_url):
    """The staffing calculator once trapped on 1e308 and ran a core for a minute on 1e15 calls."""
    token = api_token(ROLES["planner"])
    fields = ["calls", "aht", "intervalSeconds", "maxCallsPerAgentHour", "targetSL", "answerWithin", "targetASA",
              "patience", "shrinkage", "maxOccupancy"]
    failures = []
    for field in fields:
        for n in (1e308, -1e308, 1e-300, 1e15, 0):
            body = {"calls": 100, "aht": 180, field: n}
            started = time.monotonic()
            r = requests.post(BASE_URL + "/api/v1/workforce/erlang", json=body,
                              headers={"Authorization": f"Bearer {token}"}, timeout=TIMEOUT)
            took = time.monotonic() - started
            if r.status_code >= 500 or took > 5:
                failures.append(f"{body} → {r.status_code} in {took:.1f} s: {r.text[:200]}")
    assert_alive("erlang bounds")
    assert not failures, "\n".join(failures)

"""The OpenAPI document tells the truth: one schema per name (two classes of the same name
would make one operation documented with the other's body), and every operation lists the
error statuses every caller may get (config/api.py DocumentedAPI)."""

from __future__ import annotations

import collections

from django.test import Client
from ninja import Schema

import config.api  # noqa: F401  (imports every router and its schemas)

PROJECT = {
    "config", "common", "audit", "org", "workdays", "rules", "catalog", "documents", "queueing",
    "inquiries", "complaints", "cases", "ratings", "supervision", "appraisal", "reports",
}  # fmt: skip


def _schemas(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        if sub.__module__.split(".")[0] in PROJECT:
            found.append(sub)
        found.extend(_schemas(sub))
    return found


def test_every_schema_name_is_defined_once():
    names = collections.defaultdict(set)
    for schema in _schemas(Schema):
        names[schema.__name__].add(f"{schema.__module__}.{schema.__qualname__}")
    assert {n: m for n, m in names.items() if len(m) > 1} == {}


def test_every_operation_documents_the_errors_every_caller_may_get(db):
    document = Client().get("/api/v1/openapi.json").json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            statuses = set(operation["responses"])
            assert {"400", "422"} <= statuses, (method, path)
            if "requestBody" in operation:
                assert "415" in statuses, (method, path)
            if operation.get("security"):
                assert {"401", "403"} <= statuses, (method, path)

"""openapi.json, generated from the routes' marshmallow schemas (apispec)."""

import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from .http import ROUTES
from .schemas import ErrorBody

_CONVERTER = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")


def openapi_path(werkzeug_url: str) -> str:
    return _CONVERTER.sub(r"{\1}", werkzeug_url)


def build_spec() -> dict:
    spec = APISpec(
        title="LAAS open accounting platform",
        version="1.0.0",
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={"description": "ระบบบัญชีคอมพิวเตอร์ขององค์กรปกครองส่วนท้องถิ่น — public HTTP API"},
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("ErrorBody", schema=ErrorBody)
    paths: dict[str, dict] = {}
    for r in ROUTES:
        url = openapi_path(r["url"])
        operation = {
            "summary": r["summary"],
            "tags": [r["tag"]],
            "responses": {
                str(r["status"]): {
                    "description": "OK",
                    **(
                        {"content": {"application/json": {"schema": r["response"]}}}
                        if r["response"]
                        else {}
                    ),
                },
                "default": {
                    "description": "Error (4xx with a code and a Thai message)",
                    "content": {"application/json": {"schema": "ErrorBody"}},
                },
            },
        }
        parameters = [
            {"in": "path", "name": name, "required": True, "schema": {"type": "string"}}
            for name in _CONVERTER.findall(r["url"])
        ]
        if r["query"]:
            parameters.append({"in": "query", "schema": r["query"]})
        if parameters:
            operation["parameters"] = parameters
        if r["body"]:
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": r["body"]}},
            }
        if r["auth"]:
            operation["security"] = [{"bearer": []}]
        for method in r["method"].split(","):
            paths.setdefault(url, {})[method.lower()] = operation
    for url, operations in paths.items():
        spec.path(path=url, operations=operations)
    return spec.to_dict()

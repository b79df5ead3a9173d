"""Marshmallow schemas of the public API: they validate what comes in and document it."""

import json

from marshmallow import Schema, ValidationError, fields

from laas_kernel.errors import DomainError, InvalidInput


class InvalidJson(DomainError):
    code = "invalid_json"
    message = "ข้อมูลที่ส่งมาไม่ใช่ JSON ที่ถูกต้อง"


def load_body(request, schema: Schema) -> dict:
    """The request's JSON body checked against ``schema``; a 4xx with every problem if not."""
    raw = request.get_data(cache=True)
    try:
        data = json.loads(raw or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise InvalidJson() from None
    return load_data(data, schema)


class UnsupportedCharacter(DomainError):
    code = "invalid_input"
    message = "ข้อมูลมีอักขระที่ระบบไม่รองรับ (อักขระว่าง) กรุณาตรวจสอบอีกครั้ง"


def refuse_nul(value, where="body"):
    """PostgreSQL text cannot hold NUL: refuse it here, once for every route."""
    if isinstance(value, str):
        if "\x00" in value:
            raise UnsupportedCharacter(details={"fields": {where: "NUL"}})
    elif isinstance(value, dict):
        for key, item in value.items():
            refuse_nul(key, where)
            refuse_nul(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            refuse_nul(item, f"{where}[{index}]")


def load_data(data, schema: Schema) -> dict:
    refuse_nul(data)
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise InvalidInput(details={"fields": exc.messages}) from None


def load_query(request, schema: Schema) -> dict:
    return load_data(request.args.to_dict(), schema)


class ErrorDetail(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True, metadata={"description": "Thai, for the user"})
    details = fields.Dict()


class ErrorBody(Schema):
    error = fields.Nested(ErrorDetail, required=True)


class Health(Schema):
    status = fields.String(metadata={"example": "ok"})
    services = fields.Dict(keys=fields.String(), values=fields.String())

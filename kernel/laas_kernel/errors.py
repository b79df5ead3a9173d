"""Domain errors: raised by the rules, carried across RPC, turned into the API's error body.

A rule raises a subclass such as ``OtpExpired`` (a code and a Thai message as class
attributes). The kernel's ``rpc`` entrypoint sends every ``DomainError`` over the wire as
the base class, so a caller that never imported the subclass still gets ``code``,
``message`` and ``details``. The gateway maps ``code`` to an HTTP status in one table.
"""

import json

from nameko.exceptions import deserialize_to_instance


@deserialize_to_instance
class DomainError(Exception):
    """A refusal the user can understand: a stable code plus a Thai message."""

    code = "domain_error"
    message = "ไม่สามารถดำเนินการได้"

    def __init__(self, message=None, details=None, code=None):
        if isinstance(details, str):  # as it crossed RPC (see below)
            details = json.loads(details)
        self.code = code or type(self).code
        self.message = message or type(self).message
        self.details = details or {}
        # args are what nameko serialises, in __init__'s order. nameko turns every number
        # into a string on the way; details travel as JSON so that 4 stays 4.
        super().__init__(
            self.message, json.dumps(self.details, ensure_ascii=False, default=str), self.code
        )

    def __str__(self):
        return f"{self.code}: {self.message}"

    def to_wire(self):
        """The same error as the base class, which every process can deserialise."""
        return DomainError(self.message, self.details, self.code)

    def as_body(self):
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}


class NotFound(DomainError):
    code = "not_found"
    message = "ไม่พบข้อมูลที่ต้องการ"


class InvalidInput(DomainError):
    code = "invalid_input"
    message = "ข้อมูลไม่ถูกต้อง กรุณาตรวจสอบอีกครั้ง"


class Forbidden(DomainError):
    code = "forbidden"
    message = "ท่านไม่มีสิทธิ์เข้าถึงข้อมูลของหน่วยงานนี้"


class Conflict(DomainError):
    code = "conflict"
    message = "ข้อมูลขัดแย้งกับข้อมูลที่มีอยู่แล้ว"


class ServiceUnavailable(DomainError):
    code = "service_unavailable"
    message = "ระบบไม่พร้อมให้บริการชั่วคราว กรุณาลองใหม่อีกครั้งในอีกสักครู่"

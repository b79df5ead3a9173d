"""Refusals of the identity service that the pure rules in ``domain/`` do not raise."""

from laas_kernel.errors import Conflict, DomainError, InvalidInput, NotFound


class UnitNotFound(NotFound):
    code = "unit_not_found"
    message = "ไม่พบหน่วยงานที่ระบุ"


class UserNotFound(NotFound):
    code = "user_not_found"
    message = "ไม่พบผู้ใช้งานที่ระบุ"


class UsernameTaken(Conflict):
    code = "username_taken"
    message = "ชื่อผู้ใช้งานนี้มีอยู่ในระบบแล้ว กรุณาใช้ชื่ออื่น"


class UnitCodeTaken(Conflict):
    code = "unit_code_taken"
    message = "รหัสหน่วยงานนี้มีอยู่ในระบบแล้ว"


class InvalidGroup(InvalidInput):
    code = "invalid_group"
    message = "ไม่พบกลุ่มผู้ใช้งานที่ระบุ"


class CitizenIdRequired(InvalidInput):
    code = "citizen_id_required"
    message = "ผู้ใช้งานขององค์กรปกครองส่วนท้องถิ่นต้องมีเลขประจำตัวประชาชน 13 หลัก"


class InvalidRefreshToken(DomainError):
    code = "invalid_refresh_token"
    message = "การเข้าสู่ระบบหมดอายุหรือถูกยกเลิกแล้ว กรุณาเข้าสู่ระบบอีกครั้ง"


class UserRevoked(DomainError):
    code = "user_revoked"
    message = "บัญชีผู้ใช้นี้ถูกยกเลิกหรือออกจากระบบแล้ว กรุณาเข้าสู่ระบบอีกครั้ง"


class CannotRevokeSelf(Conflict):
    code = "cannot_revoke_self"
    message = "ไม่สามารถยกเลิกบัญชีผู้ใช้ของตนเองได้"


class ThaidRedirectNotUsed(Conflict):
    code = "thaid_redirect_not_used"
    message = "ระบบนี้ยืนยันตัวตนกับ ThaiD ด้วยเลขประจำตัวประชาชนโดยตรง"

"""Demo units and users for ``python -m laas_kernel.dbsetup --all --demo`` (make run).

Adds, only what is missing: a provincial office (Chiang Mai), an LAO under it, a school
under the LAO, and one user for each first sign-in flow of the login manual. The users'
first passwords are demo data, listed by ``demo_credentials()`` for ``make run`` to print.
"""

import uuid

from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from laas_kernel.contracts import UnitCreated
from laas_kernel.db import create_service_engine
from laas_kernel.outbox import add_event

from . import audit, bootstrap
from . import repository as repo
from .config import IdentityConfig
from .models import UnitRow, UserRow

PROVINCE = {
    "code": "P50",
    "name": "สำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัดเชียงใหม่",
    "kind": "province_office",
    "province_id": "50",
}
LAO = {"code": "L5001001", "name": "เทศบาลตำบลตัวอย่าง", "kind": "lao"}
SCHOOL = {
    "code": "S5001001-01",
    "name": "โรงเรียนเทศบาลตัวอย่าง",
    "kind": "subordinate_unit",
    "subtype": "school",
}

# (username, unit, groups, citizen ID on file, first password, what it shows)
USERS = (
    (
        "cm_province",
        "P50",
        ["province_officer"],
        None,
        "CmProv#2568",
        "สถจ.เชียงใหม่: พิมพ์เลขประจำตัวประชาชน 3100100123451 (นาง สมศรี มีทรัพย์) → ThaiD → อีเมล → OTP"
        " → รหัสผ่านใหม่; เห็นข้อมูลทั้งจังหวัดแบบอ่านอย่างเดียว",
    ),
    (
        "tuayang_hof",
        "L5001001",
        ["head_of_finance"],
        "1101700203450",
        "1101700203450Laas#",
        "หัวหน้าหน่วยงานคลัง อปท.: รหัสผ่านแรก = เลขประจำตัวประชาชน + Laas# → ThaiD แสดง นาย สมชาย ใจดี"
        " → อีเมล → OTP → รหัสผ่านใหม่; บริหารผู้ใช้ของ อปท. และหน่วยงานภายใต้สังกัด",
    ),
    (
        "tuayang_fin",
        "L5001001",
        ["finance_officer"],
        "1509900123453",
        "1509900123453Laas#",
        "เจ้าหน้าที่การเงิน อปท.: ThaiD แสดง นางสาว มาลี รักษ์ถิ่น; บันทึกบัญชีของ อปท.",
    ),
    (
        "school_fin",
        "S5001001-01",
        ["head_of_finance"],
        None,
        "School#2568",
        "หน่วยงานภายใต้สังกัด (หลัง 18 ก.พ. 2568): พิมพ์เลข 3650100456781 (นาย ประเสริฐ บัญชีกลาง)"
        " → อีเมล → OTP → รหัสผ่านใหม่",
    ),
    (
        "tuayang_nothaid",
        "L5001001",
        ["finance_officer"],
        "1234567890121",
        "1234567890121Laas#",
        "ผู้ใช้ อปท. ที่ยังไม่ลงทะเบียน ThaiD: แสดงข้อความ ไม่พบข้อมูลใน ThaiD … และไปต่อไม่ได้",
    ),
)


def demo_credentials() -> list[dict]:
    """The demo users' first passwords and what each one shows (for make run to print)."""
    return [
        {"username": username, "password": password, "shows": shows}
        for username, _, _, _, password, shows in USERS
    ]


def _ensure_unit(session, spec: dict, parent: UnitRow) -> UnitRow:
    row = session.execute(select(UnitRow).where(UnitRow.code == spec["code"])).scalar_one_or_none()
    if row is not None:
        return row
    row = UnitRow(
        id=str(uuid.uuid4()),
        parent_id=parent.id,
        status="active",
        province_id=spec.get("province_id") or parent.province_id,
        **{k: v for k, v in spec.items() if k != "province_id"},
    )
    session.add(row)
    session.flush()
    add_event(session, UnitCreated(unit_id=row.id, unit=repo.unit_facts(row)))
    return row


def seed(settings) -> None:
    config = IdentityConfig.from_config({})
    hasher = PasswordHasher(
        time_cost=config.argon2_time_cost,
        memory_cost=config.argon2_memory_kib,
        parallelism=config.argon2_parallelism,
    )
    engine = create_service_engine(settings.database_url_for("identity"), pool_size=1)
    try:
        with sessionmaker(bind=engine)() as session, session.begin():
            bootstrap.ensure_admin(
                session,
                settings.laas_admin_username,
                lambda: hasher.hash(settings.laas_admin_password),
            )
            root = bootstrap.ensure_department(session)
            province = _ensure_unit(session, PROVINCE, root)
            lao = _ensure_unit(session, LAO, province)
            school = _ensure_unit(session, SCHOOL, lao)
            units = {u.code: u for u in (province, lao, school)}
            for username, unit_code, groups, citizen_id, password, _ in USERS:
                if repo.user_by_username(session, username) is not None:
                    continue
                user = UserRow(
                    id=str(uuid.uuid4()),
                    username=username,
                    username_key=repo.username_key(username),
                    unit_id=units[unit_code].id,
                    groups=groups,
                    status="pending_activation",
                    password_hash=hasher.hash(password),
                    citizen_id=citizen_id,
                )
                session.add(user)
                session.flush()
                audit.record(
                    session,
                    audit.USER_CREATED,
                    subject_user_id=user.id,
                    unit_id=user.unit_id,
                    username=username,
                    source="demo",
                )
    finally:
        engine.dispose()
    print(f"identity: demo units and {len(USERS)} demo users ready")

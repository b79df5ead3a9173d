"""The demo data of make run: idempotent, and each demo user starts the flow it promises."""

import pytest

from laas_kernel.errors import DomainError
from laas_kernel.settings import Settings


def test_demo_seed_is_idempotent_and_its_users_start_their_flows(identity, service_config):
    from identity.demo import demo_credentials, seed

    settings = Settings(
        database_url=service_config["DATABASE_URL"],
        database_prefix=service_config["DATABASE_PREFIX"],
        laas_admin_username="admin",
        laas_admin_password="Admin#2568",
    )
    seed(settings)
    seed(settings)
    assert identity.sql("SELECT count(*) FROM users")[0][0] == 1 + len(demo_credentials())
    assert identity.sql("SELECT count(*) FROM units")[0][0] == 4
    passwords = {c["username"]: c["password"] for c in demo_credentials()}

    lao_head = identity.rpc.login("tuayang_hof", passwords["tuayang_hof"])
    assert lao_head["identity"]["first_name"] == "สมชาย" and lao_head["next_step"] == "email"
    assert identity.rpc.login("cm_province", passwords["cm_province"])["next_step"] == "citizen_id"
    assert identity.rpc.login("school_fin", passwords["school_fin"])["next_step"] == "citizen_id"
    with pytest.raises(DomainError) as refused:
        identity.rpc.login("tuayang_nothaid", passwords["tuayang_nothaid"])
    assert refused.value.code == "thaid_not_registered"

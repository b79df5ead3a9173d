"""What an access token says about the units it reaches."""

import uuid
from datetime import UTC, datetime

import jwt

from identity.tokens import BY_SESSION, TOKEN_UNITS_MAX, access_token, reach_claims

SECRET = "tokens-test-secret-of-at-least-32-bytes"


def units(n):
    return {str(uuid.uuid4()) for _ in range(n)}


def test_lists_within_the_limit_travel_in_the_token_and_every_unit_is_a_star():
    readable, writable = units(40), units(20)
    claims = reach_claims(readable, writable)
    assert claims == {"rr": sorted(readable), "rw": sorted(writable)}
    assert reach_claims(None, None) == {"rr": "*", "rw": "*"}
    assert reach_claims(None, units(TOKEN_UNITS_MAX + 5)) == {"rr": BY_SESSION, "rw": BY_SESSION}


def test_past_the_limit_both_lists_are_named_by_session_and_the_token_stays_small():
    readable = units(900)  # a large province office: every unit below it, read-only
    token = access_token(
        secret_key=SECRET,
        user_id="u1",
        session_id="s1",
        username="province.officer",
        unit_id="p1",
        groups=["province_officer"],
        permissions=[],
        readable=readable,
        writable=set(),
        now=datetime.now(UTC),
    )
    claims = jwt.decode(token, SECRET, algorithms=["HS256"])
    assert (claims["rr"], claims["rw"]) == (BY_SESSION, BY_SESSION)
    assert len(token) < 1000  # the unit ids would have made it about 47 KB

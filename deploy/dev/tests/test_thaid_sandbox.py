"""The ThaiD sandbox answers the contract in API.md."""

import json

import pytest
import requests
from thaid_sandbox import DEFAULT_SEED, ThaidSandbox


def check_digit_ok(citizen_id: str) -> bool:
    digits = [int(c) for c in citizen_id]
    total = sum(d * (13 - i) for i, d in enumerate(digits[:12]))
    return (11 - total % 11) % 10 == digits[12]


@pytest.fixture
def sandbox():
    server = ThaidSandbox("127.0.0.1", 0, DEFAULT_SEED).start()
    yield server
    server.stop()


def test_seed_holds_at_least_four_persons_with_valid_citizen_ids():
    persons = json.loads(DEFAULT_SEED.read_text(encoding="utf-8"))

    assert len(persons) >= 4
    assert all(check_digit_ok(p["citizen_id"]) for p in persons)
    assert len({p["citizen_id"] for p in persons}) == len(persons)


def test_get_a_seeded_person(sandbox):
    response = requests.get(f"{sandbox.url}/persons/1101700203450", timeout=5)

    assert response.status_code == 200
    assert response.json() == {
        "citizen_id": "1101700203450",
        "title": "นาย",
        "first_name": "สมชาย",
        "last_name": "ใจดี",
    }


def test_unregistered_person_is_404(sandbox):
    response = requests.get(f"{sandbox.url}/persons/1111111111119", timeout=5)

    assert response.status_code == 404


def test_post_adds_a_person_that_get_then_finds(sandbox):
    person = {"citizen_id": "1111111111119", "title": "นาง", "first_name": "ทดสอบ",
              "last_name": "เพิ่มใหม่"}  # fmt: skip

    created = requests.post(f"{sandbox.url}/persons", json=person, timeout=5)
    found = requests.get(f"{sandbox.url}/persons/1111111111119", timeout=5)

    assert created.status_code == 201
    assert created.json() == person
    assert found.json() == person


@pytest.mark.parametrize(
    "body",
    [
        {"citizen_id": "110170020345", "title": "นาย", "first_name": "ก", "last_name": "ข"},
        {"citizen_id": "11017002034501", "title": "นาย", "first_name": "ก", "last_name": "ข"},
        {"citizen_id": "110170020345x", "title": "นาย", "first_name": "ก", "last_name": "ข"},
        {"citizen_id": "1101700203450", "title": "นาย", "last_name": "ข"},
        ["not", "an", "object"],
    ],
)
def test_post_refuses_a_bad_person_with_422(sandbox, body):
    response = requests.post(f"{sandbox.url}/persons", json=body, timeout=5)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_person"


def test_delete_removes_a_person(sandbox):
    deleted = requests.delete(f"{sandbox.url}/persons/1101700203450", timeout=5)

    assert deleted.status_code == 204
    assert requests.get(f"{sandbox.url}/persons/1101700203450", timeout=5).status_code == 404

"""Posting: the one way money enters the books. A single posting is a batch of one.

``post_vouchers`` takes one unit's vouchers, in order:

1. Each voucher is checked against the chart (the process's cached copy) without any lock:
   shape, accounts, balance. A refused voucher gets its error and takes no number.
2. One round trip locks the unit's chain head (``ledger_units`` row, FOR UPDATE) and then
   reads all the unit's state the batch needs: the chart revision, idempotency keys already
   used, closed periods, counters, opening vouchers and reversals. Holding the lock, that
   state cannot change under us, so every remaining refusal is decided here in Python and
   no savepoint is needed: one bad voucher never stops the others.
3. Numbers are the counters + 1 (gapless: a rolled-back transaction rolls its numbers back
   with it), each voucher is hashed onto the previous one, balances are summed per
   (fiscal year, period, account).
4. One round trip writes counters, headers, lines, balance upserts (rows in sorted order),
   the new chain head and the outbox events.

Inside a session's transaction (``post_in_session``: reversals, opening balances) the commit
is the caller's. With ``own_transaction`` (the service's single and batch postings, on an
autocommit connection from ``ledger.connections``) BEGIN is sent with step 2's statements
and COMMIT with step 4's: a posting is two round trips.

Different units never wait for each other; the same unit's postings queue on its head row.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

from laas_kernel import correlation
from laas_kernel.confirms import OutgoingEvent
from laas_kernel.contracts import PostedLine, VoucherPosted, VoucherReversed
from laas_kernel.errors import DomainError, InvalidInput
from laas_kernel.outbox import HAND_OVER_GRACE, hand_over_after_commit
from ledger import sql
from ledger.charts import ChartCache
from ledger.domain.errors import (
    IdempotencyConflict,
    IdempotencyKeyRequired,
    InvalidVoucher,
    OpeningBalancesExist,
    PeriodClosed,
    VoucherAlreadyReversed,
)
from ledger.domain.fiscal import check_fiscal_year
from ledger.domain.money import LIMIT, format_amount
from ledger.domain.opening_balances import opening_balances_voucher
from ledger.domain.voucher import (
    VoucherDraft,
    VoucherLine,
    chain_hash,
    content_hash,
    reversing_draft,
    validate_voucher,
    voucher_number,
)
from ledger.queries import get_voucher, load_vouchers, today

KEY_MAX = 200
UNIT_ID_MAX = 64
MAX_BATCH = 1000
CREATED, EXISTING, REFUSED = "created", "existing", "refused"


@dataclass(frozen=True)
class PostingRequest:
    idempotency_key: str | None
    body: object  # an API body (mapping) or a VoucherDraft built in code
    origin: str = "post"  # post | opening | reversal
    reverses: dict | None = None  # for a reversal: the voucher it undoes


@dataclass
class Outcome:
    idempotency_key: str | None
    status: str  # created | existing | refused
    voucher: dict | None = None
    error: DomainError | None = None

    def as_dict(self) -> dict:
        answer = {"idempotency_key": self.idempotency_key, "status": self.status}
        if self.voucher is not None:
            answer["voucher"] = self.voucher
        if self.error is not None:
            answer["error"] = {
                "code": self.error.code,
                "message": self.error.message,
                "details": self.error.details,
            }
        return answer


@dataclass
class _Prepared:
    request: PostingRequest
    draft: VoucherDraft | None = None
    hash: str | None = None
    error: DomainError | None = None


@dataclass
class _State:
    last_hash: str
    count: int
    revision: int
    keys: dict = field(default_factory=dict)  # key -> (voucher id, content hash)
    closed: set = field(default_factory=set)  # {(fiscal_year, period)}
    counters: dict = field(default_factory=dict)  # (fiscal_year, type) -> last seq
    touched: set = field(default_factory=set)  # counters this batch moved
    openings: dict = field(default_factory=dict)  # fiscal_year -> (voucher id, content hash)
    reversed: dict = field(default_factory=dict)  # original id -> reversal id


def check_unit_id(unit_id) -> str:
    if not isinstance(unit_id, str) or not unit_id.strip() or len(unit_id) > UNIT_ID_MAX:
        raise InvalidInput(details={"unit_id": "รหัสหน่วยงานไม่ถูกต้อง"})
    return unit_id


def _check_key(key, origin: str):
    if key is None or (isinstance(key, str) and not key.strip()):
        if origin == "post":
            raise IdempotencyKeyRequired()
        return None
    if not isinstance(key, str) or len(key) > KEY_MAX:
        raise InvalidInput(
            details={"idempotency_key": f"Idempotency-Key ต้องเป็นข้อความไม่เกิน {KEY_MAX} ตัวอักษร"}
        )
    return key


def _prepare(request: PostingRequest, chart) -> _Prepared:
    try:
        _check_key(request.idempotency_key, request.origin)
        draft = validate_voucher(request.body, chart)
        if draft.total >= LIMIT:
            raise InvalidVoucher(details={"total": "ยอดรวมของใบผ่านรายการมากเกินไป"})
        return _Prepared(request, draft, content_hash(draft))
    except DomainError as err:
        return _Prepared(request, error=err)


CLAIM_UNIT = "INSERT INTO ledger_units (unit_id) VALUES (%(unit)s) ON CONFLICT (unit_id) DO NOTHING"
LOCK_UNIT = "SELECT 1 FROM ledger_units WHERE unit_id = %(unit)s FOR UPDATE"
LOCK_AND_READ = f"{CLAIM_UNIT};\n{LOCK_UNIT};\n"
# A statement of its own after the lock, so that (READ COMMITTED) it sees everything
# committed by whoever held the lock before us.
READ_STATE = """
SELECT h.last_hash, h.voucher_count,
  (SELECT revision FROM chart_meta WHERE id = 1),
  (SELECT json_agg(json_build_array(v.idempotency_key, v.id, v.content_hash)) FROM vouchers v
    WHERE v.unit_id = %(unit)s AND v.idempotency_key = ANY(%(keys)s::text[])),
  (SELECT json_agg(json_build_array(p.fiscal_year, p.period)) FROM periods p
    WHERE p.unit_id = %(unit)s AND p.fiscal_year = ANY(%(years)s::int[])),
  (SELECT json_agg(json_build_array(c.fiscal_year, c.type, c.last_seq)) FROM voucher_counters c
    WHERE c.unit_id = %(unit)s AND c.fiscal_year = ANY(%(years)s::int[])),
  (SELECT json_agg(json_build_array(o.fiscal_year, o.id, o.content_hash)) FROM vouchers o
    WHERE o.unit_id = %(unit)s AND o.origin = 'opening'
    AND o.fiscal_year = ANY(%(opening_years)s::int[])),
  (SELECT json_agg(json_build_array(r.reverses_id, r.id)) FROM vouchers r
    WHERE r.reverses_id = ANY(%(reversed)s::uuid[]))
FROM ledger_units h WHERE h.unit_id = %(unit)s
"""


# On the posting connections (``own_transaction``) these three statements are prepared once
# per connection: PostgreSQL took longer to plan them than to run them.
_TYPES = {
    "unit": "text",
    "keys": "text[]",
    "years": "int[]",
    "opening_years": "int[]",
    "reversed": "uuid[]",
}


def _prepared_form(name: str, statement: str) -> tuple[str, str]:
    """``PREPARE name(...) AS statement`` and the ``EXECUTE`` that runs it with the same
    named parameters."""
    used = [param for param in _TYPES if f"%({param})s" in statement]
    body = statement
    for number, param in enumerate(used, start=1):
        body = body.replace(f"%({param})s", f"${number}")
    types = ", ".join(_TYPES[param] for param in used)
    execute = ", ".join(f"%({param})s" for param in used)
    return f"PREPARE {name}({types}) AS {body}", f"EXECUTE {name}({execute})"


_FORMS = {
    name: _prepared_form(f"ledger_{name}", statement)
    for name, statement in (("claim", CLAIM_UNIT), ("lock", LOCK_UNIT), ("read", READ_STATE))
}
PREPARE = [prepare for prepare, _ in _FORMS.values()]
_EXECUTE_LOCK_AND_READ = ";\n".join(execute for _, execute in _FORMS.values())
_EXECUTE_READ = _FORMS["read"][1]


def _read_state(cur, unit_id: str, prepared: list[_Prepared], lock: bool, begin="") -> _State:
    ok = [p for p in prepared if p.draft is not None]
    params = {
        "unit": unit_id,
        "keys": [p.request.idempotency_key for p in ok if p.request.idempotency_key],
        "years": sorted({p.draft.fiscal_year for p in ok}),
        "opening_years": sorted({p.draft.fiscal_year for p in ok if p.request.origin == "opening"}),
        "reversed": [p.request.reverses["id"] for p in ok if p.request.reverses],
    }
    if begin:  # a posting connection: BEGIN goes along, the statements are prepared
        statement = begin + (_EXECUTE_LOCK_AND_READ if lock else _EXECUTE_READ)
    else:
        statement = (LOCK_AND_READ if lock else "") + READ_STATE
    cur.execute(statement, params)
    row = cur.fetchone()
    return _State(
        last_hash=row[0],
        count=row[1],
        revision=row[2],
        keys={k: (str(i), h) for k, i, h in row[3] or ()},
        closed={(fy, p) for fy, p in row[4] or ()},
        counters={(fy, t): seq for fy, t, seq in row[5] or ()},
        openings={fy: (str(i), h) for fy, i, h in row[6] or ()},
        reversed={str(o): str(r) for o, r in row[7] or ()},
    )


def _actor_fields(actor) -> tuple[str, str]:
    actor = actor or {}
    return str(actor.get("user_id") or "system"), str(actor.get("username") or "")


def _now() -> datetime:
    return datetime.now(UTC)


def post_vouchers(
    cur,
    charts: ChartCache,
    unit_id: str,
    requests: Sequence[PostingRequest],
    actor: dict | None,
    own_transaction: bool = False,
) -> tuple[list[Outcome], list[OutgoingEvent]]:
    """Post a unit's vouchers in order; each gets its own outcome (see the module doc).

    Also returns the events stored, for the caller to hand to the outbox relay once the
    transaction has committed (their rows wait ``HAND_OVER_GRACE`` for that).
    """
    check_unit_id(unit_id)
    if len(requests) > MAX_BATCH:
        raise InvalidInput(details={"vouchers": f"ส่งได้ครั้งละไม่เกิน {MAX_BATCH} ใบ"})
    chart = charts.get(cur)
    revision = charts.revision
    prepared = [_prepare(r, chart) for r in requests]
    begin, commit = ("BEGIN;", "COMMIT") if own_transaction else ("", "")
    state = _read_state(cur, unit_id, prepared, lock=True, begin=begin)
    if state.revision != revision:  # the chart changed since we cached it: check again
        chart = charts.get(cur, state.revision)
        prepared = [_prepare(r, chart) for r in requests]
        state = _read_state(cur, unit_id, prepared, lock=False)

    posted_by, posted_by_name = _actor_fields(actor)
    outcomes: list[Outcome] = []
    created: dict[str, dict] = {}  # voucher id -> view, for this batch's own replays
    voucher_rows, line_rows, events = [], [], []
    balance_deltas: dict[tuple, list[Decimal]] = {}
    last_hash, count = state.last_hash, state.count

    for p in prepared:
        key = p.request.idempotency_key or None
        if p.error is not None:
            outcomes.append(Outcome(key, REFUSED, error=p.error))
            continue
        draft = p.draft
        fy, period, kind = draft.fiscal_year, draft.period, str(draft.type)
        if key is not None and key in state.keys:
            first_id, first_hash = state.keys[key]
            if first_hash == p.hash:
                outcomes.append(Outcome(key, EXISTING, voucher=created.get(first_id) or first_id))
            else:
                err = IdempotencyConflict(details={"voucher_id": first_id})
                outcomes.append(Outcome(key, REFUSED, error=err))
            continue
        if (fy, period) in state.closed:
            err = PeriodClosed(details={"fiscal_year": fy, "period": period})
            outcomes.append(Outcome(key, REFUSED, error=err))
            continue
        if p.request.origin == "opening" and fy in state.openings:
            first_id, first_hash = state.openings[fy]
            if first_hash == p.hash:
                outcomes.append(Outcome(key, EXISTING, voucher=created.get(first_id) or first_id))
            else:
                err = OpeningBalancesExist(details={"voucher_id": first_id, "fiscal_year": fy})
                outcomes.append(Outcome(key, REFUSED, error=err))
            continue
        reverses = p.request.reverses
        if reverses is not None and reverses["id"] in state.reversed:
            err = VoucherAlreadyReversed(
                details={
                    "voucher_id": reverses["id"],
                    "reversed_by_id": state.reversed[reverses["id"]],
                }
            )
            outcomes.append(Outcome(key, REFUSED, error=err))
            continue

        seq = state.counters.get((fy, kind), 0) + 1
        state.counters[(fy, kind)] = seq
        state.touched.add((fy, kind))
        number = voucher_number(kind, fy, seq)
        voucher_id = str(uuid.uuid4())
        posted_at = _now()
        count += 1
        new_hash = chain_hash(
            last_hash,
            {
                "number": number,
                "date": draft.date,
                "type": kind,
                "description": draft.description,
                "lines": draft.lines,
                "total": draft.total,
                "posted_by": posted_by,
                "posted_at": posted_at,
            },
        )
        reverses_id = reverses["id"] if reverses else None
        voucher_rows.append(
            (
                voucher_id,
                unit_id,
                count,
                number,
                kind,
                draft.date,
                fy,
                period,
                draft.description,
                draft.total,
                p.request.origin,
                key,
                p.hash,
                posted_by,
                posted_by_name,
                posted_at,
                last_hash,
                new_hash,
                reverses_id,
            )
        )
        for line_no, line in enumerate(draft.lines, start=1):
            line_rows.append(
                (
                    voucher_id,
                    line_no,
                    unit_id,
                    fy,
                    period,
                    draft.date,
                    line.account_code,
                    line.debit,
                    line.credit,
                    line.memo,
                )
            )
            totals = balance_deltas.setdefault((fy, period, line.account_code), [0, 0])
            totals[0] += line.debit
            totals[1] += line.credit
        view = _view(
            voucher_id, unit_id, number, draft, p.request.origin, posted_by, posted_by_name
        )
        view.update(
            posted_at=posted_at.isoformat(),
            hash=new_hash,
            previous_hash=last_hash,
            reverses_id=reverses_id,
        )
        created[voucher_id] = view
        events.extend(_events(unit_id, view, reverses))
        outcomes.append(Outcome(key, CREATED, voucher=view))
        if key is not None:
            state.keys[key] = (voucher_id, p.hash)
        if p.request.origin == "opening":
            state.openings[fy] = (voucher_id, p.hash)
        if reverses_id:
            state.reversed[reverses_id] = voucher_id
        last_hash = new_hash

    writes = []
    if voucher_rows:
        writes = _writes(cur, unit_id, state, voucher_rows, line_rows, balance_deltas)
        writes.append(_outbox_insert(cur, events, _now() + HAND_OVER_GRACE))
    sql.run_script(cur, [*writes, commit])

    replays = [o for o in outcomes if o.status == EXISTING and isinstance(o.voucher, str)]
    if replays:
        found = load_vouchers(cur, unit_id, {o.voucher for o in replays})
        for o in replays:
            o.voucher = found[o.voucher]
    return outcomes, events


def _writes(cur, unit_id, state, voucher_rows, line_rows, balance_deltas) -> list[str]:
    last = voucher_rows[-1]
    counters = [(k, state.counters[k]) for k in sorted(state.touched)]
    return [
        "INSERT INTO voucher_counters (unit_id, fiscal_year, type, last_seq) VALUES "
        + sql.values(cur, "(%s,%s,%s,%s)", [(unit_id, fy, t, seq) for (fy, t), seq in counters])
        + " ON CONFLICT (unit_id, fiscal_year, type) DO UPDATE SET last_seq = EXCLUDED.last_seq",
        "INSERT INTO vouchers (id, unit_id, chain_seq, number, type, date, fiscal_year, period,"
        " description, total, origin, idempotency_key, content_hash, posted_by, posted_by_name,"
        " posted_at, prev_hash, hash, reverses_id) VALUES "
        + sql.values(
            cur,
            "(%s::uuid,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s::uuid)",
            voucher_rows,
        ),
        "INSERT INTO voucher_lines (voucher_id, line_no, unit_id, fiscal_year, period, date,"
        " account_code, debit, credit, memo) VALUES "
        + sql.values(cur, "(%s::uuid,%s,%s,%s,%s,%s,%s,%s,%s,%s)", line_rows),
        # Rows in key order: two transactions never wait for each other's rows crosswise.
        "INSERT INTO balances (unit_id, fiscal_year, period, account_code, debit_total,"
        " credit_total) VALUES "
        + sql.values(
            cur,
            "(%s,%s,%s,%s,%s,%s)",
            [(unit_id, *k, d, c) for k, (d, c) in sorted(balance_deltas.items())],
        )
        + " ON CONFLICT (unit_id, fiscal_year, period, account_code) DO UPDATE SET"
        " debit_total = balances.debit_total + EXCLUDED.debit_total,"
        " credit_total = balances.credit_total + EXCLUDED.credit_total",
        sql.bind(
            cur,
            "UPDATE ledger_units SET last_hash = %s, last_voucher_id = %s::uuid,"
            " voucher_count = %s WHERE unit_id = %s",
            (last[17], last[0], last[2], unit_id),
        ),
    ]


def _outbox_insert(cur, events: list[OutgoingEvent], not_before) -> str:
    return (
        "INSERT INTO outbox (event_id, source, event_type, payload, headers, next_attempt_at)"
        " VALUES "
        + sql.values(
            cur,
            "(%s::uuid,%s,%s,%s::jsonb,%s::jsonb,%s)",
            [
                (e.event_id, e.source, e.event_type, e.body, sql.jsonb(e.headers), not_before)
                for e in events
            ],
        )
    )


def _view(voucher_id, unit_id, number, draft: VoucherDraft, origin, posted_by, name) -> dict:
    return {
        "id": voucher_id,
        "unit_id": unit_id,
        "number": number,
        "type": str(draft.type),
        "date": draft.date.isoformat(),
        "fiscal_year": draft.fiscal_year,
        "period": draft.period,
        "description": draft.description,
        "total": format_amount(draft.total),
        "origin": origin,
        "posted_by": posted_by,
        "posted_by_name": name,
        "posted_at": None,
        "hash": None,
        "previous_hash": None,
        "reverses_id": None,
        "reversed_by_id": None,
        "lines": [line.as_dict() for line in draft.lines],
    }


def _events(unit_id: str, view: dict, reverses: dict | None) -> list[OutgoingEvent]:
    headers = {correlation.HEADER: correlation.current() or correlation.new_id()}
    lines = [PostedLine(**line) for line in view["lines"]]
    posted = VoucherPosted(
        unit_id=unit_id,
        voucher_id=view["id"],
        number=view["number"],
        type=view["type"],
        date=view["date"],
        fiscal_year=view["fiscal_year"],
        period=view["period"],
        description=view["description"],
        lines=lines,
        total=view["total"],
        posted_by=view["posted_by"],
        reverses_voucher_id=view["reverses_id"],
    )
    events = [posted]
    if reverses is not None:
        events.append(
            VoucherReversed(
                unit_id=unit_id,
                voucher_id=reverses["id"],
                number=reverses["number"],
                reversal_voucher_id=view["id"],
                reversal_number=view["number"],
                date=view["date"],
                lines=lines,
            )
        )
    return [
        OutgoingEvent(str(e.event_id), e.source, e.event_type, sql.jsonb(e.to_payload()), headers)
        for e in events
    ]


# --- the ways in ---------------------------------------------------------------------


def one_request(body, idempotency_key) -> list[PostingRequest]:
    return [PostingRequest(idempotency_key, body)]


def batch_requests(items) -> list[PostingRequest]:
    """Many vouchers of one unit, each ``{"idempotency_key", …voucher}``, each on its own."""
    if not isinstance(items, list) or not items:
        raise InvalidInput(details={"vouchers": "ต้องส่งรายการใบผ่านรายการอย่างน้อย 1 ใบ"})
    requests = []
    for item in items:
        if isinstance(item, dict):
            body = {k: v for k, v in item.items() if k != "idempotency_key"}
            requests.append(PostingRequest(item.get("idempotency_key"), body))
        else:
            requests.append(PostingRequest(None, item))
    return requests


def single(outcomes: list[Outcome]) -> Outcome:
    """The one outcome of a one-voucher posting; its refusal raised."""
    [outcome] = outcomes
    if outcome.error is not None:
        raise outcome.error
    return outcome


def post_in_session(session, charts, unit_id, requests, actor) -> list[Outcome]:
    """Inside the session's transaction, whose commit is the caller's; the events go to the
    relay when it commits."""
    outcomes, events = post_vouchers(sql.cursor(session), charts, unit_id, requests, actor)
    hand_over_after_commit(session, events)
    return outcomes


def post_one(session, charts, unit_id, body, idempotency_key, actor) -> Outcome:
    return single(
        post_in_session(session, charts, unit_id, one_request(body, idempotency_key), actor)
    )


def post_batch(session, charts, unit_id, items, actor) -> list[Outcome]:
    return post_in_session(session, charts, unit_id, batch_requests(items), actor)


def _parse_day(value) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidVoucher(details={"date": "วันที่ต้องอยู่ในรูปแบบ ปปปป-ดด-วว (ค.ศ.)"}) from None


def reverse(
    session,
    charts,
    unit_id,
    voucher_id,
    actor,
    on=None,
    description=None,
    idempotency_key=None,
) -> Outcome:
    """A reversing voucher for ``voucher_id``: same type, lines swapped, linked to it.

    Dated ``on``, by default the original's date if that period is still open (so the
    two net out in the same period) and otherwise today.
    """
    original = get_voucher(session, unit_id, voucher_id)
    if original["reversed_by_id"] and not idempotency_key:
        raise VoucherAlreadyReversed(
            details={"voucher_id": original["id"], "reversed_by_id": original["reversed_by_id"]}
        )
    lines = tuple(
        VoucherLine(
            line["account_code"], Decimal(line["debit"]), Decimal(line["credit"]), line["memo"]
        )
        for line in original["lines"]
    )
    original_day = date.fromisoformat(original["date"])
    if on is not None:
        day = _parse_day(on)
    else:
        cur = sql.cursor(session)
        cur.execute(
            "SELECT 1 FROM periods WHERE unit_id = %s AND fiscal_year = %s AND period = %s",
            (unit_id, original["fiscal_year"], original["period"]),
        )
        day = today() if cur.fetchone() else original_day
    draft = reversing_draft(
        VoucherDraft(original["type"], original_day, original["description"], lines),
        day,
        original["number"],
    )
    if description:
        draft = VoucherDraft(draft.type, draft.date, str(description), draft.lines)
    request = PostingRequest(idempotency_key, draft, origin="reversal", reverses=original)
    return single(post_in_session(session, charts, unit_id, [request], actor))


def import_opening_balances(
    session,
    charts,
    unit_id,
    fiscal_year,
    fmt,
    content,
    actor,
    description=None,
    idempotency_key=None,
) -> Outcome:
    """A post-closing trial balance (JSON, CSV or XLSX) as the year's opening general voucher.

    Every problem is listed by row (OpeningBalancesRejected); a year has one such voucher
    (OpeningBalancesExist), and sending the same file again returns it.
    """
    check_unit_id(unit_id)
    check_fiscal_year(fiscal_year)
    chart = charts.get(sql.cursor(session))
    draft = opening_balances_voucher(content, fmt, chart, fiscal_year, description)
    request = PostingRequest(idempotency_key, draft, origin="opening")
    return single(post_in_session(session, charts, unit_id, [request], actor))

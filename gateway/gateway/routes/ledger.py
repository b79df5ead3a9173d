"""Ledger: chart of accounts, vouchers, periods, reports, opening balances, master data.

Every unit route checks the caller's scope from the access token first (reads need the unit
in ``rr``, writes in ``rw``); the ledger service trusts that check and scopes each query by
the unit. The caller travels as ``actor.as_dict()`` and is recorded on what it posts.
"""

import base64
import json

from laas_kernel.errors import Forbidden, InvalidInput

from ..errors import DEFAULT_STATUS, STATUS_BY_CODE, json_response
from ..http import route
from ..schemas import InvalidJson, load_body, load_data, load_query
from ..schemas_ledger import (
    IDEMPOTENCY_HEADER,
    KEY_MAX,
    AccountLedger,
    BatchAnswer,
    BatchBody,
    ChainCheck,
    ChartAccount,
    ChartImport,
    ClosePeriodBody,
    FiscalYearQuery,
    IdempotencyKeyRequired,
    LedgerPeriod,
    LedgerPeriods,
    MasterRecord,
    MasterRecordBody,
    MasterRecords,
    OpeningBalancesBody,
    OpeningBalancesFile,
    PayloadTooLarge,
    ReportQuery,
    ReverseBody,
    TrialBalance,
    UnsupportedMediaType,
    Voucher,
    VoucherBody,
    VoucherList,
    VoucherQuery,
)

BATCH_TIMEOUT = 60
IMPORT_TIMEOUT = 30
UPLOAD_MAX_BYTES = 5 * 1024 * 1024
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIMES = {"text/csv", "application/csv", "text/plain"}
STATUS_BY_OUTCOME = {"created": 201, "existing": 200}
UNIT = "/api/v1/units/<unit_id>"


def _idempotency_key(request, required=True):
    key = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
    if not key:
        if required:
            raise IdempotencyKeyRequired()
        return None
    if len(key) > KEY_MAX:
        raise InvalidInput(
            details={"Idempotency-Key": f"Idempotency-Key ต้องไม่เกิน {KEY_MAX} ตัวอักษร"}
        )
    return key


def _posted(answer) -> object:
    """201 for a new voucher, 200 for the one a retried key already made."""
    status = STATUS_BY_OUTCOME[answer["status"]]
    headers = {"Idempotent-Replayed": "true"} if status == 200 else None
    return json_response(answer["voucher"], status, headers)


def _batch_status(result) -> int:
    if result["status"] in STATUS_BY_OUTCOME:
        return STATUS_BY_OUTCOME[result["status"]]
    return STATUS_BY_CODE.get(result["error"]["code"], DEFAULT_STATUS)


def _upload(request):
    """(format, content, encoding, fields) of an opening-balances request in any of its forms."""
    if (request.content_length or 0) > UPLOAD_MAX_BYTES:
        raise PayloadTooLarge(details={"max_bytes": UPLOAD_MAX_BYTES})
    mimetype = request.mimetype
    if mimetype in ("", "application/json"):
        raw = request.get_data(cache=True)
        try:
            data = json.loads(raw or b"{}")
        except (ValueError, UnicodeDecodeError):
            raise InvalidJson() from None
        fields = load_data(data, OpeningBalancesBody())
        return "json", raw.decode("utf-8"), "text", fields
    if mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise InvalidInput(details={"file": "ต้องแนบไฟล์ในช่อง file"})
        name = (upload.filename or "").lower()
        fmt = "xlsx" if name.endswith(".xlsx") or upload.mimetype == XLSX_MIME else "csv"
        content = upload.read(UPLOAD_MAX_BYTES + 1)
        if len(content) > UPLOAD_MAX_BYTES:
            raise PayloadTooLarge(details={"max_bytes": UPLOAD_MAX_BYTES})
        fields = {**request.args.to_dict(), **request.form.to_dict()}
    elif mimetype == XLSX_MIME or mimetype in CSV_MIMES:
        fmt = "xlsx" if mimetype == XLSX_MIME else "csv"
        content = request.get_data(cache=True)
        fields = request.args.to_dict()
    else:
        raise UnsupportedMediaType(details={"content_type": mimetype})
    fields = load_data(
        {k: v for k, v in fields.items() if k in ("fiscal_year", "description")},
        OpeningBalancesFile(),
    )
    return fmt, base64.b64encode(content).decode("ascii"), "base64", fields


class LedgerRoutes:
    # --- chart of accounts ------------------------------------------------------------

    @route(
        "GET",
        "/api/v1/accounts",
        "The chart of accounts",
        response=ChartAccount(many=True),
        tag="ledger",
    )
    def ledger_accounts(self, request):
        self.auth.actor(request)
        return json_response(self.ledger.list_accounts())

    @route(
        "POST",
        "/api/v1/accounts/import",
        "Import (or with ?replace=true replace) the chart from CSV; Department only",
        response=ChartImport,
        tag="ledger",
    )
    def ledger_import_chart(self, request):
        actor = self.auth.actor(request)
        if actor.writable is not None:  # the chart is everyone's: only the Department
            raise Forbidden("ท่านไม่มีสิทธิ์แก้ไขผังบัญชี", details={"permission": "chart"})
        replace = request.args.get("replace", "").lower() in ("1", "true", "yes")
        content = request.get_data(cache=True)
        if len(content) > UPLOAD_MAX_BYTES:
            raise PayloadTooLarge(details={"max_bytes": UPLOAD_MAX_BYTES})
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InvalidInput(details={"file": "ไฟล์ต้องเป็นข้อความ UTF-8"}) from None
        answer = self.ledger.import_chart(text, replace, actor.as_dict(), timeout=IMPORT_TIMEOUT)
        return json_response(answer)

    # --- vouchers ---------------------------------------------------------------------

    @route(
        "POST",
        UNIT + "/vouchers",
        "Post a voucher (Idempotency-Key header required)",
        body=VoucherBody,
        response=Voucher,
        status=201,
        tag="ledger",
    )
    def ledger_post_voucher(self, request, unit_id):
        actor = self.auth.actor(request)
        actor.require_write(unit_id)
        key = _idempotency_key(request)
        body = load_body(request, VoucherBody())
        return _posted(self.ledger.post_voucher(unit_id, body, key, actor.as_dict()))

    @route(
        "POST",
        UNIT + "/vouchers/batch",
        "Post many vouchers, each with its own idempotency key and result",
        body=BatchBody,
        response=BatchAnswer,
        tag="ledger",
    )
    def ledger_post_batch(self, request, unit_id):
        actor = self.auth.actor(request)
        actor.require_write(unit_id)
        body = load_body(request, BatchBody())
        answer = self.ledger.post_batch(
            unit_id, body["vouchers"], actor.as_dict(), timeout=BATCH_TIMEOUT
        )
        for result in answer["results"]:
            result["status"] = _batch_status(result)
        return json_response(answer)

    @route(
        "GET",
        UNIT + "/vouchers",
        "Vouchers of the unit, in posting order",
        query=VoucherQuery,
        response=VoucherList,
        tag="ledger",
    )
    def ledger_list_vouchers(self, request, unit_id):
        self.auth.actor(request).require_read(unit_id)
        query = load_query(request, VoucherQuery())
        return json_response(
            self.ledger.list_vouchers(
                unit_id, query["fiscal_year"], query["type"], query["limit"], query["offset"]
            )
        )

    @route("GET", UNIT + "/vouchers/<voucher_id>", "One voucher", response=Voucher, tag="ledger")
    def ledger_get_voucher(self, request, unit_id, voucher_id):
        self.auth.actor(request).require_read(unit_id)
        return json_response(self.ledger.get_voucher(unit_id, voucher_id))

    @route(
        "POST",
        UNIT + "/vouchers/<voucher_id>/reverse",
        "Post the reversing voucher of a voucher and link the two",
        body=ReverseBody,
        response=Voucher,
        status=201,
        tag="ledger",
    )
    def ledger_reverse_voucher(self, request, unit_id, voucher_id):
        actor = self.auth.actor(request)
        actor.require_write(unit_id)
        key = _idempotency_key(request, required=False)
        body = load_body(request, ReverseBody())
        day = body["date"].isoformat() if body["date"] else None
        answer = self.ledger.reverse_voucher(
            unit_id,
            voucher_id,
            actor.as_dict(),
            date=day,
            description=body["description"],
            idempotency_key=key,
        )
        return _posted(answer)

    # --- opening balances, periods, reports -------------------------------------------

    @route(
        "POST",
        UNIT + "/opening-balances",
        "Carry a post-closing trial balance (JSON, CSV or XLSX) in as one general voucher",
        body=OpeningBalancesBody,
        response=Voucher,
        status=201,
        tag="ledger",
    )
    def ledger_opening_balances(self, request, unit_id):
        actor = self.auth.actor(request)
        actor.require_write(unit_id)
        key = _idempotency_key(request, required=False)
        fmt, content, encoding, fields = _upload(request)
        answer = self.ledger.import_opening_balances(
            unit_id,
            fields["fiscal_year"],
            fmt,
            content,
            actor.as_dict(),
            encoding=encoding,
            description=fields.get("description"),
            idempotency_key=key,
            timeout=IMPORT_TIMEOUT,
        )
        return _posted(answer)

    @route(
        "POST",
        UNIT + "/periods/close",
        "Close a period (earlier periods first)",
        body=ClosePeriodBody,
        response=LedgerPeriod,
        tag="ledger",
    )
    def ledger_close_period(self, request, unit_id):
        actor = self.auth.actor(request)
        actor.require_write(unit_id)
        body = load_body(request, ClosePeriodBody())
        return json_response(
            self.ledger.close_period(unit_id, body["fiscal_year"], body["period"], actor.as_dict())
        )

    @route(
        "GET",
        UNIT + "/periods",
        "The twelve periods of a fiscal year, open or closed",
        query=FiscalYearQuery,
        response=LedgerPeriods,
        tag="ledger",
    )
    def ledger_periods(self, request, unit_id):
        self.auth.actor(request).require_read(unit_id)
        query = load_query(request, FiscalYearQuery())
        return json_response(self.ledger.list_periods(unit_id, query["fiscal_year"]))

    @route(
        "GET",
        UNIT + "/trial-balance",
        "Trial balance from the start of the fiscal year to the end of a period",
        query=ReportQuery,
        response=TrialBalance,
        tag="ledger",
    )
    def ledger_trial_balance(self, request, unit_id):
        self.auth.actor(request).require_read(unit_id)
        query = load_query(request, ReportQuery())
        return json_response(
            self.ledger.trial_balance(unit_id, query["fiscal_year"], query["period"])
        )

    @route(
        "GET",
        UNIT + "/accounts/<account_code>/ledger",
        "An account's postings in a fiscal year with the running balance",
        query=ReportQuery,
        response=AccountLedger,
        tag="ledger",
    )
    def ledger_account_ledger(self, request, unit_id, account_code):
        self.auth.actor(request).require_read(unit_id)
        query = load_query(request, ReportQuery())
        return json_response(
            self.ledger.account_ledger(unit_id, account_code, query["fiscal_year"], query["period"])
        )

    @route(
        "GET",
        UNIT + "/chain",
        "Verify the unit's voucher hash chain",
        response=ChainCheck,
        tag="ledger",
    )
    def ledger_verify_chain(self, request, unit_id):
        self.auth.actor(request).require_read(unit_id)
        return json_response(self.ledger.verify_chain(unit_id, timeout=IMPORT_TIMEOUT))

    # --- master data --------------------------------------------------------------------

    @route(
        "POST",
        UNIT + "/master-data/<kind>",
        "Add a bank account, debtor, creditor, payee, revenue type or deposit held",
        body=MasterRecordBody,
        response=MasterRecord,
        status=201,
        tag="ledger",
    )
    def ledger_add_master_record(self, request, unit_id, kind):
        actor = self.auth.actor(request)
        actor.require_write(unit_id)
        body = load_body(request, MasterRecordBody())
        record = self.ledger.add_master_record(unit_id, kind, body, actor.as_dict())
        return json_response(record, 201)

    @route(
        "GET",
        UNIT + "/master-data/<kind>",
        "A unit's master data of one kind",
        response=MasterRecords,
        tag="ledger",
    )
    def ledger_master_records(self, request, unit_id, kind):
        self.auth.actor(request).require_read(unit_id)
        return json_response(self.ledger.list_master_records(unit_id, kind))

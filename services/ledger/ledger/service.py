"""The ledger service's nameko entrypoints: thin, they turn messages into calls.

Every RPC that takes a ``unit_id`` trusts the caller (the gateway) to have checked that the
user may read or write that unit; every query here is scoped by it. ``actor`` is the
gateway's ``Actor.as_dict()``: who posted, recorded on each voucher and chained into it.
"""

import base64
import binascii

from nameko.extensions import DependencyProvider
from psycopg2 import errors as pg_errors
from sqlalchemy import exc as sa_exc

from laas_kernel.correlation import CorrelationId
from laas_kernel.db import Database
from laas_kernel.entrypoints import rpc
from laas_kernel.errors import InvalidInput
from laas_kernel.health import service_health
from laas_kernel.outbox import OutboxRelay
from ledger import chain, charts, master_records, periods, posting, queries, sql
from ledger.connections import PostingConnections
from ledger.domain.errors import OpeningBalancesRejected

# Lost races that a second attempt resolves (it then sees the winner's rows).
RETRYABLE = (
    pg_errors.UniqueViolation,
    pg_errors.SerializationFailure,
    pg_errors.DeadlockDetected,
    sa_exc.IntegrityError,
)
ATTEMPTS = 3


class Charts(DependencyProvider):
    """The chart of accounts cached for this container (see ``ledger.charts``)."""

    def setup(self):
        self.cache = charts.ChartCache()

    def get_dependency(self, worker_ctx):
        return self.cache


class LedgerService:
    name = "ledger"

    db = Database("ledger")
    posting_connections = PostingConnections(prepare=posting.PREPARE)
    charts = Charts()
    outbox_relay = OutboxRelay()
    correlation_id = CorrelationId()

    def _transaction(self, work):
        for attempt in range(1, ATTEMPTS + 1):
            try:
                with self.db.begin():
                    return work()
            except RETRYABLE:
                if attempt == ATTEMPTS:
                    raise

    def _post(self, unit_id, requests, actor) -> list:
        """Single and batch postings, each in a transaction of its own on a connection of
        ``ledger.connections``: two round trips. A lost race or a broken connection is tried
        again; that is safe because every posting carries its idempotency key."""
        for attempt in range(1, ATTEMPTS + 1):
            try:
                with self.posting_connections.cursor() as cur:
                    outcomes, events = posting.post_vouchers(
                        cur, self.charts, unit_id, requests, actor, own_transaction=True
                    )
            except RETRYABLE + (pg_errors.OperationalError, pg_errors.InterfaceError) as exc:
                if not isinstance(exc, RETRYABLE):  # not a lost race: the connection broke
                    self.posting_connections.discard_idle()
                if attempt == ATTEMPTS:
                    raise
                continue
            self.outbox_relay.hand_over(events)
            return outcomes

    def _read(self, work, snapshot=False):
        """A query outside any transaction (autocommit: no BEGIN/ROLLBACK round trips),
        or, with ``snapshot``, several queries in one repeatable-read snapshot."""
        level = "REPEATABLE READ" if snapshot else "AUTOCOMMIT"
        self.db.connection(execution_options={"isolation_level": level})
        try:
            return work()
        finally:
            self.db.rollback()

    def _chart(self):
        return self.charts.for_reading(sql.cursor(self.db))

    @rpc
    def health(self):
        return service_health(self.name, self.db)

    # --- chart of accounts ------------------------------------------------------------

    @rpc
    def list_accounts(self):
        return self._read(lambda: [account.as_dict() for account in self._chart()])

    @rpc
    def import_chart(self, content, replace=False, actor=None):
        """Add/update accounts from CSV text (or row mappings); ``replace`` also removes."""
        result = self._transaction(
            lambda: charts.import_chart(self.db, content, bool(replace), actor)
        )
        self.charts.revision = None  # reload on next use
        self.charts.chart = None
        return result

    # --- vouchers ---------------------------------------------------------------------

    @rpc
    def post_voucher(self, unit_id, body, idempotency_key, actor=None):
        """{"status": "created" | "existing", "voucher": {...}}; refusals are raised."""
        outcome = posting.single(
            self._post(unit_id, posting.one_request(body, idempotency_key), actor)
        )
        return {"status": outcome.status, "voucher": outcome.voucher}

    @rpc
    def post_batch(self, unit_id, vouchers, actor=None):
        """{"results": [{"idempotency_key", "status", "voucher"? | "error"?}]} in order."""
        outcomes = self._post(unit_id, posting.batch_requests(vouchers), actor)
        return {"results": [outcome.as_dict() for outcome in outcomes]}

    @rpc
    def reverse_voucher(
        self, unit_id, voucher_id, actor=None, date=None, description=None, idempotency_key=None
    ):
        outcome = self._transaction(
            lambda: posting.reverse(
                self.db,
                self.charts,
                unit_id,
                voucher_id,
                actor,
                on=date,
                description=description,
                idempotency_key=idempotency_key,
            )
        )
        return {"status": outcome.status, "voucher": outcome.voucher}

    @rpc
    def get_voucher(self, unit_id, voucher_id):
        return self._read(lambda: queries.get_voucher(self.db, unit_id, voucher_id))

    @rpc
    def list_vouchers(self, unit_id, fiscal_year=None, type=None, limit=100, offset=0):
        return self._read(
            lambda: queries.list_vouchers(self.db, unit_id, fiscal_year, type, limit, offset)
        )

    @rpc
    def import_opening_balances(
        self,
        unit_id,
        fiscal_year,
        fmt,
        content,
        actor=None,
        encoding="text",
        description=None,
        idempotency_key=None,
    ):
        """A post-closing trial balance carried in as one general voucher.

        ``content``: JSON or CSV text, or base64 of an XLSX file (``encoding="base64"``).
        """
        if encoding == "base64":
            try:
                content = base64.b64decode(content, validate=True)
            except (binascii.Error, TypeError, ValueError):
                raise OpeningBalancesRejected(
                    details={"problems": [{"row": None, "field": "file", "problem": "ไฟล์เสียหาย"}]}
                ) from None
        outcome = self._transaction(
            lambda: posting.import_opening_balances(
                self.db,
                self.charts,
                unit_id,
                fiscal_year,
                fmt,
                content,
                actor,
                description=description,
                idempotency_key=idempotency_key,
            )
        )
        return {"status": outcome.status, "voucher": outcome.voucher}

    # --- periods and reports ----------------------------------------------------------

    @rpc
    def close_period(self, unit_id, fiscal_year, period, actor=None):
        return self._transaction(
            lambda: periods.close_period(self.db, unit_id, fiscal_year, period, actor)
        )

    @rpc
    def list_periods(self, unit_id, fiscal_year):
        return self._read(lambda: queries.list_periods(self.db, unit_id, fiscal_year))

    @rpc
    def trial_balance(self, unit_id, fiscal_year, period=None):
        return self._read(
            lambda: queries.trial_balance_report(
                self.db, self._chart(), unit_id, fiscal_year, period
            )
        )

    @rpc
    def account_ledger(self, unit_id, account_code, fiscal_year, period=None):
        return self._read(
            lambda: queries.account_ledger_report(
                self.db, self._chart(), unit_id, account_code, fiscal_year, period
            )
        )

    @rpc
    def verify_chain(self, unit_id):
        return self._read(lambda: chain.verify_unit(self.db, unit_id), snapshot=True)

    # --- master data --------------------------------------------------------------------

    @rpc
    def add_master_record(self, unit_id, kind, body, actor=None):
        if not isinstance(body, dict):
            raise InvalidInput(details={"body": "รูปแบบข้อมูลไม่ถูกต้อง"})
        return self._transaction(
            lambda: master_records.add_record(self.db, self._chart(), unit_id, kind, body, actor)
        )

    @rpc
    def list_master_records(self, unit_id, kind):
        return self._read(lambda: master_records.list_records(self.db, unit_id, kind))

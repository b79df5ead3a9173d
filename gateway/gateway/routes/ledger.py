"""Ledger: chart of accounts, vouchers, periods, reports."""


class LedgerRoutes:
    pass

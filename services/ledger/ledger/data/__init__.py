"""Data shipped with the ledger: the starter chart of accounts (see build_chart.py)."""

from functools import lru_cache
from pathlib import Path

from ledger.domain.chart import Chart, load_chart

STARTER_CHART_PATH = Path(__file__).resolve().parent / "chart_of_accounts.csv"


@lru_cache(maxsize=1)
def starter_chart() -> Chart:
    """The shipped chart, read once (the file read stays out of the pure domain)."""
    return load_chart(STARTER_CHART_PATH.read_text(encoding="utf-8-sig"))

"""Import or replace the chart of accounts from a CSV file (columns as in
``ledger/data/chart_of_accounts.csv``).

    python -m ledger.import_chart FILE.csv            add and update accounts
    python -m ledger.import_chart FILE.csv --replace  also remove accounts the file leaves out

Every problem in the file is listed by row; nothing changes unless the whole file is right.
"""

import argparse
import json
import sys
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from laas_kernel.errors import DomainError
from laas_kernel.settings import get_settings
from ledger.charts import import_chart


def main(argv=None, out=None) -> int:
    out = out or sys.stdout
    parser = argparse.ArgumentParser(prog="python -m ledger.import_chart")
    parser.add_argument("file", type=Path)
    parser.add_argument("--replace", action="store_true")
    parser.add_argument("--database-url", help="the ledger database (default: from settings)")
    args = parser.parse_args(argv)
    url = args.database_url or get_settings().database_url_for("ledger")
    engine = create_engine(url)
    try:
        with Session(engine) as session, session.begin():
            result = import_chart(
                session,
                args.file.read_text(encoding="utf-8-sig"),
                args.replace,
                {"username": "import_chart"},
            )
    except DomainError as err:
        print(f"{err.code}: {err.message}", file=out)
        for problem in err.details.get("problems", []):
            print(f"  row {problem['row']} {problem['field']}: {problem['problem']}", file=out)
        return 1
    finally:
        engine.dispose()
    print(json.dumps(result), file=out)
    return 0


if __name__ == "__main__":
    sys.exit(main())

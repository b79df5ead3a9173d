"""Verify units' hash chains from a shell.

    python -m ledger.verify_chain UNIT_ID [UNIT_ID …]
    python -m ledger.verify_chain --all

Reads the ledger database named by DATABASE_URL / DATABASE_PREFIX (or --database-url).
Exit status 0 when every chain holds, 1 when any is broken.
"""

import argparse
import json
import sys

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from laas_kernel.settings import get_settings
from ledger.chain import unit_ids, verify_unit


def main(argv=None, out=None) -> int:
    out = out or sys.stdout
    parser = argparse.ArgumentParser(prog="python -m ledger.verify_chain")
    parser.add_argument("units", nargs="*", help="unit ids")
    parser.add_argument("--all", action="store_true", help="every unit with vouchers")
    parser.add_argument("--database-url", help="the ledger database (default: from settings)")
    parser.add_argument("--json", action="store_true", help="one JSON line per unit")
    args = parser.parse_args(argv)
    if not args.all and not args.units:
        parser.error("name at least one unit id, or --all")
    url = args.database_url or get_settings().database_url_for("ledger")
    engine = create_engine(url)
    broken = checked = 0
    try:
        with Session(engine) as session:
            for unit_id in unit_ids(session) if args.all else args.units:
                result = verify_unit(session, unit_id)
                session.rollback()  # a long --all run holds no snapshot
                checked += 1
                broken += 0 if result["ok"] else 1
                if args.json:
                    print(json.dumps(result, ensure_ascii=False), file=out)
                elif result["ok"]:
                    print(f"{unit_id}: ok ({result['vouchers']} vouchers)", file=out)
                else:
                    print(f"{unit_id}: BROKEN", file=out)
                    for problem in result["problems"]:
                        print(
                            f"  chain_seq {problem['chain_seq']} {problem['number'] or ''}"
                            f" {problem['problem']}",
                            file=out,
                        )
    finally:
        engine.dispose()
    print(f"{checked} unit(s) checked, {broken} broken", file=out)
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())

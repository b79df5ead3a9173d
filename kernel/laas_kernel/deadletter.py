"""The dead-letter store: messages that kept failing, for operators to inspect and replay.

python -m laas_kernel.deadletter notify list
python -m laas_kernel.deadletter notify replay 12 [13 …] | --all
"""

import argparse
import json
import sys
from datetime import UTC, datetime

from nameko.amqp.publish import Publisher
from sqlalchemy import insert, select, update

from .schema import dead_letters


def store_dead_letter(sessionmaker, **row):
    with sessionmaker() as session, session.begin():
        session.execute(insert(dead_letters).values(**row))


def list_dead_letters(sessionmaker, include_replayed=False):
    query = select(dead_letters).order_by(dead_letters.c.id)
    if not include_replayed:
        query = query.where(dead_letters.c.replayed_at.is_(None))
    with sessionmaker() as session:
        return [row._asdict() for row in session.execute(query)]


def replay(sessionmaker, amqp_uri: str, ids=None) -> list[int]:
    """Send dead letters back to the queue they failed on, with a fresh attempt count."""
    publisher = Publisher(amqp_uri, use_confirms=True)
    replayed = []
    with sessionmaker() as session, session.begin():
        query = select(dead_letters).where(dead_letters.c.replayed_at.is_(None))
        if ids:
            query = query.where(dead_letters.c.id.in_(ids))
        for row in session.execute(query.with_for_update(skip_locked=True)):
            headers = {k: v for k, v in (row.headers or {}).items() if not k.startswith("x-")}
            publisher.publish(row.payload, exchange=None, routing_key=row.queue, headers=headers)
            session.execute(
                update(dead_letters)
                .where(dead_letters.c.id == row.id)
                .values(replayed_at=datetime.now(UTC))
            )
            replayed.append(row.id)
    return replayed


def main(argv=None):
    from sqlalchemy.orm import sessionmaker

    from .db import create_service_engine
    from .settings import get_settings

    parser = argparse.ArgumentParser(prog="python -m laas_kernel.deadletter")
    parser.add_argument("service")
    sub = parser.add_subparsers(dest="command", required=True)
    listing = sub.add_parser("list", help="messages that gave up")
    listing.add_argument("--all", action="store_true", help="also those already replayed")
    again = sub.add_parser("replay", help="send them back to their queue")
    again.add_argument("ids", nargs="*", type=int)
    again.add_argument("--all", action="store_true")
    args = parser.parse_args(argv)

    settings = get_settings()
    engine = create_service_engine(settings.database_url_for(args.service), pool_size=1)
    make_session = sessionmaker(bind=engine)
    if args.command == "list":
        for row in list_dead_letters(make_session, include_replayed=args.all):
            print(json.dumps(row, default=str, ensure_ascii=False))
        return 0
    if not args.ids and not args.all:
        parser.error("name the ids to replay, or --all")
    done = replay(make_session, settings.amqp_uri, args.ids or None)
    print(f"replayed {len(done)}: {done}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Create each service's database, bring it to the newest migration, and seed demo data.

    python -m laas_kernel.dbsetup --all [--demo]
    python -m laas_kernel.dbsetup identity ledger

Idempotent: an existing database is kept, migrations already applied are skipped, and
demo seeding only adds what is missing.
"""

import argparse
import importlib
import logging
import sys
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from .settings import SERVICES, Settings, get_settings

log = logging.getLogger(__name__)


def ensure_database(settings: Settings, service: str) -> str:
    url = settings.database_url_for(service)
    name = make_url(url).database
    server = create_engine(settings.database_url, isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as conn:
            exists = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            ).first()
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        server.dispose()
    return url


def drop_database(settings: Settings, service: str):
    name = make_url(settings.database_url_for(service)).database
    server = create_engine(settings.database_url, isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        server.dispose()


def migrations_dir(service: str) -> Path:
    package = importlib.import_module(service)
    return Path(package.__file__).resolve().parent.parent / "migrations"


def migrate(settings: Settings, service: str):
    url = ensure_database(settings, service)
    config = Config()
    config.set_main_option("script_location", str(migrations_dir(service)))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    command.upgrade(config, "head")


def seed_demo(settings: Settings, service: str):
    try:
        seed = importlib.import_module(f"{service}.demo")
    except ModuleNotFoundError:
        return
    seed.seed(settings)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m laas_kernel.dbsetup")
    parser.add_argument("services", nargs="*", help=f"any of {', '.join(SERVICES)}")
    parser.add_argument("--all", action="store_true")
    parser.add_argument("--demo", action="store_true", help="add the demo units and users")
    args = parser.parse_args(argv)
    services = SERVICES if args.all or not args.services else args.services
    settings = get_settings()
    for service in services:
        migrate(settings, service)
        print(f"{service}: database {settings.database_url_for(service).rsplit('/', 1)[-1]} ready")
    if args.demo:
        for service in services:
            seed_demo(settings, service)
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    sys.exit(main())

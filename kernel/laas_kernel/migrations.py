"""Alembic glue shared by every service: ``env.py`` calls ``run(target_metadata)``."""

from alembic import context
from sqlalchemy import create_engine, pool


def run(target_metadata):
    config = context.config
    url = config.get_main_option("sqlalchemy.url")
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()

"""Per-test databases: each service's schema is migrated once per test session into a
template, and every test that needs that service gets a fresh copy (CREATE DATABASE …
TEMPLATE is far quicker than migrating again)."""

import threading
import uuid

from sqlalchemy import create_engine, text

from laas_kernel.dbsetup import migrate
from laas_kernel.settings import Settings


class TestDatabases:
    def __init__(self, database_url: str):
        self.database_url = database_url
        self.template_prefix = f"tpl{uuid.uuid4().hex[:8]}"
        self.server = create_engine(database_url, isolation_level="AUTOCOMMIT", pool_size=2)
        self.templates: set[str] = set()
        self.lock = threading.Lock()
        self.created: list[str] = []

    def settings(self, prefix: str) -> Settings:
        return Settings(database_url=self.database_url, database_prefix=prefix)

    def _template(self, service: str) -> str:
        with self.lock:
            if service not in self.templates:
                migrate(self.settings(self.template_prefix), service)
                self.templates.add(service)
        return f"{self.template_prefix}_{service}"

    def create(self, prefix: str, service: str) -> str:
        template = self._template(service)
        name = f"{prefix}_{service}"
        with self.server.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        self.created.append(name)
        return self.settings(prefix).database_url_for(service)

    def drop(self, name: str):
        with self.server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def drop_created(self):
        while self.created:
            self.drop(self.created.pop())

    def close(self):
        self.drop_created()
        for service in self.templates:
            self.drop(f"{self.template_prefix}_{service}")
        self.server.dispose()

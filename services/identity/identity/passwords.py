"""Password hashing: argon2id, run in a native thread so the eventlet hub keeps serving."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from eventlet import tpool


class Passwords:
    def __init__(self, time_cost: int = 3, memory_kib: int = 65536, parallelism: int = 2):
        self.hasher = PasswordHasher(
            time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism
        )
        # Verified when the username is unknown, so both answers take as long.
        self._dummy = self.hasher.hash("no-such-user-" + str(id(self)))

    @classmethod
    def from_config(cls, config) -> "Passwords":
        return cls(config.argon2_time_cost, config.argon2_memory_kib, config.argon2_parallelism)

    def hash(self, password: str) -> str:
        return tpool.execute(self.hasher.hash, password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        if not isinstance(password, str):
            return False
        try:
            return tpool.execute(self.hasher.verify, password_hash or self._dummy, password) and (
                password_hash is not None
            )
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        try:
            return self.hasher.check_needs_rehash(password_hash)
        except InvalidHashError:
            return True

"""`make run`: migrate and seed, start the development mailbox, the ThaiD sandbox, every
service and the gateway, print where to go, and stop everything on Ctrl-C.

Settings come from the environment (API.md); a variable that is set always wins. The
mailbox starts only when SMTP_HOST is unset, the sandbox only when THAID_URL is unset.
"""

import importlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOGS = ROOT / ".run" / "logs"
SERVICES = ("identity", "ledger", "budget", "assets", "notify")
PYTHONPATH = os.pathsep.join(
    str(ROOT / p) for p in ("kernel", "gateway", *(f"services/{s}" for s in SERVICES), "deploy/dev")
)
MAILBOX_SMTP_PORT, MAILBOX_HTTP_PORT, THAID_PORT = 1025, 8025, 8090


def environment() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = PYTHONPATH + (os.pathsep + env["PYTHONPATH"] if "PYTHONPATH" in env else "")
    env.setdefault("PYTHONWARNINGS", "ignore")
    env.setdefault("GATEWAY_PORT", "8000")
    env.setdefault("LAAS_ADMIN_USERNAME", "admin")
    env.setdefault("LAAS_ADMIN_PASSWORD", "Admin#2568")
    env.setdefault("PUBLIC_URL", f"http://127.0.0.1:{env['GATEWAY_PORT']}")
    return env


def answers(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


class Processes:
    def __init__(self, env):
        self.env = env
        self.running: list[tuple[str, subprocess.Popen]] = []
        LOGS.mkdir(parents=True, exist_ok=True)

    def start(self, name: str, args: list[str], extra_env=None):
        log = open(LOGS / f"{name}.log", "ab")
        process = subprocess.Popen(
            args,
            cwd=ROOT,
            env={**self.env, "LAAS_SERVICE_NAME": name, **(extra_env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.running.append((name, process))
        return process

    def stop(self):
        for _, process in reversed(self.running):
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + 10
        for _name, process in reversed(self.running):
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
        self.running.clear()

    def dead(self) -> list[str]:
        return [name for name, process in self.running if process.poll() is not None]


def wait_healthy(url: str, processes: Processes, seconds: int = 90) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if answers(url) == 200:
            return True
        if processes.dead():
            return False
        time.sleep(0.5)
    return False


def demo_credentials(env) -> list[dict]:
    sys.path[:0] = PYTHONPATH.split(os.pathsep)
    try:
        return importlib.import_module("identity.demo").demo_credentials()
    except (ImportError, AttributeError):
        return []


def main():
    env = environment()
    gateway_url = f"http://127.0.0.1:{env['GATEWAY_PORT']}"
    if answers(f"{gateway_url}/healthz") is not None:
        print(f"The system already answers at {gateway_url} — nothing to start.")
        return 0

    python = sys.executable
    print("-- databases: create, migrate, seed the demo data")
    subprocess.run(
        [python, "-m", "laas_kernel.dbsetup", "--all", "--demo"], cwd=ROOT, env=env, check=True
    )

    processes = Processes(env)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        mailbox_url = None
        if not os.environ.get("SMTP_HOST"):
            env.update(SMTP_HOST="127.0.0.1", SMTP_PORT=str(MAILBOX_SMTP_PORT))
            mailbox_url = f"http://127.0.0.1:{MAILBOX_HTTP_PORT}"
            processes.start(
                "devmailbox",
                [
                    python,
                    "deploy/dev/devmailbox.py",
                    "--smtp-port",
                    str(MAILBOX_SMTP_PORT),
                    "--http-port",
                    str(MAILBOX_HTTP_PORT),
                    "--store",
                    str(LOGS.parent / "mail.jsonl"),
                ],
            )
        if not os.environ.get("THAID_URL"):
            env["THAID_URL"] = f"http://127.0.0.1:{THAID_PORT}"
            processes.start(
                "thaid", [python, "deploy/dev/thaid_sandbox.py", "--port", str(THAID_PORT)]
            )
        processes.env = env
        nameko = [str(Path(python).parent / "nameko"), "run", "--config"]
        for service in SERVICES:
            processes.start(
                service, [*nameko, f"services/{service}/config.yml", f"{service}.service"]
            )
        processes.start(
            "gateway", [*nameko, "gateway/config.yml", "gateway.service:GatewayService"]
        )

        print("-- starting services (logs in .run/logs/)")
        if not wait_healthy(f"{gateway_url}/healthz", processes):
            print(f"!! the system did not become healthy; stopped: {processes.dead() or 'none'}")
            print(f"   see {LOGS}/<name>.log")
            return 1

        print(f"""
The system is up.
  Web client        {gateway_url}/
  Health            {gateway_url}/healthz
  API document      {gateway_url}/openapi.json""")
        if mailbox_url:
            print(f"  Dev mailbox       {mailbox_url}/   (every e-mail, incl. OTPs)")
        if not os.environ.get("THAID_URL"):
            print(f"  ThaiD sandbox     {env['THAID_URL']}/persons")
        print("\nSign in as:")
        administrator = {
            "username": env["LAAS_ADMIN_USERNAME"],
            "password": env["LAAS_ADMIN_PASSWORD"],
            "shows": "Department administrator",
        }
        for account in (administrator, *demo_credentials(env)):
            name, password = account["username"], account["password"]
            print(f"  {name:<24} {password:<20} {account.get('shows', '')}")
        print("\nCtrl-C stops everything.")
        while True:
            time.sleep(1)
            if processes.dead():
                print(
                    f"!! stopped unexpectedly: {processes.dead()} (see {LOGS}); stopping the rest"
                )
                return 1
    except KeyboardInterrupt:
        print("\n-- stopping")
        return 0
    finally:
        processes.stop()


if __name__ == "__main__":
    sys.exit(main())

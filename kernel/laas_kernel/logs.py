"""JSON log lines with the service name and the correlation id."""

import json
import logging
import os
from datetime import UTC, datetime

from .correlation import CorrelationFilter


class JsonFormatter(logging.Formatter):
    def __init__(self, *args, service=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.service = service or os.environ.get("LAAS_SERVICE_NAME", "")

    def format(self, record):
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "service": self.service,
            "logger": record.name,
            "correlation_id": getattr(record, "correlation_id", None),
            "message": record.getMessage(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def logging_config(service: str, level: str = "INFO") -> dict:
    """A dictConfig for nameko's LOGGING setting or for scripts."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"correlation": {"()": CorrelationFilter}},
        "formatters": {"json": {"()": JsonFormatter, "service": service}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "filters": ["correlation"],
            }
        },
        "root": {"level": level, "handlers": ["stderr"]},
    }


def configure(service: str, level: str = "INFO"):
    import logging.config

    logging.config.dictConfig(logging_config(service, level))

"""Run the real server in a child process for the crash test: ``python -m tests.e2e.server PORT``.

It builds the app exactly as ``legal-training serve`` does (``create_app(get_settings())``).
"""

from __future__ import annotations

import sys

import uvicorn

from legal_training.api.app import create_app
from legal_training.settings import get_settings


def main() -> None:
    app = create_app(get_settings())
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")


if __name__ == "__main__":
    main()

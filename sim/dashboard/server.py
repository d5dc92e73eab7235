"""Starting the dashboard's web server: Solara in production mode, bound to the given address,
with telemetry and version checks off (workshops are often offline)."""

from __future__ import annotations

import os
import sys


def serve(host: str, port: int, lang: str) -> None:
    """Become the dashboard's server (it runs until Ctrl-C). The process is replaced rather than
    wrapped, so that a signal to stop it reaches the server and leaves nothing behind."""
    environment = {**os.environ, "KERJASAMA_LANG": lang, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}
    command = [
        sys.executable,
        "-m",
        "solara",
        "run",
        "sim.dashboard.app",
        "--host",
        host,
        "--port",
        str(port),
        "--production",
        "--no-open",
        "--no-check-version",
    ]
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, command, environment)

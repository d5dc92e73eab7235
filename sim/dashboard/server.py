"""Starting the dashboard's web server: Solara in production mode, bound to the given address,
with telemetry and version checks off (workshops are often offline)."""

from __future__ import annotations

import os
import sys


def serve(host: str, port: int, lang: str, scenario: str | None = None) -> None:
    """Become the dashboard's server (it runs until Ctrl-C). The process is replaced rather than
    wrapped, so that a signal to stop it reaches the server and leaves nothing behind. The page
    learns its language and scenario from the environment; KERJASAMA_WARM has it compute the
    presets' odds at start-up."""
    environment = {
        **os.environ,
        "KERJASAMA_LANG": lang,
        "KERJASAMA_WARM": "1",
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
    }
    if scenario is not None:
        environment["KERJASAMA_SCENARIO"] = scenario
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

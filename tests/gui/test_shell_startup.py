"""Start-up stays light: the first window needs neither pandas, scikit-learn nor matplotlib."""

from __future__ import annotations

import os
import subprocess
import sys

from metadesk.cli import _names_a_subcommand


def test_plain_metadesk_does_not_load_the_subcommands():
    assert not _names_a_subcommand([])
    assert not _names_a_subcommand(["--workspace", "inspect"])  # a file named like a command
    assert not _names_a_subcommand(["--self-test", "-v"])
    assert _names_a_subcommand(["inspect", "table.csv"])
    assert _names_a_subcommand(["--help"])


def test_first_window_imports_no_heavy_library():
    code = (
        "import sys\n"
        "from metadesk.gui.app import make_application\n"
        "app = make_application('light')\n"
        "from metadesk.gui.main_window import MainWindow\n"
        "from metadesk.gui.workers import WorkspaceBridge\n"
        "b = WorkspaceBridge(); w = MainWindow(b); w.show(); app.processEvents()\n"
        "heavy = [m for m in ('pandas', 'sklearn', 'matplotlib', 'scipy') if m in sys.modules]\n"
        "b.shutdown()\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        check=True,
    )
    assert out.stdout.strip().splitlines()[-1:] in ([], [""]), out.stdout

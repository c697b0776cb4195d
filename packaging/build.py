"""Build the PyInstaller onedir app, then report its size and frozen start-up time as JSON.

Usage: python packaging/build.py [--skip-build] [--self-test]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "dist" / "metadesk"
EXE = DIST / ("metadesk.exe" if os.name == "nt" else "metadesk")


def folder_size_mb(folder: Path) -> float:
    # Symbolic links inside the bundle point at files already counted.
    files = (p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    return sum(p.stat().st_size for p in files) / 2**20


def build() -> None:
    cmd = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--clean",
        "--log-level",
        "WARN",
        "--distpath",
        str(ROOT / "dist"),
        "--workpath",
        str(ROOT / "build" / "pyinstaller"),
        str(ROOT / "packaging" / "metadesk.spec"),
    ]
    subprocess.run(cmd, check=True, cwd=ROOT)


def _patched_by_auditwheel(path: Path) -> bool:
    """Libraries vendored or re-linked by auditwheel (patchelf) break when stripped: leave them."""
    if any(part.endswith(".libs") for part in path.parts):
        return True
    dynamic = subprocess.run(["readelf", "-d", str(path)], capture_output=True, text=True).stdout
    return any(".libs" in line for line in dynamic.splitlines() if "PATH" in line)


def strip_bundle() -> None:
    """Drop static symbol tables from the bundle's shared libraries (dynamic symbols stay)."""
    if shutil.which("strip") is None or shutil.which("readelf") is None:
        return
    for path in DIST.rglob("*.so*"):
        if path.is_symlink() or not path.is_file() or _patched_by_auditwheel(path):
            continue
        subprocess.run(["strip", "--strip-unneeded", str(path)], capture_output=True)


def frozen_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    # Keep the frozen app's workspace, settings and logs out of the builder's own folders.
    env["HOME"] = str(home)
    env["XDG_DATA_HOME"] = str(home / "data")
    env["XDG_CONFIG_HOME"] = str(home / "config")
    env["XDG_STATE_HOME"] = str(home / "state")
    env["XDG_CACHE_HOME"] = str(home / "cache")
    return env


def start_up_seconds(env: dict[str, str], repeats: int = 3) -> float:
    """Frozen start to first window: the app's --self-test=startup mode exits once the window is shown."""
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        subprocess.run(
            [str(EXE), "--self-test", "--startup-only"],
            env=env,
            check=True,
            capture_output=True,
            timeout=120,
        )
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument("--self-test", action="store_true", help="run the frozen self-test too")
    args = parser.parse_args()
    if not args.skip_build:
        build()
        if sys.platform.startswith("linux"):
            strip_bundle()
    with tempfile.TemporaryDirectory() as tmp:
        env = frozen_env(Path(tmp))
        report = {
            "bundle": str(DIST),
            "size_mb": round(folder_size_mb(DIST), 1),
            "size_target_mb": 450,
            "cores": os.cpu_count(),
        }
        if args.self_test:
            proc = subprocess.run(
                [str(EXE), "--self-test"], env=env, capture_output=True, text=True, timeout=900
            )
            report["self_test_exit"] = proc.returncode
            report["self_test_output"] = (proc.stdout + proc.stderr)[-3000:]
        report["frozen_start_s"] = round(start_up_seconds(env), 2)
        report["frozen_start_target_s"] = 3.0
    print(json.dumps(report, indent=2))
    return 0 if report.get("self_test_exit", 0) == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""What an install needs: every subpackage and shipped file in the wheel, one version, the imports
declared, the shipped files found wherever pip put them, one platformdirs author."""

from __future__ import annotations

import ast
import fnmatch
import sys
from pathlib import Path

import pytest

import metadesk

tomllib = pytest.importorskip("tomllib")  # Python 3.11+; the suite's other tests cover 3.10

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SETUPTOOLS = PYPROJECT["tool"]["setuptools"]


def test_every_subpackage_is_in_the_wheel():
    found = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "metadesk").rglob("__init__.py")
        if "__pycache__" not in p.parts
    }
    assert found <= set(SETUPTOOLS["packages"])


def test_every_shipped_file_is_package_data():
    assert SETUPTOOLS["package-dir"]["metadesk._shipped"] == "resources"
    patterns = SETUPTOOLS["package-data"]["metadesk._shipped"]
    shipped = [
        p.relative_to(ROOT / "resources").as_posix()
        for p in (ROOT / "resources").rglob("*")
        if p.is_file() and p.suffix != ".py" and "__pycache__" not in p.parts
    ]
    missing = [f for f in shipped if not any(fnmatch.fnmatch(f, pat) for pat in patterns)]
    assert shipped and not missing


def test_one_source_for_the_version():
    assert "version" not in PYPROJECT["project"] and "version" in PYPROJECT["project"]["dynamic"]
    assert SETUPTOOLS["dynamic"]["version"] == {"attr": "metadesk.__version__"}
    assert metadesk.__version__


def test_a_windowed_entry_point_opens_the_app():
    assert PYPROJECT["project"]["gui-scripts"]["metadesk-app"] == "metadesk.cli:main"


def _imported_top_level_modules() -> set[str]:
    names = set()
    for path in (ROOT / "metadesk").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
    return names


# import name -> distribution name, where they differ
_DISTRIBUTIONS = {
    "PySide6": "PySide6-Essentials",
    "sklearn": "scikit-learn",
    "python_calamine": "python-calamine",
    "charset_normalizer": "charset-normalizer",
    "skops": "skops",
    "yaml": "PyYAML",
    "cycler": "matplotlib",  # matplotlib's own dependency, used for its style cycle
}


def test_every_imported_package_is_declared():
    declared = PYPROJECT["project"]["dependencies"] + [
        d for extra in PYPROJECT["project"]["optional-dependencies"].values() for d in extra
    ]
    declared_names = {
        d.split(";")[0].split("[")[0].split(">")[0].split("=")[0].split("!")[0].split("<")[0]
        .strip().lower()
        for d in declared
    }  # fmt: skip
    stdlib = set(sys.stdlib_module_names) | {"metadesk", "__future__"}
    third_party = {n for n in _imported_top_level_modules() if n not in stdlib}
    # Optional extras used only when present (the Dask cluster's own packages, benchmarks' pymfe).
    third_party -= {"distributed", "dask", "pymfe", "openml"}
    undeclared = {n for n in third_party if _DISTRIBUTIONS.get(n, n).lower() not in declared_names}
    assert not undeclared, undeclared
    assert "psutil" in declared_names


def test_the_pyside_release_that_drops_references_is_excluded_on_311():
    pyside = [d for d in PYPROJECT["project"]["dependencies"] if d.startswith("PySide6")]
    old = [d for d in pyside if "python_version < '3.12'" in d]
    assert old and all("!=6.12.0" in d for d in old)


def test_installed_shipped_files_are_found_with_importlib_resources(tmp_path, monkeypatch):
    from importlib import resources as importlib_resources

    from metadesk import resources

    installed = tmp_path / "site-packages" / "metadesk" / "_shipped"
    (installed / "knowledge").mkdir(parents=True)

    def files(package):
        assert package == "metadesk._shipped"
        return installed

    monkeypatch.setattr(importlib_resources, "files", files)
    resources.resources_dir.cache_clear()
    try:
        assert resources.prior_dir() == installed / "knowledge"
    finally:
        resources.resources_dir.cache_clear()


def test_data_and_logs_share_the_platformdirs_author(monkeypatch):
    platformdirs = pytest.importorskip("platformdirs")
    calls = {}

    def record(kind):
        def folder(*args, **kwargs):
            calls[kind] = (args, kwargs)
            return "/tmp/metadesk-" + kind

        return folder

    monkeypatch.setattr(platformdirs, "user_data_dir", record("data"))
    monkeypatch.setattr(platformdirs, "user_log_dir", record("log"))
    from metadesk.gui.app import log_file_path
    from metadesk.knowledge.database import default_path

    default_path()
    log_file_path()
    assert calls["data"] == calls["log"]


def test_the_lowest_versions_ci_installs_are_the_declared_floors():
    import re

    floors = {}
    for requirement in PYPROJECT["project"]["dependencies"]:
        found = re.match(r"([A-Za-z0-9_.-]+)>=([0-9.]+)", requirement.split(";")[0].strip())
        if found:
            floors[found.group(1).lower()] = found.group(2)
    pinned = {}
    for line in (ROOT / ".ci" / "lowest-constraints.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            pinned[name.strip().lower()] = version.strip()
    assert set(pinned) == set(floors)
    for name, floor in floors.items():
        # "6.6" is pinned as 6.6.0: the same release.
        assert pinned[name].split(".")[: len(floor.split("."))] == floor.split("."), name
        assert all(p == "0" for p in pinned[name].split(".")[len(floor.split(".")) :]), name


def test_the_app_carries_the_built_knowledge_not_the_pipeline_that_builds_it(monkeypatch, capsys):
    """The frozen bundle leaves the prior's build pipeline out, and the command that would need it
    says so plainly instead of failing on a missing module."""
    spec = (ROOT / "packaging" / "metadesk.spec").read_text(encoding="utf-8")
    pipeline = sorted(
        f"metadesk.priorbuild.{p.stem}"
        for p in (ROOT / "metadesk" / "priorbuild").glob("*.py")
        if p.stem not in ("__init__", "settings")
    )
    assert pipeline and all(f'"{module}"' in spec for module in pipeline)

    from metadesk.cli import main

    monkeypatch.setattr(sys, "frozen", True, raising=False)
    code = main(["knowledge", "build", "--manifest", "m.csv", "--out", "out"])
    assert code != 0
    assert "developer command" in capsys.readouterr().err

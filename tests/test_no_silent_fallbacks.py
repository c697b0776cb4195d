"""A missing module is a bug that fails loudly: every subcommand and every lazily built view the
window lists is importable and registers itself, and a broken one raises instead of vanishing."""

from __future__ import annotations

import importlib
import sys

import pytest

from metadesk import cli


def test_every_listed_subcommand_registers():
    parser = cli.build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    for name in cli.SUBCOMMAND_MODULES:
        module = importlib.import_module(f"metadesk.cli.{name}")
        assert hasattr(module, "register"), name
    for expected in ("run", "suggest", "evaluate", "results", "knowledge", "inspect"):
        assert expected in commands
    knowledge = commands["knowledge"]
    sub = next(a for a in knowledge._actions if getattr(a, "choices", None))
    assert "build" in sub.choices, "the prior builder is part of every install"


def test_a_missing_subcommand_module_fails_instead_of_disappearing(monkeypatch):
    monkeypatch.setattr(cli, "SUBCOMMAND_MODULES", (*cli.SUBCOMMAND_MODULES, "no_such_command"))
    with pytest.raises(ModuleNotFoundError):
        cli.build_parser()


def test_every_lazy_view_of_the_window_exists():
    pytest.importorskip("PySide6")
    from metadesk.gui.main_window import OTHER_VIEWS

    for _title, module, cls in OTHER_VIEWS:
        assert getattr(importlib.import_module(module), cls)
    assert "metadesk.gui.views.no_such_view" not in sys.modules

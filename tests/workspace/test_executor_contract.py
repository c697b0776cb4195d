"""The executors the tests stand in with offer exactly what the dispatcher relies on: the same
methods, with the same parameters, as the executor Protocol (and so do the real ones)."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from inline_executor import FinishedHandle, InlineExecutor
from workspace_fakes import FakeExecutor, FakeHandle, ok_result

from metadesk.experiments.executor import Executor, ExperimentHandle
from metadesk.experiments.local import LocalExecutor, LocalHandle
from metadesk.experiments.spec import ExperimentSpec, Protocol
from metadesk.portfolio import get_configuration


def _members(protocol: type) -> list[str]:
    """The methods a Protocol asks for (its own, not `object`'s or `Protocol`'s)."""
    return sorted(
        name
        for name, value in vars(protocol).items()
        if callable(value) and (not name.startswith("_") or name in ("__enter__", "__exit__"))
    )


def _parameters(function: object) -> list[tuple[str, object, object]]:
    """Name, kind and default of each parameter (types are mypy's to check)."""
    signature = inspect.signature(function)  # type: ignore[arg-type]
    return [(p.name, p.kind, p.default) for p in signature.parameters.values()]


def _spec() -> ExperimentSpec:
    return ExperimentSpec(
        dataset_id="d1",
        snapshot_path="/nowhere.parquet",
        target="y",
        task_type="binary",
        roles=(("x", "numeric"),),
        configuration=get_configuration("dummy:strategy=prior"),
        protocol=Protocol(folds=2),
    )


@pytest.mark.parametrize("implementation", [FakeExecutor, InlineExecutor, LocalExecutor])
def test_every_executor_method_matches_the_protocol(implementation: type) -> None:
    members = _members(Executor)
    assert {"submit", "busy", "close", "describe"} <= set(members)
    for name in members:
        assert _parameters(getattr(implementation, name)) == _parameters(getattr(Executor, name)), (
            f"{implementation.__name__}.{name}"
        )


@pytest.mark.parametrize("implementation", [FakeHandle, FinishedHandle, LocalHandle])
def test_every_handle_method_matches_the_protocol(implementation: type) -> None:
    members = _members(ExperimentHandle)
    assert {"done", "result", "cancel", "running"} <= set(members)
    for name in members:
        assert _parameters(getattr(implementation, name)) == _parameters(
            getattr(ExperimentHandle, name)
        ), f"{implementation.__name__}.{name}"


def test_the_fakes_are_executors_and_hand_out_handles() -> None:
    spec = _spec()
    fake = FakeExecutor(workers=1, delay=None)
    assert isinstance(fake, Executor)
    handle = fake.submit(spec)
    assert isinstance(handle, ExperimentHandle) and handle.spec is spec
    assert fake.busy() == 1 and handle.running()
    fake.close(cancel=True)  # what the dispatcher does when it stops
    assert fake.closed and handle.cancelled and handle.result().status == "cancelled"
    finished = FinishedHandle(spec, ok_result(spec))
    assert isinstance(InlineExecutor(), Executor) and isinstance(finished, ExperimentHandle)
    assert finished.done() and not finished.running() and finished.result().status == "ok"


def test_the_fakes_type_check_against_the_protocols(monkeypatch: pytest.MonkeyPatch) -> None:
    """mypy reads each fake as a subclass of its Protocol: a method whose parameter or return
    types drift from the Protocol's is an error here, not a surprise in the dispatcher."""
    mypy = pytest.importorskip("mypy.api", reason="mypy is a development tool")
    tests = Path(__file__).resolve().parents[1]
    monkeypatch.setenv("MYPYPATH", str(tests.parent))  # the metadesk these tests run against
    out, err, status = mypy.run(
        [
            "--strict",
            "--follow-imports=silent",
            "--ignore-missing-imports",
            "--cache-dir=/dev/null",
            str(tests / "workspace" / "workspace_fakes.py"),
            str(tests / "inline_executor.py"),
        ]
    )
    assert status == 0, out + err

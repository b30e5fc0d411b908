"""--executor dask: the same work on a dask.distributed cluster gives the same bytes as a local run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import output_tree
from test_parallel import small_corpus

from pipeline import api, executors
from pipeline.cli import main
from pipeline.errors import PipelineError


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """The address of a one-worker cluster on the loopback interface, for this module's tests."""
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        yield cluster.scheduler_address


def test_a_dask_run_gives_the_same_bytes_as_a_local_run(scheduler: str, tmp_path: Path) -> None:
    raw = small_corpus(tmp_path / "raw")
    local = api.run([raw], tmp_path / "local", jobs=1)
    remote = api.run([raw], tmp_path / "dask", executor="dask", scheduler=scheduler)
    assert remote.counts == local.counts and remote.failures == local.failures
    # The runner times every stage on the worker too, and the summary gets the figures back.
    assert [(s.documents, s.failed) for s in remote.stages.values()] == [
        (s.documents, s.failed) for s in local.stages.values()
    ]
    assert all(seconds > 0 for seconds in remote.stage_seconds.values())
    assert output_tree(tmp_path / "dask") == output_tree(tmp_path / "local")
    # The cache works the same way: nothing is sent to the cluster the second time.
    assert api.run([raw], tmp_path / "dask", executor="dask", scheduler=scheduler).reused == 6
    assert main(["run", str(raw), "--out", str(tmp_path / "cli"), "--executor", "dask", "--scheduler", scheduler]) == 1
    assert output_tree(tmp_path / "cli") == output_tree(tmp_path / "local")


def test_the_dask_executor_needs_a_scheduler(tmp_path: Path) -> None:
    raw = small_corpus(tmp_path / "raw")
    with pytest.raises(PipelineError, match=r"\[E102\] the dask executor needs a scheduler address"):
        api.run([raw], tmp_path / "out", executor="dask")


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(executors, "DASK_CONNECT_SECONDS", 2)
    raw = small_corpus(tmp_path / "raw")
    with pytest.raises(PipelineError, match=r"\[E103\] cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        api.run([raw], tmp_path / "out", executor="dask", scheduler="tcp://127.0.0.1:9")

"""Sweeps on a Dask cluster (`--executor dask --scheduler ADDRESS`, the [cluster] extra): the same runs, bit for
bit, as the local executor's; progress while the stacks train; a worker killed mid-sweep has its stack run
again elsewhere, or, when the scheduler allows no retry, its configurations reported lost; a stop ends the
remote work; `annclf-tui worker` serves a scheduler; one-line errors for what cannot be used."""

import os
import signal
import subprocess
import sys

import pytest

from engine import Settings
from engine.runs import RunStore
from engine.sweep import Sweep
from engine.sweep_grid import Grid
from tui.main import main

distributed = pytest.importorskip("distributed")
from engine.training.dask_groups import DaskExecutor  # noqa: E402

BASE = Settings(dataset="moons", samples=200, epochs=60, device="cpu")
# two groups of two shapes, each of two learning rates and two seeds: four stacks' worth of work, in two groups
GRID = Grid(BASE, {"lr": [0.01, 0.1], "hidden": [[4], [6, 6]], "seed": [0, 1]})
QUICK = ["sweep", "--dataset", "moons", "--samples", "200", "--epochs", "60", "--device", "cpu",
         "--lr", "0.01,0.1", "--hidden", "4;6,6"]


def comparable(sweep: Sweep) -> list[dict]:
    """The table as JSON writes it, without what differs from one machine's clock or catalog to another."""
    rows = [c.as_dict() for c in sweep.table()]
    for row in rows:
        row.pop("seconds")
        for run in row["runs"]:
            run.pop("id")
    return rows


def histories(sweep: Sweep, store: RunStore) -> dict:
    """Each kept run's epochs, by its settings."""
    out = {}
    for run in sweep.runs:
        out[(run.settings.lr, tuple(run.settings.hidden), run.settings.seed)] = store.load(run.run_id)["history"]
    return out


@pytest.fixture
def cluster():
    """Two workers in this process, one thread each: what a test can start in a fraction of a second."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as running:
        yield running


def test_a_sweep_through_dask_gives_each_run_the_local_executors_numbers(tmp_path, cluster):
    here_store, there_store = RunStore(tmp_path / "here"), RunStore(tmp_path / "there")
    here = Sweep(GRID, here_store)
    assert here.run(workers=2)  # the local executor: forked worker processes
    there = Sweep(GRID, there_store)
    there.executor = DaskExecutor(cluster.scheduler_address)
    progress = []
    try:
        assert there.run(on_progress=lambda done, runs: progress.append((done, runs)))
    finally:
        there.executor.close()
    assert comparable(there) == comparable(here)  # ranking, accuracies, losses, epochs, how each ended
    assert histories(there, there_store) == histories(here, here_store)
    assert len(there_store.summaries()[0]) == len(there.plan) and there.lost == []
    # told as it went: the runs' worth done grew to the whole plan, the runs kept as their groups came back
    dones = [done for done, _ in progress]
    assert dones == sorted(dones) and dones[-1] == len(there.plan) and progress[-1][1] == len(there.plan)


def test_a_stop_ends_the_remote_stacks_at_their_last_whole_epoch(tmp_path, cluster):
    long = Grid(BASE.replace(epochs=1_000_000), {"lr": [0.01, 0.1]})
    sweep = Sweep(long, RunStore(tmp_path))
    sweep.executor = DaskExecutor(cluster.scheduler_address)
    told = []
    try:
        finished = sweep.run(lambda: len(told) >= 2, on_progress=lambda done, runs: told.append(done))
    finally:
        sweep.executor.close()
    assert finished is False and sweep.runs == [] and sweep.lost == []  # stopped, none lost
    with distributed.Client(cluster.scheduler_address, set_as_default=False) as client:  # both workers free
        assert client.gather(client.map(abs, [-1, -2], workers=list(cluster.workers))) == [1, 2]


def test_the_command_line_sends_the_sweep_to_a_scheduler_given_by_flag_or_config(tmp_path, cluster, capsys):
    assert main([*QUICK, "--runs-dir", str(tmp_path / "here")]) == 0
    local = capsys.readouterr().out
    config = tmp_path / "sweep.toml"
    config.write_text(f'[sweep]\nexecutor = "dask"\nscheduler = "{cluster.scheduler_address}"\n')
    for flags in (["--scheduler", cluster.scheduler_address], ["--config", str(config)]):
        assert main([*QUICK, *flags, "--runs-dir", str(tmp_path / "there")]) == 0
        remote = capsys.readouterr().out
        # the same table but for the sweep's id and the shared time
        rows = lambda out: [line[:line.index("│", 40)] for line in out.splitlines() if line.startswith("│ ")]  # noqa: E731
        assert rows(remote) == rows(local) and len(rows(local)) == 4


def test_a_file_s_rows_go_with_the_stacks_so_a_worker_needs_no_copy_of_it(tmp_path, cluster, capsys, monkeypatch):
    import shutil
    from pathlib import Path

    data = tmp_path / "penguins.csv"
    shutil.copy(Path(__file__).parent / "data" / "saved_with_index.csv", data)
    flags = ["sweep", "--csv", str(data), "--hidden", "4", "--lr", "0.01,0.03", "--epochs", "20", "--device", "cpu"]
    assert main([*flags, "--runs-dir", str(tmp_path / "here")]) == 0
    local = capsys.readouterr().out

    def without_the_file(self, *args):  # read here, as the sessions were made: gone before the workers start
        data.unlink()
        return real(self, *args)

    real = DaskExecutor.train
    monkeypatch.setattr(DaskExecutor, "train", without_the_file)
    assert main([*flags, "--scheduler", cluster.scheduler_address, "--runs-dir", str(tmp_path / "there")]) == 0
    rows = lambda out: [line[:line.index("│", 30)] for line in out.splitlines() if line.startswith("│ ")]  # noqa: E731
    assert rows(capsys.readouterr().out) == rows(local) and len(rows(local)) == 2


@pytest.mark.parametrize("flags,words", [
    (["--executor", "dask"], "dask needs the scheduler's address: --scheduler tcp://host:8786"),
    (["--executor", "local", "--scheduler", "tcp://127.0.0.1:8786"], "it goes with --executor dask"),
    (["--scheduler", "not an address"], "is not a scheduler's address (tcp://host:8786): missing port number"),
    (["--scheduler", "tcp://127.0.0.1:99999"], "port 99999 is out of range (1 to 65535)"),
    (["--scheduler", " "], "scheduler: an empty address: give tcp://host:8786, or leave the flag out"),
])
def test_a_scheduler_that_cannot_be_used_is_one_line_before_anything_trains(tmp_path, capsys, flags, words):
    assert main([*QUICK, *flags, "--runs-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert words in err and len(err.strip().splitlines()) == 1 and not RunStore(tmp_path).summaries()[0]


@pytest.mark.parametrize("table,words", [
    ('[sweep]\nexecutor = "ray"\n', "[sweep] executor is local or dask, not 'ray'"),
    ('[sweep]\nworkers = "4"\n', "[sweep] has no option 'workers'"),
    ('[sweep]\nscheduler = 8786\n', "[sweep] scheduler must be text"),
])
def test_a_bad_sweep_table_is_named(tmp_path, capsys, table, words):
    config = tmp_path / "bad.toml"
    config.write_text(table)
    assert main([*QUICK, "--config", str(config), "--runs-dir", str(tmp_path)]) == 2
    assert words in capsys.readouterr().err


def test_a_lost_group_is_named_on_stderr_and_the_sweep_fails(tmp_path, cluster, capsys, monkeypatch):
    from engine.training import dask_groups

    def lose_the_first(self, sessions, groups, should_stop, on_epoch, on_group):
        return [dask_groups.Lost(tuple(sessions[i].requested for i in groups[0]), "every worker it was sent to "
                                 "died while training it")] + real(self, sessions, groups[1:], should_stop,
                                                                   on_epoch, on_group)

    real = DaskExecutor.train
    monkeypatch.setattr(DaskExecutor, "train", lose_the_first)
    assert main([*QUICK, "--scheduler", cluster.scheduler_address, "--runs-dir", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert ("2 runs lost, every worker it was sent to died while training it: hidden=4 lr=0.01; hidden=4 lr=0.1"
            in captured.err)
    assert "2 runs of 4 never finished on the cluster" in captured.err
    assert len(RunStore(tmp_path).summaries()[0]) == 2 and "6,6" in captured.out


# ----- two worker processes of `annclf-tui worker`, one killed while it trains

def workers_of(address: str, count: int) -> list[subprocess.Popen]:
    command = [sys.executable, "-m", "tui", "worker", "--scheduler", address]
    return [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            for _ in range(count)]


def kill_one_that_trains(sweep: Sweep, client):
    """An on_progress that kills (SIGKILL) the first worker heard training, once."""
    killed = []

    def on_progress(_done, _runs):
        if not killed and sweep.executor.working:
            address = sorted(sweep.executor.working)[0]
            pid = client.run(os.getpid, workers=[address])[address]
            os.kill(pid, signal.SIGKILL)
            killed.append(address)
    return on_progress, killed


@pytest.mark.slow
@pytest.mark.parametrize("retries", [3, 0])
def test_a_worker_killed_mid_sweep_has_its_stack_retried_or_its_runs_reported_lost(tmp_path, retries):
    import dask

    grid = Grid(BASE.replace(epochs=3000), {"lr": [0.01, 0.1], "hidden": [[4], [6, 6]]})
    with dask.config.set({"distributed.scheduler.allowed-failures": retries}):
        cluster = distributed.LocalCluster(n_workers=0, processes=True, dashboard_address=None,
                                           scheduler_port=0)
    processes = workers_of(cluster.scheduler_address, 2)
    client = distributed.Client(cluster.scheduler_address, set_as_default=False)
    try:
        for process in processes:  # each says where it serves once it has joined
            assert "serves" in process.stdout.readline()
        sweep = Sweep(grid, RunStore(tmp_path))
        sweep.executor = DaskExecutor(cluster.scheduler_address)
        on_progress, killed = kill_one_that_trains(sweep, client)
        sweep.run(on_progress=on_progress)
        sweep.executor.close()
    finally:
        client.close()
        for process in processes:
            process.kill()
            process.wait()
        cluster.close()
    assert killed  # one worker was killed while it trained a stack
    if retries:  # run again on the other worker: nothing lost
        assert len(sweep.runs) == 4 and sweep.lost == []
    else:  # the scheduler gave the stack up at once: its two runs lost, named; the other group kept
        assert len(sweep.runs) == 2 and len(sweep.lost) == 1, [l.why for l in sweep.lost]
        assert len(sweep.lost[0].settings) == 2 and "died" in sweep.lost[0].why
    assert len(RunStore(tmp_path).summaries()[0]) == len(sweep.runs)


def test_the_worker_command_refuses_a_device_it_does_not_know(capsys):
    assert main(["worker", "--scheduler", "tcp://127.0.0.1:8786", "--device", "gpu"]) == 2
    assert "--device: gpu is not cpu or cuda:N" in capsys.readouterr().err


def test_the_worker_command_refuses_an_address_that_is_none_in_one_line(capsys):
    assert main(["worker", "--scheduler", "garbage"]) == 2
    assert capsys.readouterr().err == ("annclf-tui: error: --scheduler: garbage is not a scheduler's address "
                                       "(tcp://host:8786): missing port number in address 'garbage'\n")


def test_a_cuda_sweep_sent_to_workers_without_a_gpu_says_it_waits_for_one(tmp_path, cluster, capsys, monkeypatch):
    from engine.training import dask_groups

    # the sweep stops as it starts: what is looked at here is what is said before anything trains
    monkeypatch.setattr(dask_groups.DaskExecutor, "train", lambda self, *args: [])
    main([*QUICK, "--device", "cuda", "--scheduler", cluster.scheduler_address, "--runs-dir", str(tmp_path)])
    err = capsys.readouterr().err
    assert "no worker of the scheduler at" in err and "has a GPU, and the sweep asks for CUDA" in err
    assert "worker --scheduler" in err and "--device cuda:0" in err


@pytest.mark.slow
def test_a_scheduler_lost_mid_sweep_is_said_in_one_line_per_group_without_dask_s_tracebacks(tmp_path):
    scheduler = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--port", "0",
                                  "--dashboard-address", ":0"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                 text=True)
    processes = [scheduler]
    try:
        address = next(line.split("at:")[1].strip() for line in scheduler.stderr if "Scheduler at:" in line)
        processes += workers_of(address, 1)
        assert "serves" in processes[1].stdout.readline()
        sweep = subprocess.Popen([sys.executable, "-m", "tui", *QUICK, "--epochs", "1000000", "--scheduler", address,
                                  "--runs-dir", str(tmp_path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True)
        processes.append(sweep)
        assert sweep.stdout.readline().startswith("sweep moons: hidden × lr: 4 runs")  # connected, training
        scheduler.kill()
        out, err = sweep.communicate(timeout=120)
    finally:
        for process in processes:
            process.kill()
            process.wait()
    assert sweep.returncode == 1 and "Traceback" not in err and "distributed" not in err  # Dask's logs stay out
    lines = err.strip().splitlines()
    assert lines[-1] == "annclf-tui: error: 4 runs of 4 never finished on the cluster"
    assert all(line.startswith("annclf-tui: error: 2 runs lost, the connection to the scheduler was lost: hidden=")
               for line in lines[:-1]) and len(lines) == 3, err


@pytest.mark.parametrize("device,seen", [("cpu", ("", {})), ("cuda:1", ("1", {"GPU": 1})), ("CUDA", ("0", {"GPU": 1})),
                                         ("gpu", None)])
def test_a_worker_sees_the_one_device_it_is_given_and_advertises_a_gpu(device, seen):
    from tui.cli.worker import seen_devices

    assert seen_devices(device) == seen  # a CPU worker on a GPU machine leaves the GPUs to their own workers

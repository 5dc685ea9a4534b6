"""How the ``drafter`` process starts and ends: the engine imported with the collector paused, and
the end as a normal exit would be, without Python's slow teardown."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import threading

import pytest

from drafter import cli

from .conftest import ROOT

ACTIVE_COUNT = threading.active_count
SAMPLE = str(ROOT / "samples" / "03-pending-child-illness.yaml")


@pytest.fixture()
def a_new_module(tmp_path, monkeypatch):
    (tmp_path / "drafter_probe_engine.py").write_text(
        "import gc\nCOLLECTING = gc.isenabled()\nclass Node:\n    pass\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    yield "drafter_probe_engine"
    sys.modules.pop("drafter_probe_engine", None)
    gc.unfreeze()


def test_the_engine_is_imported_with_the_collector_paused_then_set_aside(a_new_module):
    frozen = gc.get_freeze_count()
    module = cli._import_engine(a_new_module)
    assert module.COLLECTING is False
    assert gc.isenabled()
    assert gc.get_freeze_count() > frozen
    assert not gc.is_tracked(module.Node) or module.Node not in gc.get_objects()


def test_a_collector_someone_turned_off_is_left_alone(a_new_module):
    gc.disable()
    try:
        frozen = gc.get_freeze_count()
        module = cli._import_engine(a_new_module)
        assert module.COLLECTING is False
        assert not gc.isenabled()
        assert gc.get_freeze_count() == frozen
    finally:
        gc.enable()


class EndedError(Exception):
    """Raised in place of ``os._exit`` so a test can see the status."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


@pytest.fixture()
def ended(monkeypatch):
    """Record the exit handlers run and the status, instead of ending the test process."""
    ran: list[str] = []

    def _exit(status: int) -> None:
        raise EndedError(status)

    monkeypatch.setattr(cli.os, "_exit", _exit)
    monkeypatch.setattr(cli.atexit, "_run_exitfuncs", lambda: ran.append("atexit"))
    # as in a `drafter` process: no thread or child left by earlier tests in this one
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    if "multiprocessing" in sys.modules:
        monkeypatch.setattr(sys.modules["multiprocessing"], "active_children", lambda: [])
    return ran


@pytest.mark.parametrize(("code", "status"), [(None, 0), (0, 0), (1, 1), (2, 2), (256, 0)])
def test_the_status_is_what_sys_exit_gives(ended, code, status):
    with pytest.raises(EndedError) as exc:
        cli._quick_exit(code)
    assert exc.value.status == status
    assert ended == ["atexit"]


def test_a_message_code_is_printed_and_ends_with_1(ended, capsys):
    with pytest.raises(EndedError) as exc:
        cli._quick_exit("stopped: no such folder")
    assert exc.value.status == 1
    assert capsys.readouterr().err == "stopped: no such folder\n"


def test_a_message_is_printed_once_when_a_thread_runs(ended, monkeypatch, capsys):
    monkeypatch.setattr(threading, "active_count", lambda: 2)
    with pytest.raises(SystemExit) as exc:
        cli._quick_exit("stopped")
    assert exc.value.code == "stopped"  # Python prints it as it exits, once
    assert capsys.readouterr().err == ""


def test_a_running_thread_gets_a_normal_exit(ended, monkeypatch):
    monkeypatch.setattr(threading, "active_count", ACTIVE_COUNT)  # the real count of threads
    stop = threading.Event()
    worker = threading.Thread(target=stop.wait)
    worker.start()
    try:
        with pytest.raises(SystemExit) as exc:
            cli._quick_exit(3)
        assert exc.value.code == 3
        assert ended == []  # left to Python's own exit, which runs them after joining the thread
    finally:
        stop.set()
        worker.join()


def test_an_output_that_cannot_be_flushed_ends_with_120(ended, monkeypatch):
    class Closed:
        def flush(self) -> None:
            raise BrokenPipeError

    monkeypatch.setattr(cli.sys, "stdout", Closed())
    with pytest.raises(EndedError) as exc:
        cli._quick_exit(0)
    assert exc.value.status == 120


def drafter(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "drafter", *args], capture_output=True, text=True, env=env
    )


def test_a_real_command_keeps_its_status_output_and_caches(tmp_path):
    env = {**os.environ, "DRAFTER_CACHE_DIR": str(tmp_path / "cache")}
    done = drafter("render", SAMPLE, "-d", "pd-request", "-o", str(tmp_path), env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Wrote ") and done.stdout.endswith(".docx\n")
    # the exit handler saved the compiled templates for the next start
    assert list((tmp_path / "cache").glob("jinja-*.marshal"))

    refused = drafter("render", SAMPLE, "-d", "pd-request", "-o", str(tmp_path), env=env)
    assert refused.returncode == 1
    assert refused.stderr.startswith("Error: ") and "Traceback" not in refused.stderr

    usage = drafter("render", "--no-such-option", env=env)
    assert usage.returncode == 2 and "No such option" in usage.stderr


CASE_SCHEMA = "import json, drafter.api as api; print(json.dumps(api.case_schema(), indent=2, ensure_ascii=False))"


def test_long_output_reaches_a_file_whole(tmp_path):
    listing = tmp_path / "schema.json"
    with listing.open("w") as out:
        subprocess.run([sys.executable, "-m", "drafter", "schema"], stdout=out, check=True)
    expected = subprocess.run(
        [sys.executable, "-c", CASE_SCHEMA],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert listing.read_text() == expected

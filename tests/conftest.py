import pytest

from engine import Settings


@pytest.fixture
def small():
    """Quick settings: a small circles run on the CPU."""
    return Settings(dataset="circles", samples=300, hidden=[8], epochs=20, device="cpu")


@pytest.fixture(autouse=True)
def runs_in_a_temporary_data_dir(tmp_path_factory, monkeypatch):
    """Runs are recorded in the user's data directory: tests keep theirs apart."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("data-home")))

import pytest

from engine import Settings


@pytest.fixture
def small():
    """Quick settings: a small circles run on the CPU."""
    return Settings(dataset="circles", samples=300, hidden=[8], epochs=20, device="cpu")

"""README's set-up commands are what CI runs, so a missing install step fails CI instead of hiding."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def shell_blocks() -> list[str]:
    return re.findall(r"```sh\n(.*?)\n```", (ROOT / "README.md").read_text(), re.S)


def test_readme_has_an_install_and_run_command_and_a_test_command():
    blocks = shell_blocks()
    assert any("pip install" in b and b.strip().endswith("annclf-tui") for b in blocks)
    assert any("pip install" in b and "pytest" in b for b in blocks)


def test_ci_runs_readmes_test_command_verbatim():
    test_command = next(b for b in shell_blocks() if "pytest" in b)
    assert test_command in (ROOT / ".ci" / "run").read_text()

"""The headless commands (`train`, `sweep`, `runs`): their arguments, progress and one-line errors. Nothing
here imports textual or the app (an import-linter contract in pyproject.toml says so)."""

"""Reading a large CSV file: the engine against pandas.read_csv of the same file, in the same run.

Writes files of 1M and 5M rows (two float features and an integer label, as a table of measurements is) to
a temporary folder, then times in fresh subprocesses, each measure the best of a few, alternating:
- pandas.read_csv(file): what a pandas user would do;
- the engine's reading and preparing of the same file as the csv dataset (engine.make_dataset: the file
  read in chunks, every problem looked for, the classes, the feature matrix), all imports made first.
Peak memory is the process's peak resident size above its size once the imports are made, over the file's
size. Goals: reading and preparing within 2x pandas.read_csv; peak memory within 3x the file.

    python bench/csv_load.py [--rows 1000000,5000000] [--repeat 3] [--wide]

prints one line per size and `RESULT load_vs_pandas=<worst ratio> peak_rss_over_file=<worst ratio>`; --wide adds
a table of 50,000 rows and 200 features (each chunk's work per column counts there) to the sizes."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

MEASURE = r"""
import json, resource, sys, time

def resident():
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024

how, path = sys.argv[1], sys.argv[2]
import numpy, pandas
if how == "engine":
    from engine.datasets.dataset import make_dataset
    from engine.schema import Settings
    settings = Settings(dataset="csv", csv=path, label="label").resolve()
    import engine.datasets.csv_table, engine.memory
base = resident()
began = time.perf_counter()
if how == "engine":
    data = make_dataset(settings)
    rows = len(data.y)
else:
    data = pandas.read_csv(path)
    rows = len(data)
seconds = time.perf_counter() - began
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"seconds": seconds, "above": peak - base, "rows": rows}))
"""


def write_table(path: Path, rows: int, seed: int = 0, features: int = 2) -> None:
    rng = np.random.default_rng(seed)
    with path.open("w") as handle:
        handle.write(",".join(f"x{k + 1}" for k in range(features)) + ",label\n")
        step = max(1, 1_000_000 // features)
        for start in range(0, rows, step):
            size = min(step, rows - start)
            X = rng.normal(size=(size, features))
            label = (X[:, 0] * X[:, 1] > 0).astype(int)
            np.savetxt(handle, np.column_stack([X, label]), fmt=["%.6f"] * features + ["%d"], delimiter=",")


def measure(how: str, path: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", MEASURE, how, str(path)], capture_output=True, text=True, env=env,
                          cwd=ROOT, check=False)
    if done.returncode:
        raise SystemExit(f"{how} failed on {path.name}:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", default="1000000,5000000", help="sizes, comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="measures of each, the best kept")
    parser.add_argument("--wide", action="store_true", help="also a table of 50,000 rows and 200 features")
    args = parser.parse_args()
    worst_time, worst_memory = 0.0, 0.0
    tables = [(int(r), 2) for r in args.rows.split(",")] + ([(50_000, 200)] if args.wide else [])
    with tempfile.TemporaryDirectory() as folder:
        for rows, features in tables:
            path = Path(folder) / f"table-{rows}-{features}.csv"
            write_table(path, rows, features=features)
            size = path.stat().st_size
            best: dict[str, dict] = {}
            for _ in range(args.repeat):
                for how in ("pandas", "engine"):
                    got = measure(how, path)
                    assert got["rows"] == rows, got
                    if how not in best or got["seconds"] < best[how]["seconds"]:
                        best[how] = {**got, "above": min(got["above"], best.get(how, got)["above"])}
            ratio = best["engine"]["seconds"] / best["pandas"]["seconds"]
            memory = best["engine"]["above"] / size
            worst_time, worst_memory = max(worst_time, ratio), max(worst_memory, memory)
            print(f"{rows:>10,} rows, {features:>3} features, {size / 2**20:6.1f} MiB: "
                  f"pandas.read_csv {best['pandas']['seconds']:.2f} s "
                  f"(+{best['pandas']['above'] / size:.2f}x the file), engine {best['engine']['seconds']:.2f} s "
                  f"(+{memory:.2f}x the file): {ratio:.2f}x pandas", flush=True)
    print(f"RESULT load_vs_pandas={worst_time:.2f} peak_rss_over_file={worst_memory:.2f}")


if __name__ == "__main__":
    main()

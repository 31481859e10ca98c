"""`annclf-tui worker`: a Dask worker that trains the stacks of sweeps sent to its scheduler.

One worker, one device, one stack at a time: `--device cuda:N` makes that GPU the only one this process sees
(CUDA_VISIBLE_DEVICES, set before PyTorch loads) and advertises the resource GPU=1, which a sweep asking for
CUDA requires of each stack; the scheduler then places one stack per GPU. A CPU worker sees no GPU. A plain `dask worker` serves CPU
stacks as well, where annclf-tui is installed: this command adds the device and a clean end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys

from tui.cli.arguments import PROG, fail
from tui.text.escapes import escaped

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2


def seen_devices(device: str) -> tuple[str, dict[str, int]] | None:
    """(CUDA_VISIBLE_DEVICES, the resources advertised) for `--device`; None for a device it does not know.
    A CPU worker sees no GPU (a sweep's `auto` would take one it does not own); a GPU worker sees its own."""
    device = device.strip().lower()
    if device == "cpu":
        return "", {}
    match = re.fullmatch(r"cuda(?::(\d+))?", device)
    return (match.group(1) or "0", {"GPU": 1}) if match else None


def worker(args: argparse.Namespace) -> int:
    seen = seen_devices(args.device)
    if seen is None:
        return fail(f"--device: {escaped(args.device)} is not cpu or cuda:N (cuda:0, cuda:1…)", EXIT_INVALID)
    try:
        from distributed import Worker
    except ImportError:
        return fail("the worker needs the cluster extra: pip install 'annclf-tui[cluster]'", EXIT_INVALID)
    from engine.training.dask_groups import address_problem

    problem = address_problem(args.scheduler)
    if problem is not None:
        return fail(f"--scheduler: {escaped(args.scheduler)} is not a scheduler's address (tcp://host:8786): "
                    f"{problem}", EXIT_INVALID)
    os.environ["CUDA_VISIBLE_DEVICES"], resources = seen  # before torch loads, in the tasks
    device = args.device.strip().lower()

    async def serve() -> None:
        async with Worker(args.scheduler, nthreads=1, resources=resources, name=args.name) as running:
            print(f"{PROG}: worker {running.address} serves {escaped(args.scheduler)} on {device}", flush=True)
            await running.finished()

    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        print(f"{PROG}: worker stopped; its unfinished stacks go to the other workers", file=sys.stderr)
        return 130
    except (OSError, TimeoutError, ValueError, RuntimeError) as error:  # RuntimeError: "Worker failed to start"
        why = error.__cause__ if isinstance(error, RuntimeError) and error.__cause__ is not None else error
        return fail(f"the worker cannot serve {escaped(args.scheduler)}: {why}", EXIT_FAILED)
    return EXIT_OK

"""Run benchmarks and print their figures.

Each ``benchmarks/bench_<name>.py`` exposes ``run(quick: bool = False) -> list[str]``: it measures
throughput and the ratio to a baseline measured in the same run, and returns the lines to print.

    python -m benchmarks                 # every benchmark, full size
    python -m benchmarks storage --quick # one benchmark, small sizes (a smoke run)
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import time
from pathlib import Path


def available() -> list[str]:
    here = Path(__file__).parent
    return sorted(
        m.name.removeprefix("bench_")
        for m in pkgutil.iter_modules([str(here)])
        if m.name.startswith("bench_")
    )


def main(argv: list[str] | None = None) -> int:
    names = available()
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "names", nargs="*", choices=[[], *names], metavar="NAME", help=f"one of: {', '.join(names)}"
    )
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    args = parser.parse_args(argv)
    for name in args.names or names:
        module = importlib.import_module(f"benchmarks.bench_{name}")
        print(f"== {name} ==", flush=True)
        started = time.perf_counter()
        for line in module.run(quick=args.quick):
            print(line, flush=True)
        print(f"({name}: {time.perf_counter() - started:.1f} s)\n", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

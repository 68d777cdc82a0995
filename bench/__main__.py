"""Runs the benchmarks: `python -m bench` for all, `python -m bench regions_typeahead` for some.

Every module of this package that defines `run_benchmark()` is a benchmark. Each writes its result, with the
machine it ran on, to bench/results/; the exit status is 1 when any missed its target.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from types import ModuleType

import bench
from bench.common import setup_django, write_result


def _benchmarks(names: list[str]) -> list[ModuleType]:
    found = []
    for module_info in pkgutil.iter_modules(bench.__path__):
        if module_info.name.startswith(("_", "test_")) or (names and module_info.name not in names):
            continue
        module = importlib.import_module(f"bench.{module_info.name}")
        if hasattr(module, "run_benchmark"):
            found.append(module)
    return found


def main(names: list[str]) -> int:
    setup_django()
    modules = _benchmarks(names)
    missing = set(names) - {module.__name__.rpartition(".")[2] for module in modules}
    if missing:
        print(f"No such benchmark: {', '.join(sorted(missing))}", file=sys.stderr)
        return 2
    failed = []
    for module in modules:
        result = module.run_benchmark()
        path = write_result(result["result_name"], result)
        print(f"→ {path}\n")
        if not result["passed"]:
            failed.append(result["name"])
    if failed:
        print(f"Missed their target: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""How long each lesson takes to run top to bottom, and the most memory its kernel used.

    make lessons-report
    python tools/lesson_report.py lessons/05-training-loop.ipynb

Each lesson runs in a fresh kernel of this Python (nothing is saved). The peak is the kernel's
resident memory high-water mark (``ru_maxrss``, Linux), read by one extra cell after the last. The
budget for every lesson is 20 s on a laptop and 1 GB (Binder gives 1-2 GB): a lesson over either
is flagged; the exit status is 1 only for memory, since run times depend on the machine.
"""
import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
BUDGET_SECONDS = 20
BUDGET_MB = 1024
PEAK_CELL = "import resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"  # KiB on Linux


def measure(path, timeout=600):
    """(seconds to run the lesson's own cells, peak kernel memory in MB)."""
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PEAK_CELL))
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    with client.setup_kernel():
        start = time.perf_counter()
        for index, cell in enumerate(nb.cells[:-1]):
            client.execute_cell(cell, index)
        seconds = time.perf_counter() - start
        client.execute_cell(nb.cells[-1], len(nb.cells) - 1)
    peak_kib = int(nb.cells[-1].outputs[0]["text"].strip())
    return seconds, peak_kib / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args()
    paths = args.notebooks or sorted((ROOT / "lessons").glob("[0-9]*.ipynb"))
    print(f"{'lesson':<40} {'run time':>9} {'peak memory':>12}")
    over_memory = 0
    for path in paths:
        seconds, mb = measure(path.resolve())
        flags = (["over the time budget"] if seconds > BUDGET_SECONDS else []) + (
            ["OVER THE MEMORY BUDGET"] if mb > BUDGET_MB else [])
        over_memory += mb > BUDGET_MB
        print(f"{path.name:<40} {seconds:>7.1f} s {mb:>9.0f} MB  {', '.join(flags)}".rstrip(), flush=True)
    print(f"budget per lesson: {BUDGET_SECONDS} s on a laptop, {BUDGET_MB} MB")
    return 1 if over_memory else 0


if __name__ == "__main__":
    sys.exit(main())

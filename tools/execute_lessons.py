"""Re-execute lessons top to bottom in a fresh kernel and save them with their outputs.

    make lessons-run                 # every lesson
    python tools/execute_lessons.py lessons/03-backward.ipynb

Runs each notebook in this Python (as nbval does with --nbval-current-env), so the saved
outputs are the ones the test suite will compare against. Per-cell timing metadata is dropped,
to keep diffs small (widget model ids and memory addresses still change from run to run).
"""
import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from notebook_io import write_atomically

ROOT = Path(__file__).resolve().parent.parent


def execute(path, timeout=600):
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    write_atomically(nb, path)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args()
    paths = args.notebooks or sorted((ROOT / "lessons").glob("[0-9]*.ipynb"))
    for path in paths:
        print(f"{path.name}: {execute(path.resolve()):.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

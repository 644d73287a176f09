"""What the Python patterns of pedagrad's small-op path cost in Pyodide (the browser's Python) beside CPython.

    python3 benchmarks/pyodide_patterns.py

Pyodide's runtime is the npm package ``pyodide`` at the version the JupyterLite kernel pins
(jupyterlite_pyodide_kernel.constants.PYODIDE_VERSION), fetched once with ``npm pack`` into
build/pyodide/ and run by Node.js, which runs the same WebAssembly as a browser. That package holds
the interpreter and its standard library only: numpy comes from Pyodide's package server, which
this measures without, so numpy's own calls are timed in the browser by the Pages workflow
instead. Each pattern: the best of 5 runs of 20,000 calls, in microseconds per call.
"""
import json
import shutil
import subprocess
import sys
import tarfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PATTERNS = textwrap.dedent('''
    import contextlib, time, warnings

    class Node:
        __slots__ = ("a", "b", "c")
        def __init__(self, a, b, c):
            self.a, self.b, self.c = a, b, c

    class Manager:
        def __enter__(self): return self
        def __exit__(self, *exc): return False

    @contextlib.contextmanager
    def generator_manager():
        yield

    def keywords(x, y=1, *, z=2):
        return x

    def with_class():
        with Manager():
            pass

    def with_generator():
        with generator_manager():
            pass

    def raise_and_catch():
        try:
            raise ValueError("x")
        except ValueError:
            pass

    def catch_warnings():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")

    def isinstance_checks():
        x = 1.0
        return isinstance(x, (int, float)) and not isinstance(x, bool)

    def import_in_function():
        import warnings as w
        return w

    PATTERNS = {
        "function call": lambda: None,
        "call with keywords": lambda: keywords(1, y=2, z=3),
        "object with __slots__": lambda: Node(1, 2, 3),
        "with a class-based context manager": with_class,
        "with a @contextmanager": with_generator,
        "raise and catch an exception": raise_and_catch,
        "warnings.catch_warnings + simplefilter": catch_warnings,
        "isinstance checks": isinstance_checks,
        "import inside a function": import_in_function,
    }

    def best_of(fn, n=20000, runs=5):
        fn()
        best = float("inf")
        for _ in range(runs):
            start = time.perf_counter()
            for _ in range(n):
                fn()
            best = min(best, (time.perf_counter() - start) / n)
        return best * 1e6

    import json, sys
    print(json.dumps({"python": sys.version.split()[0], "platform": sys.platform,
                      "us": {name: best_of(fn) for name, fn in PATTERNS.items()}}))
''')

RUNNER = textwrap.dedent('''
    const { loadPyodide } = require(process.argv[2] + "/pyodide.js");
    (async () => {
      const pyodide = await loadPyodide({ indexURL: process.argv[2] + "/" });
      pyodide.setStdout({ batched: (s) => console.log(s) });
      await pyodide.runPythonAsync(require("fs").readFileSync(process.argv[3], "utf8"));
    })();
''')


def pyodide_runtime():
    """build/pyodide/<version>/: the npm package of the Pyodide the JupyterLite kernel uses."""
    from jupyterlite_pyodide_kernel.constants import PYODIDE_VERSION

    folder = ROOT / "build" / "pyodide" / PYODIDE_VERSION
    if not (folder / "pyodide.js").exists():
        folder.parent.mkdir(parents=True, exist_ok=True)
        packed = subprocess.run(["npm", "pack", "--silent", f"pyodide@{PYODIDE_VERSION}"], cwd=folder.parent,
                                capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
        with tarfile.open(folder.parent / packed) as tar:
            tar.extractall(folder.parent / "unpacked", filter="data")
        shutil.rmtree(folder, ignore_errors=True)
        (folder.parent / "unpacked" / "package").rename(folder)
        (folder.parent / packed).unlink()
    return folder


def main():
    if shutil.which("node") is None or shutil.which("npm") is None:
        print("Node.js and npm are needed to run Pyodide outside a browser", file=sys.stderr)
        return 2
    runtime = pyodide_runtime()
    scratch = runtime.parent / "patterns.py"
    scratch.write_text(PATTERNS)
    (runtime.parent / "run.js").write_text(RUNNER)
    browser = json.loads(subprocess.run(["node", str(runtime.parent / "run.js"), str(runtime), str(scratch)],
                                        capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1])
    here = json.loads(subprocess.run([sys.executable, str(scratch)], capture_output=True, text=True,
                                     check=True).stdout)
    print(f"{'pattern':<42} {'Pyodide ' + browser['python']:>15} {'CPython ' + here['python']:>15}  ratio")
    for name, us in browser["us"].items():
        print(f"{name:<42} {us:>12.3f} us {here['us'][name]:>12.3f} us  {us / here['us'][name]:5.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

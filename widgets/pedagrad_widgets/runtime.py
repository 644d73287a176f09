"""Where the widgets run: CPython on a machine, or Python compiled to WebAssembly in the browser (Pyodide)."""
import sys


def in_browser():
    """True in the browser's Python (Pyodide, as in JupyterLite), where there are no programs to run or install."""
    return sys.platform == "emscripten"

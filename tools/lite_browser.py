"""The JupyterLite site in a headless browser: JupyterLab loads with the lessons listed, and lessons run to the end.

    python tools/lite_browser.py build/lite                      # JupyterLab loads, lesson 01 opens, lessons listed
    python tools/lite_browser.py build/lite --run --report FILE  # every lesson run to its end, timed beside CPython
    python tools/lite_browser.py build/lite --url URL --run 01-tensors-and-gradients.ipynb --no-compare
                                                                 # the same, on the published site

The site is served on a loopback port by Python's own static file server. Loading JupyterLab needs
nothing else; running a lesson needs the internet, where Pyodide's runtime and its numpy and
matplotlib come from (the Pages workflow does that). Playwright drives the system's Chromium or
Chrome (``--chromium``); it never downloads a browser.
"""
import argparse
import contextlib
import functools
import http.server
import re
import shutil
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOAD_TIMEOUT = 60_000  # ms: JupyterLab's first load on a slow machine
LESSON_TIMEOUT = 900  # s: a whole lesson in Pyodide, the first one downloading the numerical libraries


class LiteBrowserError(Exception):
    """What the browser showed was not what a learner needs; the message says what."""


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if shutil.which(name):
            return shutil.which(name)
    return None


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".wasm": "application/wasm", ".mjs": "text/javascript", ".js": "text/javascript",
                      ".json": "application/json", ".ipynb": "application/json"}

    def log_message(self, *args):
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a browser closing a connection early is not news
            super().handle_error(request, client_address)


@contextlib.contextmanager
def serve(site):
    """The folder ``site`` served on a free loopback port; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(Path(site).resolve()))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def lesson_names(site):
    return sorted(p.name for p in (Path(site) / "files").glob("[0-9]*.ipynb"))


def open_front_page(page, url):
    """Load the site's front page, which must land on the first lesson in JupyterLab; the tab shown."""
    page.goto(url, wait_until="domcontentloaded", timeout=LOAD_TIMEOUT)
    page.wait_for_selector(".jp-DirListing-item", timeout=LOAD_TIMEOUT)
    tab = page.locator(".jp-mod-current .lm-TabBar-tabLabel").first
    tab.wait_for(timeout=LOAD_TIMEOUT)
    page.wait_for_function("document.querySelectorAll('.jp-NotebookPanel .jp-Cell').length > 5", timeout=LOAD_TIMEOUT)
    return tab.inner_text()


def listed(page):
    return [name.strip() for name in page.locator(".jp-DirListing-itemName").all_inner_texts()]


def check_site(page, url, site):
    """JupyterLab loads from the front page, opens the first lesson, and lists every lesson."""
    lessons = lesson_names(site)
    shown = open_front_page(page, url)
    if shown != lessons[0]:
        raise LiteBrowserError(f"the front page opened {shown!r}, not the first lesson {lessons[0]!r}")
    missing = sorted(set(lessons) - set(listed(page)))
    if missing:
        raise LiteBrowserError(f"the file browser does not list {missing}; it shows {listed(page)}")
    text = page.locator(".jp-NotebookPanel").first.inner_text()
    if "In the browser." not in text or "%pip install pedagrad-widgets" not in text:
        raise LiteBrowserError("the first lesson does not open with its browser note and setup cell")
    return lessons


def errors_shown(page):
    outputs = page.locator('.jp-NotebookPanel .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
    return [t for t in outputs.all_inner_texts() if "Traceback" in t or "Error" in t]


def run_lesson(page, url, name, timeout=LESSON_TIMEOUT):
    """Open lesson ``name``, run all its cells, wait until each ran; (seconds, seconds of the setup cell)."""
    page.goto(f"{url}lab/index.html?path={name}", wait_until="domcontentloaded", timeout=LOAD_TIMEOUT)
    page.wait_for_function("document.querySelectorAll('.jp-NotebookPanel .jp-Cell').length > 5", timeout=LOAD_TIMEOUT)
    page.wait_for_selector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', timeout=timeout * 1000)
    code_cells = page.locator(".jp-NotebookPanel .jp-CodeCell")
    prompts = code_cells.locator(".jp-InputPrompt")
    page.locator(".jp-NotebookPanel .jp-Cell .jp-InputArea-editor").first.click()
    page.keyboard.press("Escape")
    start = time.monotonic()
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
    setup_done = None
    while True:
        texts = prompts.all_inner_texts()
        if setup_done is None and texts and re.search(r"\[\d+\]", texts[0]):
            setup_done = time.monotonic() - start
        if errors_shown(page):
            raise LiteBrowserError(f"{name}: a cell raised in the browser:\n{errors_shown(page)[0][-2000:]}")
        if texts and all(re.search(r"\[\d+\]", t) for t in texts):
            return time.monotonic() - start, setup_done
        if time.monotonic() - start > timeout:
            ran = sum(bool(re.search(r"\[\d+\]", t)) for t in texts)
            raise LiteBrowserError(f"{name}: only {ran} of {len(texts)} code cells ran within {timeout} s")
        time.sleep(0.5)


def cpython_seconds(names):
    """Each lesson's learner copy run in this CPython (tools/lesson_report.py), for comparison."""
    import tempfile

    import nbformat

    from learner_copies import learner_copy
    from lesson_report import measure

    seconds = {}
    with tempfile.TemporaryDirectory() as scratch:
        for name in names:
            copy, _ = learner_copy(nbformat.read(ROOT / "lessons" / name, as_version=4), name)
            path = Path(scratch) / name
            nbformat.write(copy, path)
            seconds[name] = measure(path)[0]
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="the built site (make lite: build/lite)")
    parser.add_argument("--run", nargs="*", metavar="LESSON",
                        help="run these lessons (default: every lesson) to the end, timed")
    parser.add_argument("--report", type=Path, help="append the timings as a Markdown table to this file")
    parser.add_argument("--chromium", default=find_chromium(), help="the Chromium or Chrome to drive")
    parser.add_argument("--url", help="the site as published (default: the folder, served here on a loopback port)")
    parser.add_argument("--no-compare", action="store_true", help="do not time the lessons in CPython too")
    args = parser.parse_args()
    if not args.chromium:
        print("no Chromium or Chrome found: pass --chromium PATH", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    with (contextlib.nullcontext(args.url.rstrip("/") + "/") if args.url else serve(args.site)) as url, \
            sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=args.chromium, args=FLAGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            lessons = check_site(page, url, args.site)
            print(f"JupyterLab loads from {args.site}, opens {lessons[0]} and lists {len(lessons)} lessons")
            if args.run is None:
                return 0
            timings = {}
            for name in args.run or lessons:
                timings[name] = run_lesson(page, url, name)
                print(f"{name}: ran to the end in the browser in {timings[name][0]:.1f} s "
                      f"(setup cell {timings[name][1]:.1f} s)", flush=True)
        except LiteBrowserError as e:
            print(f"browser check failed: {e}", file=sys.stderr)
            return 1
        finally:
            browser.close()
    if args.no_compare:
        return 0
    cpython = cpython_seconds(list(timings))
    table = ["| lesson | in the browser (Pyodide) | of which the setup cell | CPython | ratio, without setup |",
             "| --- | --- | --- | --- | --- |"]
    for name, (total, setup) in timings.items():
        table.append(f"| {name} | {total:.1f} s | {setup:.1f} s | {cpython[name]:.1f} s | "
                     f"{(total - setup) / cpython[name]:.1f} |")
    print("\n".join(table))
    if args.report:
        with open(args.report, "a") as f:
            f.write("\n".join(["## Lesson run times, browser and CPython", "", *table, ""]) + "\n")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())

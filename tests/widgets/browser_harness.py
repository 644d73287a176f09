"""What the browser tests share: JupyterLab on a free loopback port, headless Chromium, and notebook chores.

Importing this module skips the importing test module unless Debian's chromium (/usr/bin/chromium),
playwright (the PyPI package; never `playwright install`: the system Chromium is used), jupyterlab,
ipywidgets' JupyterLab extension, ipykernel and pedagrad-widgets are all there.
"""
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid

import pytest


def _find_chromium():
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


CHROMIUM = _find_chromium()
if CHROMIUM is None:
    pytest.skip("no Chromium: install Debian's chromium (apt-get install chromium) for the browser test",
                allow_module_level=True)
pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright; "
                    "do not run `playwright install`, the system Chromium is used)")
pytest.importorskip("jupyterlab", reason="jupyterlab is not installed (pip install jupyterlab)")
pytest.importorskip("jupyterlab_widgets", reason="the ipywidgets JupyterLab extension is missing "
                    "(pip install ipywidgets)")
pytest.importorskip("ipykernel", reason="ipykernel is not installed (pip install ipykernel)")
pytest.importorskip("pedagrad_widgets", reason="pedagrad-widgets is not installed (pip install -e widgets/)")

from playwright.sync_api import Error as PlaywrightError  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402, F401 - re-exported for the tests

CHROMIUM_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SERVER_START_TIMEOUT = 60  # s; JupyterLab can be slow to start on a loaded machine
KERNEL_TIMEOUT = 60_000  # ms; kernel start + imports on a slow machine
UI_TIMEOUT = 20_000  # ms; one widget round trip (click -> kernel -> redraw)


def notebook_json(cells):
    """A notebook (nbformat 4 dict) of code cells without outputs, for the python3 kernel."""
    cells = [{"cell_type": "code", "execution_count": None, "id": f"cell-{i}", "metadata": {},
              "outputs": [], "source": src} for i, src in enumerate(cells)]
    return {"cells": cells, "nbformat": 4, "nbformat_minor": 5,
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                        "language": "python"},
                         "language_info": {"name": "python"}}}


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write_json(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1))


def log_tail(path, n=40):
    """The last ``n`` lines of a log file, for failure messages."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-n:])
    except OSError:
        return "(no server log)"


@pytest.fixture(scope="module")
def jupyter_server(tmp_path_factory):
    """A JupyterLab server on a free loopback port; its process group is always killed at the end."""
    base = tmp_path_factory.mktemp("jupyter")
    root = base / "root"
    root.mkdir()
    env = dict(os.environ)
    for var, sub in [("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_RUNTIME_DIR", "runtime"),
                     ("JUPYTERLAB_SETTINGS_DIR", "settings"), ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"),
                     ("IPYTHONDIR", "ipython"), ("MPLCONFIGDIR", "mpl")]:
        (base / sub).mkdir()
        env[var] = str(base / sub)
    env["JUPYTER_PREFER_ENV_PATH"] = "1"
    env.pop("JUPYTER_TOKEN", None)
    settings = base / "settings"
    # Every cell in the DOM (no virtualisation), and no news / update toasts over the notebook.
    _write_json(settings / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings",
                {"windowingMode": "none"})
    _write_json(settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings",
                {"checkForUpdates": False, "fetchNews": "false"})

    token = uuid.uuid4().hex
    port = _free_port()
    log_path = base / "server.log"
    log = open(log_path, "wb")
    cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--ServerApp.token={token}",
           "--ServerApp.ip=127.0.0.1", f"--port={port}", "--port-retries=0", "--allow-root",
           f"--ServerApp.root_dir={root}"]
    proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True)

    def stop():
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        try:  # the kernel lives in the same group: make sure nothing is left behind
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=10)
        log.close()

    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(f"JupyterLab exited with {proc.returncode}:\n{log_tail(log_path)}")
            try:
                req = urllib.request.Request(f"{url}/api/status", headers={"Authorization": f"token {token}"})
                with urllib.request.urlopen(req, timeout=2) as r:
                    if r.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"JupyterLab did not answer within {SERVER_START_TIMEOUT} s:\n{log_tail(log_path)}")
            time.sleep(0.25)
        yield {"url": url, "token": token, "root": root, "log": log_path}
    finally:
        stop()


def wait_for(predicate, timeout_s, what):
    """Poll ``predicate`` until it returns something true, and return that; fail after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")
        time.sleep(0.1)


def html(locator):
    """The inner HTML of an element."""
    return locator.evaluate("e => e.innerHTML")


def launch(pw):
    """Headless Chromium (the system's), as the notes say works."""
    return pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)


@contextlib.contextmanager
def open_notebook(server, name, cells):
    """A headless Chromium showing a new notebook of ``cells`` in JupyterLab; the browser is closed afterwards."""
    with sync_playwright() as pw:
        browser = launch(pw)
        try:
            yield NotebookPage(browser, server, name, cells).open()
        finally:
            browser.close()


class NotebookPage:
    """A notebook opened in JupyterLab in a browser page, with the console errors kept for diagnosis."""

    def __init__(self, browser, server, name, cells, viewport=(1280, 1400)):
        (server["root"] / name).write_text(json.dumps(notebook_json(cells), indent=1))
        self.server, self.name, self.n_cells = server, name, len(cells)
        self.console_errors = []
        self.page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
        self.page.set_default_timeout(UI_TIMEOUT)
        self.page.on("console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None)
        self.cells = self.page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell")

    def diagnose(self):
        """Recent browser console errors and the server log's tail, for a failure message."""
        return ("\n--- browser console errors ---\n" + "\n".join(self.console_errors[-20:])
                + f"\n--- server log ---\n{log_tail(self.server['log'])}")

    def open(self):
        """Load the notebook and wait for its cells and an idle kernel."""
        page = self.page
        page.goto(f"{self.server['url']}/lab/tree/{self.name}?token={self.server['token']}",
                  wait_until="domcontentloaded", timeout=KERNEL_TIMEOUT)
        try:
            page.wait_for_function(f"document.querySelectorAll('.jp-Notebook .jp-Cell').length >= {self.n_cells}",
                                   timeout=KERNEL_TIMEOUT)
            page.wait_for_selector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', timeout=KERNEL_TIMEOUT)
        except PlaywrightError as e:
            pytest.fail(f"the notebook or its kernel did not come up: {e}{self.diagnose()}")
        return self

    def tracebacks(self):
        errors = self.page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
        return [t for t in errors.all_inner_texts() if "Traceback" in t or "Error" in t]

    def _click_run_all(self):
        """Click into a cell, Escape, then Run All: the way the notes say works."""
        page = self.page
        page.locator(".jp-Notebook .jp-Cell .jp-InputArea-editor").first.click()
        page.keyboard.press("Escape")
        page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
        page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()

    def run_all(self, done_marker):
        """Run every cell and wait until an output shows ``done_marker`` and the kernel is idle again.

        A Run All right after the kernel turns idle can be ignored, so it is verified and retried.
        """
        page = self.page
        done = page.locator(".jp-OutputArea-output", has_text=done_marker)
        for attempt in range(3):
            self._click_run_all()
            deadline = time.monotonic() + (KERNEL_TIMEOUT if attempt else 15_000) / 1000
            while not done.count() and not self.tracebacks() and time.monotonic() < deadline:
                time.sleep(0.2)
            if done.count() or self.tracebacks():
                break
        assert not self.tracebacks(), f"a cell raised:\n{self.tracebacks()[0]}"
        if not done.count():
            pytest.fail(f"the cells did not run (no {done_marker!r} output){self.diagnose()}")
        page.wait_for_selector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', timeout=KERNEL_TIMEOUT)
        prompts = [self.cells.nth(i).locator(".jp-InputPrompt").first.inner_text() for i in range(self.n_cells)]
        assert all(re.search(r"\[\d+\]", p) for p in prompts), f"not every cell ran: {prompts}"
        assert not self.tracebacks(), f"a cell raised:\n{self.tracebacks()[0]}"

    def save(self, timeout_s=UI_TIMEOUT / 1000):
        """Save with Ctrl+S, as a learner would, and return the notebook as written to disk."""
        path = self.server["root"] / self.name
        before = path.stat().st_mtime_ns
        self.page.locator(".jp-Notebook .jp-Cell").first.click()
        self.page.keyboard.press("Escape")
        self.page.keyboard.press("Control+s")
        wait_for(lambda: path.stat().st_mtime_ns != before, timeout_s, "the notebook to be saved")
        return wait_for(lambda: _read_notebook(path), timeout_s, "the saved notebook to be complete")

    def screenshot(self, path):
        """One picture of the whole notebook: the window is made as tall as its content first."""
        page = self.page
        height = page.evaluate("""() => {
            const cells = document.querySelectorAll('.jp-Notebook .jp-Cell');
            return cells[cells.length - 1].getBoundingClientRect().bottom
                   - cells[0].getBoundingClientRect().top; }""")
        page.set_viewport_size({"width": page.viewport_size["width"],
                                "height": max(900, min(int(height) + 200, 6000))})
        page.locator(".jp-Notebook .jp-Cell").first.scroll_into_view_if_needed()
        page.wait_for_timeout(300)  # let the layout settle after the resize
        page.screenshot(path=str(path))
        assert path.stat().st_size > 1000 and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        out_dir = os.environ.get("PEDAGRAD_SCREENSHOT_DIR")
        if out_dir:
            os.makedirs(out_dir, exist_ok=True)
            shutil.copy(path, os.path.join(out_dir, path.name))


def _read_notebook(path):
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None

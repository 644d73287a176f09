"""The notebook widgets in a real browser: JupyterLab + headless Chromium driven by Playwright.

Starts JupyterLab on a free loopback port with isolated config/runtime/settings folders, writes a
small notebook (GraphView, GradModePlayground, BackwardStepper), runs it in headless Chromium,
and checks that the pictures and controls render and that a requires_grad toggle and the
stepper's "step" button change the pictures. A screenshot is written to the test's temp folder
(and copied to $PEDAGRAD_SCREENSHOT_DIR when that is set).

Needs: Debian's chromium (/usr/bin/chromium), `pip install playwright jupyterlab` (never
`playwright install`: the system Chromium is used). Skips otherwise.
"""
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
from playwright.sync_api import sync_playwright  # noqa: E402

CHROMIUM_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SERVER_START_TIMEOUT = 60  # s; JupyterLab can be slow to start on a loaded machine
KERNEL_TIMEOUT = 60_000  # ms; kernel start + imports on a slow machine
UI_TIMEOUT = 20_000  # ms; one widget round trip (click -> kernel -> redraw)
DONE_MARKER = "PGW-CELLS-DONE"
NOTEBOOK = "browser_demo.ipynb"

CELLS = [
    """\
import pedagrad as torch
from pedagrad_widgets import BackwardStepper, GradModePlayground, GraphView

x = torch.tensor([1.0, 2.0])
w = torch.tensor([0.5, -1.0], requires_grad=True)
loss = (w * x).tanh().sum()""",
    """\
view = GraphView(loss)
view.add_class("pgw-test-graphview")
view""",
    # a redraw: at the end of this cell the view's output is re-sent (for the saved notebook)
    """\
w.grad = torch.tensor([7.0, 7.0])
view.update();""",
    """\
playground = GradModePlayground()
playground.add_class("pgw-test-playground")
playground""",
    """\
stepper = BackwardStepper(loss)
stepper.add_class("pgw-test-stepper")
stepper""",
    f'print("{DONE_MARKER}", len(stepper.steps), "steps")',
]


def _notebook_json():
    cells = [{"cell_type": "code", "execution_count": None, "id": f"cell-{i}", "metadata": {},
              "outputs": [], "source": src} for i, src in enumerate(CELLS)]
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


def _log_tail(path, n=40):
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
                pytest.fail(f"JupyterLab exited with {proc.returncode}:\n{_log_tail(log_path)}")
            try:
                req = urllib.request.Request(f"{url}/api/status", headers={"Authorization": f"token {token}"})
                with urllib.request.urlopen(req, timeout=2) as r:
                    if r.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"JupyterLab did not answer within {SERVER_START_TIMEOUT} s:\n{_log_tail(log_path)}")
            time.sleep(0.25)
        yield {"url": url, "token": token, "root": root, "log": log_path}
    finally:
        stop()


def _wait_for(predicate, timeout_s, what):
    deadline = time.monotonic() + timeout_s
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")
        time.sleep(0.1)


def _run_all(page):
    """Run every cell, the way the notes say works: click into a cell, Escape, then Run All."""
    page.locator(".jp-Notebook .jp-Cell .jp-InputArea-editor").first.click()
    page.keyboard.press("Escape")
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()


def _html(locator):
    return locator.evaluate("e => e.innerHTML")


def test_widgets_render_and_respond_in_jupyterlab(jupyter_server, tmp_path):
    root = jupyter_server["root"]
    (root / NOTEBOOK).write_text(json.dumps(_notebook_json(), indent=1))
    shot = tmp_path / "pedagrad_widgets_browser.png"
    console_errors = []

    def diagnose():
        return ("\n--- browser console errors ---\n" + "\n".join(console_errors[-20:])
                + f"\n--- server log ---\n{_log_tail(jupyter_server['log'])}")

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1400})
            page.set_default_timeout(UI_TIMEOUT)
            page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
            page.goto(f"{jupyter_server['url']}/lab/tree/{NOTEBOOK}?token={jupyter_server['token']}",
                      wait_until="domcontentloaded", timeout=KERNEL_TIMEOUT)
            cells = page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell")
            try:
                page.wait_for_function(f"document.querySelectorAll('.jp-Notebook .jp-Cell').length >= {len(CELLS)}",
                                       timeout=KERNEL_TIMEOUT)
                page.wait_for_selector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', timeout=KERNEL_TIMEOUT)
            except PlaywrightError as e:
                pytest.fail(f"the notebook or its kernel did not come up: {e}{diagnose()}")

            # Run all; a Run All right after the kernel turns idle can be ignored, so verify and retry.
            done = page.locator(".jp-OutputArea-output", has_text=DONE_MARKER)
            errors = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')

            def tracebacks():
                return [t for t in errors.all_inner_texts() if "Traceback" in t or "Error" in t]

            for attempt in range(3):
                _run_all(page)
                deadline = time.monotonic() + (KERNEL_TIMEOUT if attempt else 15_000) / 1000
                while not done.count() and not tracebacks() and time.monotonic() < deadline:
                    time.sleep(0.2)
                if done.count() or tracebacks():
                    break
            assert not tracebacks(), f"a cell raised:\n{tracebacks()[0]}"
            if not done.count():
                pytest.fail(f"the cells did not run (no {DONE_MARKER!r} output){diagnose()}")
            page.wait_for_selector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', timeout=KERNEL_TIMEOUT)
            prompts = [cells.nth(i).locator(".jp-InputPrompt").first.inner_text() for i in range(len(CELLS))]
            assert all(re.search(r"\[\d+\]", p) for p in prompts), f"not every cell ran: {prompts}"
            assert not tracebacks(), f"a cell raised:\n{tracebacks()[0]}"

            # The pictures: one SVG per widget, inside ipywidgets' HTML widgets.
            graph = page.locator(".pgw-test-graphview .pgw-graph svg.pedagrad-graph")
            play = page.locator(".pgw-test-playground")
            step = page.locator(".pgw-test-stepper")
            graph.wait_for(state="visible")
            assert page.locator(".widget-html svg.pedagrad-graph").count() >= 3
            box = graph.bounding_box()
            assert box and box["width"] > 50 and box["height"] > 50, f"graph SVG is empty: {box}"
            assert graph.locator("g.pgw-function").count() >= 2  # tanh, sum, mul, AccumulateGrad ...
            assert "loss" in (graph.text_content() or "")  # named from the notebook variable
            assert "grad [7., 7.]" in (graph.text_content() or "")  # the live view after a re-send

            # The controls.
            toggles = play.locator("button.widget-toggle-button")
            assert sorted(toggles.all_inner_texts()) == ["w1.requires_grad", "w2.requires_grad", "x.requires_grad"]
            assert play.locator("input[type=checkbox]").count() >= 2  # no_grad() and h.detach()
            assert page.locator(".pgw-test-graphview input[type=checkbox]").count() == 2  # follow, saved
            step_button = step.locator("button.widget-button", has_text=re.compile(r"^\s*step\s*$"))
            for label in ("reset", "back"):
                assert step.locator("button.widget-button", has_text=re.compile(rf"^\s*{label}\s*$")).is_disabled()
            assert step_button.is_enabled()

            # Playground: switch x.requires_grad on; the picture and the sentence change.
            play_picture = play.locator(".pgw-graph").first
            sentence = play.locator(".pgw-explanation")
            before = _html(play_picture)
            grad_leaves = play_picture.locator("g.pgw-leaf_grad").count()
            assert "x has requires_grad=False" in sentence.inner_text()
            x_toggle = toggles.filter(has_text="x.requires_grad")
            x_toggle.click()
            _wait_for(lambda: _html(play_picture) != before, UI_TIMEOUT / 1000, "the playground to redraw")
            _wait_for(lambda: "Every input requires grad" in sentence.inner_text(), UI_TIMEOUT / 1000,
                      "the playground's explanation to change")
            _wait_for(lambda: play_picture.locator("g.pgw-leaf_grad").count() == grad_leaves + 1, UI_TIMEOUT / 1000,
                      "x to be drawn as a leaf that gets a .grad")
            assert "mod-active" in (x_toggle.get_attribute("class") or "")

            # Stepper: "step" highlights the first node run, a second "step" moves the highlight on.
            step_picture = step.locator(".pgw-graph").first
            info = step.locator(".pgw-step-info")
            assert "Before backward" in info.inner_text()
            assert step_picture.locator("g.pgw-current").count() == 0
            before = _html(step_picture)
            step_button.click()
            _wait_for(lambda: "Step 1 of" in info.inner_text(), UI_TIMEOUT / 1000, "stepper step 1")
            _wait_for(lambda: _html(step_picture) != before, UI_TIMEOUT / 1000, "the stepper to redraw")
            assert step_picture.locator("g.pgw-current").count() == 1
            first = step_picture.locator("g.pgw-current").get_attribute("id")
            step_button.click()
            _wait_for(lambda: "Step 2 of" in info.inner_text(), UI_TIMEOUT / 1000, "stepper step 2")
            _wait_for(lambda: step_picture.locator("g.pgw-current").count() == 1
                      and step_picture.locator("g.pgw-current").get_attribute("id") != first,
                      UI_TIMEOUT / 1000, "the highlight to move to the next node")
            assert step_picture.locator("g.pgw-done").count() >= 1

            # One picture of the whole notebook: make the window as tall as the notebook's content.
            height = page.evaluate("""() => {
                const cells = document.querySelectorAll('.jp-Notebook .jp-Cell');
                return cells[cells.length - 1].getBoundingClientRect().bottom
                       - cells[0].getBoundingClientRect().top; }""")
            page.set_viewport_size({"width": 1280, "height": max(900, min(int(height) + 200, 6000))})
            page.locator(".jp-Notebook .jp-Cell").first.scroll_into_view_if_needed()
            page.wait_for_timeout(300)  # let the layout settle after the resize
            page.screenshot(path=str(shot))
        finally:
            browser.close()

    assert shot.stat().st_size > 1000 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    out_dir = os.environ.get("PEDAGRAD_SCREENSHOT_DIR")
    if out_dir:
        os.makedirs(out_dir, exist_ok=True)
        shutil.copy(shot, os.path.join(out_dir, shot.name))

"""`make lessons` brings JupyterLab up, as root and as a normal user, with lesson 01 of the learner's copies open.

The command runs as a learner runs it; only where JupyterLab keeps its settings is moved to a
scratch folder (JUPYTER_CONFIG_DIR and friends), whose server config picks the port and token and
keeps it from opening a browser of its own. The page the learner's browser would be sent to (the
server's "open this file" page for the notebook) is then loaded in headless Chromium.
"""
import json
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "widgets"))
from browser_harness import KERNEL_TIMEOUT, _free_port, launch, log_tail, sync_playwright, wait_for  # noqa: E402

FIRST = sorted((ROOT / "lessons").glob("[0-9]*.ipynb"))[0].name
SETPRIV = shutil.which("setpriv")
UNSHARE = shutil.which("unshare")
USER_NAMESPACE = ["--user", "--map-user=1000", "--map-group=1000", "--"]


def reachable_by_others(path):
    """Whether a user who is neither the owner nor in the group can run ``path`` (every folder above searchable)."""
    path = Path(os.path.realpath(path))
    return path.stat().st_mode & 0o005 == 0o005 and all(p.stat().st_mode & 0o001 for p in path.parents)


def as_normal_user():
    """(command prefix, uid, gid) that runs `make lessons` as a user who is not root.

    From root: as ``nobody`` (setpriv), when this Python is reachable by other users; where it is
    not (a Python installed under root's private home), in a user namespace where the process is
    uid 1000 and JupyterLab sees a normal user, while files are reached with the caller's rights.
    Not root already: as oneself.
    """
    if os.geteuid() != 0:
        return [], os.getuid(), os.getgid()
    if SETPRIV and reachable_by_others(sys.executable):
        user = pwd.getpwnam("nobody")
        return [SETPRIV, f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups", "--"], \
            user.pw_uid, user.pw_gid
    if UNSHARE and subprocess.run([UNSHARE, *USER_NAMESPACE, "true"], capture_output=True).returncode == 0:
        return [UNSHARE, *USER_NAMESPACE], 0, 0
    pytest.skip("running as root, this Python is not reachable by other users, and user namespaces are not "
                "available: no way here to start JupyterLab as a normal user")


@pytest.fixture(params=["root", "a normal user"])
def learner(request):
    """Who runs `make lessons`, and a scratch home of theirs (readable along its whole path)."""
    if request.param == "root":
        if os.geteuid() != 0:
            pytest.skip("the tests do not run as root here, so JupyterLab cannot be started as root (CI runs as root)")
        prefix, uid, gid = [], 0, 0
    else:
        prefix, uid, gid = as_normal_user()
    base = Path(tempfile.mkdtemp(prefix="pedagrad-learner-"))  # not under pytest's own, private, folder
    os.chmod(base, 0o755)
    yield {"who": request.param, "prefix": prefix, "uid": uid, "gid": gid, "home": base}
    shutil.rmtree(base, ignore_errors=True)


def start_make_lessons(learner):
    home = learner["home"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "IPYTHON", "MPL", "VIRTUAL_ENV"))}
    env.update(HOME=str(home), WORKBOOK=str(home / "my-lessons"), JUPYTER_PREFER_ENV_PATH="1")
    for var in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTERLAB_SETTINGS_DIR",
                "JUPYTERLAB_WORKSPACES_DIR", "IPYTHONDIR", "MPLCONFIGDIR"):
        env[var] = str(home / var.lower())
    port, token = _free_port(), uuid.uuid4().hex
    settings = home / "jupyterlab_settings_dir" / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    settings.parent.mkdir(parents=True)
    settings.write_text(json.dumps({"windowingMode": "none"}))  # every cell on the page, for the checks below
    config = home / "jupyter_config_dir" / "jupyter_server_config.json"
    config.parent.mkdir()
    config.write_text(json.dumps({"ServerApp": {"open_browser": False, "ip": "127.0.0.1", "port": port,
                                                "port_retries": 0},
                                  "IdentityProvider": {"token": token}}))
    if os.geteuid() == 0:
        for path in [home, *home.rglob("*")]:
            os.chown(path, learner["uid"], learner["gid"])
    log_path = home / "make.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([*learner["prefix"], "make", "--no-print-directory", "-C", str(ROOT), "lessons"],
                                env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
    return proc, log_path, env


def stop(proc):
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(timeout=10)
            break
        except subprocess.TimeoutExpired:
            continue


def page_the_browser_is_sent_to(runtime, proc, log_path):
    """The URL in the server's "open this file" page for the notebook it was asked to open."""
    def found():
        if proc.poll() is not None:
            pytest.fail(f"`make lessons` exited with {proc.returncode}:\n{log_tail(log_path)}")
        pages = list(runtime.glob("jpserver-file-to-run-*-open.html"))
        return pages and re.search(r'href="([^"]+)"', pages[0].read_text())
    return wait_for(found, 90, "JupyterLab to start and name the page to open").group(1)


def test_make_lessons_opens_lesson_01_of_the_learners_copies(learner):
    proc, log_path, env = start_make_lessons(learner)
    try:
        url = page_the_browser_is_sent_to(Path(env["JUPYTER_RUNTIME_DIR"]), proc, log_path)
        assert f"/lab/tree/{FIRST}?token=" in url, url
        book = Path(env["WORKBOOK"])
        assert sorted(p.name for p in book.glob("[0-9]*.ipynb")) == \
            sorted(p.name for p in (ROOT / "lessons").glob("[0-9]*.ipynb"))
        assert (book / FIRST).stat().st_uid == learner["uid"], "the copies belong to the learner"
        with sync_playwright() as pw:
            browser = launch(pw)
            try:
                page = browser.new_page(viewport={"width": 1280, "height": 1000})
                page.goto(url.replace("localhost", "127.0.0.1"), wait_until="domcontentloaded", timeout=KERNEL_TIMEOUT)
                tab = page.locator(".jp-mod-current .lm-TabBar-tabLabel", has_text=FIRST)
                tab.first.wait_for(timeout=KERNEL_TIMEOUT)
                # the learner's copy: its exercise placeholders, no solution (the whole notebook is on the page)
                page.wait_for_function(
                    "document.querySelector('.jp-NotebookPanel').innerText.includes('YOUR CODE HERE')",
                    timeout=KERNEL_TIMEOUT)
                assert "### BEGIN SOLUTION" not in page.locator(".jp-NotebookPanel").first.inner_text()
                # trusted, so saved pictures and HTML show as such, not as their text
                page.wait_for_function("""() => {
                    const outputs = document.querySelectorAll(
                        '.jp-NotebookPanel .jp-OutputArea-output.jp-RenderedText');
                    return outputs.length > 5 && [...outputs].every(o => o.classList.contains('jp-mod-trusted')); }""",
                                       timeout=KERNEL_TIMEOUT)
                listing = page.locator(".jp-DirListing-itemName").all_inner_texts()
                assert FIRST in listing and "lessons" not in listing, f"the file browser shows {listing}"
            finally:
                browser.close()
    finally:
        stop(proc)

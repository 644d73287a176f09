"""The course in the browser: `make lite` builds a JupyterLite site from a clean checkout, and JupyterLab loads from it.

Running the lessons there needs Pyodide's package server on the internet; the Pages workflow does
that (.github/workflows/pages.yml). Here: the build, what the site holds, and JupyterLab loading
from it in headless Chromium with the lessons listed.
"""
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import build_lite  # noqa: E402  (tools of this repository, not installed modules)
import lite_browser  # noqa: E402
from binder_replay import copy_repository  # noqa: E402

LESSONS = sorted((ROOT / "lessons").glob("[0-9]*.ipynb"))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The site, built by `tools/build_lite.py` in a copy of the repository's files (no build/ left over)."""
    base = tmp_path_factory.mktemp("lite")
    checkout = base / "checkout"
    checkout.mkdir()
    copy_repository(checkout)
    assert not (checkout / "build").exists()
    result = subprocess.run([sys.executable, "tools/build_lite.py", "--out", str(base / "site")], cwd=checkout,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return base / "site"


def test_the_site_holds_every_lesson_opened_by_its_browser_cells(site):
    assert sorted(p.name for p in (site / "files").glob("*.ipynb")) == [p.name for p in LESSONS]
    for lesson in LESSONS:
        nb = nbformat.read(site / "files" / lesson.name, as_version=4)
        title = nbformat.read(lesson, as_version=4).cells[0].source.splitlines()[0]
        first, setup = nb.cells[0], nb.cells[1]
        assert first.source.startswith(title + "\n\n> **In the browser.**"), "the title, then what differs"
        assert setup.cell_type == "code" and "%pip install pedagrad-widgets" in setup.source
        assert not any("### BEGIN SOLUTION" in c.source for c in nb.cells), f"{lesson.name}: a solution left"
        assert nb.metadata.kernelspec.name == "python", "the Pyodide kernel's name"
    contents = json.loads((site / "api" / "contents" / "all.json").read_text())
    assert sorted(item["name"] for item in contents["content"]) == [p.name for p in LESSONS]


def test_the_site_serves_both_wheels_built_from_this_checkout(site):
    index = json.loads((site / "pypi" / "all.json").read_text())
    for name, package in (("pedagrad", "pedagrad"), ("pedagrad-widgets", "pedagrad_widgets")):
        version = __import__(package).__version__
        assert version in index[name]["releases"], (name, sorted(index[name]["releases"]))
        wheel = site / "pypi" / f"{package}-{version}-py3-none-any.whl"
        with zipfile.ZipFile(wheel) as z:
            assert f"{package}/__init__.py" in z.namelist()
    assert {"ipywidgets", "jupyterlab-widgets"} <= set(index), "the widgets' kernel side, matching the front end"
    config = json.loads((site / "jupyter-lite.json").read_text())["jupyter-config-data"]
    urls = config["litePluginSettings"][build_lite.KERNEL_PLUGIN]["pipliteUrls"]
    assert any(u.startswith("./pypi/all.json") for u in urls), urls
    assert any(e["name"] == "@jupyter-widgets/jupyterlab-manager" for e in config["federated_extensions"])


def test_the_front_page_opens_the_first_lesson(site):
    page = (site / "index.html").read_text()
    assert f'url=lab/index.html?path={LESSONS[0].name}"' in page
    assert 'id="jupyter-config-data"' in page, "JupyterLite's pages read the root configuration from it"


def test_jupyterlab_loads_from_the_site_in_chromium_with_the_lessons_listed(site):
    chromium = lite_browser.find_chromium()
    if chromium is None:
        pytest.skip("no Chromium: install Debian's chromium (apt-get install chromium) for the browser test")
    sync_playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed").sync_playwright
    with lite_browser.serve(site) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=lite_browser.FLAGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            assert lite_browser.check_site(page, url, site) == [p.name for p in LESSONS]
        finally:
            browser.close()


def test_the_setup_cell_says_in_words_what_did_not_load():
    """piplite reports success even when numpy failed to load: the import after it says so."""
    code = build_lite.SETUP_CODE.format(imports=", ".join(build_lite.PACKAGES))
    body = "\n".join(line for line in code.splitlines() if not line.startswith("%pip"))
    blocker = ("import sys\nclass Block:\n    def find_spec(self, name, path=None, target=None):\n"
               "        if name == 'numpy': raise ModuleNotFoundError(\"No module named 'numpy'\", name='numpy')\n"
               "sys.meta_path.insert(0, Block())\n")
    result = subprocess.run([sys.executable, "-c", blocker + body], capture_output=True, text=True)
    assert result.returncode != 0
    assert "RuntimeError: numpy did not load, so this lesson cannot run here" in result.stderr, result.stderr
    result = subprocess.run([sys.executable, "-c", body], capture_output=True, text=True)
    assert re.fullmatch(r"pedagrad \S+ is ready in the browser\.\n", result.stdout), result.stdout + result.stderr


def test_the_first_cell_names_what_differs_in_the_browser_for_that_lesson():
    def lesson(*code):
        return nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# A lesson\n\nText.")]
                                        + [nbformat.v4.new_code_cell(c) for c in code])
    plain = build_lite.browser_differences(lesson("x = 1"))
    assert plain == [build_lite.NOTHING_ELSE]
    training = build_lite.browser_differences(
        lesson("GraphView(y)", "%%same_in_pytorch\nimport torch", "loss.backward()"))
    assert len(training) == 3 and "graphviz" in training[0] and "no PyTorch" in training[1] and "slower" in training[2]


def test_the_readme_offers_the_course_in_the_browser_beside_binder():
    readme = (ROOT / "README.md").read_text()
    badge = re.search(r"\[!\[Try it in your browser\]\([^)]+\)\]\((\S+)\)", readme)
    assert badge, "a 'Try it in your browser' badge"
    assert badge.group(1) == f"https://pedagrad.github.io/pedagrad/lab/index.html?path={LESSONS[0].name}"
    assert abs(readme.index("[![Binder]") - badge.start()) < 400, "next to Binder's badge"


def test_the_pages_workflow_builds_runs_every_lesson_and_publishes():
    yaml = pytest.importorskip("yaml", reason="pyyaml reads the workflow (it comes with JupyterLab)")
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "pages.yml").read_text())
    steps = {name: [s.get("run", "") + s.get("uses", "") for s in job.get("steps", [])]
             for name, job in workflow["jobs"].items()}
    build = " ".join(steps["build"])
    assert "make lite" in build and "tools/lite_browser.py build/lite --run" in build
    assert "actions/upload-pages-artifact" in build and "--report" in build
    assert any("actions/deploy-pages" in s for s in steps["deploy"])
    assert any("--url" in s and "--run" in s for s in steps["published"]), "lesson 01 run on the published site"

"""Build the course as a static JupyterLite site: the lessons running in the browser's own Python, no server.

    make lite                              # the site in build/lite/; serve it with any static file server
    python tools/build_lite.py [--out DIR]
    python -m http.server -d build/lite    # then open http://127.0.0.1:8000/

What the site holds:

- JupyterLab (jupyterlite-core) and the Pyodide kernel (jupyterlite-pyodide-kernel), at the versions
  pinned in pyproject.toml's ``lite`` extra, with the ipywidgets front end installed here;
- pedagrad's and pedagrad-widgets' wheels, built from this checkout, and the ipywidgets wheels
  matching that front end, all served by the site itself (``pypi/``) for the kernel to install;
- the learner copies of the lessons (tools/learner_copies.py), each opened by a cell that installs
  those wheels into the page's Python, checks that everything the lesson uses did load (piplite
  reports success even when a package failed), and says what the browser cannot do;
- a front page that opens the first lesson.

Building needs only PyPI (for the build tools and the ipywidgets wheels). Running a lesson in the
browser needs the internet once more: Pyodide and its numpy and matplotlib come from Pyodide's own
package server (jsDelivr) when the kernel starts.
"""
import argparse
import importlib.metadata
import json
import shutil
import sys
from pathlib import Path

import nbformat

from commands import CommandFailed, run
from distributions import build as build_distributions
from learner_copies import learner_copy
from notebook_io import write_atomically

ROOT = Path(__file__).resolve().parent.parent
KERNEL_PLUGIN = "@jupyterlite/pyodide-kernel-extension:kernel"
# What the widgets need that neither Pyodide nor the kernel brings: ipywidgets, at the version whose
# front end (jupyterlab_widgets) is built into the site.
WIDGET_WHEELS = ("ipywidgets", "jupyterlab_widgets")
# What the lessons import, in the order a failure is most telling (numpy first: everything needs it).
PACKAGES = ("numpy", "matplotlib", "ipywidgets", "tqdm", "pedagrad", "pedagrad_widgets")

BROWSER_NOTE = """> **In the browser.** This copy of the lesson runs in your browser's own Python (Pyodide), with
> nothing installed on your computer; your changes are kept in this browser only. The first code
> cell installs pedagrad and its widgets into it (the first time, Python's numerical libraries
> come from Pyodide's package server: allow a few seconds). What differs from your own machine:
>
{differences}"""

SETUP_CODE = """# In the browser only: pedagrad and its widgets, from this site, into the page's Python
%pip install pedagrad-widgets
try:
    import {imports}
except ImportError as error:
    raise RuntimeError(f"{{error.name}} did not load, so this lesson cannot run here. Reload the page to "
                       "try again; if it keeps failing, your network may block Pyodide's package server: "
                       "run the course on Binder or on your own machine instead.") from None
print(f"pedagrad {{pedagrad.__version__}} is ready in the browser.")"""

DIFFERENCES = [  # (what in a lesson's code shows it, what to say about it)
    (("GraphView", "BackwardStepper", "GradModePlayground", "%graph"),
     "Graphs are drawn with the widgets' own layout: there is no graphviz in the browser."),
    (("%%same_in_pytorch",), "There is no PyTorch in the browser: the `%%same_in_pytorch` cells run pedagrad only, "
                             "and say so."),
    (("TrainingMonitor", "GradientFlow", ".backward()"),
     "Python runs a few times slower here than on your machine, so training takes longer."),
    (("HyperparameterExplorer",), "Each move of the explorer's sliders trains its small model again: expect a short "
                                  "wait after each one."),
    (("torch.save", "torch.load"), "Files you save go into this browser's storage, where the file browser shows "
                                   "them."),
]
NOTHING_ELSE = "Nothing else: everything in this lesson works here as it does there."


# JupyterLab settings of the site: every cell of a lesson kept on the page (short notebooks, and
# the browser run finds every cell), no news or update checks from a site that cannot act on them.
SETTINGS = {"@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
            "@jupyterlab/apputils-extension:notification": {"checkForUpdates": False, "fetchNews": "false"}}


def browser_differences(nb):
    """What differs in the browser for this lesson's code, one sentence each."""
    code = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "code")
    return [line for markers, line in DIFFERENCES if any(m in code for m in markers)] or [NOTHING_ELSE]


def browser_copy(lesson):
    """The learner copy of ``lesson`` for the site: its first cell says what differs in the browser, and a
    setup cell follows it."""
    copy, _ = learner_copy(nbformat.read(lesson, as_version=4), lesson.name)
    first = copy.cells[0]
    title, _, rest = first.source.partition("\n")
    note = BROWSER_NOTE.format(differences="\n".join(f"> - {line}" for line in browser_differences(copy)))
    first.source = f"{title}\n\n{note}\n{rest}" if title.startswith("#") else f"{note}\n\n{first.source}"
    setup = nbformat.v4.new_code_cell(SETUP_CODE.format(imports=", ".join(PACKAGES)))
    setup.id = "install-in-the-browser"
    copy.cells.insert(1, setup)
    copy.metadata["kernelspec"] = {"name": "python", "display_name": "Python (Pyodide)", "language": "python"}
    return copy


def widget_wheels(folder):
    """ipywidgets' wheels at the versions installed here (whose front end the site is built with)."""
    specs = [f"{name}=={importlib.metadata.version(name)}" for name in WIDGET_WHEELS]
    run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
         "--disable-pip-version-check", "-d", folder, *specs], "downloading the ipywidgets wheels")
    return sorted(p for p in folder.glob("*.whl") if p.name.split("-")[0].lower() in WIDGET_WHEELS)


def front_page(first):
    """The site's index.html: JupyterLite's root configuration (its pages read it), then the first lesson."""
    target = f"lab/index.html?path={first}"
    return ('<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            "<title>pedagrad: the course in your browser</title>\n"
            '<script id="jupyter-config-data" type="application/json" data-jupyter-lite-root=".">{}</script>\n'
            f'<meta http-equiv="refresh" content="0; url={target}">\n</head>\n'
            f'<body><p><a href="{target}">Open the first lesson</a>.</p></body>\n</html>\n')


def build_site(out, work):
    """Build the site into ``out`` (replaced), using ``work`` for what the build needs on the way."""
    lessons = sorted((ROOT / "lessons").glob("[0-9]*.ipynb"))
    if not lessons:
        raise CommandFailed("no lessons found in lessons/")
    content, wheels = work / "content", work / "wheels"
    for folder in (out, content, work / "lite"):
        shutil.rmtree(folder, ignore_errors=True)
    content.mkdir(parents=True)
    (work / "lite").mkdir()
    wheels.mkdir(parents=True, exist_ok=True)
    for lesson in lessons:
        write_atomically(browser_copy(lesson), content / lesson.name)
    ours = [wheel for _, wheel in build_distributions(work / "dist").values()]
    for old in wheels.glob("pedagrad*.whl"):
        old.unlink()
    for wheel in ours:
        shutil.copy2(wheel, wheels / wheel.name)
    theirs = widget_wheels(wheels)
    config = {"jupyter-config-data": {"appName": "pedagrad", "litePluginSettings": {KERNEL_PLUGIN: {}}}}
    (work / "lite" / "jupyter-lite.json").write_text(json.dumps(config, indent=2))
    (work / "lite" / "overrides.json").write_text(json.dumps(SETTINGS, indent=2))
    run([Path(sys.executable).parent / "jupyter-lite", "build", "--lite-dir", work / "lite", "--output-dir", out,
         "--contents", content, "--apps", "lab", "--no-sourcemaps", "--no-unused-shared-packages",
         *[arg for wheel in ours + theirs for arg in ("--piplite-wheels", wheel)]],
        "jupyter lite build", cwd=work / "lite")
    (out / "index.html").write_text(front_page(lessons[0].name))
    return lessons, ours + theirs


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "lite", help="where the site goes (replaced)")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "lite-work",
                        help="folder for the copies, wheels and build state")
    args = parser.parse_args()
    try:
        lessons, wheels = build_site(args.out.resolve(), args.work.resolve())
    except CommandFailed as e:
        print(f"make lite failed: {e}", file=sys.stderr)
        return 1
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    print(f"JupyterLite site in {args.out}: {len(lessons)} lessons, wheels {', '.join(w.name for w in wheels)}; "
          f"{size / 1e6:.0f} MB")
    print(f"serve it, e.g. {Path(sys.executable).name} -m http.server -d {args.out}, and open its front page")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Replay Binder's build of this repository without Docker, then run every lesson in the result.

    make binder-check
    python tools/binder_replay.py [--workdir DIR]

It takes repo2docker's steps, in a scratch folder:

1. a copy of the repository's files (tracked and new, not ignored);
2. a fresh virtual environment with the Python of ``binder/runtime.txt`` (or, if that version is
   not on this machine, this Python, and it says so); it is kept under ``build/`` and reused while
   the files it is built from are unchanged (``--fresh`` rebuilds it; a fresh checkout has no
   ``build/``, so CI always builds it);
3. the packages of ``binder/apt.txt`` must be installed here (CI installs them from that file);
4. what Binder's base image provides, at the versions it really has: repo2docker's own lock file
   for that Python (``repo2docker/buildpacks/conda/environment.py-3.X-linux-64.lock``, read from
   the ``REPO2DOCKER`` release on PyPI) gives the exact version of JupyterLab, Notebook, ipykernel,
   ipywidgets and everything under them; the image's own packages are installed from PyPI at
   those versions; then ``pip install -r binder/requirements.txt`` from the copy's root, free to
   upgrade what the requirements ask for, as on Binder;
5. ``binder/postBuild``, run as repo2docker runs it;

then it checks what a learner meets: the lessons Binder opens are trusted learner copies, the
widget libraries front and back share a major version, every lesson with its solutions passes
strict nbval in that environment (catching a package the lessons use but ``binder/`` forgot), and
each lesson's run time and peak memory, reported (a lesson over Binder's 1 GB fails the replay; run
times are reported only, since they depend on the machine). Exit status 0 when
all hold. pytest, nbval and nbclient are added beside the lessons to run them.

The replay cannot see what only Docker would show (conda's builds of those packages rather than
PyPI's, the user and home folder Binder uses, the jupyterhub-singleuser server a hub starts).
"""
import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The repo2docker release whose base environment mybinder.org builds with; its lock files say exactly
# which packages, at which versions, the image holds before binder/requirements.txt is installed.
REPO2DOCKER = "jupyter-repo2docker==2026.4.0"
LOCK_FOLDER = "repo2docker/buildpacks/conda"
NOT_FROM_PYPI = {"python", "pip", "nodejs", "jupyterhub-singleuser"}  # conda's own, or the hub's server
CONDA_TO_PYPI = {"nbconvert-core": "nbconvert", "python-fastjsonschema": "fastjsonschema", "brotli-python": "brotli"}
TEST_RUNNER = ["pytest", "nbval", "nbclient"]
LEAKY_SETTINGS = ("PYTHON", "VIRTUAL_ENV", "JUPYTER", "IPYTHON", "PYTEST_ADDOPTS", "MPLBACKEND", "PIP_USER",
                  "PIP_REQUIRE_VIRTUALENV", "PIP_TARGET", "PIP_PREFIX")  # this shell's, not Binder's


class ReplayError(Exception):
    """A step of the replay failed; the message says which and what to do."""


_clock = [time.perf_counter()]


def step(message):
    now = time.perf_counter()
    print(f"--> [{now - _clock[0]:5.0f} s] {message}", flush=True)


def run(cmd, cwd, env, what):
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise ReplayError(f"{what} failed (exit {result.returncode}): {' '.join(map(str, cmd))}\n"
                          f"{result.stdout[-3000:]}{result.stderr[-3000:]}")
    return result.stdout


def copy_repository(target):
    """The files git knows (tracked, or new and not ignored), as they are in the working tree."""
    def git_files(*options):
        try:
            listing = subprocess.run(["git", "ls-files", "-z", *options], cwd=ROOT, capture_output=True, check=True)
        except (OSError, subprocess.CalledProcessError) as e:
            raise ReplayError(f"the replay copies the files git knows, and `git ls-files` failed here: {e}") from None
        return [name for name in listing.stdout.decode().split("\0") if name]

    new = git_files("--others", "--exclude-standard")
    if new:
        print(f"    note: {len(new)} files not yet committed are copied too (Binder builds what is pushed): "
              + ", ".join(new[:5]) + (" ..." if len(new) > 5 else ""))
    for name in git_files("--cached") + new:
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def python_for(runtime):
    """The interpreter named by runtime.txt (``python-3.11``), or this one with a note if it is missing."""
    version = runtime.read_text().strip().removeprefix("python-")
    found = shutil.which(f"python{version}")
    if found:
        return found, version
    here = f"{sys.version_info.major}.{sys.version_info.minor}"
    print(f"    note: python{version} (binder/runtime.txt) is not on this machine; using Python {here}")
    return sys.executable, here


def missing_apt_packages(apt_txt):
    """Packages from apt.txt not installed here, or None where dpkg cannot tell (not a Debian system)."""
    if shutil.which("dpkg-query") is None:
        return None
    wanted = [line.strip() for line in apt_txt.read_text().splitlines() if line.strip() and not line.startswith("#")]
    missing = []
    for package in wanted:
        status = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True)
        if "install ok installed" not in status.stdout:
            missing.append(package)
    return missing


def repo2docker_wheel():
    """The ``REPO2DOCKER`` wheel from PyPI, downloaded once into build/ (pip's cache serves it again)."""
    folder = ROOT / "build" / "repo2docker"
    name, version = REPO2DOCKER.split("==")
    found = sorted(folder.glob(f"{name.replace('-', '_')}-{version}-*.whl"))
    if not found:
        run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--disable-pip-version-check",
             "--only-binary=:all:", "-d", str(folder), REPO2DOCKER], ROOT, dict(os.environ),
            f"downloading {REPO2DOCKER} (for its lock of Binder's base environment)")
        found = sorted(folder.glob(f"{name.replace('-', '_')}-{version}-*.whl"))
    return found[0]


def parse_lock(text):
    """``{package: version}`` of the Python packages in a conda explicit lock.

    Each line is ``https://.../name-version-build.conda#md5``; a Python package's build string starts
    with ``py`` (``pyhd8ed1ab_0``, ``py311h...``), unlike system libraries and metapackages.
    """
    pins = {}
    for line in text.splitlines():
        if line.startswith(("#", "@")) or not line.strip():
            continue
        filename = line.split("#")[0].rsplit("/", 1)[1].removesuffix(".conda").removesuffix(".tar.bz2")
        name, version, build = filename.rsplit("-", 2)
        if build.startswith("py"):
            pins[name] = version
    return pins


def parse_environment(text):
    """The package names an environment.yml asks for, in its order."""
    names, inside = [], False
    for line in text.splitlines():
        if line.startswith("dependencies:"):
            inside = True
        elif inside and line.startswith("- "):
            names.append(re.split(r"[=<>!\s#]", line[2:].strip(), maxsplit=1)[0])
        elif inside and line.strip() and not line.startswith((" ", "#")):
            inside = False
    return names


def base_image(version):
    """(what the image installs, ``{package: version}`` of everything in it) for Python ``version``, per repo2docker."""
    with zipfile.ZipFile(repo2docker_wheel()) as wheel:
        try:
            wanted = parse_environment(wheel.read(f"{LOCK_FOLDER}/environment.py-{version}.yml").decode())
            pins = parse_lock(wheel.read(f"{LOCK_FOLDER}/environment.py-{version}-linux-64.lock").decode())
        except KeyError:
            raise ReplayError(f"{REPO2DOCKER} has no base environment for Python {version} "
                              "(binder/runtime.txt): pick a version it supports") from None
    pins = {CONDA_TO_PYPI.get(name, name): v for name, v in pins.items()}
    top = [f"{name}=={pins[name]}" for name in wanted if name not in NOT_FROM_PYPI]
    return top, pins


def environment_key(copy, version, pins):
    """What the environment is built from: runtime, requirements, the base image and both distributions' metadata."""
    digest = hashlib.sha256(f"{version} {os.path.realpath(shutil.which(f'python{version}') or sys.executable)} "
                            f"{ROOT}".encode())
    for name in ("binder/runtime.txt", "binder/requirements.txt", "pyproject.toml", "widgets/pyproject.toml"):
        digest.update((copy / name).read_bytes())
    digest.update(" ".join([REPO2DOCKER, *TEST_RUNNER, *sorted(f"{k}=={v}" for k, v in pins.items())]).encode())
    return digest.hexdigest()[:16]


def build(copy, env, fresh):
    """Steps 2 to 5: the environment Binder would build from ``copy``; returns its python and the image's versions.

    The environment is kept under build/ and reused while everything it is built from stays the
    same (the project's own two distributions are reinstalled every time); ``fresh`` rebuilds it.
    """
    binder = copy / "binder"
    interpreter, version = python_for(binder / "runtime.txt")
    wanted_version = (binder / "runtime.txt").read_text().strip().removeprefix("python-")
    image, pins = base_image(wanted_version)
    home = ROOT / "build" / f"binder-env-{environment_key(copy, version, pins)}"
    python = home / "bin" / "python"
    env["PATH"] = f"{home / 'bin'}{os.pathsep}{env['PATH']}"
    env["VIRTUAL_ENV"] = str(home)
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]

    step("apt packages from binder/apt.txt")
    missing = missing_apt_packages(binder / "apt.txt")
    if missing is None:
        print("    note: not a Debian system, apt packages not checked")
    elif missing:
        raise ReplayError(f"binder/apt.txt asks for {', '.join(missing)}, not installed here: "
                          f"apt-get install {' '.join(missing)}, then run this again")

    if fresh or not (home / ".complete").exists():
        for stale in (ROOT / "build").glob("binder-env-*"):
            shutil.rmtree(stale)
        step(f"fresh virtual environment with Python {version}")
        run([interpreter, "-m", "venv", str(home)], copy, env, "creating the virtual environment")
        step(f"base image packages at {REPO2DOCKER.split('==')[0]} {REPO2DOCKER.split('==')[1]}'s versions "
             f"({', '.join(image)}), then pip install -r binder/requirements.txt")
        constraints = home / "base-image-constraints.txt"
        constraints.write_text("".join(f"{name}=={v}\n" for name, v in sorted(pins.items())))
        run(pip + ["-c", str(constraints), *image], copy, env, "installing the base image's packages")
        run(pip + ["-r", "binder/requirements.txt"], copy, env, "pip install -r binder/requirements.txt")
        run(pip + TEST_RUNNER, copy, env, "installing the test runner")
        (home / ".complete").touch()
    else:
        step(f"virtual environment built from these same binder files, reused ({home.name}; --fresh rebuilds)")
        local = [line.strip() for line in (binder / "requirements.txt").read_text().splitlines()
                 if line.strip().startswith((".", "/"))]
        run(pip + ["--no-deps", "--force-reinstall", *local], copy, env, "reinstalling the project's distributions")

    if (binder / "postBuild").exists():
        step("binder/postBuild")
        first = (binder / "postBuild").read_text().splitlines()[:4]
        if not any(line.strip() == "set -euo pipefail" for line in first):
            raise ReplayError("binder/postBuild must start with `set -euo pipefail` (else a failing step is ignored)")
        run(["bash", str(binder / "postBuild")], copy, env, "binder/postBuild")
    return python, pins


def check_learner_view(copy, python, env):
    """The lessons Binder opens are learner copies (no solutions left) and trusted."""
    step("the lessons Binder opens: learner copies, trusted")
    script = (
        "import json, sys, nbformat\n"
        "from nbformat.sign import NotebookNotary\n"
        "notary = NotebookNotary()\n"
        "report = {}\n"
        "for path in sys.argv[1:]:\n"
        "    nb = nbformat.read(path, as_version=4)\n"
        "    report[path] = {'trusted': notary.check_signature(nb),\n"
        "                    'solutions': sum('### BEGIN SOLUTION' in c.source for c in nb.cells)}\n"
        "print(json.dumps(report))\n")
    lessons = sorted(str(p) for p in (copy / "lessons").glob("[0-9]*.ipynb"))
    report = json.loads(run([str(python), "-c", script, *lessons], copy, env, "reading the lessons"))
    problems = [f"{Path(p).name}: " + ("not trusted" if not r["trusted"] else f"{r['solutions']} solutions left")
                for p, r in report.items() if not r["trusted"] or r["solutions"]]
    if problems:
        raise ReplayError("the lessons Binder opens are not ready: " + "; ".join(problems))
    print(f"    {len(report)} lessons, trusted, solutions folded away")


FRONT_END = ("jupyterlab", "notebook", "ipykernel", "ipywidgets", "jupyterlab_widgets")


def check_front_end_versions(python, copy, env, pins):
    """The Jupyter front end and kernel as Binder's image has them; ipywidgets and jupyterlab_widgets matched."""
    step("JupyterLab, Notebook, the kernel and the widget libraries")
    versions = json.loads(run([str(python), "-c",
                               "import json, sys, importlib.metadata as m; "
                               "print(json.dumps({p: m.version(p) for p in sys.argv[1:]}))", *FRONT_END],
                              copy, env, "reading versions"))
    if versions["ipywidgets"].split(".")[0] != "8" or versions["jupyterlab_widgets"].split(".")[0] != "3":
        raise ReplayError(f"ipywidgets {versions['ipywidgets']} needs jupyterlab_widgets 3 (ipywidgets 8); "
                          f"found jupyterlab_widgets {versions['jupyterlab_widgets']}")
    for name in ("jupyterlab", "notebook", "ipykernel"):
        if versions[name] != pins.get(name):
            raise ReplayError(f"{name} {versions[name]} is installed, but Binder's base image has {pins.get(name)}: "
                              "binder/requirements.txt must not replace the image's front end or kernel")
    print("    " + ", ".join(f"{k} {v}" + ("" if v == pins.get(k) else f" (base image {pins.get(k)}, upgraded by "
                                                                        "binder/requirements.txt)")
                             for k, v in versions.items()))
    return versions


def run_lessons(scratch, python, env):
    """Strict nbval over the lessons with their solutions, then each lesson's time and memory."""
    lessons = scratch / "lessons-with-solutions"
    shutil.copytree(ROOT / "lessons", lessons, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    ini = scratch / "pytest.ini"
    ini.write_text("[pytest]\nfilterwarnings = ignore:.*running over TCP without encryption.*\n")
    notebooks = sorted(str(p) for p in lessons.glob("[0-9]*.ipynb"))
    step(f"strict nbval over {len(notebooks)} lessons in the Binder environment")
    run([str(python), "-m", "pytest", "-c", str(ini), "-q", "-p", "no:cacheprovider", "--nbval",
         "--nbval-current-env", "--nbval-sanitize-with", str(ROOT / "tests" / "nbval_sanitize.cfg"), *notebooks],
        scratch, env, "nbval over the lessons")
    print("    passed")
    step("run time and peak memory of each lesson")
    out = run([str(python), str(ROOT / "tools" / "lesson_report.py"), *notebooks], scratch, env, "the lesson report")
    print("    " + out.strip().replace("\n", "\n    "))
    return out


def replay(workdir, fresh=False):
    scratch = Path(workdir)
    copy = scratch / "repo"
    if copy.exists():
        shutil.rmtree(copy)
    copy.mkdir(parents=True)
    shutil.rmtree(scratch / "lessons-with-solutions", ignore_errors=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(LEAKY_SETTINGS)}
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR", "MPLCONFIGDIR"):
        env[name] = str(scratch / "home" / name.lower())  # nothing read from or written to the user's own
    env["JUPYTER_PATH"] = env["JUPYTER_DATA_DIR"]
    env["PIP_NO_INPUT"] = "1"
    step("copy of the repository")
    copy_repository(copy)
    python, pins = build(copy, env, fresh)
    check_learner_view(copy, python, env)
    check_front_end_versions(python, copy, env, pins)
    return run_lessons(scratch, python, env)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, help="scratch folder to build in (kept); default: a temporary one")
    parser.add_argument("--fresh", action="store_true", help="rebuild the environment even if nothing changed")
    args = parser.parse_args()
    try:
        if args.workdir:
            replay(args.workdir, args.fresh)
        else:
            with tempfile.TemporaryDirectory(prefix="binder-replay-") as scratch:
                replay(scratch, args.fresh)
    except ReplayError as e:
        print(f"Binder replay failed: {e}", file=sys.stderr)
        return 1
    print("Binder replay: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Binder: what repo2docker reads, the README's launch links, and a replay of the build with the lessons run in it."""
import importlib.metadata
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BINDER = ROOT / "binder"
LAUNCH = re.compile(r"https://mybinder\.org/v2/gh/([\w.-]+/[\w.-]+)/HEAD\?urlpath=lab/tree/(lessons/[\w.-]+\.ipynb)")


def pins():
    lines = (BINDER / "requirements.txt").read_text().splitlines()
    return dict(line.split("==") for line in lines if re.match(r"^[A-Za-z0-9_.-]+==", line))


def test_binder_holds_only_what_repo2docker_reads():
    assert sorted(p.name for p in BINDER.iterdir()) == ["apt.txt", "postBuild", "requirements.txt", "runtime.txt"]
    assert re.fullmatch(r"python-3\.\d+\n", (BINDER / "runtime.txt").read_text())
    assert "graphviz" in (BINDER / "apt.txt").read_text().split()
    post_build = (BINDER / "postBuild").read_text().splitlines()
    assert post_build[0] == "#!/bin/bash" and "set -euo pipefail" in post_build[:5]


def test_binder_installs_both_distributions_from_the_repository():
    lines = [line.strip() for line in (BINDER / "requirements.txt").read_text().splitlines()]
    assert "." in lines and "./widgets" in lines


def test_the_tests_run_with_the_versions_pinned_for_binder():
    """`make install` installs the pinned versions; a different environment would test something else."""
    for package, version in pins().items():
        assert importlib.metadata.version(package) == version, (
            f"binder/requirements.txt pins {package}=={version} but the tests run with "
            f"{importlib.metadata.version(package)}; run `make install` (or update the pin and re-run the lessons)")


def test_the_readme_launches_every_lesson_on_binder():
    readme = (ROOT / "README.md").read_text()
    links = LAUNCH.findall(readme)
    lessons = sorted(f"lessons/{p.name}" for p in (ROOT / "lessons").glob("[0-9]*.ipynb"))
    assert sorted({path for _, path in links}) == lessons
    assert "[![Binder](https://mybinder.org/badge_logo.svg)]" in readme
    badge = re.search(r"\[!\[Binder\]\(https://mybinder\.org/badge_logo\.svg\)\]\((\S+)\)", readme).group(1)
    assert LAUNCH.fullmatch(badge) and badge.endswith(lessons[0]), "the badge opens the first lesson"
    assert len({repo for repo, _ in links}) == 1


def replay_tool():
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import binder_replay
    finally:
        sys.path.remove(str(ROOT / "tools"))
    return binder_replay


def apt_packages_missing():
    """binder/apt.txt's packages not installed here, asked of the replay tool itself."""
    return replay_tool().missing_apt_packages(BINDER / "apt.txt") or []


def test_the_replay_reads_a_conda_lock_and_an_environment_file():
    tool = replay_tool()
    lock = ("# platform: linux-64\n@EXPLICIT\n"
            "https://conda.anaconda.org/conda-forge/noarch/jupyterlab-4.4.9-pyhd8ed1ab_0.conda#6fcc0ffe\n"
            "https://conda.anaconda.org/conda-forge/linux-64/python-3.11.14-hfe2f287_1_cpython.conda#e87c753e\n"
            "https://conda.anaconda.org/conda-forge/linux-64/_libgcc_mutex-0.1-conda_forge.tar.bz2#d7c89558\n")
    assert tool.parse_lock(lock) == {"jupyterlab": "4.4.9"}, "Python packages only: not Python, nor system libraries"
    yml = "channels:\n- conda-forge\ndependencies:\n- python=3.11.*\n- jupyterlab==4.*   # https://x\n- notebook==7.*\n"
    assert tool.parse_environment(yml) == ["python", "jupyterlab", "notebook"]


def test_the_replay_installs_the_front_end_binders_image_really_has():
    """JupyterLab, Notebook and the kernel at the versions of repo2docker's lock for binder/runtime.txt's Python."""
    tool = replay_tool()
    version = (BINDER / "runtime.txt").read_text().strip().removeprefix("python-")
    try:
        image, pins = tool.base_image(version)
    except tool.ReplayError as e:
        pytest.fail(str(e))
    names = [spec.split("==")[0] for spec in image]
    assert "jupyterlab" in names and "notebook" in names and "python" not in names
    for package in ("jupyterlab", "notebook", "ipykernel", "ipywidgets", "jupyterlab_widgets"):
        assert re.fullmatch(r"\d+\.\d+\.\d+", pins[package]), (package, pins.get(package))
    assert pins["jupyterlab"].startswith("4.") and f"jupyterlab=={pins['jupyterlab']}" in image


@pytest.mark.skipif(sys.platform != "linux", reason="the replay builds a Linux environment, as Binder does")
@pytest.mark.skipif(bool(apt_packages_missing()), reason=f"the Binder replay needs binder/apt.txt's packages, "
                    f"missing here: {' '.join(apt_packages_missing())} (apt-get install them; CI does)")
def test_a_replay_of_the_binder_build_runs_every_lesson():
    """tools/binder_replay.py: fresh venv, requirements, postBuild, then strict nbval and memory per lesson."""
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "binder_replay.py")],
                            capture_output=True, text=True, timeout=1500)
    print(result.stdout)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert "Binder replay: all checks passed" in result.stdout

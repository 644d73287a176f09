"""Build pedagrad's two distributions, check their metadata, and try the wheels in a fresh virtual environment.

    make dist                                   # sdists and wheels in dist/, checked, then the smoke test
    python tools/distributions.py --out DIR [--no-smoke]

For each of ``pedagrad`` (the repository root) and ``pedagrad-widgets`` (``widgets/``): ``python -m
build`` makes the sdist and then the wheel from that sdist (so a file missing from the sdist breaks
the wheel), ``twine check --strict`` validates both (metadata, and the README rendered as PyPI
renders it), then a new virtual environment gets the two wheels from PyPI's point of view (their
dependencies resolved by pip) and runs ``SMOKE_TEST`` there, from a folder outside the checkout.
"""
import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from commands import CommandFailed, run

ROOT = Path(__file__).resolve().parent.parent
PROJECTS = {"pedagrad": ROOT, "pedagrad-widgets": ROOT / "widgets"}

# Run with the fresh environment's Python, in an empty folder: what a user does first after
# `pip install pedagrad-widgets`.
SMOKE_TEST = """
import importlib.metadata, sys
from pathlib import Path
import pedagrad as torch
import pedagrad_widgets
from pedagrad.datasets import digits_splits
from pedagrad_widgets import GraphView

for module, name in ((torch, "pedagrad"), (pedagrad_widgets, "pedagrad-widgets")):
    where = Path(module.__file__).resolve()
    assert Path(sys.prefix).resolve() in where.parents, f"{name} imported from {where}, not the new environment"
    assert module.__version__ == importlib.metadata.version(name), (module.__version__, name)

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = (x * x).sum()
y.backward()
assert repr(y) == "tensor(14., grad_fn=<SumBackward0>)", repr(y)
assert x.grad.tolist() == [2.0, 4.0, 6.0], x.grad

svg = GraphView(y)._repr_mimebundle_()["image/svg+xml"]
assert svg.startswith("<svg") and "SumBackward0" in svg and "MulBackward0" in svg, svg[:200]

train, test = digits_splits()
X, label = train[0]
assert len(train) + len(test) == 1797 and tuple(X.shape) == (64,), (len(train), len(test), X.shape)
print(f"smoke test passed: pedagrad {torch.__version__}, pedagrad-widgets {pedagrad_widgets.__version__}, "
      f"graph {len(svg)} characters of SVG, digits {len(train)} + {len(test)}")
"""


LEFT_BEHIND = {".git", ".venv", "build", "dist", "__pycache__", ".ipynb_checkpoints", ".hypothesis", "my-lessons"}


def source_files(project):
    """The files a build reads under ``project``: what git knows (tracked, or new and not ignored), or
    outside a git checkout (an unpacked archive) every file but build output; the other distribution's excluded."""
    try:
        listing = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "."],
                                 cwd=project, capture_output=True, text=True, check=True).stdout
        files = [project / name for name in listing.split("\0") if name]
    except (OSError, subprocess.CalledProcessError):
        files = [p for p in project.rglob("*") if not LEFT_BEHIND & set(p.relative_to(project).parts)
                 and not any(part.endswith(".egg-info") for part in p.parts)]
    if project == ROOT:
        files = [f for f in files if PROJECTS["pedagrad-widgets"] not in f.parents]
    return sorted(f for f in files if f.is_file())


def source_digest(project):
    digest = hashlib.sha256()
    for path in source_files(project):
        digest.update(str(path.relative_to(project)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def build(out, python=sys.executable):
    """``{name: (sdist, wheel)}`` in folder ``out``, each rebuilt only when its sources changed."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    built = {}
    for name, project in PROJECTS.items():
        stem = name.replace("-", "_")
        stamp = out / f".{stem}.sources"
        digest = source_digest(project)
        found = sorted(out.glob(f"{stem}-*.tar.gz")), sorted(out.glob(f"{stem}-*-py3-none-any.whl"))
        if not (stamp.exists() and stamp.read_text() == digest and all(len(f) == 1 for f in found)):
            for old in found[0] + found[1]:
                old.unlink()
            run([python, "-m", "build", "--outdir", out, project], f"building {name}")
            found = sorted(out.glob(f"{stem}-*.tar.gz")), sorted(out.glob(f"{stem}-*-py3-none-any.whl"))
            stamp.write_text(digest)
        built[name] = (found[0][0], found[1][0])
    return built


def check_metadata(paths, python=sys.executable):
    """``twine check --strict``: the metadata PyPI would accept, and the README rendered as PyPI renders it."""
    return run([python, "-m", "twine", "--no-color", "check", "--strict", *paths], "twine check")


def smoke_test(wheels, where, base_python=sys.executable):
    """Install ``wheels`` into a new virtual environment in ``where`` and run SMOKE_TEST there; its output."""
    env_dir, scratch = Path(where) / "venv", Path(where) / "empty"
    shutil.rmtree(env_dir, ignore_errors=True)
    scratch.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "PIP_USER"))}
    env["PIP_NO_INPUT"] = "1"
    run([base_python, "-m", "venv", env_dir], "creating a fresh virtual environment", env=env)
    python = env_dir / "bin" / "python"
    run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *wheels],
        "installing the wheels", env=env, cwd=scratch)
    return run([python, "-c", SMOKE_TEST], "the smoke test", env=env, cwd=scratch)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="folder for the sdists and wheels")
    parser.add_argument("--no-smoke", action="store_true", help="build and check only")
    args = parser.parse_args()
    try:
        built = build(args.out)
        paths = [p for pair in built.values() for p in pair]
        print(check_metadata(paths).strip())
        if not args.no_smoke:
            with tempfile.TemporaryDirectory(prefix="pedagrad-smoke-") as scratch:
                print(smoke_test([wheel for _, wheel in built.values()], scratch).strip())
    except CommandFailed as e:
        print(e, file=sys.stderr)
        return 1
    for path in paths:
        print(f"{path.relative_to(args.out.parent) if args.out.parent in path.parents else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

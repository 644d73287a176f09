"""From pip: both distributions build, carry the metadata PyPI and users expect, and work from a fresh environment."""
import ast
import importlib.metadata
import re
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import distributions  # noqa: E402  (a tool of this repository, not an installed module)

REPOSITORY = "https://github.com/pedagrad/pedagrad"
PACKAGES = {"pedagrad": ROOT / "pedagrad", "pedagrad-widgets": ROOT / "widgets" / "pedagrad_widgets"}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Both sdists and wheels, built from this checkout (about 10 s)."""
    return distributions.build(tmp_path_factory.mktemp("dist"))


def wheel_metadata(wheel):
    with zipfile.ZipFile(wheel) as z:
        name = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
        return Parser().parsestr(z.read(name).decode())


def test_sdists_and_wheels_build_and_pass_twine_check(built):
    paths = [p for pair in built.values() for p in pair]
    report = distributions.check_metadata(paths)
    assert report.count("PASSED") == 4, report


@pytest.mark.parametrize("name", PACKAGES)
def test_each_wheel_carries_the_metadata_pypi_shows(built, name):
    meta = wheel_metadata(built[name][1])
    classifiers = meta.get_all("Classifier")
    for expected in ("Framework :: Jupyter", "Intended Audience :: Education",
                     "Programming Language :: Python :: 3.11"):
        assert expected in classifiers, f"{name} lacks the classifier {expected!r}"
    assert meta["License-Expression"] == "MIT", "the licence is given as an SPDX expression, which PyPI shows"
    assert meta["Requires-Python"] == ">=3.11"
    minor = [int(c.rsplit(".", 1)[1]) for c in classifiers
             if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)]
    assert min(minor) == 11, "the oldest Python named is the one requires-python allows"
    assert meta["Author"] and len(meta["Keywords"].split(",")) >= 5
    urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL"))
    assert {"Homepage", "Source", "Issues"} <= set(urls) and all(u.startswith(REPOSITORY) for u in urls.values()
                                                                if "github.com" in u)
    assert meta["Description-Content-Type"] == "text/markdown" and len(meta.get_payload()) > 1000
    assert "LICENSE" in meta.get_all("License-File")
    with zipfile.ZipFile(built[name][1]) as z:
        assert any(n.endswith(".dist-info/licenses/LICENSE") for n in z.namelist())
    assert meta["Version"] == importlib.metadata.version(name), "the version comes from __version__"


def test_pedagrad_ships_its_third_party_notices_and_the_digits_data(built):
    with zipfile.ZipFile(built["pedagrad"][1]) as z:
        names = z.namelist()
    assert any(n.endswith(".dist-info/licenses/THIRD_PARTY_NOTICES.md") for n in names)
    assert "pedagrad/datasets/data/digits.csv.gz" in names and "pedagrad/datasets/data/README.md" in names


def test_the_widgets_require_the_pedagrad_they_are_released_with(built):
    pedagrad_version = wheel_metadata(built["pedagrad"][1])["Version"]
    requirement = next(Requirement(r) for r in wheel_metadata(built["pedagrad-widgets"][1]).get_all("Requires-Dist")
                       if Requirement(r).name == "pedagrad")
    assert requirement.specifier.contains(pedagrad_version), (str(requirement), pedagrad_version)
    major, minor = map(int, pedagrad_version.split(".")[:2])
    assert not requirement.specifier.contains(f"{major}.{minor + 1}.0"), \
        "a range closed at the next minor release: pedagrad 0.x may change its API there"


def test_both_packages_give_their_version():
    import pedagrad
    import pedagrad_widgets
    assert pedagrad.__version__ == importlib.metadata.version("pedagrad")
    assert pedagrad_widgets.__version__ == importlib.metadata.version("pedagrad-widgets")


def imported_top_level(package):
    names = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("name", PACKAGES)
def test_each_distribution_declares_exactly_the_packages_it_imports(built, name):
    """No dependency that nothing imports (graphviz's `dot` is run as a program), none imported but undeclared."""
    declared = {canonicalize_name(Requirement(r).name) for r in wheel_metadata(built[name][1]).get_all("Requires-Dist")
                if "extra ==" not in r}
    providers = importlib.metadata.packages_distributions()
    imported = set()
    for module in imported_top_level(PACKAGES[name]) - set(sys.stdlib_module_names) - {PACKAGES[name].name}:
        if module in ("torch",):  # optional: imported only where PyTorch is installed, to compare with it
            continue
        assert module in providers, f"{name} imports {module}, which no installed distribution provides"
        imported.update(canonicalize_name(d) for d in providers[module])
    assert declared == imported, f"{name}: declared {sorted(declared)}, imported {sorted(imported)}"


def test_a_fresh_environment_installs_the_wheels_and_runs_the_smoke_test(built, tmp_path):
    """Import, a backward pass, a GraphView drawn as SVG, the digits data: from the wheels alone (about 20 s)."""
    output = distributions.smoke_test([wheel for _, wheel in built.values()], tmp_path)
    assert "smoke test passed" in output, output


@pytest.mark.parametrize("readme", ["README.md", "widgets/README.md"])
def test_the_readmes_read_on_pypi_with_absolute_links_to_files_that_exist(readme):
    """PyPI shows a README away from the repository: relative links and images would break there."""
    text = (ROOT / readme).read_text()
    targets = re.findall(r"\]\(([^)\s]+)\)", text) + re.findall(r'src="([^"]+)"', text)
    assert targets
    for target in targets:
        assert target.startswith(("https://", "#")), f"{readme}: relative link {target!r}"
        for prefix in (f"{REPOSITORY}/blob/main/", f"{REPOSITORY}/tree/main/",
                       "https://raw.githubusercontent.com/pedagrad/pedagrad/main/"):
            if target.startswith(prefix):
                path = target[len(prefix):].split("#")[0]
                assert (ROOT / path).exists(), f"{readme} links to {path}, which is not in the repository"


def test_code_that_follows_pytorch_carries_its_notice_and_is_listed():
    notices = (ROOT / "THIRD_PARTY_NOTICES.md").read_text()
    notice = re.search(r"```\n(From PyTorch:.*?)```", notices, re.S).group(1)
    carrying = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pedagrad").rglob("*.py")
                      if "# From PyTorch:" in p.read_text())
    assert carrying, "at least the tensor printout follows torch/_tensor_str.py"
    listed = sorted(re.findall(r"^\| `(pedagrad/[\w/]+\.py)` \|", notices, re.M))
    assert carrying == listed, "each file that follows PyTorch's source is listed in THIRD_PARTY_NOTICES.md"
    for path in carrying:
        comment = "\n".join(line[2:] if line.startswith("# ") else line[1:]
                            for line in (ROOT / path).read_text().splitlines() if line.startswith("#"))
        assert notice.strip() in comment, f"{path} carries PyTorch's notice in full"
    assert "Redistribution and use in source and binary forms" in notice and "3. Neither the names" in notice


def test_the_widgets_licence_is_the_projects():
    assert (ROOT / "widgets" / "LICENSE").read_text() == (ROOT / "LICENSE").read_text()

"""docs/teaching.md keeps step with lessons/, and its nbgitpuller link is one a JupyterHub can follow."""
import re
import sys
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import teaching_guide  # noqa: E402  (a tool of this repository, not an installed module)

GUIDE = (ROOT / "docs" / "teaching.md").read_text()
LESSONS = sorted((ROOT / "lessons").glob("[0-9]*.ipynb"))


def test_the_table_of_lessons_is_the_one_the_lesson_files_give():
    shown = teaching_guide.generated_part(GUIDE)
    assert shown == teaching_guide.table(), "run `python tools/teaching_guide.py` to bring the table up to date"
    assert "not measured yet" not in shown, "run `python tools/teaching_guide.py --measure` to fill the run times"


def test_every_lesson_has_its_section_and_no_section_is_left_over():
    sections = re.findall(r"^### `(\d\d-[\w-]+\.ipynb)`$", GUIDE, re.M)
    assert sections == [p.name for p in LESSONS], "one section per lesson file, in course order: rename or add them"


def test_each_section_says_what_to_live_code_and_answers_questions_with_a_place_in_the_lesson():
    parts = re.split(r"^### `\d\d-[\w-]+\.ipynb`$", GUIDE.split("## Handing the course")[0], flags=re.M)[1:]
    for lesson, part in zip(LESSONS, parts):
        assert "**Live-code:**" in part and "**Questions learners ask:**" in part, lesson.name
        answers = re.findall(r'^  - ".+?" – (.+)$', part, re.M)
        assert len(answers) >= 3, f"{lesson.name}: at least three questions"
        assert all(re.search(r"section \d|Exercise \d", a) for a in answers), f"{lesson.name}: {answers}"


def test_the_nbgitpuller_link_is_well_formed_and_opens_the_first_lesson():
    link = teaching_guide.nbgitpuller_link("https://hub.example.edu/", None)
    url = urllib.parse.urlsplit(link)
    assert (url.scheme, url.netloc, url.path) == ("https", "hub.example.edu", "/hub/user-redirect/git-pull")
    query = urllib.parse.parse_qs(url.query, strict_parsing=True)
    assert query == {"repo": ["https://github.com/pedagrad/pedagrad"], "branch": ["main"],
                     "urlpath": [f"lab/tree/pedagrad/lessons/{LESSONS[0].name}"]}
    assert all(c not in url.query for c in " /:"), "values are URL-encoded"
    folder, rest = query["urlpath"][0].removeprefix("lab/tree/").split("/", 1)
    assert folder == query["repo"][0].rsplit("/", 1)[1] and (ROOT / rest).is_file(), \
        "nbgitpuller clones into a folder named after the repository; the path inside it exists"
    assert link in GUIDE, "the guide shows the link the tool makes"


def test_a_link_can_open_another_lesson_on_another_branch():
    link = teaching_guide.nbgitpuller_link("https://hub.example.edu", LESSONS[-1].name, "class-2026")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)
    assert query["branch"] == ["class-2026"] and query["urlpath"][0].endswith(LESSONS[-1].name)

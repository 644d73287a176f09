"""The notebook widgets in a real browser: JupyterLab + headless Chromium driven by Playwright.

Starts JupyterLab on a free loopback port with isolated config/runtime/settings folders, writes a
small notebook (GraphView, GradModePlayground, BackwardStepper), runs it in headless Chromium,
and checks that the pictures and controls render and that a requires_grad toggle and the
stepper's "step" button change the pictures. A screenshot is written to the test's temp folder
(and copied to $PEDAGRAD_SCREENSHOT_DIR when that is set).

Needs: Debian's chromium (/usr/bin/chromium), `pip install playwright jupyterlab` (never
`playwright install`: the system Chromium is used). Skips otherwise. The server, browser and
notebook chores live in browser_harness.py.
"""
import re

from browser_harness import UI_TIMEOUT, open_notebook, html, jupyter_server, wait_for

DONE_MARKER = "PGW-CELLS-DONE"
NOTEBOOK = "browser_demo.ipynb"
__all__ = ["jupyter_server"]  # the fixture, imported for pytest

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


def test_widgets_render_and_respond_in_jupyterlab(jupyter_server, tmp_path):
    shot = tmp_path / "pedagrad_widgets_browser.png"
    with open_notebook(jupyter_server, NOTEBOOK, CELLS) as notebook:
        page = notebook.page
        notebook.run_all(DONE_MARKER)

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
        before = html(play_picture)
        grad_leaves = play_picture.locator("g.pgw-leaf_grad").count()
        assert "x has requires_grad=False" in sentence.inner_text()
        x_toggle = toggles.filter(has_text="x.requires_grad")
        x_toggle.click()
        wait_for(lambda: html(play_picture) != before, UI_TIMEOUT / 1000, "the playground to redraw")
        wait_for(lambda: "Every input requires grad" in sentence.inner_text(), UI_TIMEOUT / 1000,
                 "the playground's explanation to change")
        wait_for(lambda: play_picture.locator("g.pgw-leaf_grad").count() == grad_leaves + 1, UI_TIMEOUT / 1000,
                 "x to be drawn as a leaf that gets a .grad")
        assert "mod-active" in (x_toggle.get_attribute("class") or "")

        # Stepper: "step" highlights the first node run, a second "step" moves the highlight on.
        step_picture = step.locator(".pgw-graph").first
        info = step.locator(".pgw-step-info")
        assert "Before backward" in info.inner_text()
        assert step_picture.locator("g.pgw-current").count() == 0
        before = html(step_picture)
        step_button.click()
        wait_for(lambda: "Step 1 of" in info.inner_text(), UI_TIMEOUT / 1000, "stepper step 1")
        wait_for(lambda: html(step_picture) != before, UI_TIMEOUT / 1000, "the stepper to redraw")
        assert step_picture.locator("g.pgw-current").count() == 1
        first = step_picture.locator("g.pgw-current").get_attribute("id")
        step_button.click()
        wait_for(lambda: "Step 2 of" in info.inner_text(), UI_TIMEOUT / 1000, "stepper step 2")
        wait_for(lambda: step_picture.locator("g.pgw-current").count() == 1
                 and step_picture.locator("g.pgw-current").get_attribute("id") != first,
                 UI_TIMEOUT / 1000, "the highlight to move to the next node")
        assert step_picture.locator("g.pgw-done").count() >= 1

        notebook.screenshot(shot)

"""The training widgets in a real browser: JupyterLab + headless Chromium driven by Playwright.

A notebook trains the digits MLP for a few seconds feeding a TrainingMonitor, trains a deep
sigmoid MLP feeding a GradientFlow, and shows a HyperparameterExplorer. The test checks that the
monitor's picture changed several times while its cell ran, that moving the explorer's batch-size
slider trains and redraws, and that the notebook saved with Ctrl+S holds the final pictures
(the same PNGs as the live views, the slider's run included) with their stable text. A screenshot is written to
the test's temp folder (and copied to $PEDAGRAD_SCREENSHOT_DIR when that is set).

Needs what test_browser.py needs; skips otherwise.
"""
import base64

from browser_harness import UI_TIMEOUT, open_notebook, jupyter_server, wait_for

DONE_MARKER = "PGW-TRAINING-DONE"
NOTEBOOK = "browser_training.ipynb"
EPOCHS = 24
FLOW_STEPS = 60
__all__ = ["jupyter_server"]  # the fixture, imported for pytest

CELLS = [
    """\
import time
import pedagrad
from pedagrad import nn
from pedagrad.datasets import digits_splits
from pedagrad_widgets import GradientFlow, HyperparameterExplorer, TrainingMonitor

train, test = digits_splits()
loss_fn = nn.CrossEntropyLoss()""",
    # each epoch takes at least 0.25 s, so the monitor (which keeps drawing under 5 % of the time) redraws a few times
    f"""\
pedagrad.manual_seed(0)
loader = pedagrad.utils.data.DataLoader(train, batch_size=64, shuffle=True)
model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
optimizer = pedagrad.optim.SGD(model.parameters(), lr=0.1)
monitor = TrainingMonitor(epochs={EPOCHS})
monitor.add_class("pgw-test-monitor")
for epoch in range({EPOCHS}):
    start, total = time.perf_counter(), 0.0
    for i, (X, y) in enumerate(loader):
        loss = loss_fn(model(X), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item()
        monitor.batch(i, len(loader))
    with pedagrad.no_grad():
        val_loss = loss_fn(model(test.tensors[0]), test.tensors[1]).item()
    time.sleep(max(0.0, 0.25 - (time.perf_counter() - start)))
    monitor.update(epoch, train_loss=total / len(loader), val_loss=val_loss)""",
    f"""\
pedagrad.manual_seed(0)
deep = nn.Sequential(nn.Linear(64, 32), nn.Sigmoid(), nn.Linear(32, 32), nn.Sigmoid(),
                     nn.Linear(32, 32), nn.Sigmoid(), nn.Linear(32, 10))
flow = GradientFlow(deep)
flow.add_class("pgw-test-flow")
display(flow)
sgd = pedagrad.optim.SGD(deep.parameters(), lr=0.5)
X, y = train.tensors
for step in range({FLOW_STEPS}):
    loss = loss_fn(deep(X[:256]), y[:256])
    sgd.zero_grad()
    loss.backward()
    flow.update()
    sgd.step()""",
    """\
explorer = HyperparameterExplorer(epochs=8)
explorer.add_class("pgw-test-explorer")
explorer""",
    f'print("{DONE_MARKER}")',
]

# Records every new src of the three pictures, and whether the cell showing it was running then.
RECORD_PICTURES = """() => {
    window.pgwPictures = {};
    const record = () => {
        for (const key of ['monitor', 'flow', 'explorer']) {
            const img = document.querySelector(`.pgw-test-${key} img.widget-image`);
            if (!img || !img.src) continue;
            const seen = window.pgwPictures[key] = window.pgwPictures[key] || [];
            if (seen.length && seen[seen.length - 1].src === img.src) continue;
            const prompt = img.closest('.jp-Cell').querySelector('.jp-InputPrompt').textContent;
            seen.push({src: img.src, running: prompt.includes('*')});
        }
    };
    new MutationObserver(record).observe(document.body,
        {subtree: true, childList: true, attributes: true, attributeFilter: ['src']});
}"""

# The bytes behind an <img>'s (blob) src, base64-encoded.
IMAGE_BYTES = """async (img) => {
    const bytes = new Uint8Array(await (await fetch(img.src)).arrayBuffer());
    let text = '';
    for (const b of bytes) text += String.fromCharCode(b);
    return btoa(text);
}"""


def outputs_of(saved, index):
    """The outputs the saved notebook holds for the cell at ``index``."""
    return saved["cells"][index]["outputs"]


def text_of(output):
    """An output's text/plain (a saved notebook may store it as a list of lines)."""
    text = output["data"]["text/plain"]
    return text if isinstance(text, str) else "".join(text)


def png_of(output):
    data = base64.b64decode("".join(output["data"]["image/png"]))
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return data


def test_training_widgets_update_live_and_leave_pictures_in_the_saved_notebook(jupyter_server, tmp_path):
    shot = tmp_path / "pedagrad_training_widgets_browser.png"
    with open_notebook(jupyter_server, NOTEBOOK, CELLS) as notebook:
        page = notebook.page
        page.evaluate(RECORD_PICTURES)
        notebook.run_all(DONE_MARKER)

        # The monitor redrew while its cell ran: more than one change of the picture, then the final one.
        pictures = page.evaluate("() => window.pgwPictures")
        monitor_srcs = pictures.get("monitor", [])
        while_running = [p for p in monitor_srcs if p["running"]]
        assert len(while_running) >= 3, f"the monitor's picture changed too rarely while training: {monitor_srcs}"
        monitor_img = page.locator(".pgw-test-monitor img.widget-image")
        box = monitor_img.bounding_box()
        assert box and box["width"] > 300 and box["height"] > 100, f"the monitor's picture is empty: {box}"
        final_monitor_png = base64.b64decode(monitor_img.evaluate(IMAGE_BYTES))
        assert f"{EPOCHS}/{EPOCHS} epochs" in page.locator(".pgw-test-monitor").inner_text()

        flow_img = page.locator(".pgw-test-flow img.widget-image")
        assert flow_img.bounding_box()["width"] > 300
        assert "0.weight's gradient is" in page.locator(".pgw-test-flow").inner_text()

        # The explorer: move the batch-size slider one notch (32 -> 64) from the keyboard.
        explorer = page.locator(".pgw-test-explorer")
        explorer_img = explorer.locator("img.widget-image")
        status = explorer.locator(".widget-html").first
        before = explorer_img.get_attribute("src")
        assert "batch 32, 8 epochs" in status.inner_text()
        batch_slider = explorer.locator(".widget-slider").nth(1)
        assert "batch size" in batch_slider.inner_text()
        batch_slider.locator(".noUi-handle").first.focus()
        page.keyboard.press("ArrowRight")
        wait_for(lambda: "batch 64, 8 epochs" in status.inner_text(), UI_TIMEOUT / 1000,
                 "the explorer to train the new setting")
        wait_for(lambda: explorer_img.get_attribute("src") != before, UI_TIMEOUT / 1000,
                 "the explorer's picture to change")
        assert "64" in batch_slider.inner_text()
        final_explorer_png = base64.b64decode(explorer_img.evaluate(IMAGE_BYTES))

        # each picture is shown at its own size, not stretched to the width of its box
        for key in ("monitor", "flow", "explorer"):
            size = page.locator(f".pgw-test-{key} img.widget-image").evaluate(
                "i => [i.naturalWidth, i.naturalHeight, i.clientWidth, i.clientHeight]")
            assert size[:2] == size[2:] and size[0] > 300, f"{key}: picture {size[:2]} shown at {size[2:]}"

        saved = notebook.save()
        notebook.screenshot(shot)

    # The saved notebook: each widget's output holds a picture and the stable text nbval compares.
    (monitor_out,) = outputs_of(saved, 1)
    assert monitor_out["output_type"] == "display_data"
    assert text_of(monitor_out).startswith(f"TrainingMonitor: {EPOCHS}/{EPOCHS} epochs, train_loss ")
    assert png_of(monitor_out) == final_monitor_png  # the final picture, the one the live view ended with
    (flow_out,) = outputs_of(saved, 2)
    assert text_of(flow_out).startswith(f"GradientFlow: {FLOW_STEPS} steps, 4 parameters")
    png_of(flow_out)
    (explorer_out,) = outputs_of(saved, 3)
    # the run the slider started is in the saved output too (JupyterLab keeps the displaying cell's
    # output open for updates until the cell runs again)
    first_line = text_of(explorer_out).splitlines()[0]
    assert first_line == "HyperparameterExplorer: 2 runs (latest: lr=0.1, batch 64, 8 epochs)"
    assert png_of(explorer_out) == final_explorer_png

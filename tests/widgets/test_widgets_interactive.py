"""The grad-mode playground, the backward stepper and the %graph magic, driven as a learner would."""
import pytest

pytest.importorskip("ipywidgets", reason="pedagrad_widgets needs ipywidgets (pip install -e widgets/)")
pytest.importorskip("pedagrad_widgets", reason="pedagrad-widgets is not installed (pip install -e widgets/)")

import pedagrad as torch  # noqa: E402
from pedagrad_widgets import BackwardStepper, GradModePlayground  # noqa: E402


def tensor_styles(view):
    return {n.title: n.style for n in view.model.nodes if n.kind == "tensor"}


def test_playground_default_state_and_toggles():
    p = GradModePlayground()
    assert p.got_grad() == ["w1", "w2"] and set(p.has_grad_fn()) == {"h", "y"}
    assert tensor_styles(p.graph)["x"] == "leaf" and tensor_styles(p.graph)["w1"] == "leaf_grad"
    assert "x has requires_grad=False" in p.explanation
    p.toggles["x"].value = True
    assert p.got_grad() == ["x", "w1", "w2"] and tensor_styles(p.graph)["x"] == "leaf_grad"
    assert "Every input requires grad" in p.explanation
    assert "x.requires_grad" in [t.description for t in p.toggles.values()]


def test_playground_detach_cuts_the_graph():
    p = GradModePlayground()
    p.detach["h"].value = True
    assert p.got_grad() == ["w2"]
    assert tensor_styles(p.graph)["h"] == "leaf"  # a detached tensor is a leaf that is not tracked
    assert "h.detach() cuts the graph" in p.explanation and "w1" in p.explanation


def test_playground_no_grad_records_nothing():
    p = GradModePlayground()
    p.no_grad.value = True
    assert p.got_grad() == [] and p.has_grad_fn() == []
    assert "torch.no_grad()" in p.explanation
    assert not any(n.kind == "function" for n in p.graph.model.nodes)
    p.no_grad.value = False
    assert p.got_grad() == ["w1", "w2"]


def test_playground_with_the_learners_function():
    def f(a, b, mark):
        return (mark("z", a * b) + a).sum()

    p = GradModePlayground(f, {"a": torch.tensor([1.0, 2.0], requires_grad=True), "b": torch.tensor([3.0, 4.0])})
    assert p.got_grad() == ["a"]
    p.detach["z"].value = True
    assert p.got_grad() == ["a"]  # a still reaches y through "+ a"
    with pytest.raises(TypeError, match="fn needs inputs"):
        GradModePlayground(f, {"a": torch.tensor([1.0])})


def make_loss():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    w = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
    loss = (x * w).tanh().sum() + (w * w).sum()
    return x, w, loss


def test_stepper_walks_node_by_node_and_matches_backward():
    x, w, loss = make_loss()
    s = BackwardStepper(loss, names={"x": x, "w": w, "loss": loss})
    assert x.grad is None and s.position == 0 and s.step_button.disabled is False
    s.step_button.click()
    assert s.current_node_name() == "AddBackward0"
    current = [n for n in s.graph.model.nodes if n.state == "current"]
    assert [n.title for n in current] == ["AddBackward0"]
    assert "Step 1 of" in s.info.value and "grad" in s.graph.svg
    while not s.step_button.disabled:
        s.step_button.click()
    x2, w2, loss2 = make_loss()
    loss2.backward()
    assert (x.grad._data == x2.grad._data).all() and (w.grad._data == w2.grad._data).all()
    assert "every .grad now equals" in s.info.value


def test_stepper_back_and_reset_restore_grads():
    x, w, loss = make_loss()
    s = BackwardStepper(loss, names={"x": x, "w": w, "loss": loss})
    seen = []
    for _ in range(len(s.steps)):
        s.step()
        seen.append(None if w.grad is None else w.grad._data.copy())
    s.back()
    assert s.position == len(s.steps) - 1
    prev = seen[-2]
    assert (prev is None and w.grad is None) or (w.grad._data == prev).all()
    s.reset_button.click()
    assert x.grad is None and w.grad is None and s.position == 0
    assert not any(n.state for n in s.graph.model.nodes)
    s.slider.value = 3  # the play widget and slider drive the same position
    assert s.position == 3


def test_stepper_shows_the_plus_equals_into_an_existing_grad():
    x, w, loss = make_loss()
    (w * 10).sum().backward()  # w.grad already holds 10s: backward adds into it
    s = BackwardStepper(loss, names={"x": x, "w": w, "loss": loss})
    assert w.grad.tolist() == [10.0, 10.0, 10.0]
    k = next(i for i, st in enumerate(s.steps, 1) if st.variable is w)
    s.go(k)
    assert "w.grad" in s.info.value and "+=" in s.info.value
    assert any(e.label.startswith("+= ") for e in s.graph.model.edges)
    s.run_to_end()
    x2, w2, loss2 = make_loss()
    (w2 * 10).sum().backward()
    loss2.backward()
    assert (w.grad._data == w2.grad._data).all()
    s.reset()
    assert w.grad.tolist() == [10.0, 10.0, 10.0]


def test_stepper_refuses_torch_with_a_clear_message():
    t = pytest.importorskip("torch", reason="PyTorch is not installed")
    x = t.tensor([1.0], requires_grad=True)
    with pytest.raises(TypeError, match="pedagrad's backward"):
        BackwardStepper((x * 2).sum())


def test_magic_and_rich_display_only_after_load_ext():
    pytest.importorskip("IPython")
    from IPython.testing.globalipapp import get_ipython
    shell = get_ipython()
    shell.run_cell("import pedagrad as torch\nq = torch.tensor([1.0], requires_grad=True)\nr = q * 2")
    fmt = shell.display_formatter
    data, _ = fmt.format(shell.user_ns["r"])
    assert "image/svg+xml" not in data  # off until loaded: printouts stay torch's
    shell.run_cell("%load_ext pedagrad_widgets")
    try:
        data, _ = fmt.format(shell.user_ns["r"])
        assert data["text/plain"] == "tensor([2.], grad_fn=<MulBackward0>)"
        assert "MulBackward0" in data["image/svg+xml"]
        view = shell.run_line_magic("graph", "r")
        assert view.model is not None and "MulBackward0" in view.svg
        with pytest.raises(ValueError, match="needs an expression"):
            shell.run_line_magic("graph", "")
    finally:
        shell.run_cell("%unload_ext pedagrad_widgets")
    data, _ = fmt.format(shell.user_ns["r"])
    assert "image/svg+xml" not in data


def test_stepper_record_survives_zeroing_the_live_grad():
    import pedagrad as pg
    from pedagrad_widgets import BackwardStepper

    w = pg.tensor([1.0, 2.0], requires_grad=True)
    stepper = BackwardStepper((w * pg.tensor([5.0, 7.0])).sum())
    stepper.run_to_end()
    w.grad.zero_()
    stepper.reset()
    stepper.run_to_end()
    assert w.grad.tolist() == [5.0, 7.0]


def test_stepper_and_playground_show_a_stable_text_and_their_picture():
    w = torch.tensor(3.0, requires_grad=True)
    loss = (2 * w) ** 2
    stepper = BackwardStepper(loss, names={"w": w, "loss": loss})
    before = repr(stepper)
    assert before == "BackwardStepper(3 nodes; step(), back(), reset(), run_to_end(), .describe(k))"
    assert stepper.text().startswith("Before backward. 3 nodes will run")
    stepper.run_to_end()
    assert repr(stepper) == before, "the text nbval compares does not depend on the step"
    assert stepper.text() == ("Step 3 of 3: AccumulateGrad received grad 24. and added it into w.grad: "
                              "None += 24. → 24. Done: every .grad now equals what loss.backward() gives.")
    bundle = stepper._repr_mimebundle_()
    assert bundle["text/plain"] == before and bundle["image/svg+xml"] == stepper.graph.svg

    playground = GradModePlayground()
    before = repr(playground)
    playground.no_grad.value = True
    assert repr(playground) == before == ("GradModePlayground(switches: x.requires_grad, w1.requires_grad, "
                                          "w2.requires_grad, no_grad(), h.detach(); .explanation says what they do)")
    assert playground._repr_mimebundle_()["image/svg+xml"] == playground.graph.svg

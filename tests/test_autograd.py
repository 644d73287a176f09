"""The autograd semantics a learner relies on, one behaviour per test."""
import gc
import warnings

import numpy as np
import pytest

import pedagrad as pg
from pedagrad import autograd


def leaf(*values, dtype=pg.float64):
    return pg.tensor(list(values), dtype=dtype, requires_grad=True)


# -- the graph --------------------------------------------------------------------------------

def test_leaves_and_grad_fn():
    x = leaf(1.0, 2.0)
    y = x * 2
    assert x.is_leaf and x.grad_fn is None
    assert not y.is_leaf and y.grad_fn.name() == "MulBackward0"
    assert pg.tensor([1.0]).is_leaf  # a tensor that needs no grad is a leaf too


def test_next_functions_reach_leaves_through_accumulate_grad():
    x, w = leaf(1.0, 2.0), leaf(3.0, 4.0)
    y = (x * w).sum()
    mul = y.grad_fn.next_functions[0][0]
    acc_x, acc_w = (fn for fn, _ in mul.next_functions)
    assert acc_x.name() == "torch::autograd::AccumulateGrad"
    assert acc_x.variable is x and acc_w.variable is w
    # every use of a leaf goes through the same AccumulateGrad node
    assert (x + 1).grad_fn.next_functions[0][0] is acc_x


def test_number_operands_get_an_empty_edge():
    x = leaf(1.0)
    assert (x + 2).grad_fn.next_functions[1] == (None, 0)
    assert len((2 - x).grad_fn.next_functions) == 1  # RsubBackward1 takes the number as a parameter


def test_inputs_that_need_no_grad_get_an_empty_edge():
    x, c = leaf(1.0), pg.tensor([2.0], dtype=pg.float64)
    assert (x * c).grad_fn.next_functions[1] == (None, 0)
    assert not (c * c).requires_grad and (c * c).grad_fn is None


def test_saved_tensors_are_exposed_and_freed_after_backward():
    x = leaf(1.0, 2.0)
    y = x.exp()
    z = (x * y).sum()
    assert z.grad_fn.next_functions[0][0]._saved_self is x
    assert pg.equal(y.grad_fn._saved_result, y)
    z.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.grad_fn._saved_result


# -- backward ---------------------------------------------------------------------------------

def test_backward_applies_the_chain_rule():
    x = leaf(0.5, -1.0)
    y = (x.tanh() * 3).sum()
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), 3 * (1 - np.tanh([0.5, -1.0]) ** 2))


def test_gradients_accumulate_across_backward_calls():
    x = leaf(1.0, 2.0)
    (x * x).sum().backward()
    (x * x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [4.0, 8.0])
    x.grad.zero_()
    (x * x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 4.0])


def test_accumulation_is_in_place_into_the_existing_grad_tensor():
    x = leaf(1.0)
    (x * 2).sum().backward()
    g = x.grad
    (x * 3).sum().backward()
    assert g is x.grad and g.item() == 5.0


def test_second_backward_through_a_freed_graph_fails_and_retain_graph_allows_it():
    x = leaf(1.0, 2.0)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), [4.0, 8.0])
    with pytest.raises(RuntimeError, match="Specify retain_graph=True"):
        y.backward()


def test_backward_of_a_non_scalar_needs_a_gradient():
    x = leaf(1.0, 2.0)
    y = x * 3
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
        y.backward()
    y.backward(pg.tensor([1.0, 10.0], dtype=pg.float64))
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 30.0])


def test_backward_gradient_shape_must_match():
    y = leaf(1.0, 2.0) * 3
    with pytest.raises(RuntimeError, match=r"Mismatch in shape: grad_output\[0\] has a shape of "
                                           r"torch.Size\(\[3\]\) and output\[0\] has a shape of "
                                           r"torch.Size\(\[2\]\)"):
        y.backward(pg.ones(3, dtype=pg.float64))


def test_backward_on_a_tensor_without_graph_is_refused():
    with pytest.raises(RuntimeError, match="does not require grad and does not have a grad_fn"):
        pg.tensor([1.0]).sum().backward()


def test_backward_from_a_leaf():
    x = leaf(1.0, 2.0)
    x.backward(pg.tensor([3.0, 4.0], dtype=pg.float64))
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 4.0])


def test_broadcast_gradients_are_summed_back_to_the_input_shape():
    b = leaf(1.0, 2.0, 3.0)
    x = pg.ones(4, 3, dtype=pg.float64)
    (x * b).sum().backward()
    assert b.grad.shape == (3,)
    np.testing.assert_allclose(b.grad.numpy(), [4.0, 4.0, 4.0])


def test_gradient_dtype_follows_each_input():
    x32 = leaf(1.0, 2.0, dtype=pg.float32)
    x64 = leaf(3.0, 4.0)
    (x32 * x64).sum().backward()
    assert x32.grad.dtype is pg.float32 and x64.grad.dtype is pg.float64


def test_a_deep_chain_backprops_without_recursion_limits():
    x = leaf(1.0)
    y = x
    for _ in range(10_000):
        y = y * 1.0001
    y.backward()
    assert x.grad.item() == pytest.approx(1.0001 ** 10_000)


# -- non-leaf gradients, hooks -----------------------------------------------------------------

def test_non_leaf_grad_is_none_with_the_torch_warning():
    x = leaf(1.0)
    y = x * 2
    (y * 3).sum().backward()
    with pytest.warns(UserWarning, match="is not a leaf Tensor is being accessed"):
        assert y.grad is None


def test_retain_grad_keeps_a_non_leaf_gradient():
    x = leaf(1.0, 2.0)
    y = x * 2
    y.retain_grad()
    (y * 3).sum().backward()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_allclose(y.grad.numpy(), [3.0, 3.0])
    assert y.retains_grad


def test_register_hook_sees_and_can_replace_the_gradient():
    x = leaf(1.0, 2.0)
    seen = []
    y = x * 2
    handle = y.register_hook(lambda g: seen.append(g.clone()) or g * 10)
    y.sum().backward()
    np.testing.assert_allclose(seen[0].numpy(), [1.0, 1.0])
    np.testing.assert_allclose(x.grad.numpy(), [20.0, 20.0])
    handle.remove()
    x.grad = None
    (x * 2).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 2.0])


def test_hook_on_a_leaf_runs_before_accumulation():
    x = leaf(1.0)
    x.register_hook(lambda g: g * 0.5)
    (x * 4).sum().backward()
    assert x.grad.item() == 2.0


def test_hook_needs_requires_grad():
    with pytest.raises(RuntimeError, match="cannot register a hook on a tensor that doesn't require gradient"):
        pg.ones(2).register_hook(lambda g: g)


# -- grad modes ------------------------------------------------------------------------------

def test_no_grad_as_context_manager_and_decorator():
    x = leaf(1.0)
    with pg.no_grad():
        assert not pg.is_grad_enabled()
        y = x * 2
    assert pg.is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None

    @pg.no_grad()
    def double(t):
        return t * 2

    assert not double(x).requires_grad
    assert (x * 2).requires_grad


def test_enable_grad_inside_no_grad():
    x = leaf(1.0)
    with pg.no_grad():
        with pg.enable_grad():
            assert (x * 2).requires_grad
        assert not (x * 2).requires_grad


def test_set_grad_enabled_as_call_and_context():
    x = leaf(1.0)
    with pg.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert pg.is_grad_enabled()
    pg.set_grad_enabled(False)
    try:
        assert not pg.is_grad_enabled()
    finally:
        pg.set_grad_enabled(True)


def test_grad_mode_is_restored_after_an_exception():
    with pytest.raises(ValueError), pg.no_grad():
        raise ValueError
    assert pg.is_grad_enabled()


def test_detach_cuts_the_graph_and_shares_memory():
    x = leaf(1.0, 2.0)
    y = x * 2
    d = y.detach()
    assert not d.requires_grad and d.grad_fn is None and d.is_leaf
    d[0] = 100.0
    assert y[0].item() == 100.0
    assert y._version == d._version == 1  # detach shares the version counter


# -- requires_grad ------------------------------------------------------------------------------

def test_requires_grad_at_creation_and_in_place():
    a = pg.tensor([1.0, 2.0], requires_grad=True)
    b = pg.tensor([1.0, 2.0]).requires_grad_(True)
    assert a.requires_grad and b.requires_grad and b.is_leaf
    b.requires_grad_(False)
    assert not b.requires_grad


def test_integer_tensors_cannot_require_grad():
    with pytest.raises(RuntimeError, match="Only Tensors of floating point and complex dtype can require gradients"):
        pg.tensor([1, 2], requires_grad=True)
    with pytest.raises(RuntimeError, match="only Tensors of floating point dtype can require gradients"):
        pg.tensor([1, 2]).requires_grad_()


def test_requires_grad_cannot_be_turned_off_on_a_non_leaf():
    y = leaf(1.0) * 2
    with pytest.raises(RuntimeError, match="you can only change requires_grad flags of leaf variables"):
        y.requires_grad_(False)


# -- in-place operations and the version counter -----------------------------------------------

def test_in_place_ops_bump_the_version():
    x = pg.zeros(3)
    assert x._version == 0
    x.add_(1)
    x.mul_(2)
    x += 1
    x[0] = 5
    assert x._version == 4
    np.testing.assert_allclose(x.numpy(), [5.0, 3.0, 3.0])


def test_in_place_on_a_leaf_that_requires_grad_is_refused_but_allowed_under_no_grad():
    w = leaf(1.0, 2.0)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place"):
        w.add_(1)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        w += 1
    with pg.no_grad():
        w -= 0.5
    np.testing.assert_allclose(w.numpy(force=True), [0.5, 1.5])
    assert w.is_leaf and w.requires_grad


def test_modifying_a_saved_tensor_breaks_backward_with_the_versions_named():
    x = leaf(1.0, 2.0)
    e = x.exp()
    e.add_(1)
    with pytest.raises(RuntimeError, match=r"\[torch.DoubleTensor \[2\]\], which is output 0 of Exp, "
                                           r"is at version 1; expected version 0 instead"):
        e.sum().backward()


def test_in_place_on_a_non_leaf_is_differentiated():
    x = leaf(1.0, 2.0)
    y = x * 1
    y.mul_(x)  # y = x * x, in place
    assert y.grad_fn.name() == "MulBackward0"
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 4.0])


def test_setitem_in_the_graph_becomes_copy_slices():
    x, v = leaf(1.0, 2.0, 3.0), leaf(10.0)
    y = x * 1
    y[1] = v[0] * 2
    assert y.grad_fn.name() == "torch::autograd::CopySlices" and "grad_fn=<CopySlices>" in repr(y)
    (y * pg.tensor([1.0, 2.0, 3.0], dtype=pg.float64)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.0, 0.0, 3.0])
    np.testing.assert_allclose(v.grad.numpy(), [4.0])


def test_views_share_memory_and_version():
    x = pg.zeros(2, 3)
    row = x[0]
    flat = x.view(6)
    row.fill_(1.0)
    assert flat[:3].tolist() == [1.0, 1.0, 1.0]
    assert x._version == row._version == flat._version == 1


def test_in_place_through_a_view_of_a_leaf_is_refused():
    w = pg.ones(2, 2, requires_grad=True)
    with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad"):
        w[0].mul_(2)


# -- autograd.grad ------------------------------------------------------------------------------

def test_autograd_grad_returns_gradients_without_touching_dot_grad():
    x = leaf(1.0, 2.0)
    (g,) = autograd.grad((x ** 3).sum(), x)
    np.testing.assert_allclose(g.numpy(), [3.0, 12.0])
    assert x.grad is None


def test_second_derivatives_with_create_graph():
    x = leaf(1.0, 2.0)
    (g,) = autograd.grad((x ** 3).sum(), x, create_graph=True)
    assert g.requires_grad
    (h,) = autograd.grad(g.sum(), x)
    np.testing.assert_allclose(h.numpy(), [6.0, 12.0])


def test_backward_with_create_graph_builds_a_graph_of_the_gradient():
    x = leaf(2.0)
    (x ** 3).sum().backward(create_graph=True)
    assert x.grad.requires_grad
    (h,) = autograd.grad(x.grad.sum(), x)
    assert h.item() == 12.0


def test_autograd_grad_with_respect_to_a_non_leaf():
    x = leaf(1.0, 2.0)
    y = x * 3
    z = (y * y).sum()
    (gy,) = autograd.grad(z, y)
    np.testing.assert_allclose(gy.numpy(), [6.0, 12.0])


def test_autograd_grad_unused_input():
    x, unused = leaf(1.0), leaf(2.0)
    with pytest.raises(RuntimeError, match="appears to not have been used in the graph"):
        autograd.grad((x * 2).sum(), [x, unused])
    gx, gu = autograd.grad((x * 2).sum(), [x, unused], allow_unused=True)
    assert gx.item() == 2.0 and gu is None


# -- custom Functions --------------------------------------------------------------------------

class Cube(autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return 3 * x ** 2 * grad


def test_custom_function_forward_backward_and_name():
    x = leaf(1.0, 2.0)
    y = Cube.apply(x)
    assert y.grad_fn.name() == "CubeBackward"
    assert repr(y).endswith("grad_fn=<CubeBackward>)")
    assert y.grad_fn.next_functions[0][0].variable is x
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 12.0])


def test_custom_function_passes_gradcheck_and_second_order():
    from pedagrad.testing import gradcheck, gradgradcheck

    x = pg.tensor([0.5, -1.5], dtype=pg.float64, requires_grad=True)
    assert gradcheck(Cube.apply, (x,))
    assert gradgradcheck(Cube.apply, (x,))


def test_custom_function_with_several_inputs_and_a_number():
    class ScaledMul(autograd.Function):
        @staticmethod
        def forward(ctx, a, b, k):
            ctx.save_for_backward(a, b)
            ctx.k = k
            return a * b * k

        @staticmethod
        def backward(ctx, grad):
            a, b = ctx.saved_tensors
            assert ctx.needs_input_grad == (True, False, False)
            return grad * b * ctx.k, None, None

    a, b = leaf(2.0), pg.tensor([5.0], dtype=pg.float64)
    ScaledMul.apply(a, b, 3).sum().backward()
    assert a.grad.item() == 15.0


def test_custom_function_wrong_number_of_gradients():
    class Bad(autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            return a + b

        @staticmethod
        def backward(ctx, grad):
            return grad

    with pytest.raises(RuntimeError, match=r"returned an incorrect number of gradients \(expected 2, got 1\)"):
        Bad.apply(leaf(1.0), leaf(2.0)).sum().backward()


def test_custom_function_saved_tensor_modified_in_place():
    x = leaf(1.0)
    h = x * 1
    y = Cube.apply(h)
    with pg.no_grad():
        h.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


# -- the step-by-step backward ----------------------------------------------------------------

def _model(x, w, b):
    return ((x @ w + b).relu() ** 2).mean()


def test_backward_steps_match_backward_exactly():
    pg.manual_seed(0)
    x = pg.randn(5, 3, dtype=pg.float64)
    params = [pg.randn(3, 4, dtype=pg.float64, requires_grad=True),
              pg.randn(4, dtype=pg.float64, requires_grad=True)]
    _model(x, *params).backward()
    expected = [p.grad.clone() for p in params]
    for p in params:
        p.grad = None
    steps = list(autograd.backward_steps(_model(x, *params)))
    for p, e in zip(params, expected):
        assert np.array_equal(p.grad.numpy(), e.numpy())
    names = [s.node.name() for s in steps]
    assert names[0] == "MeanBackward0" and names.count("torch::autograd::AccumulateGrad") == 2


def test_backward_steps_show_the_accumulation_into_grad():
    x = leaf(1.0, 2.0)
    (x * 3).sum().backward()
    steps = list(autograd.backward_steps((x * 5).sum()))
    acc = steps[-1]
    assert acc.variable is x
    np.testing.assert_allclose(acc.grad_before.numpy(), [3.0, 3.0])
    np.testing.assert_allclose(acc.grad_outputs[0].numpy(), [5.0, 5.0])
    np.testing.assert_allclose(acc.grad_after.numpy(), [8.0, 8.0])
    mul = steps[1]
    assert mul.node.name() == "MulBackward0"
    np.testing.assert_allclose(mul.grad_inputs[0].numpy(), [5.0, 5.0])
    assert mul.grad_inputs[1] is None  # the number 5 gets no gradient


def test_backward_steps_are_lazy_and_leave_grad_mode_alone():
    x = leaf(1.0)
    it = autograd.backward_steps((x * 2).sum())
    next(it)
    assert pg.is_grad_enabled() and x.grad is None
    for _ in it:
        pass
    assert x.grad.item() == 2.0


# -- anomaly detection ---------------------------------------------------------------------------

def test_anomaly_detection_names_the_op_that_made_nan():
    x = pg.tensor([0.0], requires_grad=True)
    with pytest.warns(UserWarning, match="Anomaly Detection has been enabled"):
        with autograd.detect_anomaly():
            y = (x.sqrt() * 0).sum()
            with pytest.warns(UserWarning, match="Error detected in SqrtBackward0"):
                with pytest.raises(RuntimeError, match="Function 'SqrtBackward0' returned nan values in its 0th"):
                    y.backward()


def test_without_anomaly_detection_nan_passes_silently():
    x = pg.tensor([0.0], requires_grad=True)
    (x.sqrt() * 0).sum().backward()
    assert np.isnan(x.grad.item())


def test_set_detect_anomaly_as_a_call():
    autograd.set_detect_anomaly(True)
    try:
        x = pg.tensor([-1.0], requires_grad=True)
        with pytest.raises(RuntimeError, match="Function 'SqrtBackward0' returned nan values"):
            with pytest.warns(UserWarning, match="Traceback of forward call"):
                x.sqrt().sum().backward()
    finally:
        autograd.set_detect_anomaly(False)


# -- memory ------------------------------------------------------------------------------------

def test_graph_is_garbage_once_unreferenced():
    import weakref

    x = leaf(1.0)
    y = (x * 2).exp()
    node = weakref.ref(y.grad_fn)
    del y
    gc.collect()
    assert node() is None


def test_no_grad_decorates_generators_step_by_step():
    x = leaf(1.0)

    @pg.no_grad()
    def doubled(t):
        yield t * 2
        yield t * 3

    outputs = list(doubled(x))
    assert not any(o.requires_grad for o in outputs)
    assert pg.is_grad_enabled() and (x * 2).requires_grad


def test_an_input_is_saved_only_when_the_other_input_needs_its_gradient():
    x = leaf(1.0, 2.0)
    y = x * 1
    z = y * 2  # the gradient of z wrt y is 2: y's values are not needed
    y.add_(1)
    z.sum().backward()  # so changing y in place is fine, as in torch
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 2.0])
    w = leaf(3.0)
    y2 = x * 1
    z2 = y2 * w  # w's gradient needs y2's values
    y2.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z2.sum().backward()


def test_gradcheck_on_a_non_contiguous_input():
    from pedagrad.testing import gradcheck

    x = pg.randn(3, 4, dtype=pg.float64).T.requires_grad_()
    assert not x.is_contiguous()
    assert gradcheck(lambda t: (t * t).sum(0), (x,))


def _pow_of_double(lib):
    w = lib.tensor(3.0, requires_grad=True)
    return (2 * w) ** 2


@pytest.mark.parametrize("grad_mode", ["enabled", "no_grad"])
def test_a_node_called_by_hand_gives_what_it_sends_on_as_torch_does(torch, grad_mode):
    ours, theirs = _pow_of_double(pg), _pow_of_double(torch)
    for loss in (ours, theirs):
        assert type(loss.grad_fn).__name__ == "PowBackward0"
        assert type(loss.grad_fn.next_functions[0][0]).__name__ == "MulBackward0"
    for fn_ours, fn_theirs in ((ours.grad_fn, theirs.grad_fn),
                               (ours.grad_fn.next_functions[0][0], theirs.grad_fn.next_functions[0][0])):
        if grad_mode == "no_grad":
            with pg.no_grad(), torch.no_grad():
                got, want = fn_ours(pg.tensor(1.0)), fn_theirs(torch.tensor(1.0))
        else:
            got, want = fn_ours(pg.tensor(1.0)), fn_theirs(torch.tensor(1.0))
        assert repr(got) == repr(want)


def test_gradcheck_is_reachable_where_pytorch_puts_it():
    from pedagrad.autograd import gradcheck, gradgradcheck
    x = pg.tensor([1.0, 2.0], dtype=pg.float64, requires_grad=True)
    assert pg.autograd.gradcheck is gradcheck and pg.autograd.gradgradcheck is gradgradcheck
    assert gradcheck(lambda t: (t * t * t).sum(), (x,)) and gradgradcheck(lambda t: (t * t * t).sum(), (x,))


def test_an_ops_source_can_still_be_read_under_its_pytorch_name():
    import inspect

    from pedagrad._ops.elementwise import Mul
    assert Mul.__name__ == "MulBackward0"
    assert inspect.getsource(Mul).startswith("class Mul(Op):")

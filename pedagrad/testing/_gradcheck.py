"""gradcheck: does backward agree with the slope measured by finite differences?

For f: inputs -> outputs, column j of the numerical Jacobian is
(f(x + eps·e_j) − f(x − eps·e_j)) / (2·eps); the analytical one comes from one backward pass
per output element. They must agree within ``atol + rtol·|numerical|`` (use float64 inputs).
"""
import numpy as np

from .. import autograd
from .._tensor import Tensor
from ..autograd import grad_mode


class GradcheckError(RuntimeError):
    """Raised by ``gradcheck`` when analytical and numerical gradients disagree."""


def _tensors(inputs):
    return (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)


def _outputs(fn, inputs):
    out = fn(*inputs)
    return (out,) if isinstance(out, Tensor) else tuple(out)


def numerical_jacobian(fn, inputs, eps=1e-6):
    """One matrix per differentiable input: rows are input elements, columns output elements."""
    inputs = _tensors(inputs)
    jacobians = []
    with grad_mode.no_grad():
        n_out = sum(o.numel() for o in _outputs(fn, inputs))
        for x in inputs:
            if not (isinstance(x, Tensor) and x.requires_grad):
                continue
            jac = np.zeros((x.numel(), n_out))
            for j, idx in enumerate(np.ndindex(x.shape)):  # perturbs x itself, whatever its strides
                orig = x._data[idx]
                x._data[idx] = orig + eps
                plus = np.concatenate([o._data.ravel() for o in _outputs(fn, inputs)])
                x._data[idx] = orig - eps
                minus = np.concatenate([o._data.ravel() for o in _outputs(fn, inputs)])
                x._data[idx] = orig
                jac[j] = (plus - minus) / (2 * eps)
            jacobians.append(jac)
    return jacobians


def _analytical_jacobian(fn, inputs, create_graph=False):
    diff = [x for x in inputs if isinstance(x, Tensor) and x.requires_grad]
    outputs = [o for o in _outputs(fn, inputs)]
    n_out = sum(o.numel() for o in outputs)
    jacs = [np.zeros((x.numel(), n_out)) for x in diff]
    col = 0
    for out in outputs:
        for k in range(out.numel()):
            if not out.requires_grad:
                col += 1
                continue
            seed = np.zeros(out.shape, dtype=out._data.dtype)
            seed.reshape(-1)[k] = 1
            grads = autograd.grad(out, diff, Tensor._wrap(seed), retain_graph=True, allow_unused=True)
            for jac, g in zip(jacs, grads):
                if g is not None:
                    jac[:, col] = g._data.ravel()
            col += 1
    return jacs


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True):
    """True when ``func``'s backward matches finite differences for every input and output."""
    inputs = _tensors(inputs)
    for x in inputs:
        if isinstance(x, Tensor) and x.requires_grad and x.dtype.name != "float64":
            import warnings

            warnings.warn(f"Input #{inputs.index(x)} requires gradient and is not a double "
                          "precision floating point: gradcheck's finite differences need float64.",
                          UserWarning, stacklevel=2)
    numerical = numerical_jacobian(func, inputs, eps)
    analytical = _analytical_jacobian(func, inputs)
    for i, (a, n) in enumerate(zip(analytical, numerical)):
        if not np.allclose(a, n, atol=atol, rtol=rtol):
            if not raise_exception:
                return False
            raise GradcheckError(
                f"Jacobian mismatch of the outputs with respect to input {i},\n"
                f"numerical:{np.array2string(n, precision=6)}\n"
                f"analytical:{np.array2string(a, precision=6)}\n")
    return True


def gradgradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True):
    """gradcheck of the gradient itself: checks second derivatives through create_graph=True."""
    inputs = _tensors(inputs)
    diff = [x for x in inputs if isinstance(x, Tensor) and x.requires_grad]
    outputs = _outputs(func, inputs)
    weights = [Tensor._wrap(np.random.default_rng(0).standard_normal(o.shape)) for o in outputs]

    def first_grads(*xs):
        with grad_mode.enable_grad():  # numerical_jacobian calls this under no_grad
            outs = _outputs(func, xs)
            gs = autograd.grad(outs, diff, weights[:len(outs)], create_graph=True, allow_unused=True)
        return tuple(g for g in gs if g is not None)

    return gradcheck(first_grads, inputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)

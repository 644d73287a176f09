"""Exercise checks that answer in words: what is right, what is still wrong, and a hint.

    from pedagrad_widgets.exercises import check, close

    check("1.1",
          ("w is a tensor", lambda: isinstance(w, torch.Tensor), "Make it with torch.tensor([...])."),
          ("w records operations", lambda: w.requires_grad, "Pass requires_grad=True."),
          ("w.grad is 2w", lambda: close(w.grad, 2 * w.detach()), "Did you call backward()?"))

Each expectation is ``(what, test, hint)``. ``test`` is a function called with no arguments, so
names the learner has not defined yet simply count as "not yet". It passes by returning True; it
fails by returning False, or a sentence saying what it found (``close`` returns such sentences).
"""
import html

import numpy as np

CHECK_METADATA = "pedagrad_check"  # output metadata key by which tools find check results


def close(actual, expected, *, rtol=1e-5, atol=1e-6):
    """True if ``actual`` matches ``expected`` in shape and value; otherwise a sentence saying how it differs."""
    if actual is None:
        return "it is None"
    got, want = _array(actual), _array(expected)
    if got.shape != want.shape:
        return f"its shape is {_shape(got)}, expected {_shape(want)}"
    if not np.allclose(got, want, rtol=rtol, atol=atol, equal_nan=True):
        return f"it is {_show(got)}, expected {_show(want)}"
    return True


def _array(value):
    if hasattr(value, "detach"):
        value = value.detach()
    if hasattr(value, "numpy"):
        value = value.numpy()
    return np.asarray(value, dtype=float)


def _shape(a):
    return f"({', '.join(map(str, a.shape))}{',' if a.ndim == 1 else ''})"


def _show(a):
    return np.array2string(a, precision=4, separator=", ", threshold=12)


class CheckResult:
    """The outcome of one exercise's check: one line per expectation, shown as text and as coloured HTML."""

    def __init__(self, exercise, lines):
        self.exercise = exercise
        self.lines = lines  # (passed, what, detail) per expectation
        self.passed = all(ok for ok, _, _ in lines)

    def __bool__(self):
        return self.passed

    @property
    def headline(self):
        right, n = sum(ok for ok, _, _ in self.lines), len(self.lines)
        tally = f"{right} of {n} check{'s' if n > 1 else ''} pass{'' if n > 1 else 'es'}"
        return f"Exercise {self.exercise}: {'all right!' if self.passed else 'not yet'} ({tally})"

    def __repr__(self):
        rows = [self.headline]
        for ok, what, detail in self.lines:
            rows.append(f"  {'✓' if ok else '✗'} {what}" + ("" if ok else f": {detail}"))
        return "\n".join(rows)

    def _repr_mimebundle_(self, include=None, exclude=None):
        colour = "#2e7d32" if self.passed else "#b26a00"
        items = "".join(
            f"<li style='list-style:none'>{'✓' if ok else '✗'} {html.escape(what)}"
            + ("" if ok else f": <i>{html.escape(detail)}</i>") + "</li>"
            for ok, what, detail in self.lines)
        body = (f"<div style='border-left:4px solid {colour};padding:2px 10px'>"
                f"<b style='color:{colour}'>{html.escape(self.headline)}</b>"
                f"<ul style='margin:4px 0'>{items}</ul></div>")
        return {"text/plain": repr(self), "text/html": body}, {CHECK_METADATA: self.exercise}


def check(exercise, *expectations):
    """Run each ``(what, test, hint)`` and return a CheckResult that lists what is right and what is not yet."""
    if not expectations:
        raise TypeError("check() needs at least one (what, test, hint) expectation after the exercise name")
    lines = []
    for expectation in expectations:
        if len(expectation) != 3 or not callable(expectation[1]):
            raise TypeError(f"each expectation is (what, test, hint) with a callable test, got {expectation!r}")
        what, test, hint = expectation
        try:
            outcome = test()
            if not (isinstance(outcome, str) or outcome is True or outcome is False):
                outcome = bool(outcome)  # numpy and tensor booleans
        except NameError as e:
            name = getattr(e, "name", None)
            outcome = f"`{name}` is not defined yet" if name else str(e)
        except Exception as e:  # the learner's code may fail in any way; say how, don't crash the check
            outcome = f"checking it raised {type(e).__name__}: {e}"
        ok = outcome is True
        found = outcome.rstrip(".") + ". " if isinstance(outcome, str) and outcome.strip() else ""
        detail = "" if ok else found + f"Hint: {hint}"
        lines.append((ok, what, detail))
    return CheckResult(exercise, lines)

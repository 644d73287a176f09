"""Exercise checks answer in words: what is right, what is not yet, and a hint."""
import pytest

import pedagrad as torch
from pedagrad_widgets.exercises import CHECK_METADATA, check, close


def grad_check(w):
    return check("1.1",
                 ("w is a tensor", lambda: isinstance(w(), torch.Tensor), "Make it with torch.tensor."),
                 ("w.grad is 2w", lambda: close(w().grad, [2.0, 4.0]), "Call backward() on (w * w).sum()."))


def test_a_right_answer_is_all_right():
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    (w * w).sum().backward()
    result = grad_check(lambda: w)
    assert result.passed and bool(result)
    assert repr(result).splitlines() == ["Exercise 1.1: all right! (2 of 2 checks pass)",
                                         "  ✓ w is a tensor", "  ✓ w.grad is 2w"]


def test_a_missing_step_says_what_was_found_and_gives_the_hint():
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    result = grad_check(lambda: w)
    assert not result.passed
    assert repr(result).splitlines() == [
        "Exercise 1.1: not yet (1 of 2 checks pass)",
        "  ✓ w is a tensor",
        "  ✗ w.grad is 2w: it is None. Hint: Call backward() on (w * w).sum()."]


def test_undefined_names_count_as_not_yet_instead_of_crashing():
    result = check("2.3", ("answer is 42", lambda: answer_not_written == 42, "Set answer."))  # noqa: F821
    assert not result.passed
    assert "`answer_not_written` is not defined yet" in repr(result)


def test_an_error_in_the_learners_code_is_reported_not_raised():
    t = torch.tensor([1.0, 2.0])
    result = check("2.4", ("t is positive", lambda: t > 0, "Look at every element."),
                   ("division works", lambda: 1 / 0, "Avoid dividing by zero."))
    lines = repr(result).splitlines()
    assert "RuntimeError: Boolean value of Tensor with more than one value is ambiguous" in lines[1]
    assert "ZeroDivisionError: division by zero" in lines[2]


@pytest.mark.parametrize("actual, expected, message", [
    ([1.0, 2.0], [1.0, 2.0], True),
    ([1.0, 2.0], [[1.0, 2.0]], "its shape is (2,), expected (1, 2)"),
    ([1.0, 2.5], [1.0, 2.0], "it is [1. , 2.5], expected [1., 2.]"),
    (None, [1.0], "it is None"),
])
def test_close_says_how_a_value_differs(actual, expected, message):
    value = torch.tensor(actual) if actual is not None else None
    assert close(value, expected) == message


def test_the_result_carries_metadata_that_learner_copies_look_for():
    data, metadata = check("5.2", ("true", lambda: True, ""))._repr_mimebundle_()
    assert metadata == {CHECK_METADATA: "5.2"}
    assert "all right" in data["text/plain"] and "#2e7d32" in data["text/html"]


def test_check_refuses_malformed_expectations():
    with pytest.raises(TypeError, match="at least one"):
        check("1.1")
    with pytest.raises(TypeError, match=r"\(what, test, hint\)"):
        check("1.1", ("w", True, "hint"))

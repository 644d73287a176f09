"""Shared test setup: a fixed hypothesis profile, and PyTorch as the reference where installed."""
import pytest
from hypothesis import settings

settings.register_profile("pedagrad", deadline=None, derandomize=True, print_blob=True)
settings.load_profile("pedagrad")

TORCH_MISSING = ("PyTorch is not installed; parity tests compare pedagrad with it "
                 "(pip install torch==2.13.0)")


@pytest.fixture(scope="session")
def torch():
    """The real PyTorch, for comparing pedagrad with; the test skips where it is not installed."""
    return pytest.importorskip("torch", reason=TORCH_MISSING)

"""Find the names a learner gave their tensors, in the notebook's namespace (IPython's ``user_ns``)."""
from .graph_model import is_tensor


def ipython():
    """The running IPython shell, or None outside IPython."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def user_namespace():
    """The notebook's variables (``{}`` outside IPython)."""
    shell = ipython()
    return shell.user_ns if shell is not None else {}


def tensor_names(ns=None):
    """``{name: tensor}`` for every tensor variable, and ``model.0.weight`` for a module's parameters.

    IPython's own names (``_``, ``_3``, ``Out``) are skipped. A tensor with several names keeps the
    first one defined.
    """
    ns = user_namespace() if ns is None else ns
    names = {}
    for name, value in list(ns.items()):
        if name.startswith("_"):
            continue
        if is_tensor(value):
            names.setdefault(name, value)
        elif callable(getattr(value, "named_parameters", None)) and not isinstance(value, type):
            try:
                for pname, p in value.named_parameters():
                    names.setdefault(f"{name}.{pname}", p)
            except Exception:  # noqa: BLE001 - a foreign object with that method name: ignore it
                continue
    return names

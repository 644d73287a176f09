"""``%%same_in_pytorch``: run one cell's code, which says ``import torch``, with pedagrad and with PyTorch.

    %load_ext pedagrad_widgets.same_in_pytorch

    %%same_in_pytorch
    import torch
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    print(x.grad)

The code runs twice in fresh namespaces: once where ``import torch`` finds pedagrad, once with the
real PyTorch when it is installed. What the two runs print must be identical (otherwise the cell
fails and shows both); it is printed once, after a line saying which libraries ran it. Only
``print`` output is compared, so print what you want to compare, and avoid printing random numbers
(pedagrad's generator is not PyTorch's).
"""
import contextlib
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import io
import sys

from .runtime import in_browser


def _run(source, filename):
    """What ``source`` prints when run in a fresh namespace (printed output is kept if it raises)."""
    out = io.StringIO()
    namespace = {"__name__": "__main__"}
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(source, filename, "exec"), namespace)
    except BaseException:
        sys.stdout.write(out.getvalue())
        raise
    return out.getvalue()


def _is_torch(name):
    return name == "torch" or name.startswith("torch.")


class _PedagradAsTorch(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds ``torch.X`` as the module ``pedagrad.X``: the very same module object, never a second copy."""

    def __init__(self):
        self.specs = {}  # pedagrad.X -> its own spec, which importing it as torch.X overwrites

    def find_spec(self, name, path=None, target=None):
        if not _is_torch(name):
            return None
        ours = "pedagrad" + name[len("torch"):]
        try:
            module = importlib.import_module(ours)
        except ImportError:
            return None  # pedagrad has no such module: ``import torch.X`` fails as it should
        self.specs.setdefault(ours, module.__spec__)
        return importlib.machinery.ModuleSpec(name, self, is_package=hasattr(sys.modules[ours], "__path__"))

    def create_module(self, spec):
        return sys.modules["pedagrad" + spec.name[len("torch"):]]

    def exec_module(self, module):
        pass  # already executed, as pedagrad's own module


@contextlib.contextmanager
def _pedagrad_as_torch():
    """While inside, ``import torch`` and ``import torch.X`` give pedagrad and ``pedagrad.X``.

    Every ``torch`` module already imported (the real PyTorch, say) is set aside and put back
    afterwards, and whatever the run imported under torch's names is dropped again, so neither
    library sees the other's modules.
    """
    real = {name: sys.modules.pop(name) for name in [n for n in sys.modules if _is_torch(n)]}
    finder = _PedagradAsTorch()
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)
        for name in [n for n in sys.modules if _is_torch(n)]:
            del sys.modules[name]
        sys.modules.update(real)
        for name, spec in finder.specs.items():
            sys.modules[name].__spec__ = spec


def run_both(source):
    """(pedagrad's printed output, PyTorch's printed output or None if PyTorch is not installed)."""
    with _pedagrad_as_torch():
        ours = _run(source, "<same_in_pytorch: pedagrad>")
    if importlib.util.find_spec("torch") is None:
        return ours, None
    return ours, _run(source, "<same_in_pytorch: PyTorch>")


def same_in_pytorch(line, cell):
    """Cell magic: run the cell with pedagrad and with PyTorch and show that both print the same."""
    ours, theirs = run_both(cell)
    if theirs is None and in_browser():
        print("In the browser there is no PyTorch (it does not run in the browser's Python), so this ran "
              "with pedagrad only; on a machine with PyTorch installed this cell runs it with both and compares.")
    elif theirs is None:
        print("PyTorch is not installed here, so this ran with pedagrad only "
              "(pip install torch, then run this cell again to compare).")
    elif ours != theirs:
        raise AssertionError("pedagrad and PyTorch printed different things.\n"
                             f"--- pedagrad ---\n{ours}--- PyTorch ---\n{theirs}")
    else:
        import torch
        print(f"Ran with pedagrad and with PyTorch {torch.__version__}: both printed exactly this.")
    print(ours, end="")


def load_ipython_extension(shell):
    shell.register_magic_function(same_in_pytorch, "cell", "same_in_pytorch")

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
import importlib.util
import io
import sys

TORCH_MODULES = ("", ".nn", ".nn.functional", ".nn.init", ".optim", ".optim.lr_scheduler",
                 ".autograd", ".utils", ".utils.data", ".testing")


def _run(source, filename):
    out = io.StringIO()
    namespace = {"__name__": "__main__"}
    with contextlib.redirect_stdout(out):
        exec(compile(source, filename, "exec"), namespace)
    return out.getvalue()


@contextlib.contextmanager
def _pedagrad_as_torch():
    """While inside, ``import torch`` (and ``torch.nn`` and friends) import pedagrad's modules."""
    import importlib
    saved = {name: sys.modules.get(name) for name in ("torch" + s for s in TORCH_MODULES)}
    try:
        for suffix in TORCH_MODULES:
            try:
                sys.modules["torch" + suffix] = importlib.import_module("pedagrad" + suffix)
            except ImportError:
                sys.modules.pop("torch" + suffix, None)
        yield
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module


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
    if theirs is None:
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

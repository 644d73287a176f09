"""``%load_ext pedagrad_widgets``: the ``%graph <expr>`` magic, and tensors displayed with their graph.

Both stay off until the extension is loaded, and ``%unload_ext pedagrad_widgets`` turns them off
again, so ordinary tensor printouts stay exactly PyTorch's.
"""
_registered = []  # (formatter, type) pairs added by load, removed by unload


def graph_magic(line):
    """``%graph loss`` draws the graph of the expression's value (a tensor or a tuple of tensors).

    Options: ``%graph --saved loss`` also draws saved tensors; ``%graph --follow loss`` redraws
    after every cell while ``loss`` is a variable name.
    """
    from .graph_view import GraphView
    from .namespace import ipython
    words = line.split()
    flags = {w for w in words if w.startswith("--")}
    unknown = flags - {"--saved", "--follow"}
    if unknown:
        raise ValueError(f"%graph: unknown option {sorted(unknown)[0]}; use --saved or --follow, "
                         "e.g. %graph --saved loss")
    expr = " ".join(w for w in words if not w.startswith("--")).strip()
    if not expr:
        raise ValueError("%graph needs an expression, e.g. %graph loss")
    if "--follow" in flags and expr.isidentifier():
        return GraphView(expr, follow=True, show_saved="--saved" in flags)
    value = ipython().ev(expr)
    values = value if isinstance(value, (tuple, list)) else (value,)
    return GraphView(*values, show_saved="--saved" in flags, caption=expr)


def _tensor_bundle(t, include=None, exclude=None):
    """Rich display of a tensor once the extension is loaded: its repr, and its graph as SVG."""
    from .graph_model import build_graph
    from .namespace import tensor_names
    from .render import render_svg
    if t.grad_fn is None and not t.requires_grad:
        return None
    svg, _ = render_svg(build_graph([t], tensor_names()))
    return {"text/plain": repr(t), "image/svg+xml": svg}


def load_ipython_extension(shell):
    """Register ``%graph`` and the graph display of pedagrad (and, if imported, PyTorch) tensors."""
    shell.register_magic_function(graph_magic, "line", "graph")
    mimebundle = shell.display_formatter.mimebundle_formatter
    for module, name in (("pedagrad", "Tensor"), ("torch", "Tensor")):
        import sys
        mod = sys.modules.get(module)
        cls = getattr(mod, name, None) if mod is not None else None
        if cls is not None and hasattr(cls, "grad_fn"):
            mimebundle.for_type(cls, _tensor_bundle)
            _registered.append((mimebundle, cls))


def unload_ipython_extension(shell):
    """Turn the tensor graph display off again (the magic stays defined, as IPython does)."""
    while _registered:
        formatter, cls = _registered.pop()
        formatter.pop(cls, None)

"""Turn a GraphModel into the final SVG: graphviz when ``dot`` runs, the plain-Python layout otherwise."""
from .render_fallback import render_fallback
from . import render_graphviz as graphviz_renderer
from .render_graphviz import DotMissing
from .runtime import in_browser
from .svg_parts import compose

DOT_HINT = ("pedagrad_widgets: graphviz's `dot` program was not found, so graphs use a simpler "
            "built-in layout. For nicer layouts install graphviz (apt-get install graphviz, "
            "brew install graphviz, or conda install graphviz).")
_hint_shown = False

# Above this many boxes or arrows dot can take seconds (minutes for a leaf shared by every layer);
# the built-in layout is linear, so bigger drawings use it.
DOT_LIMIT = 120
DOT_EDGE_LIMIT = 200


def _hint_once():
    """The install hint, the first time only: shown as a grey line under the picture, not on stderr
    (a stderr line would change the notebook's stored outputs). None in the browser, where no
    program can be installed and the built-in layout is the only one."""
    global _hint_shown
    if _hint_shown or in_browser():
        return []
    _hint_shown = True
    return [DOT_HINT]


def render_svg(model, caption="", engine="auto"):
    """The complete picture (legend, graph, notes) as SVG text. Never raises because ``dot`` is missing.

    ``engine`` is "auto" (dot if present), "dot" or "fallback". Returns ``(svg, engine_used)``.
    """
    styles = {n.style for n in model.nodes}
    used, hints = "fallback", []
    small = len(model.nodes) <= DOT_LIMIT and len(model.edges) <= DOT_EDGE_LIMIT
    if engine == "dot" or engine == "auto" and small:
        try:
            graph = graphviz_renderer.render_graphviz(model)
            used = "dot"
        except DotMissing:
            hints = _hint_once() if graphviz_renderer.find_dot() is None else []  # dot timed out: no install hint
            graph = render_fallback(model)
    else:
        graph = render_fallback(model)
    return compose(graph, styles, model.notes, caption, hints), used

"""Draw a GraphModel with graphviz's ``dot`` program (the nicer layout, when ``dot`` is installed)."""
import shutil
import subprocess

from .styles import EDGE_STYLES, FONT, HIGHLIGHT, STYLES
from .svg_parts import esc


class DotMissing(RuntimeError):
    """The ``dot`` program is not installed (or could not run)."""


def find_dot():
    """The path of graphviz's ``dot`` program, or None when it is not installed."""
    return shutil.which("dot")


def _label(node):
    rows = [f'<TR><TD><B>{esc(node.title)}</B></TD></TR>']
    size = 9 if node.kind == "saved" else 10
    rows += [f'<TR><TD><FONT POINT-SIZE="{size}">{esc(line)}</FONT></TD></TR>' for line in node.lines]
    return '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">' + "".join(rows) + "</TABLE>>"


def _node_attrs(node):
    fill, border, dash, _ = STYLES[node.style]
    style = ["filled"]
    if node.kind == "function":
        style.append("rounded")
    if dash:
        style.append("dashed")
    pen = 1.5
    if node.state == "current":
        fill, border = HIGHLIGHT["current"][0] + "55", HIGHLIGHT["current"][1]
        pen = 3.5
    elif node.state == "done":
        border = HIGHLIGHT["done"][1]
        fill = fill + "88"
    return (f'shape=box style="{",".join(style)}" fillcolor="{fill}" color="{border}" penwidth={pen} '
            f'id="{node.id}" class="pgw-{node.kind} pgw-{node.style}{" pgw-" + node.state if node.state else ""}" '
            f'label={_label(node)}')


def to_dot(model):
    """The DOT source of a GraphModel: outputs at the top, arrows along next_functions down to leaves."""
    lines = ["digraph G {",
             f'  graph [rankdir=TB nodesep=0.25 ranksep=0.35 fontname="{FONT}" bgcolor="white"];',
             f'  node [fontname="{FONT}" fontsize=11 margin="0.08,0.04"];',
             f'  edge [fontname="{FONT}" fontsize=9 arrowsize=0.7];']
    for node in model.nodes:
        lines.append(f"  {node.id} [{_node_attrs(node)}];")
    for e in model.edges:
        colour, dash, _ = EDGE_STYLES[e.kind]
        attrs = [f'color="{colour}"', 'penwidth=1.3']
        if dash:
            attrs.append('style="dashed"' if e.kind != "saved" else 'style="dotted"')
        if e.kind == "saved":
            attrs.append("arrowhead=none")
        if e.label:
            attrs.append(f'label="{esc(e.label)}" fontcolor="#b71c1c"')
        lines.append(f"  {e.src} -> {e.dst} [{' '.join(attrs)}];")
    lines.append("}")
    return "\n".join(lines)


def render_graphviz(model, timeout=3):
    """SVG text of the graph laid out by ``dot``; raises DotMissing when ``dot`` cannot be run."""
    dot = find_dot()
    if dot is None:
        raise DotMissing("graphviz's dot program is not installed")
    try:
        fast = ["-Gnslimit=2", "-Gnslimit1=2"] if len(model.nodes) > 60 else []
        done = subprocess.run([dot, "-Tsvg", *fast], input=to_dot(model).encode(), capture_output=True,
                              timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise DotMissing(f"dot could not run: {e}") from e
    if done.returncode != 0:
        raise DotMissing(f"dot failed: {done.stderr.decode(errors='replace')[:300]}")
    return done.stdout.decode("utf-8")

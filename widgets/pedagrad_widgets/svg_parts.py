"""SVG pieces both renderers share: text escaping, the legend, and putting graph, legend and notes
into one picture."""
import re
from html import escape as _escape

from .styles import EDGE_STYLES, FONT, LEGEND_ORDER, STYLES

CHAR_W = 6.6  # average width of a 11px character, for sizing boxes without a font engine
LINE_H = 14


def esc(text):
    """Escape text for SVG/HTML/graphviz-HTML: a tensor named ``<script>`` shows as text."""
    return _escape(str(text), quote=True)


def text_width(text, size=11):
    """Estimated width in px of ``text`` at font ``size``."""
    return len(str(text)) * CHAR_W * size / 11


def legend_svg(styles_used=None):
    """The legend as an SVG fragment, ``(svg_text, width, height)``; one row per kind of box."""
    keys = [k for k in LEGEND_ORDER if styles_used is None or k in styles_used] or list(LEGEND_ORDER[:4])
    parts, y = [], 4
    for key in keys:
        fill, border, dash, text = STYLES[key]
        rx = 6 if key in ("function", "accumulate") else 0
        parts.append(f'<rect x="4" y="{y}" width="26" height="14" rx="{rx}" fill="{fill}" stroke="{border}" '
                     f'stroke-width="1.5"{_dash(dash)}/>'
                     f'<text x="38" y="{y + 11}" font-size="11">{esc(text)}</text>')
        y += 20
    colour, dash, text = EDGE_STYLES["next"]
    parts.append(f'<line x1="4" y1="{y + 7}" x2="30" y2="{y + 7}" stroke="{colour}" stroke-width="1.5" '
                 f'marker-end="url(#pgw-arrow)"/><text x="38" y="{y + 11}" font-size="11">{esc(text)}</text>')
    y += 20
    width = 40 + max(text_width(STYLES[k][3]) for k in keys)
    return "".join(parts), max(width, 40 + text_width(text)), y


def _dash(dash):
    return f' stroke-dasharray="{dash}"' if dash else ""


def arrow_defs():
    """Arrowhead markers, one per edge colour (SVG 1.1 markers cannot take the line's colour)."""
    out = ['<marker id="pgw-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
           'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#424242"/></marker>']
    for kind, (colour, _, _) in EDGE_STYLES.items():
        out.append(f'<marker id="pgw-arrow-{kind}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
                   f'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>')
    return "<defs>" + "".join(out) + "</defs>"


_SIZE = re.compile(r'<svg\b[^>]*?\bwidth="([\d.]+)(pt|px)?"[^>]*?\bheight="([\d.]+)(pt|px)?"', re.S)


def strip_prolog(svg):
    """Drop the XML declaration, doctype and comments (graphviz puts its version there)."""
    svg = re.sub(r"<\?xml.*?\?>", "", svg, flags=re.S)
    svg = re.sub(r"<!DOCTYPE.*?>", "", svg, flags=re.S)
    return re.sub(r"<!--.*?-->", "", svg, flags=re.S).strip()


def svg_size(svg):
    """``(width, height)`` in px of an SVG document (pt are converted)."""
    m = _SIZE.search(svg)
    if not m:
        return 400.0, 300.0
    w, wu, h, hu = m.groups()
    f = lambda v, u: float(v) * (4 / 3 if u == "pt" else 1)
    return f(w, wu), f(h, hu)


def compose(graph_svg, styles_used, notes=(), caption="", hints=()):
    """One SVG: caption and legend on top, the graph below, notes (e.g. what was hidden) last."""
    graph_svg = strip_prolog(graph_svg)
    gw, gh = svg_size(graph_svg)
    legend, lw, lh = legend_svg(styles_used)
    top = 4
    head = []
    if caption:
        head.append(f'<text x="8" y="16" font-size="13" font-weight="bold">{esc(caption)}</text>')
        top = 24
    head.append(f'<g transform="translate(4,{top})">{legend}</g>')
    gy = top + lh + 6
    # The graph document becomes a nested <svg> at the right offset, keeping its own viewBox.
    nested = re.sub(r"<svg\b", f'<svg x="0" y="{gy:.0f}"', graph_svg, count=1)
    nested = re.sub(r'(<svg\b[^>]*?)\bwidth="[^"]*"', rf'\1width="{gw:.0f}"', nested, count=1)
    nested = re.sub(r'(<svg\b[^>]*?)\bheight="[^"]*"', rf'\1height="{gh:.0f}"', nested, count=1)
    ny = gy + gh + 4
    tail = []
    for note in notes:
        tail.append(f'<text x="8" y="{ny + 12:.0f}" font-size="12" fill="#b71c1c">{esc(note)}</text>')
        ny += 18
    for hint in hints:
        tail.append(f'<text x="8" y="{ny + 11:.0f}" font-size="10" fill="#757575" class="pgw-hint">'
                    f'{esc(hint)}</text>')
        ny += 16
    width = max([gw, lw + 8] + [text_width(n, 12) + 16 for n in notes] + [text_width(h, 10) for h in hints])
    height = ny + 4
    return (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            f'width="{width:.0f}" height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" '
            f'font-family="{FONT}" class="pedagrad-graph">'
            f'{arrow_defs()}<rect width="100%" height="100%" fill="white"/>'
            + "".join(head) + nested + "".join(tail) + "</svg>")

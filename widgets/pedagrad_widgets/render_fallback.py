"""Draw a GraphModel in plain Python (no graphviz): a layered layout, for machines without ``dot``.

1. Rank: each box goes one layer below the lowest box that points to it (longest path, computed
   in topological order, iteratively).
2. Order: a few sweeps that move each box towards the mean position of its neighbours (the
   barycenter heuristic), which removes most crossings.
3. Place boxes left to right in each layer, centred; draw edges as curves from the bottom of a
   box to the top of the next.
Linear in the number of boxes and edges per sweep, so thousands of boxes draw in well under a second.
"""
import collections

from .styles import EDGE_STYLES, HIGHLIGHT, STYLES
from .svg_parts import LINE_H, esc, text_width

PAD_X, PAD_Y, GAP_X, GAP_Y = 8, 5, 16, 34


def _ranks(ids, edges):
    succ = collections.defaultdict(list)
    indeg = dict.fromkeys(ids, 0)
    for e in edges:
        if e.src in indeg and e.dst in indeg:
            succ[e.src].append(e.dst)
            indeg[e.dst] += 1
    rank = dict.fromkeys(ids, 0)
    queue = collections.deque(i for i in ids if indeg[i] == 0)
    seen = 0
    while queue:
        n = queue.popleft()
        seen += 1
        for m in succ[n]:
            rank[m] = max(rank[m], rank[n] + 1)
            indeg[m] -= 1
            if indeg[m] == 0:
                queue.append(m)
    return rank, succ


def _order(layers, succ, pred, sweeps=4):
    pos = {n: i for layer in layers for i, n in enumerate(layer)}
    for sweep in range(sweeps):
        rng = range(1, len(layers)) if sweep % 2 == 0 else range(len(layers) - 2, -1, -1)
        for r in rng:
            nbrs = pred if sweep % 2 == 0 else succ
            def key(n, nbrs=nbrs):
                near = [pos[m] for m in nbrs.get(n, ()) if m in pos]
                return sum(near) / len(near) if near else pos[n]
            layers[r].sort(key=key)
            for i, n in enumerate(layers[r]):
                pos[n] = i
    return layers


def _box_size(node):
    w = max([text_width(node.title, 12)] + [text_width(line, 10) for line in node.lines]) + 2 * PAD_X
    h = (1 + len(node.lines)) * LINE_H + 2 * PAD_Y
    return max(w, 60), h


def render_fallback(model):
    """SVG text of the graph, laid out without graphviz."""
    by_id = {n.id: n for n in model.nodes}
    ids = list(by_id)
    rank, succ = _ranks(ids, model.edges)
    pred = collections.defaultdict(list)
    for e in model.edges:
        if e.src in by_id and e.dst in by_id:
            pred[e.dst].append(e.src)
    layers = [[] for _ in range(max(rank.values(), default=0) + 1)]
    for i in ids:
        layers[rank[i]].append(i)
    layers = _order(layers, succ, pred)
    size = {i: _box_size(by_id[i]) for i in ids}
    widths = [sum(size[i][0] for i in layer) + GAP_X * max(len(layer) - 1, 0) for layer in layers]
    total_w = max(widths, default=100) + 2 * GAP_X
    xy, y = {}, 10
    for layer, lw in zip(layers, widths):
        x = (total_w - lw) / 2
        lh = max((size[i][1] for i in layer), default=0)
        for i in layer:
            w, h = size[i]
            xy[i] = (x, y + (lh - h) / 2)
            x += w + GAP_X
        y += lh + GAP_Y
    total_h = y - GAP_Y + 10
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{total_w:.0f}" height="{total_h:.0f}" '
             f'viewBox="0 0 {total_w:.0f} {total_h:.0f}">']
    for e in model.edges:
        if e.src in xy and e.dst in xy:
            parts.append(_edge(e, xy, size))
    for i in ids:
        parts.append(_box(by_id[i], xy[i], size[i]))
    parts.append("</svg>")
    return "".join(parts)


def _edge(e, xy, size):
    (sx, sy), (sw, sh) = xy[e.src], size[e.src]
    (dx, dy), (dw, _) = xy[e.dst], size[e.dst]
    x1, y1, x2, y2 = sx + sw / 2, sy + sh, dx + dw / 2, dy
    if y2 <= y1:  # same layer or upwards: go from the side
        y1, y2 = sy + sh / 2, dy + size[e.dst][1] / 2
        x1 = sx + sw if dx > sx else sx
        x2 = dx if dx > sx else dx + dw
    colour, dash, _ = EDGE_STYLES[e.kind]
    mid = (y1 + y2) / 2
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    marker = "" if e.kind == "saved" else f' marker-end="url(#pgw-arrow-{e.kind})"'
    out = (f'<path d="M{x1:.1f},{y1:.1f} C{x1:.1f},{mid:.1f} {x2:.1f},{mid:.1f} {x2:.1f},{y2:.1f}" '
           f'fill="none" stroke="{colour}" stroke-width="1.3"{dash_attr}{marker} class="pgw-edge-{e.kind}"/>')
    if e.label:
        out += (f'<text x="{(x1 + x2) / 2 + 4:.1f}" y="{mid:.1f}" font-size="9" fill="#b71c1c">'
                f'{esc(e.label)}</text>')
    return out


def _box(node, at, size):
    (x, y), (w, h) = at, size
    fill, border, dash, _ = STYLES[node.style]
    pen = 1.5
    opacity = ""
    if node.state == "current":
        fill, border, pen = "#ffcdd2", HIGHLIGHT["current"][1], 3.5
    elif node.state == "done":
        border, opacity = HIGHLIGHT["done"][1], ' fill-opacity="0.55"'
    rx = 8 if node.kind == "function" else 0
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    cls = f"pgw-{node.kind} pgw-{node.style}" + (f" pgw-{node.state}" if node.state else "")
    out = [f'<g id="{esc(node.id)}" class="{cls}"><rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" '
           f'height="{h:.1f}" rx="{rx}" fill="{fill}"{opacity} stroke="{border}" stroke-width="{pen}"'
           f'{dash_attr}/>']
    cx, ty = x + w / 2, y + PAD_Y + 11
    out.append(f'<text x="{cx:.1f}" y="{ty:.1f}" font-size="12" font-weight="bold" '
               f'text-anchor="middle">{esc(node.title)}</text>')
    for line in node.lines:
        ty += LINE_H
        out.append(f'<text x="{cx:.1f}" y="{ty:.1f}" font-size="10" text-anchor="middle">{esc(line)}</text>')
    out.append("</g>")
    return "".join(out)

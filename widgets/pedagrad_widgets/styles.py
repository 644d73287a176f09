"""How each kind of graph node looks: colours, borders and the legend text, shared by both renderers."""

FONT = "Helvetica, Arial, sans-serif"

# style name -> (fill, border colour, border dash or "", legend text)
STYLES = {
    "leaf_grad": ("#c8ecc8", "#2e7d32", "", "leaf tensor, requires_grad=True (gets .grad)"),
    "leaf": ("#ffffff", "#9e9e9e", "4,3", "tensor with requires_grad=False (not tracked)"),
    "nonleaf": ("#cfe3fa", "#1565c0", "", "non-leaf tensor (made by an op, has grad_fn)"),
    "function": ("#fff3c4", "#b28704", "", "backward function (grad_fn node)"),
    "accumulate": ("#ffe0b2", "#e65100", "", "AccumulateGrad: adds into a leaf's .grad"),
    "saved": ("#f3e5f5", "#7b1fa2", "2,2", "tensor saved for backward"),
    "hidden": ("#eeeeee", "#616161", "4,3", "nodes not drawn"),
}

# Legend entries, in the order shown.
LEGEND_ORDER = ("leaf_grad", "leaf", "nonleaf", "function", "accumulate", "saved")

HIGHLIGHT = {"current": ("#ff5252", "#b71c1c"), "done": (None, "#9e9e9e")}

EDGE_STYLES = {
    # kind -> (colour, dash, meaning)
    "next": ("#424242", "", "next_functions: the way gradients flow"),
    "grad_fn": ("#1565c0", "5,3", "tensor.grad_fn"),
    "variable": ("#e65100", "", "AccumulateGrad.variable: += into .grad"),
    "saved": ("#7b1fa2", "2,2", "saved for backward"),
    "hidden": ("#616161", "4,3", ""),
}

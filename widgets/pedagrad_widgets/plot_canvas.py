"""Figures made outside pyplot, and their pixels as PNG bytes: what every live picture here is drawn on."""
import io

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

PNG_COMPRESS_LEVEL = 3  # zlib level: 6 (matplotlib's) costs twice the time for 10 % fewer bytes


def new_figure(width, height, dpi):
    """A Figure with its own Agg canvas, never registered with pyplot, so redrawing it leaves no figures behind."""
    figure = Figure(figsize=(width, height), dpi=dpi)
    FigureCanvasAgg(figure)
    return figure


def set_margins(figure, left, right, bottom, top, **spacing):
    """Fix the figure's margins in inches (not fractions), so they stay put when its size changes."""
    width, height = figure.get_size_inches()
    figure.subplots_adjust(left=left / width, right=1 - right / width, bottom=bottom / height, top=1 - top / height,
                           **spacing)


def canvas_png(figure):
    """PNG bytes of the pixels the figure's canvas holds now; no metadata, so equal pixels give equal bytes."""
    rgb = np.asarray(figure.canvas.buffer_rgba())[..., :3]
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, format="png", compress_level=PNG_COMPRESS_LEVEL)
    return buf.getvalue()


def figure_png(figure):
    """Draw the whole figure and return it as PNG bytes."""
    figure.canvas.draw()
    return canvas_png(figure)


class Blitter:
    """Frames of a figure whose curves change often and axes rarely: the curves (artists made with
    ``animated=True``) are drawn over a cached picture of everything else."""

    def __init__(self, figure):
        self.figure = figure
        self.background = None
        self.full_draws = 0  # frames that drew the axes too

    def png(self, artists, axes_changed=False):
        """PNG bytes of the figure with ``artists`` drawn; the axes are redrawn only if they changed."""
        canvas = self.figure.canvas
        if axes_changed or self.background is None:
            canvas.draw()  # everything but the animated artists
            self.background = canvas.copy_from_bbox(self.figure.bbox)
            self.full_draws += 1
        else:
            canvas.restore_region(self.background)
        for artist in artists:
            artist.axes.draw_artist(artist)
        return canvas_png(self.figure)

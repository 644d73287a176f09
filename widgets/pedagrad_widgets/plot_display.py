"""LivePicture: how a widget holding one PNG shows itself in Jupyter, in a saved notebook and in plain Python."""
import ipywidgets as widgets

from .namespace import ipython

MODES = ("auto", "widget", "text")


def in_widget_frontend():
    """True inside a Jupyter kernel, where widgets can show; False in plain Python or a terminal IPython.

    A kernel's shell has a ``kernel`` that talks to the front end: ipykernel's ZMQ shell on a
    machine, and the Pyodide kernel's shell in the browser (JupyterLite), which is no ZMQ shell.
    """
    shell = ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def resolve_mode(mode):
    """``"widget"`` or ``"text"``: what ``mode="auto"`` means here, or the mode asked for."""
    if mode not in MODES:
        raise ValueError(f"mode must be 'auto', 'widget' or 'text', got {mode!r}")
    if mode == "auto":
        return "widget" if in_widget_frontend() else "text"
    return mode


def picture_widget():
    """The Image widget a live picture is shown in: at its own size (a box would stretch it), narrower if need be."""
    return widgets.Image(format="png", layout=widgets.Layout(max_width="100%", align_self="flex-start"))


class LivePicture:
    """Mixin for an ipywidgets box holding a picture: ``picture_bundle()`` gives it as MIME data
    (here the PNG in ``self.png``; the graph widgets give SVG, see saved_picture.py).

    Its output carries the widget view, a stable ``text/plain`` (the repr, which nbval compares) and
    the picture (which a saved notebook keeps for readers without a kernel). The output is
    displayed through a handle, so it can be re-sent when the picture changes. With
    ``keep_first_text`` a re-sent output keeps the text first shown: nbval compares that one and
    never sees later updates. In ``mode == "text"`` displaying it prints the repr instead.
    """

    png = b""
    mode = "text"
    keep_first_text = False
    _handle = None  # the display handle, once displayed
    _sent = None  # (picture, text) that the displayed output holds
    _first_text = None
    _watching = False

    def picture_bundle(self):
        """The picture as MIME data (nothing before the first frame)."""
        return {"image/png": self.png} if self.png else {}

    def _text(self):
        return self._first_text if self.keep_first_text and self._first_text is not None else repr(self)

    def _repr_mimebundle_(self, **kwargs):
        data = {} if self._closed() else dict(super()._repr_mimebundle_(**kwargs) or {})
        data["text/plain"] = self._text()
        data.update(self.picture_bundle())
        return data

    def _state(self):
        return tuple(self.picture_bundle().values()), self._text()

    def _closed(self):
        return getattr(self, "comm", None) is None

    def _ipython_display_(self):
        """Display through a handle, so that a later picture can replace the first in the saved notebook."""
        from IPython.display import display

        if self.mode == "text":
            print(repr(self))
            return
        self._first_text = repr(self)
        self._sent = self._state()
        self._handle = display(self._repr_mimebundle_(), raw=True, display_id=True)
        self.watch_cells()

    def show(self):
        """Display it in the running cell if no cell has displayed it yet (only inside a kernel)."""
        if self._handle is None and in_widget_frontend():
            self._ipython_display_()

    def refresh_saved(self, force=False):
        """Re-send the displayed output if its picture or text changed since it was sent."""
        if self._handle is None:
            return
        state = self._state()
        if force or state != self._sent:
            self._sent = state
            self._handle.update(self._repr_mimebundle_(), raw=True)

    def watch_cells(self):
        """Call ``after_cell()`` after every notebook cell that runs (IPython's ``post_run_cell``)."""
        shell = ipython()
        if shell is not None and not self._watching:
            shell.events.register("post_run_cell", self._post_run_cell)
            self._watching = True

    def stop_watching(self):
        shell = ipython()
        if shell is not None and self._watching:
            shell.events.unregister("post_run_cell", self._post_run_cell)
            self._watching = False

    def _post_run_cell(self, _result=None):
        self.after_cell()

    def after_cell(self):
        """What to do when a cell has run: bring the saved output up to date."""
        self.refresh_saved()

"""Widgets whose latest picture stays in the saved notebook, beside a stable text form for nbval."""
import html
import re

from .namespace import ipython


def plain(markup):
    """Text of a bit of HTML: tags dropped, entities decoded, spaces collapsed."""
    text = re.sub(r"<br\s*/?>|</p>|</li>", " ", markup)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", text))).strip()


class SavedPicture:
    """Mixin for an ipywidget that has a picture: ``_picture()`` returns SVG text (or "" for none).

    Displayed, it goes through a display handle carrying the widget view, ``repr(self)`` as
    ``text/plain`` and the picture as ``image/svg+xml``. After any cell in which the picture
    changed, that output is re-sent once, so a saved notebook holds the latest picture (JupyterLab
    does not save widget state, and nbval compares only the last display of an output).
    """

    _handle = None
    _saved_svg = None
    _sent_text = None

    def _picture(self):
        raise NotImplementedError

    def _repr_mimebundle_(self, **kwargs):
        data = super()._repr_mimebundle_(**kwargs) or {}
        data["text/plain"] = repr(self)
        svg = self._picture()
        if svg:
            data["image/svg+xml"] = svg
        self._saved_svg = svg
        return data

    def _ipython_display_(self):
        from IPython.display import display

        bundle = self._repr_mimebundle_()
        self._sent_text = bundle["text/plain"]
        self._handle = display(bundle, raw=True, display_id=True)
        shell = ipython()
        if shell is not None:
            shell.events.register("post_run_cell", self._refresh_saved)

    def _refresh_saved(self, _result=None):
        """Once per cell at most: re-send the output if the picture changed since it was last sent.

        The text stays as first sent: nbval compares the text printed when the cell ran, and does
        not see later updates, so only the picture follows the widget."""
        if self._handle is not None and self._saved_svg != self._picture():
            text = self._sent_text
            bundle = self._repr_mimebundle_()
            bundle["text/plain"] = text
            self._handle.update(bundle, raw=True)

    def _stop_refreshing(self):
        shell = ipython()
        if shell is not None and self._handle is not None:
            try:
                shell.events.unregister("post_run_cell", self._refresh_saved)
            except ValueError:
                pass
        self._handle = None

    def snapshot(self):
        """The current picture as a plain SVG display object (it stays in a saved notebook)."""
        from IPython.display import SVG
        return SVG(data=self._picture())

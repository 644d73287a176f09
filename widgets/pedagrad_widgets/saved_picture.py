"""The graph widgets' pictures in saved notebooks: SVG, beside the text first shown."""
import html
import re

from .plot_display import LivePicture


def plain(markup):
    """Text of a bit of HTML: tags dropped, entities decoded, spaces collapsed."""
    text = re.sub(r"<br\s*/?>|</p>|</li>", " ", markup)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", text))).strip()


class SavedPicture(LivePicture):
    """LivePicture for a widget whose picture is SVG text from ``_picture()`` ("" for none).

    Always shown as a widget; after any cell in which the picture changed, the output is re-sent
    once with the text first shown, so a saved notebook holds the latest picture and nbval still
    compares the text printed when the cell ran.
    """

    mode = "widget"
    keep_first_text = True

    def _picture(self):
        raise NotImplementedError

    def picture_bundle(self):
        svg = self._picture()
        return {"image/svg+xml": svg} if svg else {}

    def _refresh_saved(self, _result=None):
        self.refresh_saved()

    def _stop_refreshing(self):
        self.stop_watching()
        self._handle = None

    def snapshot(self):
        """The current picture as a plain SVG display object (it stays in a saved notebook)."""
        from IPython.display import SVG
        return SVG(data=self._picture())

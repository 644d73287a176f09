"""Writing a notebook so that an interrupted run never leaves half a file."""
import os
import tempfile

import nbformat


def write_atomically(nb, path):
    """Write ``nb`` next to ``path``, then rename it over ``path``, with ordinary file permissions."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".ipynb.tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            nbformat.write(nb, f)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes files private; a notebook is an ordinary file
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise

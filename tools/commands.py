"""Running one step of a build as a subprocess: its output on success, an error that shows it on failure."""
import subprocess


class CommandFailed(Exception):
    """A command failed; the message says which step, the command, and the end of what it printed."""


def run(cmd, what, **kwargs):
    """Run ``cmd`` (``what`` names the step in the error); its standard output."""
    result = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise CommandFailed(f"{what} failed (exit {result.returncode}): {' '.join(map(str, cmd))}\n"
                            f"{result.stdout[-3000:]}{result.stderr[-3000:]}")
    return result.stdout

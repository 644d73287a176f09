"""Devices: pedagrad computes on the CPU only; ``"cpu"`` is accepted wherever torch takes a device."""


class device:
    def __init__(self, type="cpu", index=None):
        type = getattr(type, "type", type)
        if str(type).split(":")[0] != "cpu":
            raise RuntimeError(f"pedagrad runs on the CPU only, so device '{type}' is not available. "
                               "Use device='cpu' (torch.cuda.is_available() is False here).")
        self.type, self.index = "cpu", None

    def __repr__(self):
        return "device(type='cpu')"

    def __str__(self):
        return "cpu"

    def __eq__(self, other):
        return str(other) == "cpu"

    def __hash__(self):
        return hash("cpu")


class cuda:
    """``torch.cuda.is_available()`` is False: there is no GPU in pedagrad."""

    @staticmethod
    def is_available():
        return False

    @staticmethod
    def device_count():
        return 0

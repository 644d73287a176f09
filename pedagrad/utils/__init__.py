"""Utilities with torch.utils' names: ``pedagrad.utils.data`` feeds data to a training loop."""
from . import data

__all__ = ["data"]

"""torch.Size: the shape of a tensor, a tuple that prints as ``torch.Size([3, 4])``."""


class Size(tuple):
    def __repr__(self):
        return f"torch.Size([{', '.join(map(str, self))}])"

    __str__ = __repr__

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n

"""torch.linalg, the part pedagrad has: vector norms, and ``norm`` where it is one (or "fro")."""
from ._ops.reductions import matrix_norm_checks, vector_norm

__all__ = ["norm", "vector_norm"]


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None):
    """A vector norm, as torch.linalg.norm computes it: of all elements when ``ord`` is None, of
    each vector along one ``dim``, or of a 1-D tensor. Over two dims (or of a 2-D tensor with an
    ``ord``) it is a matrix norm: pedagrad has "fro" (the 2-norm of the elements) only."""
    dim = (dim,) if isinstance(dim, int) else dim
    if dim is not None:
        if len(dim) not in (1, 2):
            raise RuntimeError(f"linalg.norm: If dim is specified, it must be of length 1 or 2. Got "
                               f"{list(dim)}")
    elif ord is not None and A.ndim not in (1, 2):
        raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or "
                           f"2D. Got {A.ndim}D.")
    if isinstance(ord, str) or (ord is not None and (len(dim) == 2 if dim is not None else A.ndim == 2)):
        dims = matrix_norm_checks(A, ord, list(dim) if dim is not None else [0, 1])
        return vector_norm(A, 2, dims, keepdim, dtype=dtype)
    return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype)

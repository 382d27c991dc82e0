"""Turn framework values into plain Python without importing any framework."""

from __future__ import annotations

from typing import Any

_SCALARS = (bool, int, float, complex, str, bytes)


def plain(value: Any) -> Any:
    """Python scalars and nested tuples from NumPy scalars and arrays, torch and TensorFlow tensors
    and shapes, lists and tuples. Anything else is returned as it is."""
    if value is None or type(value) in _SCALARS:  # exact types: np.float64 subclasses float
        return value
    if isinstance(value, list | tuple):  # torch.Size is a tuple
        return tuple(plain(v) for v in value)
    as_list = getattr(value, "as_list", None)  # tf.TensorShape
    if callable(as_list):
        try:
            return tuple(as_list())
        except ValueError:  # a shape of unknown rank
            return value
    if not callable(getattr(value, "tolist", None)) and callable(getattr(value, "numpy", None)):
        value = value.numpy()  # tf.Tensor, tf.Variable
    detach = getattr(value, "detach", None)
    if callable(detach):  # torch.Tensor: tolist() works on tensors that require grad once detached
        value = detach()
    tolist = getattr(value, "tolist", None)
    if callable(tolist):
        return plain(tolist())
    if isinstance(value, _SCALARS):
        return value
    item = getattr(value, "item", None)
    if callable(item):
        try:
            return item()
        except (TypeError, ValueError):
            return value
    return value

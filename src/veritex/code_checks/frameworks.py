"""Values from NumPy, PyTorch, TensorFlow or JAX as NumPy arrays, and how precise each one is.

No framework is imported here: a value's framework is read from `type(value).__module__`, so a
document that never imports TensorFlow never pays for it.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

Precision = Literal["half", "single", "double"]
Framework = Literal["numpy", "torch", "tensorflow", "jax"]

_PRECISION_ORDER: dict[Precision, int] = {"half": 0, "single": 1, "double": 2}


def framework_of_value(value: Any) -> Framework | None:
    """The framework a value belongs to, or None for Python and NumPy values."""
    module = type(value).__module__ or ""
    root = module.split(".", 1)[0]
    if root == "torch":
        return "torch"
    if root in ("tensorflow", "keras", "tf_keras"):
        return "tensorflow"
    if root in ("jax", "jaxlib"):
        return "jax"
    return None


def dtype_name(value: Any) -> str | None:
    """The value's dtype as a short name ('float32', 'bfloat16', 'int64'...), None for Python numbers."""
    if isinstance(value, bool | int | float | complex):
        return None
    dtype = getattr(value, "dtype", None)
    if dtype is None:
        return None
    name = getattr(dtype, "name", None)  # NumPy and TensorFlow dtypes
    if isinstance(name, str):
        return name
    text = str(dtype)  # torch.float32
    return text.rsplit(".", 1)[-1]


def precision_of(value: Any) -> Precision | None:
    """How precise a floating value is; None for integers, booleans and Python floats (exact or double)."""
    name = dtype_name(value)
    if name is None:
        return None
    if name in ("float16", "bfloat16", "half", "complex32"):
        return "half"
    if name in ("float32", "complex64", "float", "cfloat"):
        return "single"
    if name.startswith("float") or name.startswith("complex") or name == "double":
        return "double"
    return None


def least_precise(precisions: list[Precision | None]) -> Precision:
    """The least precise of the given precisions; double when none is floating."""
    known = [p for p in precisions if p is not None]
    if not known:
        return "double"
    return min(known, key=lambda p: _PRECISION_ORDER[p])


def to_numpy(value: Any) -> np.ndarray:
    """`value` as a NumPy array (float64, complex128, or the integer/bool dtype it had).

    Torch tensors are detached and moved to the CPU; TensorFlow tensors and variables go through
    `.numpy()`. Raises TypeError for a value that is not numeric.
    """
    framework = framework_of_value(value)
    if framework == "torch":
        tensor = value.detach()
        if tensor.dtype.is_complex:
            tensor = tensor.to(dtype=_torch_dtype(tensor, "complex128"))
        elif tensor.dtype.is_floating_point:
            tensor = tensor.to(dtype=_torch_dtype(tensor, "float64"))  # bfloat16 has no NumPy dtype
        value = tensor.cpu().numpy()
    elif framework == "tensorflow":
        numpy_method = getattr(value, "numpy", None)
        value = numpy_method() if callable(numpy_method) else np.asarray(value)
    try:
        array = np.asarray(value)
    except Exception as exc:  # noqa: BLE001 - whatever the object is, it is not a number
        raise TypeError(f"cannot read a {type(value).__name__} as numbers") from exc
    if array.dtype == object:
        try:
            array = array.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"cannot read a {type(value).__name__} as numbers") from exc
    if array.dtype.kind == "f":
        return array.astype(np.float64, copy=False)
    if array.dtype.kind == "c":
        return array.astype(np.complex128, copy=False)
    if array.dtype.kind in "iub":
        return array
    raise TypeError(f"cannot read a {type(value).__name__} of dtype {array.dtype} as numbers")


def _torch_dtype(tensor: Any, name: str) -> Any:
    import sys

    return getattr(sys.modules[type(tensor).__module__.split(".", 1)[0]], name)


def describe_value(value: Any) -> str:
    """A short description for messages: '0.7', 'float32 tensor of shape (8, 5)'."""
    if isinstance(value, bool | int | float | complex):
        return repr(value)
    shape = getattr(value, "shape", None)
    name = dtype_name(value) or type(value).__name__
    framework = framework_of_value(value)
    kind = {"torch": "tensor", "tensorflow": "tensor", "jax": "array"}.get(framework or "", "array")
    if shape is not None:
        dims = tuple(int(d) if d is not None else None for d in tuple(shape))
        if dims == ():
            try:
                return f"{name} {to_numpy(value).item()!r}"
            except TypeError:
                return f"{name} {kind}"
        return f"{name} {kind} of shape {dims}"
    return type(value).__name__

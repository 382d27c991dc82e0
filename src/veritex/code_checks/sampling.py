"""Random inputs for `@vt.implements`: sizes that hide nothing, tensors of the function's framework."""

from __future__ import annotations

import sys
import types
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np

from .frameworks import Framework, framework_of_value

ShapeSpec = tuple[int | str, ...]

_SIZE_POOL = (3, 5, 4, 6, 7, 2, 9, 8, 11, 10, 13, 12)


def framework_of_function(fn: Any) -> Framework:
    """The framework `fn`'s code refers to: torch, then TensorFlow, then JAX; NumPy otherwise."""
    found: set[Framework] = set()
    target = fn
    if framework_of_value(fn) is not None:  # an nn.Module or Keras layer instance
        found.add(framework_of_value(fn))  # type: ignore[arg-type]
        target = getattr(fn, "forward", None) or getattr(fn, "call", None) or fn
    function = getattr(target, "__func__", target)
    code = getattr(function, "__code__", None)
    if code is not None:
        namespace: dict[str, Any] = dict(getattr(function, "__globals__", {}) or {})
        for name, cell in zip(code.co_freevars, getattr(function, "__closure__", None) or (), strict=False):
            try:
                namespace[name] = cell.cell_contents
            except ValueError:
                continue
        for name in _names(code):
            if name in namespace:
                framework = _framework_of_object(namespace[name])
                if framework is not None:
                    found.add(framework)
    for framework in ("torch", "tensorflow", "jax"):
        if framework in found:
            return framework  # type: ignore[return-value]
    return "numpy"


def _names(code: types.CodeType) -> Iterator[str]:
    yield from code.co_names
    yield from code.co_freevars
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _names(const)


def _framework_of_object(obj: Any) -> Framework | None:
    module = obj.__name__ if isinstance(obj, types.ModuleType) else getattr(obj, "__module__", None)
    if not isinstance(module, str):
        return framework_of_value(obj)
    root = module.split(".", 1)[0]
    return {"torch": "torch", "tensorflow": "tensorflow", "keras": "tensorflow", "jax": "jax"}.get(root)  # type: ignore[return-value]


def draw_sizes(shapes: Mapping[str, ShapeSpec], fixed: Mapping[str, Any], rng: np.random.Generator) -> dict[str, int]:
    """A size for every named axis in `shapes`: the value in `fixed` when it gives one, otherwise
    pairwise distinct sizes >= 2 that also differ from every fixed size, so that a transpose or a
    size in the wrong place cannot go unnoticed."""
    names: list[str] = []
    for spec in shapes.values():
        for dim in spec:
            if isinstance(dim, str) and dim not in names:
                names.append(dim)
    sizes: dict[str, int] = {}
    taken: set[int] = {int(d) for spec in shapes.values() for d in spec if not isinstance(d, str)}
    for name in names:
        if name in fixed and _is_int(fixed[name]):
            sizes[name] = int(fixed[name])
            taken.add(sizes[name])
    pool = [n for n in _SIZE_POOL if n not in taken]
    order = rng.permutation(len(pool))
    free = [name for name in names if name not in sizes]
    if len(free) > len(pool):
        pool += list(range(max(_SIZE_POOL) + 1, max(_SIZE_POOL) + 1 + len(free)))
        order = np.arange(len(pool))
    for name, slot in zip(free, order, strict=False):
        sizes[name] = int(pool[int(slot)])
    return sizes


def _is_int(value: Any) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def concrete_shape(spec: ShapeSpec, sizes: Mapping[str, int]) -> tuple[int, ...]:
    return tuple(sizes[d] if isinstance(d, str) else int(d) for d in spec)


def make_array(array: np.ndarray, framework: Framework, dtype: Any) -> Any:
    """`array` as a tensor of `framework` with `dtype` (a name, a NumPy dtype or the framework's own)."""
    name = _dtype_name(dtype)
    if framework == "torch":
        torch = sys.modules.get("torch") or __import__("torch")
        return torch.from_numpy(np.ascontiguousarray(array)).to(getattr(torch, name))
    if framework == "tensorflow":
        tf = sys.modules.get("tensorflow") or __import__("tensorflow")
        return tf.constant(array, dtype=getattr(tf, name))
    if framework == "jax":
        jnp = __import__("jax.numpy", fromlist=["numpy"])
        return jnp.asarray(array, dtype=name)
    return array.astype(name)


def _dtype_name(dtype: Any) -> str:
    if dtype is None:
        return "float64"
    if isinstance(dtype, str):
        return dtype
    name = getattr(dtype, "name", None)  # NumPy and TensorFlow dtypes, NumPy scalar types
    if isinstance(name, str):
        return name
    if isinstance(dtype, type) and issubclass(dtype, np.generic):
        return np.dtype(dtype).name
    return str(dtype).rsplit(".", 1)[-1]  # torch.float32


def draw_inputs(
    shapes: Mapping[str, ShapeSpec], sizes: Mapping[str, int], rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    """Standard normal float64 arrays of the given shapes (the caller converts them)."""
    return {name: rng.standard_normal(concrete_shape(spec, sizes)) for name, spec in shapes.items()}


Sampler = Callable[[np.random.Generator], dict[str, np.ndarray]]

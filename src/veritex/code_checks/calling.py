"""Call the user's implementation with the values its parameters name.

Rules (the acceptance conventions): a zero-argument callable is called bare; an `nn.Module` or a
Keras layer is called as a module (so its hooks run), with the parameters of its `forward` / `call`;
parameters are matched by name; when they cannot be matched (a built-in without an inspectable
signature, or one required positional parameter with another name such as `forward(input)`), the
first value given is passed positionally.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any


class BindingError(Exception):
    """The function needs a parameter that no given value names."""


def _is_module(fn: Any) -> str | None:
    """'torch' for an nn.Module instance, 'keras' for a Keras layer or model, else None."""
    for cls in type(fn).__mro__:
        module = cls.__module__ or ""
        if cls.__name__ == "Module" and module.startswith("torch.nn"):
            return "torch"
        if cls.__name__ == "Layer" and module.split(".", 1)[0] in ("keras", "tf_keras", "tensorflow"):
            return "keras"
    return None


def _signature_target(fn: Any) -> Any:
    kind = _is_module(fn)
    if kind == "torch":
        return fn.forward
    if kind == "keras":
        return fn.call
    return fn


def plan_call(fn: Callable[..., Any], values: Mapping[str, Any]) -> tuple[list[Any], dict[str, Any], str]:
    """The positional and keyword arguments to call `fn` with, and a description of the binding."""
    if not callable(fn):
        raise BindingError(f"the implementation must be callable, got a {type(fn).__name__}")
    try:
        signature = inspect.signature(_signature_target(fn))
    except (TypeError, ValueError):
        return _first_positional(values, "its signature cannot be inspected")
    parameters = [p for p in signature.parameters.values() if p.name != "self"]
    if not parameters:
        return [], {}, "called with no arguments"
    normalised = {_normalise(name): name for name in values}
    keywords: dict[str, Any] = {}
    positional: list[Any] = []
    missing: list[str] = []
    takes_kwargs = False
    for p in parameters:
        if p.kind is p.VAR_KEYWORD:
            takes_kwargs = True
            continue
        if p.kind is p.VAR_POSITIONAL:
            continue
        name = p.name if p.name in values else normalised.get(_normalise(p.name))
        if name is not None:
            if p.kind is p.POSITIONAL_ONLY:
                positional.append(values[name])  # positional-only parameters come first, in order
            else:
                keywords[p.name] = values[name]
        elif p.default is p.empty:
            missing.append(p.name)
    if takes_kwargs:
        used = set(keywords) | {normalised.get(_normalise(k), k) for k in keywords}
        keywords.update({k: v for k, v in values.items() if k not in used})
    if missing:
        required = [p for p in parameters if p.default is p.empty and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)]
        if len(required) == 1 and not keywords and not positional:
            return _first_positional(values, f"its one parameter `{missing[0]}` names no value")
        given = ", ".join(values) or "none"
        raise BindingError(
            f"the implementation needs {', '.join(f'`{m}`' for m in missing)}, which no value names "
            f"(values given: {given}); pass {missing[0]}=..."
        )
    bound = ", ".join([*(["<positional>"] * len(positional)), *keywords])
    return positional, keywords, f"called with {bound}"


def _first_positional(values: Mapping[str, Any], why: str) -> tuple[list[Any], dict[str, Any], str]:
    if not values:
        return [], {}, f"called with no arguments ({why})"
    name = next(iter(values))
    return [values[name]], {}, f"called with `{name}` as its first argument ({why})"


def call(fn: Callable[..., Any], values: Mapping[str, Any]) -> tuple[Any, str]:
    """Call `fn` as `plan_call` says; the result and the binding's description. Exceptions propagate."""
    positional, keywords, description = plan_call(fn, values)
    return fn(*positional, **keywords), description


def _normalise(name: str) -> str:
    return name.replace("_", "").rstrip("_")

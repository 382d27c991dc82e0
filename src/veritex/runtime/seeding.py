"""Seed `random`, NumPy, PyTorch and TensorFlow, the last three only once the document imports them."""

from __future__ import annotations

import contextlib
import random
import sys
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from importlib.machinery import ModuleSpec

Seeder = Callable[[ModuleType, int], None]


def _seed_numpy(numpy: ModuleType, seed: int) -> None:
    numpy.random.seed(seed % 2**32)  # NumPy's legacy global generator takes 32-bit seeds


def _seed_torch(torch: ModuleType, seed: int) -> None:
    torch.manual_seed(seed)


def _seed_tensorflow(tf: ModuleType, seed: int) -> None:
    tf.random.set_seed(seed)


SEEDERS: dict[str, Seeder] = {"numpy": _seed_numpy, "torch": _seed_torch, "tensorflow": _seed_tensorflow}


def seed_everything(seed: int) -> None:
    """Seed `random` now and every framework in `SEEDERS` now or right after its first import."""
    random.seed(seed)
    pending: dict[str, Seeder] = {}
    for name, seeder in SEEDERS.items():
        module = sys.modules.get(name)
        if module is not None:
            _seed_quietly(seeder, module, seed)
        else:
            pending[name] = seeder
    _remove_hooks()
    if pending:
        sys.meta_path.insert(0, SeedAfterImport(pending, seed))


def _seed_quietly(seeder: Seeder, module: ModuleType, seed: int) -> None:
    with contextlib.suppress(Exception):  # seeding must never break the document's own import
        seeder(module, seed)


def _remove_hooks() -> None:
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, SeedAfterImport)]


class SeedAfterImport:
    """A meta path finder that finds nothing itself: it wraps the real loader of a watched top-level
    package so that the package is seeded as soon as its `__init__` has run, then steps out of the
    import system. (Not an `importlib.abc` subclass: that import costs ~15 ms in every kernel.)"""

    def __init__(self, pending: dict[str, Seeder], seed: int) -> None:
        self._pending = pending
        self._seed = seed

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        seeder = self._pending.get(fullname)
        if seeder is None:
            return None
        spec = self._real_spec(fullname, path, target)
        loader: Any = spec.loader if spec is not None else None
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        run_module = loader.exec_module

        def exec_then_seed(module: ModuleType) -> None:
            run_module(module)
            self._pending.pop(fullname, None)
            if not self._pending:
                _remove_hooks()
            _seed_quietly(seeder, module, self._seed)

        try:
            # An instance attribute: this loader object serves this one module, and its class stays
            # what importlib.resources and friends expect.
            loader.exec_module = exec_then_seed
        except AttributeError:
            return spec
        return spec

    def _real_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None
    ) -> ModuleSpec | None:
        for finder in sys.meta_path:
            if finder is self or isinstance(finder, SeedAfterImport):
                continue
            find_spec = getattr(finder, "find_spec", None)
            if find_spec is None:
                continue
            spec = find_spec(fullname, path, target)
            if spec is not None:
                return spec  # type: ignore[no-any-return]
        return None

"""Which program a kernel name starts: Jupyter's kernel specs, except that `python3` is veritex's own
interpreter, started by a launcher that skips ipykernel's debugger."""

from __future__ import annotations

import sys
from typing import Any

NATIVE_KERNEL = "python3"
IPYKERNEL_ARGUMENTS = ("--HistoryManager.hist_file=:memory:",)  # no history database for a build

_SPEC_MANAGER: Any = None

# The native kernel starts as ipykernel's own launcher does, except that ipykernel finds no debugpy
# while it loads: its debugger is a sixth of the kernel's start, and a build never attaches one. The
# cells can still import debugpy.
NATIVE_LAUNCHER = (
    "import importlib.util, sys\n"
    "if sys.path and sys.path[0] == '':\n"
    "    del sys.path[0]\n"  # the folder goes back on the path once IPython starts, as with ipykernel_launcher
    "launcher = importlib.util.find_spec('ipykernel_launcher')\n"
    "sys.argv[0] = launcher.origin if launcher and launcher.origin else sys.argv[0]\n"  # what cells see
    "sys.modules['debugpy'] = None\n"
    "try:\n"
    "    import ipykernel.debugger\n"
    "except Exception:\n"
    "    pass\n"
    "finally:\n"
    "    del sys.modules['debugpy']\n"
    "from ipykernel import kernelapp\n"
    "kernelapp.launch_new_instance()\n"
)


def spec_manager() -> Any:
    """Kernel specs as Jupyter finds them, except that `python3` is always the interpreter running
    veritex (a user-wide `python3` spec may point at another Python without veritex)."""
    global _SPEC_MANAGER
    if _SPEC_MANAGER is None:
        from jupyter_client.kernelspec import KernelSpec, KernelSpecManager

        class OwnPythonSpecs(KernelSpecManager):  # type: ignore[misc]
            def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
                if kernel_name == NATIVE_KERNEL:
                    return KernelSpec(
                        argv=[sys.executable, "-c", NATIVE_LAUNCHER, "-f", "{connection_file}"],
                        display_name=f"Python {sys.version_info.major}.{sys.version_info.minor}",
                        language="python", interrupt_mode="signal", metadata={"debugger": False},
                    )
                return super().get_kernel_spec(kernel_name)

        _SPEC_MANAGER = OwnPythonSpecs()
    return _SPEC_MANAGER

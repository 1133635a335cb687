"""Import a script that is not part of the package (a ``bench/`` script, a judged-set builder)
as a module, once per test session."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parent.parent


def load_script(name: str, path: Path) -> ModuleType:
    """The module at ``path``, registered as ``name``; loaded on first use, then reused."""
    module = sys.modules.get(name)
    if module is not None:
        return module
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None, path
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def load_bench(script: str) -> ModuleType:
    """``bench/<script>.py`` as module ``<script>``."""
    return load_script(script, REPO / "bench" / f"{script}.py")

"""Every example in a docstring of jifen's modules runs and prints what it says (a docstring's example that
no test ran had drifted from the code)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import jifen

MODULES = sorted(m.name for m in pkgutil.walk_packages(jifen.__path__, "jifen.") if not m.name.endswith("__main__"))


@pytest.mark.parametrize("name", MODULES)
def test_the_examples_in_a_modules_docstrings_hold(name):
    module = importlib.import_module(name)
    assert doctest.testmod(module, optionflags=doctest.ELLIPSIS).failed == 0

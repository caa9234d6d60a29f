"""core.warmup: loads the engine without leaving the garbage collector changed or objects to walk."""

import gc
import sys

import pytest

from core import warmup


@pytest.fixture
def unfrozen():
    yield
    gc.unfreeze()  # the rest of the session collects as usual


def test_warm_up_freezes_what_it_loaded_and_restores_collection(unfrozen):
    gc.unfreeze()
    gc.enable()
    warmup.warm_up(1)
    assert gc.isenabled()
    assert gc.get_freeze_count() > 100_000  # torch's objects among them: full collections skip them
    assert {"torch", "torch._dynamo", "sklearn.linear_model"} <= set(sys.modules)


def test_warm_up_leaves_a_disabled_collector_disabled(unfrozen):
    gc.disable()
    try:
        warmup.warm_up(1)
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the preload is Linux only")
def test_torchs_native_libraries_are_found_and_loaded():
    assert warmup.preload_native_libraries() == len(warmup.NATIVE_LIBRARIES)
    with open("/proc/self/maps") as maps:
        mapped = maps.read()
    assert all(name in mapped for name in warmup.NATIVE_LIBRARIES)

"""Well-known library values read as summaries, without running the library's Python code."""

import numpy as np

from sonde_agent.probes.capture import Capture
from sonde_agent.probes.values import render


def test_a_numpy_array_reads_as_its_shape_dtype_and_first_items():
    assert render(np.arange(12.0).reshape(3, 4)) == "ndarray(shape=(3, 4), dtype=float64) [ 0.0, 1.0, 2.0, 3.0, 4.0, \u2026 ]"
    assert render(np.array([1, 2], dtype=np.int32)) == "ndarray(shape=(2,), dtype=int32) [ 1, 2 ]"
    assert render(np.zeros((0,))) == "ndarray(shape=(0,), dtype=float64) []"


def test_a_huge_array_is_summarised_without_being_read_whole():
    big = np.zeros((10_000, 10_000), dtype=np.uint8)  # 100 MB: a copy or a full read would show in the time
    assert render(big).startswith("ndarray(shape=(10000, 10000), dtype=uint8) [ 0, 0, 0, 0, 0, \u2026 ]")


def test_numpy_scalars_read_as_numbers_and_in_a_snapshot_as_leaves():
    assert render([np.int64(3), np.float32(0.5), np.bool_(True)]) == "[ 3, 0.5, true ]"
    v = Capture().variable("batch", np.ones((2, 2)))
    assert (v.type, v.value, v.children) == ("ndarray", "ndarray(shape=(2, 2), dtype=float64) [ 1.0, 1.0, 1.0, 1.0 ]", [])

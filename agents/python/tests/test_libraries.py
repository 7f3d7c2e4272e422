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


import datetime as dt
import os
import sys

import pandas as pd


def calls_into(packages, run):
    """The Python functions of ``packages`` that ``run()`` called (C code, which a profiler sees as c_call, is not counted)."""
    dirs = tuple(os.path.dirname(p.__file__) + os.sep for p in packages)
    called = []

    def profile(frame, event, arg):
        if event == "call" and frame.f_code.co_filename.startswith(dirs):
            called.append(f"{frame.f_code.co_filename}:{frame.f_code.co_name}")

    sys.setprofile(profile)
    try:
        result = run()
    finally:
        sys.setprofile(None)
    return result, called


FRAME = pd.DataFrame({"label": ["cat", "dog", "cat"], "score": [0.9, 0.4, 0.7]})


def test_a_pandas_frame_reads_as_its_shape_and_columns_series_and_indexes_as_their_first_items():
    assert render(FRAME) == "DataFrame(shape=(3, 2), columns=[ 'label', 'score' ])"
    assert render(FRAME["score"]) == "Series(name='score', length=3, dtype=float64) [ 0.9, 0.4, 0.7 ]"
    assert render(FRAME.index) == "RangeIndex(length=3) [ 0, 1, 2 ]"
    wide = pd.DataFrame(np.zeros((1000, 30)), columns=[f"c{i}" for i in range(30)])
    assert render(wide) == "DataFrame(shape=(1000, 30), columns=[ 'c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9', \u2026 20 more ])"
    assert render(pd.DataFrame()) == "DataFrame(shape=(0, 0), columns=[])"


def test_a_subclass_of_a_frame_reads_as_one_and_its_own_code_never_runs():
    class Tracked(pd.DataFrame):
        @property
        def _constructor(self):
            raise AssertionError("the program's property ran")

        def __repr__(self):
            raise AssertionError("the program's __repr__ ran")

    assert render(Tracked({"a": [1]})) == "Tracked(shape=(1, 1), columns=[ 'a' ])"


def test_no_python_code_of_pandas_or_numpy_runs_to_summarise_their_values():
    values = [FRAME, FRAME["label"], FRAME["score"], FRAME.columns, np.arange(10), pd.Timestamp("2026-12-04 03:00")]
    texts, called = calls_into([pd, np], lambda: [render(v) for v in values] + [Capture().variable("frame", FRAME).value])
    assert called == [], called
    assert texts[-1] == "DataFrame(shape=(3, 2), columns=[ 'label', 'score' ])", "a snapshot shows a frame as a leaf with its summary"


def test_dates_and_times_read_as_iso_8601_without_asking_a_tzinfo_of_the_programs():
    class ProgramZone(dt.tzinfo):
        def utcoffset(self, d):
            raise AssertionError("the program's tzinfo ran")

    assert render(dt.datetime(2026, 12, 4, 21, 33, 28, 854000, tzinfo=dt.timezone.utc)) == "2026-12-04T21:33:28.854000Z"
    assert render(dt.datetime(2026, 12, 4, 3, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5, minutes=-30)))) == "2026-12-04T03:00:00-05:30"
    assert render(dt.datetime(2026, 12, 4, 3, 0, tzinfo=ProgramZone())) == "2026-12-04T03:00:00 (test_dates_and_times_read_as_iso_8601_without_asking_a_tzinfo_of_the_programs.<locals>.ProgramZone)"
    assert (render(dt.date(2026, 1, 2)), render(dt.time(1, 2, 3)), render(dt.timedelta(days=1, hours=2))) == ("2026-01-02", "01:02:03", "1 day, 2:00:00")
    assert render(pd.Timestamp("2020-01-01 10:00")) == "2020-01-01T10:00:00"

"""Every golden vector decodes, reads as its JSON, and encodes back byte for byte."""

import json

import pytest
from google.protobuf import json_format

from sonde_agent.wire import Envelope

from conformance import VECTORS

NAMES = sorted(p.stem for p in VECTORS.glob("*.bin"))


def test_the_vectors_are_there():
    assert len(NAMES) >= 10, f"expected the golden vectors in {VECTORS}"


@pytest.mark.parametrize("name", NAMES)
def test_decodes_reads_and_encodes_back(name):
    data = (VECTORS / f"{name}.bin").read_bytes()
    expected = json.loads((VECTORS / f"{name}.json").read_text(encoding="utf-8"))
    message = Envelope.FromString(data)
    assert json_format.MessageToDict(message) == expected
    assert message.SerializeToString() == data
    assert json_format.ParseDict(expected, Envelope()).SerializeToString() == data

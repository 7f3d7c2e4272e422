"""The protocol's messages (generated from protocol/ at build) and the envelope's framing."""

from ._proto.sonde.v1 import envelope_pb2

Envelope = envelope_pb2.Envelope

__all__ = ["Envelope"]

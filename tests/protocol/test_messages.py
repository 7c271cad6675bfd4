"""The wire codec: every message round-trips, and anything else is a MalformedMessageError."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nacl.signing import SigningKey

from ocr_client.net.transport import MAX_MESSAGE_BYTES
from ocr_client.protocol.messages import (
    FinalReport,
    MalformedMessageError,
    Message,
    NewEpoch,
    ObserveRequest,
    ReportRequest,
    ReportShare,
    decode,
    encode,
    sign_observation,
)

DIGEST = bytes(range(32))
KEY = SigningKey(bytes(32))
OBS = sign_observation(KEY, DIGEST, 3, 2, 1, -12345, 1_700_000_000)

MESSAGES: list[Message] = [
    NewEpoch(7),
    ObserveRequest(3, 2),
    OBS,
    ReportRequest(3, 2, (OBS, sign_observation(KEY, DIGEST, 3, 2, 0, 2**191 - 1, 0))),
    ReportShare(3, 2, b"\x01" * 32, b"\x02" * 128),
    FinalReport(3, 2, b"\x03" * 91, b"\x04" * 128, (0, 2, 5)),
    FinalReport(3, 2, b"\x03" * 91, b"\x04" * 128, (1,), echo=True),
]


@pytest.mark.parametrize("message", MESSAGES, ids=lambda m: type(m).__name__)
def test_every_message_round_trips(message: Message) -> None:
    assert decode(encode(message)) == message


def test_an_observation_signature_covers_every_field_and_the_config() -> None:
    assert OBS.verify(DIGEST, KEY.verify_key)
    assert not OBS.verify(bytes(32), KEY.verify_key), "another config's digest"
    for field, value in [("value", 1), ("timestamp", 1), ("round", 3), ("epoch", 4), ("observer", 2)]:
        changed = type(OBS)(**{**OBS.__dict__, field: value})
        assert not changed.verify(DIGEST, KEY.verify_key), field


@pytest.mark.parametrize("payload, problem", [
    (b"", "not JSON"),
    (b"\xff\xfe", "not JSON"),
    (b"[]", "JSON object"),
    (b'{"type":"nope"}', "unknown message type"),
    (b'{"type":"newepoch","e":-1}', "epoch"),
    (b'{"type":"newepoch","e":4294967296}', "epoch"),
    (b'{"type":"newepoch","e":true}', "epoch"),
    (b'{"type":"observe-req","e":1,"r":256}', "round"),
    (b'{"type":"report-share","e":1,"r":1,"h":"00","s":"00"}', "report hash"),
    (b'{"type":"final","e":1,"r":1,"rep":"zz","sig":"00","by":[],"echo":true}', "report is not hex"),
    (b'{"type":"final","e":1,"r":1,"rep":"00","sig":"00","by":[],"echo":1}', "signature"),
    (b'{"type":"observation","o":[1,1,1,"1.5",1,"00"]}', "decimal"),
    (b'{"type":"report-req","e":1,"r":1,"os":[[1,1,1,"1",1,"00"]]}', "64 bytes"),
    (b"[" * 100_000, "nested"),
    (b'{"type":{"a":{"b":1}}}', "nested"),
    (b"\x00" * (MAX_MESSAGE_BYTES + 1), "exceeds"),
])
def test_malformed_payloads_are_refused_with_the_reason(payload: bytes, problem: str) -> None:
    with pytest.raises(MalformedMessageError, match=problem):
        decode(payload)


def test_more_observations_than_oracles_are_refused() -> None:
    obs = json.loads(encode(OBS))["o"]
    payload = json.dumps({"type": "report-req", "e": 1, "r": 1, "os": [obs] * 256}).encode()
    with pytest.raises(MalformedMessageError, match="at most 255"):
        decode(payload)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_never_raise_anything_but_malformed(payload: bytes) -> None:
    try:
        decode(payload)
    except MalformedMessageError:
        pass


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(MESSAGES), st.data())
def test_corrupting_one_byte_of_a_message_never_crashes_the_decoder(message: Message, data: st.DataObject) -> None:
    raw = bytearray(encode(message))
    i = data.draw(st.integers(0, len(raw) - 1))
    raw[i] = data.draw(st.integers(0, 255))
    try:
        decode(bytes(raw))
    except MalformedMessageError:
        pass

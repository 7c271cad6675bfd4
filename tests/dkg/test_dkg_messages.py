"""The DKG codec is strict, and a node drops every malformed, foreign or oversized message unharmed."""

from __future__ import annotations

import random

import pytest

from ocr_client.dkg import DkgConfig, DkgRandom, MalformedMessageError, NodeKeys, simulate_dkg
from ocr_client.dkg.messages import MAGIC, Deal, Echo, Justification, Response, Reveal, Status, decode
from ocr_client.dkg.sharebox import SEALED_SIZE
from ocr_client.net.simnet import SimNetwork
from ocr_client.net.transport import MAX_MESSAGE_BYTES
from tests.dkg.dkg_support import all_done, assert_agree, assert_consistent_key

KEYS = [NodeKeys.generate(DkgRandom.derive(1, f"k{i}")) for i in range(3)]
CONFIG = DkgConfig.create(2, [k.participant(i) for i, k in enumerate(KEYS)], b"nonce")
G2 = bytes(range(256))


def _deal(dealer: int = 0) -> Deal:
    return Deal.create(KEYS[dealer].signing_key, CONFIG.session, dealer, (G2, G2), (b"\x01" * SEALED_SIZE,) * 3)


def _messages() -> list[bytes]:
    deal = _deal()
    response = Response.create(KEYS[1].signing_key, CONFIG.session, 1,
                               (Echo(Status.OK, deal.digest, deal.signature), Echo(Status.MISSING),
                                Echo(Status.COMPLAINT, deal.digest, deal.signature)))
    justification = Justification.create(KEYS[0].signing_key, CONFIG.session, 0, deal, (Reveal(1, b"\x07" * 32),))
    return [deal.encode(), response.encode(), justification.encode()]


def test_messages_round_trip() -> None:
    for raw in _messages():
        assert decode(raw, CONFIG).encode() == raw


def test_every_truncation_and_extension_is_refused() -> None:
    for raw in _messages():
        for cut in range(len(raw)):
            with pytest.raises(MalformedMessageError):
                decode(raw[:cut], CONFIG)
        with pytest.raises(MalformedMessageError):
            decode(raw + b"\x00", CONFIG)


def test_every_flipped_byte_is_refused() -> None:
    rng = random.Random(0)
    for raw in _messages():
        for pos in sorted(rng.sample(range(len(raw)), min(len(raw), 300))):
            flipped = bytearray(raw)
            flipped[pos] ^= 1 << rng.randrange(8)
            with pytest.raises(MalformedMessageError):
                decode(bytes(flipped), CONFIG)


def test_foreign_sessions_unknown_authors_and_oversized_input_are_refused() -> None:
    other = DkgConfig.create(2, CONFIG.participants, b"another run")
    raw = _messages()[0]
    with pytest.raises(MalformedMessageError, match="another DKG session"):
        decode(raw, other)
    forged = Deal.create(KEYS[0].signing_key, CONFIG.session, 1, (G2, G2), (b"\x01" * SEALED_SIZE,) * 3)
    with pytest.raises(MalformedMessageError, match="bad signature"):
        decode(forged.encode(), CONFIG)  # node 0 signing as node 1
    with pytest.raises(MalformedMessageError, match="exceeds"):
        decode(MAGIC + b"\x01" * MAX_MESSAGE_BYTES, CONFIG)
    with pytest.raises(MalformedMessageError, match="magic"):
        decode(b"NOTADKG!xyz", CONFIG)
    with pytest.raises(MalformedMessageError, match="not a participant"):
        decode(MAGIC + b"\x01" + CONFIG.session + b"\x09" + b"\x00" * 100, CONFIG)


def test_garbage_from_a_peer_is_dropped_and_the_dkg_completes() -> None:
    captured: list[tuple[int, bytes]] = []
    rng = random.Random(1)

    def configure(network: SimNetwork) -> None:
        def record(sender: int, receiver: int, payload: bytes) -> bool:
            if receiver == 0:
                captured.append((sender, payload))
            return True

        network.add_filter(record)

        def attack() -> None:
            real = [p for s, p in captured if s != 6]
            junk = [b"", b"\x00", MAGIC, rng.randbytes(500), MAGIC + rng.randbytes(2000)]
            junk += [p[: len(p) // 2] for p in real]  # truncated genuine messages
            junk += [p[:-1] + bytes([p[-1] ^ 1]) for p in real]  # broken signatures
            junk += real  # replays: node 6 resending others' messages (author != sender)
            for payload in junk:
                for receiver in range(network.n):
                    network.transmit(6, receiver, payload)

        network.clock.call_later(1.0, attack)  # during the deal phase, after the deals went out
        network.clock.call_later(11.0, attack)  # during the response phase

    run = simulate_dkg(7, 3, seed=10, configure=configure)
    results = all_done(run.results)
    assert_agree(results)
    assert results[0].qual == tuple(range(7))
    assert_consistent_key(results)
    assert sum(run.nodes[0].rejected.values()) > 20


def test_a_node_survives_direct_fuzzing() -> None:
    run = simulate_dkg(4, 2, seed=12)
    node = run.nodes[0]
    rng = random.Random(2)
    before = node.result
    for size in (0, 1, 7, 8, 41, 42, 300, MAX_MESSAGE_BYTES + 1):
        node.handle(rng.randrange(4), rng.randbytes(size))
        node.handle(1, MAGIC + bytes([rng.randrange(1, 4)]) + run.config.session + bytes([1]) + rng.randbytes(size))
    assert node.result == before
    assert sum(node.rejected.values()) == 16


def test_share_boxes_with_hostile_keys_open_to_nothing() -> None:
    from nacl.public import PrivateKey

    from ocr_client.dkg.sharebox import ephemeral_matches, open_revealed, open_share, seal_share

    own = PrivateKey(b"\x05" * 32)
    ephemeral = PrivateKey(b"\x06" * 32)
    sealed = seal_share(ephemeral, bytes(own.public_key), CONFIG.session, 0, 1, 12345)
    assert open_share(own, sealed, CONFIG.session, 0, 1) == 12345
    assert open_share(own, sealed, CONFIG.session, 0, 2) is None  # bound to the recipient
    assert ephemeral_matches(bytes(ephemeral), sealed) and not ephemeral_matches(b"\x07" * 32, sealed)
    assert open_revealed(bytes(ephemeral), bytes(own.public_key), sealed, CONFIG.session, 0, 1) == 12345
    assert open_share(own, bytes(32) + sealed[32:], CONFIG.session, 0, 1) is None  # low-order key
    assert open_share(own, sealed[:-1], CONFIG.session, 0, 1) is None

"""The simulated network and clock: seeded, repeatable, and faults exactly where injected."""

from __future__ import annotations

from ocr_client.net.clock import SimClock
from ocr_client.net.simnet import LinkRules, SimNetwork
from ocr_client.net.transport import MAX_MESSAGE_BYTES


def network(n: int = 3, seed: int = 0, **rules: float) -> tuple[SimClock, SimNetwork, list[list[tuple[float, int, bytes]]]]:
    clock = SimClock()
    net = SimNetwork(n, clock, seed, LinkRules(**rules))
    inbox: list[list[tuple[float, int, bytes]]] = [[] for _ in range(n)]
    for i in range(n):
        net.endpoint(i).set_handler(lambda s, p, i=i: inbox[i].append((clock.now(), s, p)))  # type: ignore[misc]
    return clock, net, inbox


def test_timers_run_in_deadline_order_and_ties_first_come_first_served() -> None:
    clock = SimClock()
    order: list[str] = []
    clock.call_later(2.0, lambda: order.append("b"))
    clock.call_later(1.0, lambda: order.append("a"))
    clock.call_later(2.0, lambda: order.append("c"))
    cancelled = clock.call_later(1.5, lambda: order.append("x"))
    cancelled.cancel()
    clock.run_until(5.0)
    assert order == ["a", "b", "c"] and clock.now() == 5.0


def test_broadcast_reaches_everyone_including_the_sender_after_the_latency() -> None:
    clock, net, inbox = network(latency=0.05)
    net.endpoint(1).broadcast(b"hi")
    clock.run_until(1.0)
    assert [len(box) for box in inbox] == [1, 1, 1]
    assert inbox[0][0] == (0.05, 1, b"hi") and inbox[1][0][0] == 0.0, "self-delivery is immediate"


def test_the_same_seed_gives_the_same_deliveries() -> None:
    def run(seed: int) -> list[list[tuple[float, int, bytes]]]:
        clock, net, inbox = network(seed=seed, latency=0.01, jitter=0.5, drop=0.3, duplicate=0.2)
        for k in range(50):
            net.endpoint(k % 3).broadcast(bytes([k]))
        clock.run_until(10.0)
        return inbox

    assert run(7) == run(7)
    assert run(7) != run(8)


def test_jitter_reorders_and_duplicates_are_delivered_twice() -> None:
    clock, net, inbox = network(seed=1, jitter=1.0, duplicate=0.5)
    for k in range(40):
        net.endpoint(0).send(1, bytes([k]))
    clock.run_until(5.0)
    received = [p[0] for _, _, p in inbox[1]]
    assert received != sorted(received), "reordered"
    assert len(received) > 40 and net.stats.duplicated == len(received) - 40


def test_drop_loses_about_that_fraction() -> None:
    clock, net, inbox = network(seed=2, drop=0.25)
    for _ in range(2000):
        net.endpoint(0).send(1, b"x")
    clock.run_until(1.0)
    assert 1300 < len(inbox[1]) < 1700 and net.stats.dropped == 2000 - len(inbox[1])


def test_a_partition_drops_across_it_until_healed() -> None:
    clock, net, inbox = network()
    net.partition({0, 1}, {2})
    net.endpoint(0).broadcast(b"a")
    clock.run_until(1.0)
    assert [len(b) for b in inbox] == [1, 1, 0]
    net.heal()
    net.endpoint(0).send(2, b"b")
    clock.run_until(2.0)
    assert inbox[2] and inbox[2][0][2] == b"b"


def test_a_node_taken_down_neither_sends_nor_receives_and_oversized_messages_never_arrive() -> None:
    clock, net, inbox = network()
    net.take_down(2)
    net.endpoint(2).send(0, b"from the dead")
    net.endpoint(0).send(2, b"to the dead")
    net.endpoint(0).send(1, b"\x00" * (MAX_MESSAGE_BYTES + 1))
    clock.run_until(1.0)
    assert inbox == [[], [], []]
    assert net.stats.oversized == 1
    net.bring_up(2)
    net.endpoint(0).send(2, b"back")
    clock.run_until(2.0)
    assert inbox[2][0][2] == b"back"

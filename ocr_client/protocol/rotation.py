"""Moving a running feed to a new committee without an updatedAt gap longer than one heartbeat.

The order is what makes the guarantee:

1. wait (in simulated time) until the old committee's next report *lands*: the feed is then as
   fresh as it can be, and the next heartbeat is a whole DeltaC away;
2. call ``setConfig`` with the new committee (its block stamped with simulated time through the
   old simulation's :class:`~ocr_client.protocol.simulation.ChainTime`). From this block on the
   contract refuses every report of the old config digest, so the old nodes can do no harm;
3. stop the old nodes;
4. start the new committee's nodes on the same feed. ``setConfig`` reset (epoch, round) to (0, 0),
   so they report in their very first round instead of waiting a heartbeat
   (:meth:`ocr_client.protocol.node.OracleNode.start`).

The gap around the rotation is therefore the time from the last old report to the new
committee's first report: setConfig plus one protocol round, which must stay below DeltaC (it does
by seconds with the simulation timing; a real deployment needs nodes restarted promptly and a
first round well under DeltaC). A rotation does not by itself retire the old *keys*: after a fresh
DKG the old shares sign for a key the contract no longer accepts, after ``--reshare`` they still
sign for the same key (see ``docs/rotation.md``).
"""

from __future__ import annotations

from dataclasses import replace

from eth_account.signers.local import LocalAccount

from ocr_client.errors import OCRError
from ocr_client.local.feed import DEFAULT_MAX_ANSWER, DEFAULT_MIN_ANSWER, LocalFeed
from ocr_client.protocol.simulation import OracleSimulation, SimulationSettings


class RotationError(OCRError):
    """A rotation that cannot keep the heartbeat guarantee, or that targets another feed."""


def wait_for_next_report(sim: OracleSimulation, timeout: float | None = None) -> float:
    """Run ``sim`` until one more report lands; the simulated time it landed at.

    ``timeout`` (simulated seconds, default two heartbeats) bounds the wait: a committee that does
    not report within it is not one to hand over from on schedule.
    """
    budget = 2 * sim.config.timing.delta_c if timeout is None else timeout
    target = sim.recorder.landed_count + 1
    sim.run(until_landed=target, max_time=sim.clock.now() + budget)
    if sim.recorder.landed_count < target:
        raise RotationError(f"the old committee landed no report within {budget:g} simulated seconds; not rotating")
    return sim.clock.now()


def _sync_chain_time(sim: OracleSimulation) -> None:
    """Stamp the next block with ``sim``'s simulated time, after any block sent without a stamp."""
    chain_time = sim.chain_time
    if chain_time is None:
        return
    latest = int(sim.local.w3.eth.get_block("latest")["timestamp"])
    chain_time.last = max(chain_time.last, latest)
    chain_time.before_transaction()


def rotate(sim_old: OracleSimulation, new_local: LocalFeed, owner: LocalAccount, settings_new: SimulationSettings,
           min_answer: int = DEFAULT_MIN_ANSWER, max_answer: int = DEFAULT_MAX_ANSWER,
           timeout: float | None = None) -> OracleSimulation:
    """Hand ``sim_old``'s feed to ``new_local.committee``; returns the new committee's started simulation.

    ``new_local`` must wrap the same feed contract (``LocalFeed(w3, old_feed, new_committee, owner)``).
    The new simulation always runs with ``chain_time=True``: its clock starts at 0 and its Unix
    offset is the setConfig block's timestamp + 1, so on-chain time continues without a jump.
    """
    if new_local.handle.address != sim_old.local.handle.address:
        raise RotationError(f"the new committee's feed {new_local.handle.address} is not the old committee's "
                            f"feed {sim_old.local.handle.address}")
    # Fund the new transmitters first: these transactions are not stamped with simulated time, and
    # doing them before setConfig keeps every later block on the simulated timeline.
    for account in new_local.committee.transmitters:
        new_local.fund(account.address)
    wait_for_next_report(sim_old, timeout)
    _sync_chain_time(sim_old)
    new_local.feed.set_config(owner, new_local.committee.onchain_config(min_answer, max_answer))
    for i in range(sim_old.n):
        sim_old.crash(i)  # stop timers and drop messages: nothing of the old config runs on
    sim_new = OracleSimulation(new_local, replace(settings_new, chain_time=True), min_answer, max_answer)
    sim_new.start()
    return sim_new

"""Staking on a local chain for tests: a token, an OracleStaking bound to a local feed, every
committee member funded and staked, and equivocation evidence made by the feed's own committee.

``LocalStaking.deploy(local_feed)`` is what a dApp developer needs to watch a slash happen in a
test; ``equivocation(oracle)`` makes a genuine offence (the oracle's real partial signatures over
two different reports for one round), so the proof the contract checks is the real one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from eth_account.signers.local import LocalAccount
from web3 import Web3

from ocr_client.accountable.keys import AccountableCommittee
from ocr_client.local.base import LocalCommitteeFeed
from ocr_client.local.feed import DEFAULT_TIMESTAMP
from ocr_client.report.layout import Observation, encode_report, signing_digest
from ocr_client.report.median import build_report
from ocr_client.staking.contract import StakeToken, StakingContract, StakingParameters
from ocr_client.staking.evidence import EquivocationEvidence

#: Tokens minted to each committee member before it stakes.
MINTED: Final[int] = 1_000 * 10**18


@dataclass
class LocalStaking:
    """A token and a staking contract for ``local``'s committee."""

    local: LocalCommitteeFeed[Any, Any, Any]
    token: StakeToken
    staking: StakingContract

    @classmethod
    def deploy(cls, local: LocalCommitteeFeed[Any, Any, Any], params: StakingParameters | None = None,
               stake: int | None = None) -> LocalStaking:
        """Deploy token and staking; mint MINTED to every member and stake ``stake`` each (default:
        the minimum stake; 0: stake nothing)."""
        mode = "accountable" if isinstance(local.committee, AccountableCommittee) else "threshold"
        params = params or StakingParameters()
        token = StakeToken.deploy(local.w3, local.owner)
        staking = StakingContract.deploy(local.w3, local.owner, local.address, mode, token.address, params)
        result = cls(local, token, staking)
        amount = params.minimum_stake if stake is None else stake
        for account in local.committee.transmitters:
            local.fund(account.address)
            token.mint(local.owner, account.address, MINTED)
            if amount:
                staking.stake(account, amount)
        return result

    @property
    def members(self) -> tuple[LocalAccount, ...]:
        return tuple(self.local.committee.transmitters)

    def slashable(self) -> list[int]:
        """Every member's slashable stake, oracle order."""
        return [self.staking.slashable(a.address) for a in self.members]

    def report(self, epoch: int, round_: int, value: int) -> bytes:
        """A packed report of the feed's current config where every oracle observed ``value``."""
        n = self.local.committee.n
        observations = [Observation(i, DEFAULT_TIMESTAMP, value) for i in range(n)]
        return encode_report(build_report(self.local.handle.config_digest(), epoch, round_, observations))

    def partial(self, oracle: int, report: bytes) -> bytes:
        """Oracle ``oracle``'s own partial signature over ``report`` on this feed."""
        digest = signing_digest(self.local.chain_id, self.local.address, report)
        return bytes(self.local.committee.partial(oracle, digest).signature)

    def equivocation(self, oracle: int, epoch: int = 7, round_: int = 1) -> EquivocationEvidence:
        """A real offence: ``oracle`` signs two reports with different answers for one round."""
        a, b = self.report(epoch, round_, 3_000), self.report(epoch, round_, 3_001)
        return EquivocationEvidence(Web3.to_checksum_address(self.local.address), oracle,
                                    self.local.handle.config_digest(), epoch, round_, a, self.partial(oracle, a),
                                    b, self.partial(oracle, b))

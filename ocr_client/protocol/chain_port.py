"""The real chain behind :class:`~ocr_client.protocol.ports.ChainPort`: a deployed feed contract
and one oracle's transmitter account. Every failure becomes a :class:`TransmitOutcome`, never an
exception, so a bad RPC costs one transmission and not the node (libocr users lose transmit
errors in logs; ours carry the decoded custom error)."""

from __future__ import annotations

from typing import Final

from eth_account.signers.local import LocalAccount

from ocr_client.committee.contract import SingleFeedContract
from ocr_client.errors import OCRError, TransactionRevertedError
from ocr_client.protocol.ports import TransmitOutcome

#: Gas limit of a protocol transmission. Fixed, like libocr's, instead of an eth_estimateGas per
#: report: the node has just re-read the contract, the limit is far above what any report costs
#: (about 250,000 at n = 100) and only gas used is paid.
TRANSMIT_GAS_LIMIT: Final[int] = 1_000_000


class ContractChainPort:
    """Reads ``contract`` and sends from ``account``."""

    def __init__(self, contract: SingleFeedContract, account: LocalAccount) -> None:
        self.contract = contract
        self.account = account
        self._chain_id = int(contract.w3.eth.chain_id)

    @property
    def chain_id(self) -> int:
        return self._chain_id

    @property
    def address(self) -> str:
        return self.contract.address

    def latest_epoch_round(self) -> tuple[bytes, int, int]:
        return self.contract.latest_epoch_and_round()

    def latest_report(self) -> tuple[int, int] | None:
        latest = self.contract.latest_round()
        return None if latest is None else (latest.answer, latest.updated_at)

    def transmit(self, calldata: bytes) -> TransmitOutcome:
        try:
            receipt = self.contract.transmit(self.account, calldata, gas=TRANSMIT_GAS_LIMIT)
        except TransactionRevertedError as exc:
            return TransmitOutcome("reverted", tx=exc.tx_hash, error=exc.error_name or str(exc))
        except OCRError as exc:
            return TransmitOutcome("failed", error=str(exc))
        return TransmitOutcome("accepted", tx="0x" + bytes(receipt["transactionHash"]).hex(),
                               gas_used=int(receipt["gasUsed"]))

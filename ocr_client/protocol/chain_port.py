"""The real chain behind :class:`~ocr_client.protocol.ports.ChainPort`: a deployed feed contract
and one oracle's transmitter account. Every failure becomes a :class:`TransmitOutcome`, never an
exception, so a bad RPC costs one transmission and not the node (libocr users lose transmit
errors in logs; ours carry the decoded custom error).

:class:`ContractChainPort` sends and waits (simulations, anvil with automine);
:class:`TxmChainPort` hands the transmit to the transaction manager, which gets it mined through
stuck fees, drops and reorgs on its own thread, and reports the final outcome through ``on_final``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from eth_account.signers.local import LocalAccount

from ocr_client.chain.nonces import ABANDONED, CONFIRMED, REVERTED, TxRecord
from ocr_client.chain.report_guard import parse_report_key, report_key
from ocr_client.chain.txmanager import TxManager, TxRequest
from ocr_client.committee.contract import SingleFeedContract
from ocr_client.errors import OCRError, TransactionRevertedError
from ocr_client.protocol.ports import ReportId, TransmitOutcome

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

    def transmit(self, calldata: bytes, report: ReportId | None = None) -> TransmitOutcome:
        try:
            receipt = self.contract.transmit(self.account, calldata, gas=TRANSMIT_GAS_LIMIT)
        except TransactionRevertedError as exc:
            return TransmitOutcome("reverted", tx=exc.tx_hash, error=exc.error_name or str(exc))
        except OCRError as exc:
            return TransmitOutcome("failed", error=str(exc))
        return TransmitOutcome("accepted", tx="0x" + bytes(receipt["transactionHash"]).hex(),
                               gas_used=int(receipt["gasUsed"]))


#: The protocol's name for each final state of a transaction.
_OUTCOME_OF_STATE = {CONFIRMED: "accepted", REVERTED: "reverted", ABANDONED: "stood-down"}


class TxmChainPort(ContractChainPort):
    """Reads ``contract``; transmits through ``txm`` (which sends from its own account)."""

    def __init__(self, contract: SingleFeedContract, txm: TxManager, gas_limit: int = TRANSMIT_GAS_LIMIT,
                 on_final: Callable[[ReportId, TransmitOutcome], None] | None = None) -> None:
        super().__init__(contract, txm.account)
        self.txm = txm
        self.gas_limit = gas_limit
        self.on_final = on_final

    def transmit(self, calldata: bytes, report: ReportId | None = None) -> TransmitOutcome:
        key = report_key(*report) if report is not None else None
        try:
            record = self.txm.submit(TxRequest(self.contract.address, calldata, self.gas_limit, key=key))
        except OCRError as exc:
            return TransmitOutcome("failed", error=str(exc))
        return TransmitOutcome("submitted", tx=f"txm:{record.id}")

    def finalised(self, record: TxRecord) -> None:
        """The manager's ``on_final``: pass a report transmit's final outcome on."""
        report = parse_report_key(record.key)
        if report is None or self.on_final is None:
            return
        status = _OUTCOME_OF_STATE.get(record.state, "failed")
        self.on_final(report, TransmitOutcome(status, tx=record.mined_hash, gas_used=record.gas_used,
                                              error=record.error))

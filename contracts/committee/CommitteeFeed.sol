// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Owned} from "../access/Owned.sol";
import {KeyStore} from "../feed/KeyStore.sol";
import {CommitteeErrors} from "./CommitteeErrors.sol";
import {ICommitteeFeed} from "./ICommitteeFeed.sol";

/// @title CommitteeFeed
/// @notice The state and views every BLS-committee feed shares: the hot slot, the configuration
///         counter, installing a committee's key store, and the operator views. OCRFeed and the
///         multi-feed hub add their report format and their round records.
abstract contract CommitteeFeed is ICommitteeFeed, CommitteeErrors, Owned {
    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    /// @dev Everything `transmit` reads and writes besides the round records, packed in ONE slot
    ///      (20 + 5 + 4 + 1 + 1 + 1 = 32 bytes): one cold SLOAD and one SSTORE per report.
    struct HotVars {
        address keyStore; // data contract with digest, per-contract words, group key, transmitters
        uint40 latestEpochAndRound; // (epoch << 8) | round of the newest accepted report
        uint32 latestRoundId; // rounds are numbered from 1 across configurations
        uint8 n;
        uint8 f;
        uint8 threshold;
    }

    /// @dev Bit offsets of the HotVars fields inside its slot (declaration order, low bits first),
    ///      for `transmit`, which reads the slot once as a word.
    uint256 internal constant HOT_EPOCH_AND_ROUND_SHIFT = 160;
    uint256 internal constant HOT_ROUND_ID_SHIFT = 200;
    uint256 internal constant HOT_N_SHIFT = 232;
    uint256 internal constant HOT_F_SHIFT = 240;
    /// @dev Bits of the round in the packed epoch-and-round.
    uint256 internal constant ROUND_BITS = 8;
    uint256 internal constant ROUND_MASK = 0xff;

    HotVars internal s_hot;
    uint64 internal s_configCount;
    uint32 internal s_latestConfigBlockNumber;

    /// @param initialOwner Account allowed to change the configuration.
    constructor(address initialOwner) Owned(initialOwner) {}

    /*//////////////////////////////////////////////////////////////
                               INTERNALS
    //////////////////////////////////////////////////////////////*/

    /// @dev The next configuration's sequence number (1 for the first).
    function _nextConfigCount() internal returns (uint64) {
        return ++s_configCount;
    }

    /// @dev Write the key store (KeyStore layout: `fixedPart` then the transmitters) and make it the
    ///      current committee: (epoch, round) starts afresh, round ids keep counting.
    /// @return previousConfigBlockNumber The block of the configuration this one replaces.
    function _installCommittee(
        bytes memory fixedPart,
        address[] calldata transmitters_,
        uint8 f,
        uint8 threshold
    ) internal returns (uint32 previousConfigBlockNumber) {
        address store = KeyStore.write(fixedPart, transmitters_);
        if (store == address(0)) revert KeyStoreCreationFailed();
        s_hot = HotVars({
            keyStore: store,
            latestEpochAndRound: 0,
            latestRoundId: s_hot.latestRoundId,
            n: uint8(transmitters_.length),
            f: f,
            threshold: threshold
        });
        previousConfigBlockNumber = s_latestConfigBlockNumber;
        s_latestConfigBlockNumber = uint32(block.number);
    }

    function _storedDigest(address store) internal view returns (bytes32 digest) {
        bytes memory stored = KeyStore.read(store);
        assembly ("memory-safe") {
            digest := mload(add(stored, 0x20))
        }
    }

    /*//////////////////////////////////////////////////////////////
                             OPERATOR VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ICommitteeFeed
    function latestConfigDetails() external view override returns (uint64, uint32, bytes32) {
        address store = s_hot.keyStore;
        bytes32 digest = store == address(0) ? bytes32(0) : _storedDigest(store);
        return (s_configCount, s_latestConfigBlockNumber, digest);
    }

    /// @inheritdoc ICommitteeFeed
    function latestConfigDigestAndEpoch() external view override returns (bytes32, uint32, uint8) {
        HotVars memory hot = s_hot;
        if (hot.keyStore == address(0)) revert NotConfigured();
        return (
            _storedDigest(hot.keyStore),
            uint32(hot.latestEpochAndRound >> ROUND_BITS),
            uint8(hot.latestEpochAndRound)
        );
    }

    /// @inheritdoc ICommitteeFeed
    function committee() external view override returns (uint8, uint8, uint8) {
        HotVars memory hot = s_hot;
        return (hot.n, hot.f, hot.threshold);
    }

    /// @inheritdoc ICommitteeFeed
    function groupPublicKey() external view override returns (bytes memory key) {
        address store = s_hot.keyStore;
        if (store == address(0)) revert NotConfigured();
        bytes memory stored = KeyStore.read(store);
        key = new bytes(KeyStore.KEY_LENGTH);
        for (uint256 i = 0; i < KeyStore.KEY_LENGTH; ++i) {
            key[i] = stored[KeyStore.KEY_AT + i];
        }
    }

    /// @inheritdoc ICommitteeFeed
    function transmitters() external view override returns (address[] memory list) {
        address store = s_hot.keyStore;
        if (store == address(0)) return list;
        list = new address[](KeyStore.transmitterCount(store));
        for (uint256 i = 0; i < list.length; ++i) {
            list[i] = KeyStore.transmitter(store, i);
        }
    }
}

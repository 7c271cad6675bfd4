// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {BLS12381} from "../bls/BLS12381.sol";
import {CalldataScans} from "../committee/CalldataScans.sol";
import {SingleFeedRounds} from "../committee/SingleFeedRounds.sol";
import {ICommitteeFeed} from "../committee/ICommitteeFeed.sol";
import {CommitteeRules} from "../committee/CommitteeRules.sol";
import {IOCRFeed} from "../interfaces/IOCRFeed.sol";
import {KeyStore} from "./KeyStore.sol";
import {OCRFeedErrors} from "./OCRFeedErrors.sol";
import {ReportLayout} from "./ReportLayout.sol";

/// @title OCRFeed
/// @notice A price feed updated by Off-Chain Reporting: n oracles agree off-chain on a report (the
///         median of at least 2f+1 observations) and a threshold t of them sign it with BLS12-381;
///         one transmitter submits it, and this contract checks it with one pairing.
/// @dev Consumers read it through Chainlink's unmodified AggregatorV2V3Interface.
///      Gas care in `transmit`: the hot state is one storage slot, the per-configuration data is one
///      EXTCODECOPY from a data contract, every accepted report writes one fresh round slot, and the
///      report is read straight from packed calldata (docs/report-format.md) with no ABI decoding.
contract OCRFeed is IOCRFeed, OCRFeedErrors, SingleFeedRounds {
    /*//////////////////////////////////////////////////////////////
                               CONSTANTS
    //////////////////////////////////////////////////////////////*/


    /// @dev The top two bytes of every config digest name the digest scheme (like libocr's prefix).
    uint256 private constant CONFIG_DIGEST_PREFIX = 0x0b15;



    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/




    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    /// @param feedDecimals Decimals of the answers (AggregatorV3Interface.decimals).
    /// @param feedDescription Human description, e.g. "ETH / USD".
    /// @param initialOwner Account allowed to call setConfig.
    constructor(uint8 feedDecimals, string memory feedDescription, address initialOwner)
        SingleFeedRounds(feedDecimals, feedDescription, initialOwner)
    {}

    /*//////////////////////////////////////////////////////////////
                             CONFIGURATION
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IOCRFeed
    function setConfig(Config calldata config) external override onlyOwner {
        uint256 n = config.transmitters.length;
        CommitteeRules.checkCommittee(n, config.f, config.threshold, config.publicShares.length);
        if (config.minAnswer >= config.maxAnswer) revert InvalidAnswerBounds(config.minAnswer, config.maxAnswer);
        CommitteeRules.checkKeys(config.groupPublicKey, config.publicShares);
        CommitteeRules.checkTransmitters(config.transmitters);

        uint64 configCount = _nextConfigCount();
        bytes32 digest = configDigestFromConfigData(block.chainid, address(this), configCount, config);
        uint32 previous = _installCommittee(
            abi.encodePacked(digest, int256(config.minAnswer), int256(config.maxAnswer), config.groupPublicKey),
            config.transmitters,
            config.f,
            config.threshold
        );
        emit ConfigSet(previous, digest, configCount, uint8(n), config);
    }

    /// @notice The digest a configuration gets: binds chain, contract, counter and every field.
    /// @dev Pure so off-chain code and tests can check their own computation against it.
    /// @param chainId The chain the feed lives on.
    /// @param contractAddress The feed.
    /// @param configCount The configuration's sequence number (1 for the first).
    /// @param config The committee.
    /// @return digest keccak256 of abi.encode(chainId, contractAddress, configCount, config) with the
    ///         top two bytes set to the scheme prefix.
    function configDigestFromConfigData(
        uint256 chainId,
        address contractAddress,
        uint64 configCount,
        Config calldata config
    ) public pure returns (bytes32 digest) {
        digest = CommitteeRules.withPrefix(
            keccak256(abi.encode(chainId, contractAddress, configCount, config)), CONFIG_DIGEST_PREFIX
        );
    }

    /*//////////////////////////////////////////////////////////////
                              TRANSMISSION
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ICommitteeFeed
    function transmit() external override {
        // The hot slot is read once and its fields taken by shifts (HotVars layout), rather than
        // copying all six into a memory struct.
        uint256 hot;
        assembly ("memory-safe") {
            hot := sload(s_hot.slot)
        }
        address keyStore = address(uint160(hot));
        if (keyStore == address(0)) revert NotConfigured();

        uint256 count = ReportLayout.observationCount();
        {
            uint256 expected = ReportLayout.calldataLength(count);
            if (msg.data.length != expected) revert ReportLengthMismatch(expected, msg.data.length);
        }

        bytes memory stored = KeyStore.read(keyStore);
        {
            bytes32 expected;
            assembly ("memory-safe") {
                expected := mload(add(stored, 0x20)) // KeyStore.DIGEST_AT
            }
            CommitteeRules.checkHeader(
                expected, ReportLayout.configDigest(), uint40(hot >> HOT_EPOCH_AND_ROUND_SHIFT), ReportLayout.epochAndRound()
            );
        }
        if (KeyStore.transmitter(keyStore, ReportLayout.transmitterIndex(count)) != msg.sender) {
            revert UnauthorizedTransmitter(msg.sender);
        }
        CommitteeRules.checkObservers(ReportLayout.OBSERVERS_AT, count, uint8(hot >> HOT_N_SHIFT), uint8(hot >> HOT_F_SHIFT));
        int192 answer = _checkObservations(count, stored);
        _checkSignature(count, stored);

        _acceptRound(uint32(hot >> HOT_ROUND_ID_SHIFT) + 1, count, answer, NewTransmission.selector, EVENT_HEAD_LENGTH, 0);
    }

    /// @dev Sorted ascending, the answer is the median, the answer is within bounds.
    function _checkObservations(uint256 count, bytes memory stored) private pure returns (int192 answer) {
        uint256 unsortedAt = CalldataScans.firstUnsorted(ReportLayout.valuesAt(count), count);
        if (unsortedAt != 0) revert ObservationsNotSorted(unsortedAt);
        answer = ReportLayout.answer();
        int192 median = ReportLayout.observation(count, count / 2);
        if (answer != median) revert WrongMedian(answer, median);
        int192 minAnswer;
        int192 maxAnswer;
        assembly ("memory-safe") {
            minAnswer := mload(add(stored, 0x40)) // KeyStore.MIN_ANSWER_AT
            maxAnswer := mload(add(stored, 0x60)) // KeyStore.MAX_ANSWER_AT
        }
        if (answer < minAnswer || answer > maxAnswer) revert AnswerOutOfBounds(answer, minAnswer, maxAnswer);
    }

    /// @dev One pairing check of the threshold signature over (chain id, this contract, report).
    function _checkSignature(uint256 count, bytes memory stored) private view {
        bytes memory signature = ReportLayout.signature(count);
        bytes memory key;
        assembly ("memory-safe") {
            // Reuse the stored bytes in place: the key's length word goes where maxAnswer was
            // (already read), so no copy of the 256-byte key is made.
            key := add(stored, 0x60)
            mstore(key, 256) // KeyStore.KEY_LENGTH
        }
        if (!BLS12381.verify(signature, key, ReportLayout.signingDigest(count))) revert InvalidSignature();
    }

    /*//////////////////////////////////////////////////////////////
                             OPERATOR VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IOCRFeed
    function answerBounds() external view override returns (int192 minAnswer, int192 maxAnswer) {
        address store = s_hot.keyStore;
        if (store == address(0)) revert NotConfigured();
        bytes memory stored = KeyStore.read(store);
        assembly ("memory-safe") {
            minAnswer := mload(add(stored, 0x40))
            maxAnswer := mload(add(stored, 0x60))
        }
    }
}

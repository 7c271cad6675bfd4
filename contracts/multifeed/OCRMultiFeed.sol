// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {CommitteeFeed} from "../committee/CommitteeFeed.sol";
import {ICommitteeFeed} from "../committee/ICommitteeFeed.sol";
import {CommitteeRules} from "../committee/CommitteeRules.sol";
import {CalldataScans} from "../committee/CalldataScans.sol";
import {BLS12381} from "../bls/BLS12381.sol";
import {KeyStore} from "../feed/KeyStore.sol";
import {FeedView} from "./FeedView.sol";
import {IOCRMultiFeed} from "./IOCRMultiFeed.sol";
import {MultiReportLayout} from "./MultiReportLayout.sol";
import {OCRMultiFeedErrors} from "./OCRMultiFeedErrors.sol";

/// @title OCRMultiFeed
/// @notice k price feeds (1 <= k <= 32, fixed at deployment) updated together by Off-Chain
///         Reporting: one report carries every feed's median and observations, and one BLS12-381
///         threshold signature over it is checked with one pairing, so the signature is paid once per
///         report instead of once per feed. Each feed keeps its own round records (round ids from 1),
///         its own FeedTransmission event and its own AggregatorV3Interface (a FeedView).
/// @dev Same committee rules as OCRFeed (f, threshold, validated G2 group key, public shares,
///      transmitters; config digest binding chain, contract, counter and config) with one pair of
///      answer bounds per feed. Gas care in `transmit` as in OCRFeed: one hot slot, the configuration
///      read with EXTCODECOPY from data contracts, packed calldata read in place, hand-encoded events.
///      Every feed gets a fresh round slot per report (22,100 gas each), the largest part of what one
///      more feed costs (~39,500 at n = 31: slot 22,100, event 8,668, calldata ~5,400, checks ~3,400);
///      tests/multifeed/test_multifeed_gas.py has the figures.
contract OCRMultiFeed is IOCRMultiFeed, OCRMultiFeedErrors, CommitteeFeed {
    /*//////////////////////////////////////////////////////////////
                               CONSTANTS
    //////////////////////////////////////////////////////////////*/

    /// @notice The most feeds one hub (and so one report) carries.
    uint256 public constant MAX_FEEDS = 32;


    /// @dev The top two bytes of every config digest name the digest scheme; OCRFeed uses 0x0b15, a
    ///      multi-feed hub 0x0b16, so neither kind of digest can be mistaken for the other.
    uint256 private constant CONFIG_DIGEST_PREFIX = 0x0b16;


    /// @dev ReportTransmitted's non-indexed head: six 32-byte words.
    uint256 private constant REPORT_EVENT_HEAD_LENGTH = 0xc0;
    /// @dev FeedTransmission's non-indexed head: answer, offset, then the length word.
    uint256 private constant FEED_EVENT_HEAD_LENGTH = 0x60;

    /// @dev The key store's words 32 and 64 (OCRFeed's bounds) hold the bounds store's address and k.
    uint256 private constant STORED_BOUNDS_STORE_AT = 0x40; // memory offset of word 32 of `stored`
    /// @dev Bounds store data: per feed two words, minAnswer then maxAnswer (sign-extended).
    uint256 private constant BOUNDS_PER_FEED = 0x40;

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    /// @dev One feed's round record, one slot (24 + 4 + 4 bytes).
    struct Transmission {
        int192 answer;
        uint32 startedAt; // timestamp of the feed's median observation
        uint32 updatedAt; // block timestamp of the transmission
    }

    /// @dev Bit offsets of the Transmission fields inside its slot.
    uint256 private constant RECORD_STARTED_AT_SHIFT = 192;
    uint256 private constant RECORD_UPDATED_AT_SHIFT = 224;
    uint256 private constant INT192_MASK = 0xffffffffffffffffffffffffffffffffffffffffffffffff;
    /// @dev Every bit but the top one: row bytes past a feed's m rows read as 0xff, i.e. bit 255.
    uint256 private constant NOT_BIT_255 = 0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff;
    /// @dev Calldata layout numbers the hot loop's assembly needs (MultiReportLayout's, which inline
    ///      assembly cannot name).
    uint256 private constant VALUE_LENGTH = 24;
    uint256 private constant BYTES_PER_FEED_OBSERVATION = 25;
    uint256 private constant INT192_SHIFT = 64;
    uint256 private constant UINT32_SHIFT = 224;

    /// @dev Round `r` of feed `i` is s_transmissions[r][i]: one keccak per report, then slot base + i.
    mapping(uint32 roundId => Transmission[MAX_FEEDS]) internal s_transmissions;
    address[] internal s_views;

    uint8 private immutable i_feedCount;

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    /// @param feedDecimals Decimals of each feed's answers; its length is the number of feeds k.
    /// @param feedDescriptions Each feed's description, e.g. "BTC / USD".
    /// @param initialOwner Account allowed to call setConfig.
    constructor(uint8[] memory feedDecimals, string[] memory feedDescriptions, address initialOwner)
        CommitteeFeed(initialOwner)
    {
        uint256 k = feedDecimals.length;
        if (k == 0 || k > MAX_FEEDS) revert InvalidFeedCount(k, MAX_FEEDS);
        if (feedDescriptions.length != k) revert FeedMetadataLengthMismatch(k, feedDescriptions.length);
        i_feedCount = uint8(k);
        for (uint256 i = 0; i < k; ++i) {
            address view_ = address(new FeedView(uint8(i), feedDecimals[i], feedDescriptions[i]));
            assert(view_ == _viewAddress(i)); // _announce relies on it
            s_views.push(view_);
        }
    }

    /*//////////////////////////////////////////////////////////////
                             CONFIGURATION
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IOCRMultiFeed
    function setConfig(Config calldata config) external override onlyOwner {
        uint256 n = config.transmitters.length;
        CommitteeRules.checkCommittee(n, config.f, config.threshold, config.publicShares.length);
        address bounds = _writeBounds(config.minAnswers, config.maxAnswers);
        CommitteeRules.checkKeys(config.groupPublicKey, config.publicShares);
        CommitteeRules.checkTransmitters(config.transmitters);

        uint64 configCount = _nextConfigCount();
        bytes32 digest = configDigestFromConfigData(block.chainid, address(this), configCount, config);
        // The key store's words 32 and 64 (OCRFeed's bounds) hold the bounds store's address and k.
        uint32 previous = _installCommittee(
            abi.encodePacked(digest, uint256(uint160(bounds)), uint256(i_feedCount), config.groupPublicKey),
            config.transmitters,
            config.f,
            config.threshold
        );
        emit ConfigSet(previous, digest, configCount, uint8(n), config);
    }

    /// @notice The digest a configuration gets: binds chain, contract, counter and every field.
    /// @param chainId The chain the hub lives on.
    /// @param contractAddress The hub.
    /// @param configCount The configuration's sequence number (1 for the first).
    /// @param config The committee.
    /// @return digest keccak256 of abi.encode(chainId, contractAddress, configCount, config) with the
    ///         top two bytes set to the multi-feed scheme prefix 0x0b16.
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

    /// @dev One pair of bounds per feed, min < max, written as a data contract (0x00 || per feed
    ///      minAnswer word || maxAnswer word) so `transmit` loads all of them with one EXTCODECOPY.
    function _writeBounds(int192[] calldata minAnswers, int192[] calldata maxAnswers) private returns (address store) {
        uint256 k = i_feedCount;
        if (minAnswers.length != k || maxAnswers.length != k) {
            revert AnswerBoundsLengthMismatch(minAnswers.length, maxAnswers.length, k);
        }
        bytes memory data = new bytes(BOUNDS_PER_FEED * k);
        for (uint256 i = 0; i < k; ++i) {
            int192 lo = minAnswers[i];
            int192 hi = maxAnswers[i];
            if (lo >= hi) revert InvalidAnswerBounds(i, lo, hi);
            assembly ("memory-safe") {
                let ptr := add(add(data, 0x20), mul(i, BOUNDS_PER_FEED))
                mstore(ptr, lo)
                mstore(add(ptr, 0x20), hi)
            }
        }
        store = KeyStore.writeData(data);
        if (store == address(0)) revert KeyStoreCreationFailed();
    }

    /*//////////////////////////////////////////////////////////////
                              TRANSMISSION
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ICommitteeFeed
    /// @dev Order: length, feed count, digest, (epoch, round), transmitter, observers, then per feed
    ///      (rows, sortedness, median, bounds, record, event), then the signature. Records and events
    ///      are written before the pairing only because it is cheaper to walk the calldata once; a bad
    ///      signature reverts the whole transaction.
    function transmit() external override {
        uint256 hot;
        assembly ("memory-safe") {
            hot := sload(s_hot.slot)
        }
        address keyStore = address(uint160(hot));
        if (keyStore == address(0)) revert NotConfigured();

        (uint256 k, uint256 m) = MultiReportLayout.counts();
        {
            uint256 expected = MultiReportLayout.calldataLength(k, m);
            if (msg.data.length != expected) revert ReportLengthMismatch(expected, msg.data.length);
        }
        if (k != i_feedCount) revert FeedCountMismatch(i_feedCount, k);

        bytes memory stored = KeyStore.read(keyStore);
        {
            bytes32 expected;
            assembly ("memory-safe") {
                expected := mload(add(stored, 0x20)) // KeyStore.DIGEST_AT
            }
            CommitteeRules.checkHeader(
                expected, MultiReportLayout.configDigest(), uint40(hot >> HOT_EPOCH_AND_ROUND_SHIFT),
                MultiReportLayout.epochAndRound()
            );
        }
        if (KeyStore.transmitter(keyStore, MultiReportLayout.transmitterIndex(k, m)) != msg.sender) {
            revert UnauthorizedTransmitter(msg.sender);
        }
        CommitteeRules.checkObservers(MultiReportLayout.OBSERVERS_AT, m, uint8(hot >> HOT_N_SHIFT), uint8(hot >> HOT_F_SHIFT));

        uint32 roundId = uint32(hot >> HOT_ROUND_ID_SHIFT) + 1;
        _acceptFeeds(k, m, roundId, _readBounds(stored, k));
        _checkSignature(k, m, stored);

        s_hot.latestEpochAndRound = MultiReportLayout.epochAndRound();
        s_hot.latestRoundId = roundId;
        _emitReport(roundId, m);
        _announce(roundId, k);
    }

    /// @dev Each feed's NewRound and AnswerUpdated, emitted by its FeedView (the address consumers
    ///      and indexers know): one call per feed, about 6,500 gas each (docs/gas.md). The view's
    ///      address is computed from its CREATE nonce (the constructor checks it), not loaded from
    ///      storage, and the round is read back from the record just written (a warm slot).
    function _announce(uint32 roundId, uint256 k) private {
        for (uint256 i = 0; i < k; ++i) {
            Transmission memory t = s_transmissions[roundId][i];
            FeedView(_viewAddress(i)).announce(roundId, t.answer, t.startedAt, msg.sender);
        }
    }

    /// @dev Feed i's view: the hub's (i + 1)-th CREATE (a contract's nonce starts at 1, and the
    ///      constructor deploys the k views before anything else), keccak256(rlp([hub, i + 1])).
    function _viewAddress(uint256 i) private view returns (address view_) {
        assembly ("memory-safe") {
            // rlp([address, nonce]) for nonce 1..32 (< 0x80: one byte): 0xd6 0x94 address nonce.
            mstore(0x00, or(or(shl(248, 0xd6), shl(240, 0x94)), or(shl(80, address()), shl(72, add(i, 1)))))
            view_ := and(keccak256(0x00, 23), 0xffffffffffffffffffffffffffffffffffffffff)
        }
    }

    /// @dev Every feed's bounds, loaded into memory with one EXTCODECOPY of the bounds store.
    function _readBounds(bytes memory stored, uint256 k) private view returns (uint256 bounds) {
        assembly ("memory-safe") {
            let store := mload(add(stored, STORED_BOUNDS_STORE_AT))
            let length := mul(k, BOUNDS_PER_FEED)
            bounds := mload(0x40)
            mstore(0x40, add(bounds, length))
            extcodecopy(store, bounds, 1, length) // KeyStore.DATA_OFFSET
        }
    }

    /// @dev Per feed: the checks of `_checkFeedBlock`, then the feed's round record (one fresh slot)
    ///      and its FeedTransmission event. The checks run here as one branch-free predicate per
    ///      feed (a flag OR-ed together, one jump at the end); only when it fails does the cold path
    ///      `_checkFeedBlock` re-run them one by one to name the error.
    function _acceptFeeds(uint256 k, uint256 m, uint32 roundId, uint256 bounds) private {
        uint256 base;
        assembly ("memory-safe") {
            mstore(0x00, roundId)
            mstore(0x20, s_transmissions.slot)
            base := keccak256(0x00, 0x40)
        }
        uint256 ptr = MultiReportLayout.feedsAt(m);
        uint256 blockLength = MultiReportLayout.feedBlockLength(m);
        uint256 failed;
        {
            // Loop-invariant values that the loop needs rarely enough to keep in memory.
            uint256 frame;
            bytes32 topic = FeedTransmission.selector;
            uint256 timestampsAt = MultiReportLayout.timestampsAt(m);
            assembly ("memory-safe") {
                frame := mload(0x40)
                mstore(0x40, add(frame, 0x140))
                mstore(frame, topic)
                mstore(add(frame, 0x20), timestampsAt)
                mstore(add(frame, 0x40), shl(RECORD_UPDATED_AT_SHIFT, timestamp()))
                mstore(add(frame, 0x60), bounds)
                mstore(add(frame, 0x80), roundId)
            }
            failed = _acceptFeedsLoop(k, m, base, ptr, blockLength, frame);
        }
        if (failed != 0) {
            uint256 feedId = failed - 1;
            _checkFeedBlock(feedId, ptr + feedId * blockLength, m, bounds); // reverts with the error
            // Unreachable: the predicate and the cold checks are the same rules. Were they ever to
            // disagree, the feeds after this one have no record, so the report must not stand.
            assert(false);
        }
    }

    /// @dev The hot loop of `_acceptFeeds`. `frame` holds what the loop needs once per feed (the EVM
    ///      stack is too shallow for all of it): topic, timestampsAt, updatedAt (shifted into place),
    ///      bounds, roundId, and the m-derived numbers set below. Returns 0, or 1 + the first feed whose
    ///      checks failed.
    function _acceptFeedsLoop(uint256 k, uint256 m, uint256 base, uint256 ptr, uint256 blockLength, uint256 frame)
        private
        returns (uint256 failed)
    {
        assembly ("memory-safe") {
            /// 1 << row over the m row bytes at `rowsAt` (bytes past the end read as 0xff, bit 255).
            function rowUnion(rowsAt, end) -> seen {
                for {} lt(rowsAt, end) { rowsAt := add(rowsAt, 32) } {
                    let w := calldataload(rowsAt)
                    let left := sub(end, rowsAt)
                    if lt(left, 32) { w := or(w, shr(shl(3, left), not(0))) }
                    seen :=
                        or(
                            seen,
                            or(
                                or(
                                    or(or(or(shl(byte(0, w), 1), shl(byte(1, w), 1)), or(shl(byte(2, w), 1), shl(byte(3, w), 1))), or(or(shl(byte(4, w), 1), shl(byte(5, w), 1)), or(shl(byte(6, w), 1), shl(byte(7, w), 1)))),
                                    or(or(or(shl(byte(8, w), 1), shl(byte(9, w), 1)), or(shl(byte(10, w), 1), shl(byte(11, w), 1))), or(or(shl(byte(12, w), 1), shl(byte(13, w), 1)), or(shl(byte(14, w), 1), shl(byte(15, w), 1))))
                                ),
                                or(
                                    or(or(or(shl(byte(16, w), 1), shl(byte(17, w), 1)), or(shl(byte(18, w), 1), shl(byte(19, w), 1))), or(or(shl(byte(20, w), 1), shl(byte(21, w), 1)), or(shl(byte(22, w), 1), shl(byte(23, w), 1)))),
                                    or(or(or(shl(byte(24, w), 1), shl(byte(25, w), 1)), or(shl(byte(26, w), 1), shl(byte(27, w), 1))), or(or(shl(byte(28, w), 1), shl(byte(29, w), 1)), or(shl(byte(30, w), 1), shl(byte(31, w), 1))))
                                )
                            )
                        )
                }
            }
            /// Nonzero when some of the m values at `valuesAt` is below its predecessor.
            function descends(valuesAt, m_) -> bad {
                let previous := sar(INT192_SHIFT, calldataload(valuesAt))
                let p := add(valuesAt, VALUE_LENGTH)
                let end := add(valuesAt, mul(m_, VALUE_LENGTH))
                let endOfQuads := add(p, mul(and(sub(m_, 1), not(3)), VALUE_LENGTH))
                for {} lt(p, endOfQuads) { p := add(p, 96) } {
                    let a := sar(INT192_SHIFT, calldataload(p))
                    let b := sar(INT192_SHIFT, calldataload(add(p, 24)))
                    let c := sar(INT192_SHIFT, calldataload(add(p, 48)))
                    let d := sar(INT192_SHIFT, calldataload(add(p, 72)))
                    bad := or(bad, or(or(slt(a, previous), slt(b, a)), or(slt(c, b), slt(d, c))))
                    previous := d
                }
                for {} lt(p, end) { p := add(p, VALUE_LENGTH) } {
                    let a := sar(INT192_SHIFT, calldataload(p))
                    bad := or(bad, slt(a, previous))
                    previous := a
                }
            }

            // More loop invariants, in the frame: 0xa0 allRows, 0xc0 offset of the median value from
            // the rows, 0xe0 offset of the median row, 0x100 event data length, 0x120 padded length.
            mstore(add(frame, 0xa0), sub(shl(m, 1), 1))
            mstore(add(frame, 0xc0), add(m, mul(shr(1, m), VALUE_LENGTH)))
            mstore(add(frame, 0xe0), shr(1, m))
            let length := mul(m, BYTES_PER_FEED_OBSERVATION)
            mstore(add(frame, 0x100), length)
            mstore(add(frame, 0x120), and(add(length, 31), not(31)))
            for { let i := 0 } lt(i, k) { i := add(i, 1) } {
                let rowsAt := add(ptr, VALUE_LENGTH)
                let answer := sar(INT192_SHIFT, calldataload(ptr))
                let bad :=
                    or(
                        xor(and(rowUnion(rowsAt, add(rowsAt, m)), NOT_BIT_255), mload(add(frame, 0xa0))),
                        descends(add(rowsAt, m), m)
                    )
                bad := or(bad, xor(answer, sar(INT192_SHIFT, calldataload(add(rowsAt, mload(add(frame, 0xc0)))))))
                {
                    let b := add(mload(add(frame, 0x60)), shl(6, i)) // this feed's (min, max)
                    bad := or(bad, or(slt(answer, mload(b)), sgt(answer, mload(add(b, 0x20)))))
                }
                if bad {
                    failed := add(i, 1)
                    break
                }
                // startedAt: the timestamp of the median value's row.
                let row := byte(0, calldataload(add(rowsAt, mload(add(frame, 0xe0)))))
                let startedAt := shr(UINT32_SHIFT, calldataload(add(mload(add(frame, 0x20)), shl(2, row))))
                sstore(
                    add(base, i),
                    or(or(mload(add(frame, 0x40)), shl(RECORD_STARTED_AT_SHIFT, startedAt)), and(answer, INT192_MASK))
                )
                // FeedTransmission(i, roundId, answer, rows || values) at the free pointer (scratch).
                let e := mload(0x40)
                let padded := mload(add(frame, 0x120))
                mstore(e, answer)
                mstore(add(e, 0x20), 0x40)
                mstore(add(e, 0x40), mload(add(frame, 0x100)))
                mstore(add(e, add(0x40, padded)), 0) // the last data word, before the copy fills its head
                calldatacopy(add(e, FEED_EVENT_HEAD_LENGTH), rowsAt, mload(add(frame, 0x100)))
                log3(e, add(FEED_EVENT_HEAD_LENGTH, padded), mload(frame), i, mload(add(frame, 0x80)))
                ptr := add(ptr, blockLength)
            }
        }
    }

    /// @dev Cold path, the same rules as `_acceptFeedsLoop`'s predicate one at a time, in order: the
    ///      feed block at `ptr` has rows that are a permutation of 0..m-1, ascending values, an answer
    ///      equal to values[m / 2] and within the feed's bounds. Reverts naming the first broken rule.
    function _checkFeedBlock(uint256 feedId, uint256 ptr, uint256 m, uint256 bounds) private pure {
        uint256 rowsAt = ptr + MultiReportLayout.VALUE_LENGTH;
        _checkRows(feedId, rowsAt, m);
        uint256 valuesAt = rowsAt + m;
        uint256 unsortedAt = CalldataScans.firstUnsorted(valuesAt, m);
        if (unsortedAt != 0) revert ObservationsNotSorted(feedId, unsortedAt);
        int192 answer = MultiReportLayout.int192At(ptr);
        int192 median = MultiReportLayout.int192At(valuesAt + (m / 2) * MultiReportLayout.VALUE_LENGTH);
        if (answer != median) revert WrongMedian(feedId, answer, median);
        int192 minAnswer;
        int192 maxAnswer;
        assembly ("memory-safe") {
            let b := add(bounds, mul(feedId, BOUNDS_PER_FEED))
            minAnswer := mload(b)
            maxAnswer := mload(add(b, 0x20))
        }
        if (answer < minAnswer || answer > maxAnswer) revert AnswerOutOfBounds(feedId, answer, minAnswer, maxAnswer);
    }

    /// @dev The rows are a permutation of 0..m-1: the first row byte out of range or repeated reverts.
    function _checkRows(uint256 feedId, uint256 rowsAt, uint256 m) private pure {
        uint256 seen;
        for (uint256 j = 0; j < m; ++j) {
            uint256 row = MultiReportLayout.byteAt(rowsAt + j);
            if (row >= m) revert RowPositionOutOfRange(feedId, j, row, m);
            if (seen & (uint256(1) << row) != 0) revert DuplicateRowPosition(feedId, j, row);
            seen |= uint256(1) << row;
        }
    }

    /// @dev One pairing check of the threshold signature over (chain id, this hub, report).
    function _checkSignature(uint256 k, uint256 m, bytes memory stored) private view {
        bytes32 digest = MultiReportLayout.signingDigest(k, m);
        bytes memory signature = MultiReportLayout.signature(k, m);
        bytes memory key;
        assembly ("memory-safe") {
            // The key's length word goes where k was stored (already used), so the key is not copied.
            key := add(stored, 0x60)
            mstore(key, 256) // KeyStore.KEY_LENGTH
        }
        if (!BLS12381.verify(signature, key, digest)) revert InvalidSignature();
    }

    /// @dev ReportTransmitted, hand-encoded: 6 head words (digest, epoch, round, two tail offsets,
    ///      transmitter), then observers and timestamps, each a length word and bytes padded to 32.
    function _emitReport(uint32 roundId, uint256 m) private {
        bytes32 digest = MultiReportLayout.configDigest();
        uint40 epochAndRound = MultiReportLayout.epochAndRound();
        bytes32 topic = ReportTransmitted.selector;
        uint256 observersAt = MultiReportLayout.OBSERVERS_AT;
        assembly ("memory-safe") {
            let p := mload(0x40)
            mstore(p, digest)
            mstore(add(p, 0x20), shr(ROUND_BITS, epochAndRound))
            mstore(add(p, 0x40), and(epochAndRound, ROUND_MASK))
            mstore(add(p, 0xa0), caller())
            let next := add(p, REPORT_EVENT_HEAD_LENGTH)

            mstore(add(p, 0x60), sub(next, p))
            let padded := and(add(m, 31), not(31))
            mstore(next, m)
            mstore(add(next, padded), 0)
            calldatacopy(add(next, 0x20), observersAt, m)
            next := add(add(next, 0x20), padded)

            mstore(add(p, 0x80), sub(next, p))
            let length := shl(2, m) // 4 bytes per timestamp
            padded := and(add(length, 31), not(31))
            mstore(next, length)
            mstore(add(next, padded), 0)
            calldatacopy(add(next, 0x20), add(observersAt, m), length)
            next := add(add(next, 0x20), padded)

            log2(p, sub(next, p), topic, roundId)
        }
    }

    /*//////////////////////////////////////////////////////////////
                             CONSUMER VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IOCRMultiFeed
    function feedCount() external view override returns (uint8) {
        return i_feedCount;
    }

    /// @inheritdoc IOCRMultiFeed
    function feedView(uint8 feedId) external view override returns (address) {
        _checkFeed(feedId);
        return s_views[feedId];
    }

    /// @inheritdoc IOCRMultiFeed
    function latestRoundId() external view override returns (uint32) {
        return s_hot.latestRoundId;
    }

    /// @inheritdoc IOCRMultiFeed
    function getFeedRoundData(uint8 feedId, uint80 roundId)
        external
        view
        override
        returns (uint80, int256, uint256, uint256, uint80)
    {
        _checkFeed(feedId);
        if (roundId == 0 || roundId > s_hot.latestRoundId) revert NoDataPresent(roundId);
        Transmission memory t = s_transmissions[uint32(roundId)][feedId];
        return (roundId, t.answer, t.startedAt, t.updatedAt, roundId);
    }

    /// @inheritdoc IOCRMultiFeed
    function latestFeedRoundData(uint8 feedId)
        external
        view
        override
        returns (uint80, int256, uint256, uint256, uint80)
    {
        _checkFeed(feedId);
        uint32 latest = s_hot.latestRoundId;
        if (latest == 0) revert NoDataPresent(0);
        Transmission memory t = s_transmissions[latest][feedId];
        return (latest, t.answer, t.startedAt, t.updatedAt, latest);
    }

    /// @inheritdoc IOCRMultiFeed
    function feedRound(uint8 feedId, uint256 roundId)
        external
        view
        override
        returns (int192 answer, uint32 startedAt, uint32 updatedAt)
    {
        _checkFeed(feedId);
        if (roundId > s_hot.latestRoundId) return (0, 0, 0);
        Transmission memory t = s_transmissions[uint32(roundId)][feedId];
        return (t.answer, t.startedAt, t.updatedAt);
    }

    function _checkFeed(uint8 feedId) private view {
        if (feedId >= i_feedCount) revert UnknownFeed(feedId, i_feedCount);
    }

    /*//////////////////////////////////////////////////////////////
                             OPERATOR VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IOCRMultiFeed
    function answerBounds(uint8 feedId) external view override returns (int192 minAnswer, int192 maxAnswer) {
        _checkFeed(feedId);
        address store = s_hot.keyStore;
        if (store == address(0)) revert NotConfigured();
        address bounds = address(uint160(uint256(_storedWord(store, STORED_BOUNDS_STORE_AT))));
        assembly ("memory-safe") {
            extcodecopy(bounds, 0x00, add(1, mul(feedId, BOUNDS_PER_FEED)), BOUNDS_PER_FEED)
            minAnswer := mload(0x00)
            maxAnswer := mload(0x20)
        }
    }

    /// @dev The stored configuration word at memory offset `at` of KeyStore.read (0x20 = digest).
    function _storedWord(address store, uint256 ptr) private view returns (bytes32 word) {
        bytes memory stored = KeyStore.read(store);
        assembly ("memory-safe") {
            word := mload(add(stored, ptr))
        }
    }
}

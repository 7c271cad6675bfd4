// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {BLS12381} from "../bls/BLS12381.sol";
import {PrecompileFailed} from "../bls/BLS12381Errors.sol";
import {CalldataScans} from "../committee/CalldataScans.sol";
import {SingleFeedRounds} from "../committee/SingleFeedRounds.sol";
import {CommitteeRules} from "../committee/CommitteeRules.sol";
import {ICommitteeFeed} from "../committee/ICommitteeFeed.sol";
import {KeyStore} from "../feed/KeyStore.sol";
import {ReportLayout} from "../feed/ReportLayout.sol";
import {AccountableFeedErrors} from "./AccountableFeedErrors.sol";
import {AccountableKeys} from "./AccountableKeys.sol";
import {IAccountableFeed} from "./IAccountableFeed.sol";

/// @title AccountableFeed
/// @notice The accountable OCR feed: every oracle registers its own G2 key with a proof of
///         possession (checked here, the rogue-key defence); a report carries one aggregate G1
///         signature and a bitmap naming its signers (at least `threshold`); this contract sums the
///         named keys with a G2ADD chain and checks one pairing. The transmission event names the
///         signers, so every report says who vouched for it.
/// @dev Same packed report (ReportLayout) and consumer interface (AggregatorV3) as OCRFeed.
///      calldata = selector || report || signature (128) || signer bitmap (32) || transmitter index (1).
///      Key store (KeyStore layout): digest | key-store addresses (3 x 20 bytes, then 4 zero bytes) |
///      sum of all n keys (the `groupPublicKey` view; informational) | transmitters. The per-oracle
///      keys and the bounds live in AccountableKeys data contracts.
contract AccountableFeed is IAccountableFeed, AccountableFeedErrors, SingleFeedRounds {
    /// @dev Digest scheme prefix of accountable configurations (OCRFeed 0x0b15, multi-feed 0x0b16).
    uint256 private constant CONFIG_DIGEST_PREFIX = 0x0b17;
    /// @notice DST of proofs of possession: distinct from the report DST, so no report signature
    ///         can ever pass as a proof of possession or the reverse.
    bytes internal constant POP_DST = "OCR-CLIENT-V1_BLS_POP_BLS12381G1_XMD:SHA-256_SSWU_RO_POP_";
    uint256 private constant HOT_THRESHOLD_SHIFT = 248;
    /// @dev Bytes after the report: signature, bitmap, transmitter index.
    uint256 private constant TAIL_LENGTH = 161;
    uint256 private constant BITMAP_OFFSET = 128; // from the signature
    uint256 private constant INDEX_OFFSET = 160; // from the signature
    uint256 private constant G1_LENGTH = 128;
    uint256 private constant G1MSM_PRECOMPILE = 0x0c;
    uint256 private constant G1MSM_ONE_GAS = 12_000;




    constructor(uint8 feedDecimals, string memory feedDescription, address initialOwner)
        SingleFeedRounds(feedDecimals, feedDescription, initialOwner)
    {}

    /*//////////////////////////////////////////////////////////////
                             CONFIGURATION
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IAccountableFeed
    function setConfig(Config calldata config) external override onlyOwner {
        uint256 n = config.transmitters.length;
        CommitteeRules.checkCommittee(n, config.f, config.threshold, config.publicKeys.length);
        if (config.proofsOfPossession.length != n) revert ProofsOfPossessionLengthMismatch(config.proofsOfPossession.length, n);
        if (config.minAnswer >= config.maxAnswer) revert InvalidAnswerBounds(config.minAnswer, config.maxAnswer);
        CommitteeRules.checkTransmitters(config.transmitters);
        bytes memory sumOfKeys = _checkKeys(config.publicKeys, config.proofsOfPossession);
        address[3] memory stores = AccountableKeys.write(config.publicKeys, config.minAnswer, config.maxAnswer);

        uint64 configCount = _nextConfigCount();
        bytes32 digest = configDigestFromConfigData(block.chainid, address(this), configCount, config);
        uint32 previous = _installCommittee(
            abi.encodePacked(digest, stores[0], stores[1], stores[2], bytes4(0), sumOfKeys),
            config.transmitters,
            config.f,
            config.threshold
        );
        emit ConfigSet(previous, digest, configCount, uint8(n), config);
    }

    /// @notice The digest a configuration gets: binds chain, contract, counter and every field.
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

    /// @dev Each key: 256 bytes, on the curve and in the subgroup, not infinity, not registered
    ///      twice, with a valid proof of possession. Returns the sum of all keys.
    function _checkKeys(bytes[] calldata keys, bytes[] calldata proofs) private returns (bytes memory sum) {
        uint256 n = keys.length;
        sum = new bytes(AccountableKeys.KEY_LENGTH + AccountableKeys.KEY_LENGTH); // sum || next
        for (uint256 i = 0; i < n; ++i) {
            bytes memory key = keys[i];
            if (key.length != AccountableKeys.KEY_LENGTH) revert InvalidKeyLength(key.length);
            BLS12381.validateG2(key);
            bytes32 id = keccak256(key);
            uint256 earlier;
            assembly ("memory-safe") {
                earlier := tload(id)
                tstore(id, add(i, 1))
            }
            if (earlier != 0) revert DuplicatePublicKey(i, earlier - 1);
            _checkProof(i, key, proofs[i]);
            bool ok = true;
            assembly ("memory-safe") {
                let acc := add(sum, 0x20)
                switch i
                case 0 { mcopy(acc, add(key, 0x20), 0x100) }
                default {
                    mcopy(add(acc, 0x100), add(key, 0x20), 0x100)
                    ok := staticcall(600, 0x0d, acc, 0x200, acc, 0x100)
                }
            }
            if (!ok) revert PrecompileFailed(address(0x0d)); // unreachable: the key was validated
        }
        for (uint256 i = 0; i < n; ++i) {
            bytes32 id = keccak256(keys[i]);
            assembly ("memory-safe") {
                tstore(id, 0)
            }
        }
        assembly ("memory-safe") {
            mstore(sum, 0x100)
        }
    }

    /// @dev The proof must be a G1 subgroup point other than infinity (checked with a G1MSM by 1,
    ///      so a malformed proof names the oracle instead of failing inside the pairing) and a valid
    ///      signature of the key's 256 bytes under POP_DST.
    function _checkProof(uint256 oracle, bytes memory key, bytes calldata proof) private view {
        if (proof.length != G1_LENGTH) revert InvalidProofOfPossession(oracle);
        bytes memory sig = proof;
        bool ok;
        assembly ("memory-safe") {
            let buf := mload(0x40)
            mcopy(buf, add(sig, 0x20), G1_LENGTH)
            mstore(add(buf, G1_LENGTH), 1)
            ok := staticcall(G1MSM_ONE_GAS, G1MSM_PRECOMPILE, buf, 0xa0, buf, G1_LENGTH)
            let any := or(or(mload(buf), mload(add(buf, 0x20))), or(mload(add(buf, 0x40)), mload(add(buf, 0x60))))
            ok := and(ok, iszero(iszero(any)))
        }
        if (!ok || !BLS12381.verifyWithDst(sig, key, key, POP_DST)) revert InvalidProofOfPossession(oracle);
    }

    /*//////////////////////////////////////////////////////////////
                              TRANSMISSION
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ICommitteeFeed
    function transmit() external override {
        uint256 hot;
        assembly ("memory-safe") {
            hot := sload(s_hot.slot)
        }
        address keyStore = address(uint160(hot));
        if (keyStore == address(0)) revert NotConfigured();

        uint256 count = ReportLayout.observationCount();
        uint256 signatureAt =
            ReportLayout.SELECTOR_LENGTH + ReportLayout.HEADER_LENGTH + ReportLayout.BYTES_PER_OBSERVATION * count;
        if (msg.data.length != signatureAt + TAIL_LENGTH) {
            revert ReportLengthMismatch(signatureAt + TAIL_LENGTH, msg.data.length);
        }

        bytes memory stored = KeyStore.read(keyStore);
        {
            bytes32 expected;
            assembly ("memory-safe") {
                expected := mload(add(stored, 0x20))
            }
            CommitteeRules.checkHeader(
                expected, ReportLayout.configDigest(), uint40(hot >> HOT_EPOCH_AND_ROUND_SHIFT), ReportLayout.epochAndRound()
            );
        }
        uint256 signers;
        uint256 index;
        assembly ("memory-safe") {
            signers := calldataload(add(signatureAt, BITMAP_OFFSET))
            index := byte(0, calldataload(add(signatureAt, INDEX_OFFSET)))
        }
        if (KeyStore.transmitter(keyStore, index) != msg.sender) revert UnauthorizedTransmitter(msg.sender);
        uint256 n = uint8(hot >> HOT_N_SHIFT);
        CommitteeRules.checkObservers(ReportLayout.OBSERVERS_AT, count, n, uint8(hot >> HOT_F_SHIFT));
        if (signers == 0) revert EmptySignerBitmap();
        if (signers >> n != 0) revert SignerBitmapOutOfRange(signers, n);

        address[3] memory stores;
        assembly ("memory-safe") {
            mstore(stores, shr(96, mload(add(stored, 0x40))))
            mstore(add(stores, 0x20), shr(96, mload(add(stored, 0x54))))
            mstore(add(stores, 0x40), shr(96, mload(add(stored, 0x68))))
        }
        int192 answer = _checkObservations(count, stores[0]);
        _checkSignature(count, stores, signers, uint8(hot >> HOT_THRESHOLD_SHIFT));

        _acceptRound(
            uint32(hot >> HOT_ROUND_ID_SHIFT) + 1, count, answer, NewTransmission.selector, EVENT_HEAD_WITH_SIGNERS_LENGTH, signers
        );
    }

    /// @dev Sorted ascending, the answer is the median, the answer is within bounds.
    function _checkObservations(uint256 count, address store0) private view returns (int192 answer) {
        uint256 unsortedAt = CalldataScans.firstUnsorted(ReportLayout.valuesAt(count), count);
        if (unsortedAt != 0) revert ObservationsNotSorted(unsortedAt);
        answer = ReportLayout.answer();
        int192 median = ReportLayout.observation(count, count / 2);
        if (answer != median) revert WrongMedian(answer, median);
        (int192 minAnswer, int192 maxAnswer) = AccountableKeys.bounds(store0);
        if (answer < minAnswer || answer > maxAnswer) revert AnswerOutOfBounds(answer, minAnswer, maxAnswer);
    }

    /// @dev Sum the named keys (G2ADD chain), enough of them, then one pairing check. An infinity
    ///      aggregate key is refused by BLS12381.verify (InfinityPoint).
    function _checkSignature(uint256 count, address[3] memory stores, uint256 signers, uint256 threshold)
        private
        view
    {
        bytes memory signature = ReportLayout.signature(count);
        (bytes memory key, uint256 signed) = AccountableKeys.aggregate(stores, signers);
        if (signed < threshold) revert TooFewSigners(signed, threshold);
        if (!BLS12381.verify(signature, key, ReportLayout.signingDigest(count))) revert InvalidSignature();
    }

    /*//////////////////////////////////////////////////////////////
                             OPERATOR VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IAccountableFeed
    function answerBounds() external view override returns (int192 minAnswer, int192 maxAnswer) {
        return AccountableKeys.bounds(_stores()[0]);
    }

    /// @inheritdoc IAccountableFeed
    function publicKey(uint256 oracle) external view override returns (bytes memory) {
        if (oracle >= s_hot.n) revert UnknownOracle(oracle, s_hot.n);
        return AccountableKeys.key(_stores(), oracle);
    }

    /// @inheritdoc IAccountableFeed
    function keyStores() external view override returns (address[3] memory) {
        return _stores();
    }

    function _stores() private view returns (address[3] memory stores) {
        address store = s_hot.keyStore;
        if (store == address(0)) revert NotConfigured();
        bytes memory stored = KeyStore.read(store);
        assembly ("memory-safe") {
            mstore(stores, shr(96, mload(add(stored, 0x40))))
            mstore(add(stores, 0x20), shr(96, mload(add(stored, 0x54))))
            mstore(add(stores, 0x40), shr(96, mload(add(stored, 0x68))))
        }
    }
}

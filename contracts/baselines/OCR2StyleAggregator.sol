// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AggregatorInterface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorInterface.sol";
import {AggregatorV2V3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV2V3Interface.sol";
import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {AggregatorValidatorInterface} from
    "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorValidatorInterface.sol";

import {Owned} from "../access/Owned.sol";
import {OCR2StyleAggregatorErrors} from "./OCR2StyleAggregatorErrors.sol";

/// @title OCR2StyleAggregatorBase
/// @notice A gas baseline, not a product: a median feed that accepts a report when f+1 distinct
///         oracles signed it with ECDSA, doing per transmission the same work as Chainlink's
///         OCR2Aggregator (libocr contract2), so that our BLS feed is compared with a fair rival.
/// @dev Per transmit, like OCR2Aggregator: one hot slot read and rewritten; the transmitter's role
///      slot read and its reimbursement ledger updated; the config digest slot read; an exact
///      calldata-length check; f+1 ecrecovers, each followed by a signer-role lookup and a
///      uniqueness bit; the report copied to memory and ABI-decoded; the median checked against
///      immutable bounds; a fresh round slot written; NewTransmission, NewRound and AnswerUpdated
///      emitted; the validator slot read (and the validator called when one is set).
///      Billing is a ledger only: reimbursement accrues per transmission exactly as it costs
///      there, but no LINK token is held or paid out (payouts never happen inside transmit).
///      The two concrete variants differ only in how the report names its observers and how
///      rawVs packs the recovery ids; see OCR2StyleAggregator and OCR2StyleWideAggregator.
abstract contract OCR2StyleAggregatorBase is AggregatorV2V3Interface, OCR2StyleAggregatorErrors, Owned {
    /*//////////////////////////////////////////////////////////////
                               CONSTANTS
    //////////////////////////////////////////////////////////////*/

    /// @dev AggregatorV3Interface version of this baseline.
    uint256 private constant VERSION = 1;

    /// @dev One ABI word.
    uint256 internal constant WORD = 32;

    /// @dev Bytes of a function selector.
    uint256 private constant SELECTOR_BYTES = 4;

    /// @dev Words in reportContext: config digest, epoch-and-round, extra hash.
    uint256 private constant CONTEXT_WORDS = 3;
    uint256 private constant CONTEXT_DIGEST = 0;
    uint256 private constant CONTEXT_EPOCH_AND_ROUND = 1;

    /// @dev transmit's calldata besides the report bytes and the signatures: selector, the three
    ///      context words, offsets of report, rs and ss, the rawVs word, and the three lengths.
    uint256 private constant DYNAMIC_ARGUMENTS = 3;
    uint256 private constant TRANSMIT_FIXED_BYTES =
        SELECTOR_BYTES + CONTEXT_WORDS * WORD + DYNAMIC_ARGUMENTS * WORD + WORD + DYNAMIC_ARGUMENTS * WORD;

    /// @dev Ethereum signatures carry v = 27 + recovery id.
    uint8 private constant ECDSA_V_BASE = 27;

    /// @dev 3f < n.
    uint256 private constant FAULT_MULTIPLIER = 3;

    /// @dev Version byte that starts the on-chain config (version, minAnswer, maxAnswer).
    uint8 private constant ONCHAIN_CONFIG_VERSION = 1;

    /// @dev The top two bytes of a config digest name the digest scheme; libocr's EVM scheme is 1.
    uint256 private constant CONFIG_DIGEST_PREFIX = 0x0001;
    uint256 private constant CONFIG_DIGEST_PREFIX_SHIFT = 240;
    uint256 private constant UINT256_BITS = 256;

    /// @dev Bits of the round in the packed epoch-and-round.
    uint256 private constant ROUND_BITS = 8;

    /// @dev Calldata is reimbursed at the nonzero-byte price, an upper bound.
    uint256 private constant CALLDATA_GAS_PER_BYTE = 16;

    /// @dev A transmitter below the reasonable gas price keeps 1 / this of the savings.
    uint256 private constant SAVINGS_SHARE_DIVISOR = 2;

    /// @dev Gas kept back for the bookkeeping between the gas check and the validator call.
    uint256 private constant VALIDATOR_GAS_CUSHION = 5_000;

    /// @dev EIP-150: a call receives at most all but 1/64 of the gas left.
    uint256 private constant CALL_GAS_RETAINED_DIVISOR = 64;

    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @dev A transmitter's role slot: read on every transmit, its ledger updated by the sender's.
    struct TransmitterRole {
        bool active;
        uint8 index;
        uint96 paymentJuels; // gas reimbursement and transmission rewards owed
    }

    /// @dev A signer's role slot: read once per signature.
    struct SignerRole {
        bool active;
        uint8 index;
    }

    /// @dev Everything transmit reads and writes besides the round record: one slot.
    struct HotVars {
        uint8 f;
        uint40 latestEpochAndRound; // (epoch << 8) | round
        uint32 latestRoundId; // aggregator round ids, contiguous from 1
        uint32 maximumGasPriceGwei;
        uint32 reasonableGasPriceGwei;
        uint32 observationPaymentGjuels;
        uint32 transmissionPaymentGjuels;
        uint24 accountingGas;
    }

    /// @dev One round record: one slot.
    struct Transmission {
        int192 answer;
        uint32 observationsTimestamp;
        uint32 transmissionTimestamp;
    }

    /// @dev A decoded report; observers holds one byte (oracle index) per observation.
    struct Report {
        uint32 observationsTimestamp;
        bytes observers;
        int192[] observations;
        int192 juelsPerFeeCoin;
    }

    /// @dev setConfig's arguments, kept together in memory.
    struct ConfigArgs {
        address[] signers;
        address[] transmitters;
        uint8 f;
        bytes onchainConfig;
        uint64 offchainConfigVersion;
        bytes offchainConfig;
    }

    /// @dev Optional contract told about every new answer, with a gas cap.
    struct ValidatorConfig {
        AggregatorValidatorInterface validator;
        uint32 gasLimit;
    }

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @dev A new configuration; the same fields as libocr's ConfigSet, so its tooling can read it.
    event ConfigSet(
        uint32 previousConfigBlockNumber,
        bytes32 configDigest,
        uint64 configCount,
        address[] signers,
        address[] transmitters,
        uint8 f,
        bytes onchainConfig,
        uint64 offchainConfigVersion,
        bytes offchainConfig
    );

    /// @dev An accepted report, with every observation and the index of the oracle that made it.
    event NewTransmission(
        uint32 indexed aggregatorRoundId,
        int192 answer,
        address transmitter,
        uint32 observationsTimestamp,
        int192[] observations,
        bytes observers,
        int192 juelsPerFeeCoin,
        bytes32 configDigest,
        uint40 epochAndRound
    );

    /// @dev New billing parameters.
    event BillingSet(
        uint32 maximumGasPriceGwei,
        uint32 reasonableGasPriceGwei,
        uint32 observationPaymentGjuels,
        uint32 transmissionPaymentGjuels,
        uint24 accountingGas
    );

    /// @dev A new validator (zero address: none) and its gas limit.
    event ValidatorConfigSet(
        AggregatorValidatorInterface indexed previousValidator,
        uint32 previousGasLimit,
        AggregatorValidatorInterface indexed currentValidator,
        uint32 currentGasLimit
    );

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    mapping(address transmitter => TransmitterRole) internal s_transmitters;
    mapping(address signer => SignerRole) internal s_signers;
    address[] internal s_signersList;
    address[] internal s_transmittersList;

    /// @dev Observation rewards are owed for every round since this one, per oracle index.
    mapping(uint256 oracleIndex => uint32 roundId) internal s_rewardFromRoundId;

    bytes32 internal s_latestConfigDigest;
    HotVars internal s_hotVars;
    mapping(uint32 roundId => Transmission) internal s_transmissions;
    ValidatorConfig internal s_validatorConfig;

    uint32 internal s_configCount;
    uint32 internal s_latestConfigBlockNumber;

    /// @notice Lowest median a report may carry.
    int192 public immutable minAnswer;
    /// @notice Highest median a report may carry.
    int192 public immutable maxAnswer;

    uint8 private immutable i_decimals;
    string private s_description;

    /// @param minAnswer_ lowest accepted median
    /// @param maxAnswer_ highest accepted median
    /// @param decimals_ fixed-point digits of the answers
    /// @param description_ what the feed prices, e.g. "ETH / USD"
    constructor(int192 minAnswer_, int192 maxAnswer_, uint8 decimals_, string memory description_) Owned(msg.sender) {
        if (minAnswer_ >= maxAnswer_) revert InvalidAnswerBounds(minAnswer_, maxAnswer_);
        minAnswer = minAnswer_;
        maxAnswer = maxAnswer_;
        i_decimals = decimals_;
        s_description = description_;
    }

    /*//////////////////////////////////////////////////////////////
                           VARIANT HOOKS
    //////////////////////////////////////////////////////////////*/

    /// @dev The largest committee this variant can index.
    function _maxOracles() internal pure virtual returns (uint256);

    /// @dev Decode a report copied to memory; check its exact length and observation count.
    function _decodeReport(bytes memory raw) internal pure virtual returns (Report memory);

    /// @dev The recovery id (0 or 1) of signature `position`, taken from rawVs.
    function _recoveryId(bytes32 rawVs, uint256 position) internal pure virtual returns (uint8);

    /*//////////////////////////////////////////////////////////////
                             CONFIGURATION
    //////////////////////////////////////////////////////////////*/

    /// @notice Install a committee: oracle i signs with `signers[i]` and transmits from
    ///         `transmitters[i]`; reports then need f+1 of their signatures. Owner only.
    /// @param signers ECDSA signing addresses, one per oracle
    /// @param transmitters addresses allowed to call transmit, one per oracle
    /// @param f faults tolerated (0 < f, 3f < n)
    /// @param onchainConfig abi.encodePacked(uint8(1), minAnswer, maxAnswer)
    /// @param offchainConfigVersion version of offchainConfig's encoding (carried only)
    /// @param offchainConfig configuration for the oracles only (carried only)
    function setConfig(
        address[] memory signers,
        address[] memory transmitters,
        uint8 f,
        bytes memory onchainConfig,
        uint64 offchainConfigVersion,
        bytes memory offchainConfig
    ) external onlyOwner {
        ConfigArgs memory args = ConfigArgs({
            signers: signers,
            transmitters: transmitters,
            f: f,
            onchainConfig: onchainConfig,
            offchainConfigVersion: offchainConfigVersion,
            offchainConfig: offchainConfig
        });
        _checkConfig(args);
        s_hotVars.latestEpochAndRound = 0;
        _replaceRoles(args.signers, args.transmitters);
        s_hotVars.f = f;

        uint32 previousConfigBlockNumber = s_latestConfigBlockNumber;
        s_latestConfigBlockNumber = uint32(block.number);
        uint32 configCount = ++s_configCount;
        bytes32 digest = _configDigest(configCount, args);
        s_latestConfigDigest = digest;
        emit ConfigSet(
            previousConfigBlockNumber,
            digest,
            configCount,
            args.signers,
            args.transmitters,
            args.f,
            args.onchainConfig,
            args.offchainConfigVersion,
            args.offchainConfig
        );

        uint32 latestRoundId = s_hotVars.latestRoundId;
        for (uint256 i; i < args.signers.length; ++i) {
            s_rewardFromRoundId[i] = latestRoundId;
        }
    }

    function _checkConfig(ConfigArgs memory args) private view {
        uint256 n = args.signers.length;
        if (n > _maxOracles()) revert OracleCountOutOfRange(n, _maxOracles());
        if (args.transmitters.length != n) revert OracleListLengthMismatch(n, args.transmitters.length);
        if (args.f == 0) revert FaultBoundZero();
        if (FAULT_MULTIPLIER * args.f >= n) revert FaultBoundTooHigh(args.f, n);
        bytes memory expected = abi.encodePacked(ONCHAIN_CONFIG_VERSION, minAnswer, maxAnswer);
        if (keccak256(args.onchainConfig) != keccak256(expected)) revert OnchainConfigMismatch(args.onchainConfig);
    }

    function _replaceRoles(address[] memory signers, address[] memory transmitters) private {
        uint256 previous = s_signersList.length;
        for (uint256 i; i < previous; ++i) {
            delete s_signers[s_signersList[i]];
            delete s_transmitters[s_transmittersList[i]];
        }
        for (uint256 i; i < signers.length; ++i) {
            address signer = signers[i];
            if (signer == address(0) || s_signers[signer].active) revert InvalidSignerAddress(i, signer);
            s_signers[signer] = SignerRole({active: true, index: uint8(i)});
            address transmitter = transmitters[i];
            if (transmitter == address(0) || s_transmitters[transmitter].active) {
                revert InvalidTransmitterAddress(i, transmitter);
            }
            s_transmitters[transmitter] = TransmitterRole({active: true, index: uint8(i), paymentJuels: 0});
        }
        s_signersList = signers;
        s_transmittersList = transmitters;
    }

    /// @dev keccak256 of the ABI-encoded configuration with chain id, address and ordinal (so a
    ///      report cannot be replayed elsewhere), its top two bytes replaced by the scheme prefix.
    function _configDigest(uint64 configCount, ConfigArgs memory args) private view returns (bytes32) {
        uint256 h = uint256(
            keccak256(
                abi.encode(
                    block.chainid,
                    address(this),
                    configCount,
                    args.signers,
                    args.transmitters,
                    args.f,
                    args.onchainConfig,
                    args.offchainConfigVersion,
                    args.offchainConfig
                )
            )
        );
        uint256 body = type(uint256).max >> (UINT256_BITS - CONFIG_DIGEST_PREFIX_SHIFT);
        return bytes32((CONFIG_DIGEST_PREFIX << CONFIG_DIGEST_PREFIX_SHIFT) | (h & body));
    }

    /// @notice The current configuration's ordinal, the block it was set in, and its digest.
    /// @return configCount how many configurations were set so far
    /// @return blockNumber block of the latest setConfig
    /// @return configDigest what reports must be signed for
    function latestConfigDetails()
        external
        view
        returns (uint32 configCount, uint32 blockNumber, bytes32 configDigest)
    {
        return (s_configCount, s_latestConfigBlockNumber, s_latestConfigDigest);
    }

    /// @notice The digest and epoch of the newest accepted report (never scan logs for them).
    /// @return scanLogs always false
    /// @return configDigest the current configuration digest
    /// @return epoch epoch of the newest accepted report
    function latestConfigDigestAndEpoch() external view returns (bool scanLogs, bytes32 configDigest, uint32 epoch) {
        return (false, s_latestConfigDigest, uint32(s_hotVars.latestEpochAndRound >> ROUND_BITS));
    }

    /// @notice The configured transmitters, in oracle order.
    /// @return The transmitter addresses.
    function getTransmitters() external view returns (address[] memory) {
        return s_transmittersList;
    }

    /// @notice The configured signers, in oracle order.
    /// @return The signing addresses.
    function getSigners() external view returns (address[] memory) {
        return s_signersList;
    }

    /// @notice The largest committee this contract accepts.
    /// @return The limit on n.
    function maxOracles() external pure returns (uint256) {
        return _maxOracles();
    }

    /*//////////////////////////////////////////////////////////////
                               TRANSMIT
    //////////////////////////////////////////////////////////////*/

    /// @notice Accept a report signed by f+1 distinct oracles; only a configured transmitter may call.
    /// @param reportContext config digest, (epoch << 8 | round) and an extra hash
    /// @param report abi.encode of timestamp, observers, observations and juelsPerFeeCoin
    /// @param rs r of each signature over keccak256(keccak256(report) || reportContext)
    /// @param ss s of each signature
    /// @param rawVs the recovery ids, packed as the variant defines
    function transmit(
        bytes32[3] calldata reportContext,
        bytes calldata report,
        bytes32[] calldata rs,
        bytes32[] calldata ss,
        bytes32 rawVs
    ) external {
        uint256 initialGas = gasleft(); // first: reimbursement measures from here
        HotVars memory hot = s_hotVars;

        (uint40 epochAndRound, bytes32 configDigest) =
            _checkHeader(hot, reportContext, report.length, rs.length, ss.length);

        _verifySignatures(keccak256(abi.encodePacked(keccak256(report), reportContext)), rs, ss, rawVs);

        int192 juelsPerFeeCoin = _record(hot, configDigest, epochAndRound, report);
        _reimburseTransmitter(hot, juelsPerFeeCoin, initialGas);
    }

    /// @dev Everything checked before the signatures, in OCR2Aggregator's order: freshness, sender,
    ///      digest, exact calldata length, signature count.
    function _checkHeader(
        HotVars memory hot,
        bytes32[3] calldata reportContext,
        uint256 reportLength,
        uint256 rCount,
        uint256 sCount
    ) private view returns (uint40 epochAndRound, bytes32 configDigest) {
        epochAndRound = uint40(uint256(reportContext[CONTEXT_EPOCH_AND_ROUND]));
        if (epochAndRound <= hot.latestEpochAndRound) revert StaleReport(hot.latestEpochAndRound, epochAndRound);
        if (!s_transmitters[msg.sender].active) revert UnauthorizedTransmitter(msg.sender);
        configDigest = s_latestConfigDigest;
        if (reportContext[CONTEXT_DIGEST] != configDigest) {
            revert ConfigDigestMismatch(configDigest, reportContext[CONTEXT_DIGEST]);
        }
        uint256 expectedLength = TRANSMIT_FIXED_BYTES + reportLength + rCount * WORD + sCount * WORD;
        if (msg.data.length != expectedLength) revert CalldataLengthMismatch(expectedLength, msg.data.length);
        uint256 required = uint256(hot.f) + 1;
        if (rCount != required) revert WrongSignatureCount(rCount, required);
        if (sCount != rCount) revert SignatureComponentsMismatch(rCount, sCount);
    }

    /// @dev Each signature must recover to a configured signer not seen before in this report.
    function _verifySignatures(bytes32 signedHash, bytes32[] calldata rs, bytes32[] calldata ss, bytes32 rawVs)
        private
        view
    {
        uint256 seen; // bit i: oracle i has signed
        for (uint256 i; i < rs.length; ++i) {
            address recovered = ecrecover(signedHash, _recoveryId(rawVs, i) + ECDSA_V_BASE, rs[i], ss[i]);
            SignerRole memory role = s_signers[recovered];
            if (!role.active) revert InvalidSigner(i, recovered);
            uint256 bit = 1 << role.index;
            if (seen & bit != 0) revert DuplicateSigner(recovered);
            seen |= bit;
        }
    }

    /// @dev Decode, check and store the report; emit its events; returns juelsPerFeeCoin.
    function _record(HotVars memory hot, bytes32 configDigest, uint40 epochAndRound, bytes memory raw)
        private
        returns (int192)
    {
        Report memory r = _decodeReport(raw);
        uint256 count = r.observations.length;
        if (count <= hot.f) revert TooFewObservations(count, uint256(hot.f) + 1);

        int192 median = r.observations[count / 2];
        if (median < minAnswer || median > maxAnswer) revert MedianOutOfBounds(median, minAnswer, maxAnswer);

        hot.latestEpochAndRound = epochAndRound;
        uint32 roundId = ++hot.latestRoundId;
        s_transmissions[roundId] = Transmission({
            answer: median,
            observationsTimestamp: r.observationsTimestamp,
            transmissionTimestamp: uint32(block.timestamp)
        });
        s_hotVars = hot;

        emit NewTransmission(
            roundId,
            median,
            msg.sender,
            r.observationsTimestamp,
            r.observations,
            r.observers,
            r.juelsPerFeeCoin,
            configDigest,
            epochAndRound
        );
        // The legacy aggregator events, for consumers that only watch those.
        emit NewRound(roundId, address(0), r.observationsTimestamp);
        emit AnswerUpdated(median, roundId, block.timestamp);

        _notifyValidator(roundId, median);
        return r.juelsPerFeeCoin;
    }

    /// @dev Credit the sender with its gas (priced in juels) and the transmission reward. Never
    ///      reverts: a pricing problem must not stop a report, so it pays nothing instead.
    function _reimburseTransmitter(HotVars memory hot, int192 juelsPerFeeCoin, uint256 initialGas) private {
        if (juelsPerFeeCoin < 0) return;
        unchecked {
            uint256 priceGwei = tx.gasprice / 1 gwei;
            uint256 reasonable = hot.reasonableGasPriceGwei;
            if (priceGwei < reasonable) priceGwei += (reasonable - priceGwei) / SAVINGS_SHARE_DIVISOR;
            if (priceGwei > hot.maximumGasPriceGwei) priceGwei = hot.maximumGasPriceGwei;
            uint256 gasUsed =
                initialGas - gasleft() + CALLDATA_GAS_PER_BYTE * msg.data.length + hot.accountingGas;
            uint256 costJuels = (gasUsed * priceGwei * 1 gwei * uint256(uint192(juelsPerFeeCoin))) / 1 ether;
            TransmitterRole storage role = s_transmitters[msg.sender];
            uint256 owed = uint256(role.paymentJuels) + costJuels + uint256(hot.transmissionPaymentGjuels) * 1 gwei;
            if (owed > type(uint96).max) return;
            role.paymentJuels = uint96(owed);
        }
    }

    /// @dev Tell the validator, if one is set, about the new answer; its failure does not matter,
    ///      but it must get its whole gas limit, so too little gas reverts the transmission.
    function _notifyValidator(uint32 roundId, int192 answer) private {
        ValidatorConfig memory config = s_validatorConfig;
        if (address(config.validator) == address(0)) return;
        uint32 previousRoundId = roundId - 1;
        bytes memory payload = abi.encodeCall(
            AggregatorValidatorInterface.validate,
            (previousRoundId, s_transmissions[previousRoundId].answer, roundId, answer)
        );
        uint256 available = gasleft();
        if (available < VALIDATOR_GAS_CUSHION) revert ValidatorGasShortfall(config.gasLimit, available);
        uint256 forwardable = available - VALIDATOR_GAS_CUSHION;
        forwardable -= forwardable / CALL_GAS_RETAINED_DIVISOR;
        if (forwardable <= config.gasLimit) revert ValidatorGasShortfall(config.gasLimit, available);
        uint256 gasLimit = config.gasLimit;
        address target = address(config.validator);
        assembly ("memory-safe") {
            pop(call(gasLimit, target, 0, add(payload, WORD), mload(payload), 0, 0))
        }
    }

    /// @notice Details of the newest accepted report.
    /// @return configDigest its configuration digest
    /// @return epoch its epoch
    /// @return round its round within the epoch
    /// @return latestAnswer_ its median
    /// @return latestTimestamp_ when it was transmitted
    function latestTransmissionDetails()
        external
        view
        returns (bytes32 configDigest, uint32 epoch, uint8 round, int192 latestAnswer_, uint64 latestTimestamp_)
    {
        HotVars memory hot = s_hotVars;
        Transmission memory t = s_transmissions[hot.latestRoundId];
        return (
            s_latestConfigDigest,
            uint32(hot.latestEpochAndRound >> ROUND_BITS),
            uint8(hot.latestEpochAndRound),
            t.answer,
            t.transmissionTimestamp
        );
    }

    /*//////////////////////////////////////////////////////////////
                         BILLING AND VALIDATOR
    //////////////////////////////////////////////////////////////*/

    /// @notice Set the reimbursement parameters. Owner only.
    /// @param maximumGasPriceGwei highest gas price reimbursed
    /// @param reasonableGasPriceGwei below it, the transmitter keeps half the savings
    /// @param observationPaymentGjuels reward per oracle per accepted report
    /// @param transmissionPaymentGjuels reward for the transmitter of an accepted report
    /// @param accountingGas gas of the bookkeeping the gas measurement cannot see
    function setBilling(
        uint32 maximumGasPriceGwei,
        uint32 reasonableGasPriceGwei,
        uint32 observationPaymentGjuels,
        uint32 transmissionPaymentGjuels,
        uint24 accountingGas
    ) external onlyOwner {
        HotVars storage hot = s_hotVars;
        hot.maximumGasPriceGwei = maximumGasPriceGwei;
        hot.reasonableGasPriceGwei = reasonableGasPriceGwei;
        hot.observationPaymentGjuels = observationPaymentGjuels;
        hot.transmissionPaymentGjuels = transmissionPaymentGjuels;
        hot.accountingGas = accountingGas;
        emit BillingSet(
            maximumGasPriceGwei,
            reasonableGasPriceGwei,
            observationPaymentGjuels,
            transmissionPaymentGjuels,
            accountingGas
        );
    }

    /// @notice The reimbursement parameters.
    /// @return maximumGasPriceGwei highest gas price reimbursed
    /// @return reasonableGasPriceGwei below it, the transmitter keeps half the savings
    /// @return observationPaymentGjuels reward per oracle per accepted report
    /// @return transmissionPaymentGjuels reward for the transmitter of an accepted report
    /// @return accountingGas gas of the bookkeeping the gas measurement cannot see
    function getBilling()
        external
        view
        returns (
            uint32 maximumGasPriceGwei,
            uint32 reasonableGasPriceGwei,
            uint32 observationPaymentGjuels,
            uint32 transmissionPaymentGjuels,
            uint24 accountingGas
        )
    {
        HotVars memory hot = s_hotVars;
        return (
            hot.maximumGasPriceGwei,
            hot.reasonableGasPriceGwei,
            hot.observationPaymentGjuels,
            hot.transmissionPaymentGjuels,
            hot.accountingGas
        );
    }

    /// @notice What the oracle transmitting from `transmitter` is owed, in juels.
    /// @param transmitter a configured transmitter address
    /// @return juels observation rewards since its last payout plus its transmission ledger
    function owedPayment(address transmitter) external view returns (uint256 juels) {
        TransmitterRole memory role = s_transmitters[transmitter];
        if (!role.active) return 0;
        HotVars memory hot = s_hotVars;
        uint256 rounds = hot.latestRoundId - s_rewardFromRoundId[role.index];
        return rounds * uint256(hot.observationPaymentGjuels) * 1 gwei + role.paymentJuels;
    }

    /// @notice Set (or clear, with the zero address) the validator told about each new answer. Owner only.
    /// @param newValidator contract to call, or the zero address for none
    /// @param newGasLimit gas given to each validate call
    function setValidatorConfig(AggregatorValidatorInterface newValidator, uint32 newGasLimit) external onlyOwner {
        ValidatorConfig memory previous = s_validatorConfig;
        if (address(previous.validator) == address(newValidator) && previous.gasLimit == newGasLimit) return;
        s_validatorConfig = ValidatorConfig({validator: newValidator, gasLimit: newGasLimit});
        emit ValidatorConfigSet(previous.validator, previous.gasLimit, newValidator, newGasLimit);
    }

    /// @notice The validator and its gas limit.
    /// @return validator the contract called per answer (zero: none)
    /// @return gasLimit gas given to each call
    function getValidatorConfig() external view returns (AggregatorValidatorInterface validator, uint32 gasLimit) {
        ValidatorConfig memory config = s_validatorConfig;
        return (config.validator, config.gasLimit);
    }

    /*//////////////////////////////////////////////////////////////
                               CONSUMERS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc AggregatorInterface
    function latestAnswer() external view override returns (int256) {
        return s_transmissions[s_hotVars.latestRoundId].answer;
    }

    /// @inheritdoc AggregatorInterface
    function latestTimestamp() external view override returns (uint256) {
        return s_transmissions[s_hotVars.latestRoundId].transmissionTimestamp;
    }

    /// @inheritdoc AggregatorInterface
    function latestRound() external view override returns (uint256) {
        return s_hotVars.latestRoundId;
    }

    /// @inheritdoc AggregatorInterface
    function getAnswer(uint256 roundId) external view override returns (int256) {
        if (roundId > type(uint32).max) return 0;
        return s_transmissions[uint32(roundId)].answer;
    }

    /// @inheritdoc AggregatorInterface
    function getTimestamp(uint256 roundId) external view override returns (uint256) {
        if (roundId > type(uint32).max) return 0;
        return s_transmissions[uint32(roundId)].transmissionTimestamp;
    }

    /// @inheritdoc AggregatorV3Interface
    function decimals() external view override returns (uint8) {
        return i_decimals;
    }

    /// @inheritdoc AggregatorV3Interface
    function description() external view override returns (string memory) {
        return s_description;
    }

    /// @inheritdoc AggregatorV3Interface
    function version() external pure override returns (uint256) {
        return VERSION;
    }

    /// @inheritdoc AggregatorV3Interface
    /// @dev A round that does not exist reads as zeros, as in OCR2Aggregator.
    function getRoundData(uint80 roundId)
        external
        view
        override
        returns (uint80, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        if (roundId > type(uint32).max) return (0, 0, 0, 0, 0);
        Transmission memory t = s_transmissions[uint32(roundId)];
        return (roundId, t.answer, t.observationsTimestamp, t.transmissionTimestamp, roundId);
    }

    /// @inheritdoc AggregatorV3Interface
    function latestRoundData()
        external
        view
        override
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        uint32 latest = s_hotVars.latestRoundId;
        Transmission memory t = s_transmissions[latest];
        return (latest, t.answer, t.observationsTimestamp, t.transmissionTimestamp, latest);
    }
}

/// @title OCR2StyleAggregator
/// @notice The faithful baseline: OCR2Aggregator's exact calldata and report encoding, so its gas is
///         comparable byte for byte. Report = abi.encode(uint32 observationsTimestamp,
///         bytes32 rawObservers, int192[] observations, int192 juelsPerFeeCoin), observer i in byte i
///         of rawObservers; rawVs holds the recovery id of signature i in byte i. At most 31 oracles.
contract OCR2StyleAggregator is OCR2StyleAggregatorBase {
    /// @dev OCR2's limit: observers and recovery ids are one byte each of a single word.
    uint256 private constant MAX_ORACLES = 31;

    /// @dev Report words besides the observations: timestamp, rawObservers, array offset, juels, array length.
    uint256 private constant REPORT_FIXED_BYTES = 5 * WORD;

    /// @param minAnswer_ lowest accepted median
    /// @param maxAnswer_ highest accepted median
    /// @param decimals_ fixed-point digits of the answers
    /// @param description_ what the feed prices
    constructor(int192 minAnswer_, int192 maxAnswer_, uint8 decimals_, string memory description_)
        OCR2StyleAggregatorBase(minAnswer_, maxAnswer_, decimals_, description_)
    {}

    /// @notice Name and version of this contract.
    /// @return The type-and-version string.
    function typeAndVersion() external pure returns (string memory) {
        return "OCR2StyleAggregator 1.0.0";
    }

    function _maxOracles() internal pure override returns (uint256) {
        return MAX_ORACLES;
    }

    function _decodeReport(bytes memory raw) internal pure override returns (Report memory r) {
        bytes32 rawObservers;
        (r.observationsTimestamp, rawObservers, r.observations, r.juelsPerFeeCoin) =
            abi.decode(raw, (uint32, bytes32, int192[], int192));
        uint256 count = r.observations.length;
        uint256 expected = REPORT_FIXED_BYTES + count * WORD;
        if (raw.length != expected) revert ReportLengthMismatch(expected, raw.length);
        if (count > MAX_ORACLES) revert TooManyObservations(count, MAX_ORACLES);
        bytes memory observers = abi.encodePacked(rawObservers);
        assembly ("memory-safe") {
            mstore(observers, count) // keep the first `count` bytes: one per observation
        }
        r.observers = observers;
    }

    function _recoveryId(bytes32 rawVs, uint256 position) internal pure override returns (uint8) {
        return uint8(rawVs[position]);
    }
}

/// @title OCR2StyleWideAggregator
/// @notice The same baseline stretched past OCR2's 31 oracles (up to 255), for comparisons at
///         larger n that OCR2 itself cannot run. Two encodings change: the report names its observers
///         in a `bytes` field, abi.encode(uint32 observationsTimestamp, bytes observers,
///         int192[] observations, int192 juelsPerFeeCoin), and rawVs holds the recovery id of
///         signature i in bit i. Everything else (and the transmit ABI) is OCR2StyleAggregator's.
contract OCR2StyleWideAggregator is OCR2StyleAggregatorBase {
    /// @dev Oracle indices are one byte (and the signer bitmap has 256 bits).
    uint256 private constant MAX_ORACLES = 255;

    /// @dev Report words besides the two arrays' contents: timestamp, two offsets, juels, two lengths.
    uint256 private constant REPORT_FIXED_BYTES = 6 * WORD;

    /// @dev Rounds a byte count up to whole words.
    uint256 private constant WORD_ROUNDING = WORD - 1;

    /// @param minAnswer_ lowest accepted median
    /// @param maxAnswer_ highest accepted median
    /// @param decimals_ fixed-point digits of the answers
    /// @param description_ what the feed prices
    constructor(int192 minAnswer_, int192 maxAnswer_, uint8 decimals_, string memory description_)
        OCR2StyleAggregatorBase(minAnswer_, maxAnswer_, decimals_, description_)
    {}

    /// @notice Name and version of this contract.
    /// @return The type-and-version string.
    function typeAndVersion() external pure returns (string memory) {
        return "OCR2StyleWideAggregator 1.0.0";
    }

    function _maxOracles() internal pure override returns (uint256) {
        return MAX_ORACLES;
    }

    function _decodeReport(bytes memory raw) internal pure override returns (Report memory r) {
        (r.observationsTimestamp, r.observers, r.observations, r.juelsPerFeeCoin) =
            abi.decode(raw, (uint32, bytes, int192[], int192));
        uint256 count = r.observations.length;
        uint256 observerBytes = (r.observers.length + WORD_ROUNDING) / WORD * WORD;
        uint256 expected = REPORT_FIXED_BYTES + observerBytes + count * WORD;
        if (raw.length != expected) revert ReportLengthMismatch(expected, raw.length);
        if (count > MAX_ORACLES) revert TooManyObservations(count, MAX_ORACLES);
        if (r.observers.length != count) revert ObserverCountMismatch(r.observers.length, count);
    }

    function _recoveryId(bytes32 rawVs, uint256 position) internal pure override returns (uint8) {
        return uint8((uint256(rawVs) >> position) & 1);
    }
}

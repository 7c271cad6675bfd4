// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {DstTooLong, InfinityPoint, InvalidPointLength, MalformedPoint, PrecompileFailed} from "./BLS12381Errors.sol";

/// @title BLS12381
/// @notice BLS signatures over BLS12-381 with the EIP-2537 precompiles (Prague): public keys in G2,
///         signatures in G1, messages hashed to G1 with RFC 9380 `hash_to_curve` for the suite
///         BLS12381G1_XMD:SHA-256_SSWU_RO_.
/// @dev Encoding (EIP-2537): a field element is 64 bytes big-endian whose top 16 bytes are zero and
///      whose value is < p; G1 = x || y (128 bytes); G2 = x.c0 || x.c1 || y.c0 || y.c1 (256 bytes);
///      the point at infinity is all zero bytes.
///
///      Every precompile call forwards exactly that precompile's price (a named constant below),
///      never `gas()`: a call that is short of gas then fails inside this library and reverts with
///      `PrecompileFailed`, instead of looking like a bad signature (and `eth_estimateGas` finds the
///      right limit). A precompile consumes only its price on success, so the forwarded gas is not
///      overpaid; the one exception is MODEXP, see `MODEXP_GAS`.
///
///      Keys must be validated once, when they are registered, with `validateG2` (field, infinity,
///      curve and subgroup checks). `verify` then checks the signature's encoding and refuses an
///      infinity signature or key; the pairing precompile checks curve and subgroup membership of
///      both and reverts (PrecompileFailed(0x0f)) when either is bad.
///
///      Gas (anvil --hardfork prague, solc 0.8.37, optimizer 1,000,000 runs, legacy codegen; measured
///      by contracts/test/BLS12381Harness.sol): verify 118,262 against a precompile floor of 115,179
///      (pairing 102,900 + 2 maps 11,000 + G1ADD 375 + 2 MODEXP 400 + SHA-256 504) = 1.027x, of which
///      1,100 are the 11 warm precompile calls; hashToG1Report 14,308 (floor 12,279); validateG2
///      23,534. How: the report hash builds msg_prime from two precomputed words and reuses its tail
///      for b_1..b_4; SHA-256 writes b_i straight into the MODEXP input and each precompile writes
///      straight into the next one's input; the pairing input is built at the free memory pointer
///      with the hash workspace inside it; no Yul helper calls and no checked arithmetic on the hot
///      path. Osaka (EIP-7883) adds 2 x 300 for MODEXP.
library BLS12381 {
    // =================================================================================================
    //  Constants: precompile addresses
    // =================================================================================================
    // Plain integers (not `address`) so inline assembly can use them; `_at` converts for errors.

    /// @notice SHA-256 precompile.
    uint256 internal constant SHA256_PRECOMPILE = 0x02;
    /// @notice MODEXP precompile (EIP-198), used to reduce 64-byte hash outputs mod p.
    uint256 internal constant MODEXP_PRECOMPILE = 0x05;
    /// @notice EIP-2537 G1ADD: two G1 points -> their sum (no subgroup check).
    uint256 internal constant G1ADD_PRECOMPILE = 0x0b;
    /// @notice EIP-2537 G2MSM: k (G2 point, scalar) pairs -> sum of products (subgroup-checks inputs).
    uint256 internal constant G2MSM_PRECOMPILE = 0x0e;
    /// @notice EIP-2537 PAIRING_CHECK: k (G1, G2) pairs -> 1 if the product of pairings is 1.
    uint256 internal constant PAIRING_PRECOMPILE = 0x0f;
    /// @notice EIP-2537 MAP_FP_TO_G1: Fp element -> G1 point (SSWU + isogeny + cofactor clearing).
    uint256 internal constant MAP_FP_TO_G1_PRECOMPILE = 0x10;

    // =================================================================================================
    //  Constants: precompile prices (Prague), forwarded exactly
    // =================================================================================================

    /// @notice SHA-256 base price.
    uint256 internal constant SHA256_BASE_GAS = 60;
    /// @notice SHA-256 price per (started) 32-byte word of input.
    uint256 internal constant SHA256_WORD_GAS = 12;
    /// @notice Gas forwarded to MODEXP for (64-byte base, 1-byte exponent 1, 64-byte modulus).
    /// @dev Prague (EIP-2565) prices this call at its floor of 200; Osaka (EIP-7883) raises the floor
    ///      to 500 (and the complexity of a 64-byte modulus stays below it). Forwarding 500 covers
    ///      both, so the library keeps working after Osaka; on Prague the unused 300 are returned to
    ///      the caller (a precompile consumes only its price), so it costs nothing extra there.
    uint256 internal constant MODEXP_GAS = 500;
    /// @notice EIP-2537 G1ADD price.
    uint256 internal constant G1ADD_GAS = 375;
    /// @notice EIP-2537 G2MSM price for k = 1 (22,500 * 1 * discount(1) = 1000/1000).
    uint256 internal constant G2MSM_ONE_GAS = 22_500;
    /// @notice EIP-2537 PAIRING_CHECK base price.
    uint256 internal constant PAIRING_BASE_GAS = 37_700;
    /// @notice EIP-2537 PAIRING_CHECK price per (G1, G2) pair.
    uint256 internal constant PAIRING_PAIR_GAS = 32_600;
    /// @notice PAIRING_CHECK price for the two pairs of a verification: 37,700 + 2 * 32,600.
    /// @dev Derived prices are written as literals: the legacy code generator evaluates a constant
    ///      expression at run time with overflow checks (~60 gas each), and inline assembly cannot
    ///      read one. tests/contracts/test_bls12381.py checks each against its formula.
    uint256 internal constant PAIRING_TWO_PAIRS_GAS = 102_900;
    /// @notice EIP-2537 MAP_FP_TO_G1 price.
    uint256 internal constant MAP_FP_TO_G1_GAS = 5_500;

    // =================================================================================================
    //  Constants: encodings and the field
    // =================================================================================================

    /// @notice Bytes of one encoded field element.
    uint256 internal constant FP_LENGTH = 64;
    /// @notice Bytes of an encoded G1 point (x || y).
    uint256 internal constant G1_POINT_LENGTH = 128;
    /// @notice Bytes of an encoded G2 point (x.c0 || x.c1 || y.c0 || y.c1).
    uint256 internal constant G2_POINT_LENGTH = 256;
    /// @notice Field elements in a G1 point.
    uint256 internal constant G1_ELEMENTS = 2;
    /// @notice Field elements in a G2 point.
    uint256 internal constant G2_ELEMENTS = 4;

    /// @notice The base field modulus p, as the high and low 32-byte words of its 64-byte encoding.
    /// @dev p = 0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab.
    ///      A 64-byte element (hi, lo) is canonical iff hi < P_HI, or hi == P_HI and lo < P_LO; since
    ///      P_HI < 2^128 this one comparison also rejects nonzero top 16 bytes.
    uint256 internal constant P_HI = 0x000000000000000000000000000000001a0111ea397fe69a4b1ba7b6434bacd7;
    /// @notice Low word of p (see P_HI).
    uint256 internal constant P_LO = 0x64774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab;

    /// @notice -G2 generator, x.c0 (high word, then low word); x is the generator's x.
    /// @dev Checked against py_ecc: normalize(neg(G2)) (tests/contracts/test_bls12381.py).
    uint256 internal constant NEG_G2_X_C0_HI = 0x00000000000000000000000000000000024aa2b2f08f0a91260805272dc51051;
    /// @notice -G2 generator, x.c0 low word.
    uint256 internal constant NEG_G2_X_C0_LO = 0xc6e47ad4fa403b02b4510b647ae3d1770bac0326a805bbefd48056c8c121bdb8;
    /// @notice -G2 generator, x.c1 high word.
    uint256 internal constant NEG_G2_X_C1_HI = 0x0000000000000000000000000000000013e02b6052719f607dacd3a088274f65;
    /// @notice -G2 generator, x.c1 low word.
    uint256 internal constant NEG_G2_X_C1_LO = 0x596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac7d055d042b7e;
    /// @notice -G2 generator, y.c0 high word (y = p - generator's y, componentwise).
    uint256 internal constant NEG_G2_Y_C0_HI = 0x000000000000000000000000000000000d1b3cc2c7027888be51d9ef691d77bc;
    /// @notice -G2 generator, y.c0 low word.
    uint256 internal constant NEG_G2_Y_C0_LO = 0xb679afda66c73f17f9ee3837a55024f78c71363275a75d75d86bab79f74782aa;
    /// @notice -G2 generator, y.c1 high word.
    uint256 internal constant NEG_G2_Y_C1_HI = 0x0000000000000000000000000000000013fa4d4a0ad8b1ce186ed5061789213d;
    /// @notice -G2 generator, y.c1 low word.
    uint256 internal constant NEG_G2_Y_C1_LO = 0x993923066dddaf1040bc3ff59f825c78df74f2d75467e25e0f55f8a00fa030ed;

    // =================================================================================================
    //  Constants: RFC 9380 hash_to_curve (expand_message_xmd with SHA-256)
    // =================================================================================================

    /// @notice Domain separation tag of report signatures (same bytes as ocr_client.constants.REPORT_DST).
    bytes internal constant REPORT_DST = "OCR-CLIENT-V1_BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_";
    /// @notice Longest DST expand_message_xmd takes without the oversize-DST reduction.
    uint256 internal constant MAX_DST_LENGTH = 255;
    /// @notice len_in_bytes: two field elements of L = 64 bytes each (k = 128, m = 1, count = 2).
    uint256 internal constant XMD_LEN_IN_BYTES = 128;
    /// @notice Z_pad: one SHA-256 input block (64 bytes) of zeros in front of msg.
    uint256 internal constant XMD_Z_PAD_LENGTH = 64;
    /// @notice I2OSP(len_in_bytes, 2) || I2OSP(0, 1): three bytes between msg and DST_prime in b_0.
    uint256 internal constant XMD_LIB_AND_ZERO_LENGTH = 3;
    /// @notice I2OSP(len_in_bytes, 2) || I2OSP(0, 1) as the top three bytes of a word (128 << 240).
    uint256 internal constant XMD_LIB_AND_ZERO_WORD = 0x0080000000000000000000000000000000000000000000000000000000000000;
    /// @notice The 32-byte (strxor(b_0, b_(i-1)) plus 1 counter byte) head of each b_i input.
    uint256 internal constant XMD_BI_HEAD_LENGTH = 33;

    /// @notice Bytes of REPORT_DST (57).
    uint256 internal constant REPORT_DST_LENGTH = 57;
    /// @notice Bytes of msg_prime for a 32-byte digest: Z_pad 64 + msg 32 + 3 + DST_prime 58 = 157.
    uint256 internal constant REPORT_B0_INPUT_LENGTH = 157;
    /// @notice Bytes of each b_i input (i >= 1): 32 + 1 + DST_prime 58 = 91.
    uint256 internal constant REPORT_BI_INPUT_LENGTH = 91;
    /// @notice SHA-256 price of the 157-byte b_0 input (5 words): 60 + 12 * 5.
    uint256 internal constant REPORT_B0_SHA256_GAS = 120;
    /// @notice SHA-256 price of a 91-byte b_i input (3 words): 60 + 12 * 3.
    uint256 internal constant REPORT_BI_SHA256_GAS = 96;
    /// @notice Offset of the b_i inputs in msg_prime: 157 - 91 (they reuse its last 91 bytes).
    uint256 internal constant REPORT_BI_OFFSET = 66;
    /// @notice msg_prime bytes 96..127 for the report DST: I2OSP(128, 2) || 0x00 || DST_prime[0..29).
    /// @dev DST_prime = REPORT_DST || I2OSP(57, 1) ("...NUL_" then 0x39).
    uint256 internal constant REPORT_XMD_WORD_0 = 0x0080004f43522d434c49454e542d56315f424c535f5349475f424c5331323338;
    /// @notice msg_prime bytes 128..156 for the report DST: DST_prime[29..58), then 3 ignored zero bytes.
    uint256 internal constant REPORT_XMD_WORD_1 = 0x3147315f584d443a5348412d3235365f535357555f524f5f4e554c5f39000000;

    // =================================================================================================
    //  Constants: scratch memory layout
    // =================================================================================================
    // Verification builds the 768-byte PAIRING_CHECK input at the free memory pointer without
    // allocating it (memory past the free pointer is scratch):
    //
    //   buf +   0  H(m)     G1  (written last by G1ADD)      pair 1: e(H(m), pk)
    //   buf + 128  pk       G2                                pair 1
    //   buf + 384  sig      G1                                pair 2: e(sig, -G2)
    //   buf + 512  -G2      G2                                pair 2
    //
    // Hashing runs first, in a workspace at buf + 128 that the key, signature and -G2 overwrite once
    // H(m) is in place, so the hash costs almost no extra memory expansion:
    //
    //   ws +   0  msg_prime (b_0 input); b_i inputs reuse its tail, DST_prime included
    //   ws + 160  tail workspace:  +0 reduced field element (MODEXP out, MAP in)
    //                              +64 MODEXP input: 64 | 1 | 64 | b_(2j+1) || b_(2j+2) | 0x01 | p
    //                              +320 two mapped G1 points (G1ADD input)

    /// @notice Bytes of the PAIRING_CHECK input with two pairs.
    uint256 internal constant PAIRING_TWO_PAIRS_LENGTH = 768;
    /// @notice Offset of the key (pair 1, G2) in the pairing input.
    uint256 internal constant PAIR_PK_OFFSET = 128;
    /// @notice Offset of the signature (pair 2, G1) in the pairing input.
    uint256 internal constant PAIR_SIG_OFFSET = 384;
    /// @notice Offset of -G2 (pair 2, G2) in the pairing input.
    uint256 internal constant PAIR_NEG_G2_OFFSET = 512;
    /// @notice Offset of the tail workspace in the report hash workspace (after the 157-byte msg_prime).
    uint256 internal constant REPORT_TAIL_OFFSET = 160;
    /// @notice Tail workspace: offset of the MODEXP input.
    uint256 internal constant TAIL_MODEXP_OFFSET = 64;
    /// @notice Tail workspace: offset of the two mapped points.
    uint256 internal constant TAIL_POINTS_OFFSET = 320;
    /// @notice MODEXP input length: three 32-byte lengths + 64-byte base + 1-byte exponent + 64-byte modulus.
    uint256 internal constant MODEXP_INPUT_LENGTH = 225;
    /// @notice Offset of the 64-byte base in the MODEXP input.
    uint256 internal constant MODEXP_BASE_OFFSET = 96;
    /// @notice Offset of the exponent byte in the MODEXP input.
    uint256 internal constant MODEXP_EXPONENT_OFFSET = 160;
    /// @notice Offset of the modulus in the MODEXP input.
    uint256 internal constant MODEXP_MODULUS_OFFSET = 161;
    /// @notice Bytes of a G2MSM input with one pair (point + 32-byte scalar).
    uint256 internal constant G2MSM_ONE_INPUT_LENGTH = 288;

    /// @notice bytes4(keccak256("PrecompileFailed(address)")), for reverts raised inside assembly.
    /// @dev Inline assembly cannot read `PrecompileFailed.selector`; the tests decode this revert.
    uint256 internal constant PRECOMPILE_FAILED_SELECTOR = 0xeb8d043a;

    // =================================================================================================
    //  Functions: verification
    // =================================================================================================

    /// @notice Verifies a report signature: e(sig, -G2) * e(H(digest), pk) == 1, with H the RFC 9380
    ///         hash of the 32-byte digest to G1 under REPORT_DST. The hot path of a feed's transmit.
    /// @dev Reverts InvalidPointLength, MalformedPoint (signature elements), InfinityPoint (signature
    ///      or key all zero) and PrecompileFailed (an off-curve or non-subgroup signature or key, at
    ///      the pairing). `publicKey` must have been validated with `validateG2` when registered.
    /// @param signature 128-byte G1 signature.
    /// @param publicKey 256-byte G2 public key.
    /// @param digest The signed 32-byte message.
    /// @return True iff the signature is valid for (digest, publicKey); false for a wrong signature.
    function verify(bytes memory signature, bytes memory publicKey, bytes32 digest)
        internal
        view
        returns (bool)
    {
        _checkSignatureAndKey(signature, publicKey);
        uint256 buf = _freeMemory();
        unchecked {
            _hashReportTo(digest, buf, buf + PAIR_PK_OFFSET); // a memory pointer: cannot overflow
        }
        return _pairingWithHash(buf, signature, publicKey);
    }

    /// @notice Verifies a signature of an arbitrary message under an arbitrary DST (<= 255 bytes):
    ///         e(sig, -G2) * e(hash_to_curve(message, dst), pk) == 1.
    /// @dev Same checks and errors as `verify`, plus DstTooLong.
    /// @param signature 128-byte G1 signature.
    /// @param publicKey 256-byte G2 public key.
    /// @param message The signed message.
    /// @param dst The hash-to-curve domain separation tag.
    /// @return True iff the signature is valid.
    function verifyWithDst(bytes memory signature, bytes memory publicKey, bytes memory message, bytes memory dst)
        internal
        view
        returns (bool)
    {
        _checkSignatureAndKey(signature, publicKey);
        uint256 buf = _freeMemory();
        unchecked {
            _hashToG1To(message, dst, buf, buf + PAIR_PK_OFFSET); // a memory pointer: cannot overflow
        }
        return _pairingWithHash(buf, signature, publicKey);
    }

    // =================================================================================================
    //  Functions: hash to curve
    // =================================================================================================

    /// @notice RFC 9380 hash_to_curve, suite BLS12381G1_XMD:SHA-256_SSWU_RO_, for any message and DST.
    /// @dev Reverts DstTooLong when `dst` is longer than 255 bytes.
    /// @param message The message.
    /// @param dst The domain separation tag.
    /// @return point The 128-byte G1 point (EIP-2537 encoding).
    function hashToG1(bytes memory message, bytes memory dst) internal view returns (bytes memory point) {
        point = _allocateG1();
        uint256 out;
        assembly ("memory-safe") {
            out := add(point, 0x20)
        }
        _hashToG1To(message, dst, out, _freeMemory());
    }

    /// @notice hash_to_curve of a 32-byte digest under REPORT_DST: the gas-optimised report path.
    /// @dev Equals hashToG1(abi.encodePacked(digest), REPORT_DST).
    /// @param digest The 32-byte message.
    /// @return point The 128-byte G1 point.
    function hashToG1Report(bytes32 digest) internal view returns (bytes memory point) {
        point = _allocateG1();
        uint256 out;
        assembly ("memory-safe") {
            out := add(point, 0x20)
        }
        _hashReportTo(digest, out, _freeMemory());
    }

    // =================================================================================================
    //  Functions: point checks
    // =================================================================================================

    /// @notice Checks a G1 encoding: 128 bytes, canonical field elements, not infinity.
    /// @dev Does not check the curve equation or the subgroup (the pairing does). Reverts
    ///      InvalidPointLength, MalformedPoint(i) or InfinityPoint.
    /// @param point The encoded point.
    function checkG1(bytes memory point) internal pure {
        if (point.length != G1_POINT_LENGTH) revert InvalidPointLength(point.length, G1_POINT_LENGTH);
        _checkElements(point, G1_ELEMENTS);
    }

    /// @notice Checks a G2 encoding: 256 bytes, canonical field elements, not infinity.
    /// @dev Does not check the curve equation or the subgroup: use `validateG2` for keys. Reverts
    ///      InvalidPointLength, MalformedPoint(i) or InfinityPoint.
    /// @param point The encoded point.
    function checkG2(bytes memory point) internal pure {
        if (point.length != G2_POINT_LENGTH) revert InvalidPointLength(point.length, G2_POINT_LENGTH);
        _checkElements(point, G2_ELEMENTS);
    }

    /// @notice Fully validates a G2 public key: `checkG2`, then curve and subgroup membership by a
    ///         G2MSM with scalar 1 (EIP-2537 MSM checks that its inputs are in the subgroup).
    /// @dev Reverts as `checkG2`, or PrecompileFailed(0x0e) for a point off the curve or outside the
    ///      prime-order subgroup. Costs G2MSM_ONE_GAS (22,500): run it when a key is registered.
    /// @param point The encoded G2 point.
    function validateG2(bytes memory point) internal view {
        checkG2(point);
        bool ok;
        assembly ("memory-safe") {
            let buf := mload(0x40)
            mcopy(buf, add(point, 0x20), G2_POINT_LENGTH)
            mstore(add(buf, G2_POINT_LENGTH), 1) // scalar 1
            ok := staticcall(G2MSM_ONE_GAS, G2MSM_PRECOMPILE, buf, G2MSM_ONE_INPUT_LENGTH, buf, G2_POINT_LENGTH)
        }
        if (!ok) revert PrecompileFailed(_at(G2MSM_PRECOMPILE));
    }

    // =================================================================================================
    //  Functions: internals
    // =================================================================================================

    /// @notice Signature checks of `verify`: lengths, canonical signature elements, no infinity
    ///         signature or key.
    /// @dev The key's elements are not field-checked here (they were when it was registered, and the
    ///      pairing precompile rejects a non-canonical one); only infinity must be caught before the
    ///      pairing, which accepts it.
    /// @param signature The encoded G1 signature.
    /// @param publicKey The encoded G2 key.
    function _checkSignatureAndKey(bytes memory signature, bytes memory publicKey) private pure {
        checkG1(signature);
        if (publicKey.length != G2_POINT_LENGTH) revert InvalidPointLength(publicKey.length, G2_POINT_LENGTH);
        uint256 any;
        assembly ("memory-safe") {
            let p := add(publicKey, 0x20)
            any := or(
                or(or(mload(p), mload(add(p, 0x20))), or(mload(add(p, 0x40)), mload(add(p, 0x60)))),
                or(or(mload(add(p, 0x80)), mload(add(p, 0xa0))), or(mload(add(p, 0xc0)), mload(add(p, 0xe0))))
            )
        }
        if (any == 0) revert InfinityPoint();
    }

    /// @notice Checks that every 64-byte element of `point` is canonical and that not all are zero.
    /// @param point The encoded point (length already checked).
    /// @param count Its number of field elements.
    function _checkElements(bytes memory point, uint256 count) private pure {
        uint256 bad = count; // index of the first non-canonical element; `count` if none
        uint256 any; // OR of all words: zero iff the point is infinity
        assembly ("memory-safe") {
            let at := add(point, 0x20)
            for { let i := 0 } lt(i, count) { i := add(i, 1) } {
                let hi := mload(at)
                let lo := mload(add(at, 0x20))
                // Canonical iff hi < P_HI, or hi == P_HI and lo < P_LO; as P_HI < 2^128 this also
                // rejects nonzero top 16 bytes.
                if iszero(or(lt(hi, P_HI), and(eq(hi, P_HI), lt(lo, P_LO)))) {
                    bad := i
                    break
                }
                any := or(any, or(hi, lo))
                at := add(at, FP_LENGTH)
            }
        }
        if (bad < count) revert MalformedPoint(bad);
        if (any == 0) revert InfinityPoint();
    }

    /// @notice Completes the pairing input at `buf` (H(m) already at buf) and runs the check.
    /// @param buf Scratch memory holding H(m) in its first 128 bytes; 768 bytes are used.
    /// @param signature The checked G1 signature.
    /// @param publicKey The G2 key.
    /// @return ok The pairing result.
    function _pairingWithHash(uint256 buf, bytes memory signature, bytes memory publicKey)
        private
        view
        returns (bool ok)
    {
        bool success;
        assembly ("memory-safe") {
            mcopy(add(buf, PAIR_PK_OFFSET), add(publicKey, 0x20), G2_POINT_LENGTH)
            mcopy(add(buf, PAIR_SIG_OFFSET), add(signature, 0x20), G1_POINT_LENGTH)
            let g := add(buf, PAIR_NEG_G2_OFFSET)
            mstore(g, NEG_G2_X_C0_HI)
            mstore(add(g, 0x20), NEG_G2_X_C0_LO)
            mstore(add(g, 0x40), NEG_G2_X_C1_HI)
            mstore(add(g, 0x60), NEG_G2_X_C1_LO)
            mstore(add(g, 0x80), NEG_G2_Y_C0_HI)
            mstore(add(g, 0xa0), NEG_G2_Y_C0_LO)
            mstore(add(g, 0xc0), NEG_G2_Y_C1_HI)
            mstore(add(g, 0xe0), NEG_G2_Y_C1_LO)
            success := staticcall(PAIRING_TWO_PAIRS_GAS, PAIRING_PRECOMPILE, buf, PAIRING_TWO_PAIRS_LENGTH, 0x00, 0x20)
            ok := eq(mload(0x00), 1) // the precompile returns a 32-byte 0 or 1
        }
        if (!success) revert PrecompileFailed(_at(PAIRING_PRECOMPILE));
    }

    /// @notice hash_to_curve(digest) under REPORT_DST, written to `out`.
    /// @dev msg_prime is built from two precomputed words, so b_0 is one SHA-256 call with no
    ///      copying; the b_i inputs reuse msg_prime's last 91 bytes (33 bytes + DST_prime).
    /// @param digest The 32-byte message.
    /// @param out Where the 128-byte point goes.
    /// @param ws Scratch memory of REPORT_TAIL_OFFSET + TAIL_POINTS_OFFSET + 256 bytes, not overlapping `out`.
    function _hashReportTo(bytes32 digest, uint256 out, uint256 ws) private view {
        bytes32 b0;
        bool ok;
        uint256 bi;
        uint256 t;
        assembly ("memory-safe") {
            // msg_prime = Z_pad(64) || digest(32) || I2OSP(128, 2) || 0x00 || DST_prime(58)
            mstore(ws, 0)
            mstore(add(ws, 0x20), 0)
            mstore(add(ws, 0x40), digest)
            mstore(add(ws, 0x60), REPORT_XMD_WORD_0)
            mstore(add(ws, 0x80), REPORT_XMD_WORD_1)
            ok := staticcall(REPORT_B0_SHA256_GAS, SHA256_PRECOMPILE, ws, REPORT_B0_INPUT_LENGTH, 0x00, 0x20)
            b0 := mload(0x00)
            bi := add(ws, REPORT_BI_OFFSET)
            t := add(ws, REPORT_TAIL_OFFSET)
        }
        if (!ok) revert PrecompileFailed(_at(SHA256_PRECOMPILE));
        _expandTailTo(b0, bi, REPORT_BI_INPUT_LENGTH, REPORT_BI_SHA256_GAS, t, out);
    }

    /// @notice hash_to_curve(message) under `dst`, written to `out`.
    /// @param message The message.
    /// @param dst The DST (<= 255 bytes).
    /// @param out Where the 128-byte point goes.
    /// @param ws Scratch memory (msg_prime, then the tail workspace), not overlapping `out`.
    function _hashToG1To(bytes memory message, bytes memory dst, uint256 out, uint256 ws) private view {
        uint256 dstLength = dst.length;
        if (dstLength > MAX_DST_LENGTH) revert DstTooLong(dstLength);
        bytes32 b0;
        bool ok;
        uint256 bi;
        uint256 biLength;
        uint256 biGas;
        uint256 t;
        assembly ("memory-safe") {
            // msg_prime = Z_pad || msg || I2OSP(128, 2) || I2OSP(0, 1) || DST || I2OSP(len(DST), 1)
            let messageLength := mload(message)
            let b0Length := add(add(XMD_Z_PAD_LENGTH, messageLength), add(XMD_LIB_AND_ZERO_LENGTH, add(dstLength, 1)))
            mstore(ws, 0)
            mstore(add(ws, 0x20), 0)
            let at := add(ws, XMD_Z_PAD_LENGTH)
            mcopy(at, add(message, 0x20), messageLength)
            at := add(at, messageLength)
            mstore(at, XMD_LIB_AND_ZERO_WORD) // its trailing zeros are overwritten by DST_prime
            at := add(at, XMD_LIB_AND_ZERO_LENGTH)
            mcopy(at, add(dst, 0x20), dstLength)
            mstore8(add(at, dstLength), dstLength)
            // SHA-256 price: base + per started word.
            let b0Gas := add(SHA256_BASE_GAS, mul(SHA256_WORD_GAS, shr(5, add(b0Length, 31))))
            ok := staticcall(b0Gas, SHA256_PRECOMPILE, ws, b0Length, 0x00, 0x20)
            b0 := mload(0x00)
            // b_i input = 32 bytes || i || DST_prime: the last (33 + DST_prime) bytes of msg_prime,
            // whose head gets overwritten (Z_pad is 64 bytes, so this stays inside msg_prime).
            biLength := add(XMD_BI_HEAD_LENGTH, add(dstLength, 1))
            biGas := add(SHA256_BASE_GAS, mul(SHA256_WORD_GAS, shr(5, add(biLength, 31))))
            bi := sub(add(ws, b0Length), biLength)
            // The tail workspace starts after msg_prime, rounded up to a word.
            t := add(ws, and(add(b0Length, 31), not(31)))
        }
        if (!ok) revert PrecompileFailed(_at(SHA256_PRECOMPILE));
        _expandTailTo(b0, bi, biLength, biGas, t, out);
    }

    /// @notice The rest of hash_to_curve once b_0 is known: b_1..b_4 (uniform_bytes, 128 bytes),
    ///         u_0 = (b_1 || b_2) mod p and u_1 = (b_3 || b_4) mod p by MODEXP (base^1 mod p),
    ///         Q_j = MAP_FP_TO_G1(u_j) (which clears the cofactor: linear, so clear(a) + clear(b) =
    ///         clear(a + b) and Q_0 + Q_1 is hash_to_curve), and G1ADD(Q_0, Q_1) into `out`.
    /// @param b0 b_0 = H(msg_prime).
    /// @param bi Memory of the b_i input: 33 bytes to fill, then DST_prime already in place.
    /// @param biLength Bytes of the b_i input.
    /// @param biGas SHA-256 price of the b_i input.
    /// @param t Tail workspace of TAIL_POINTS_OFFSET + 256 bytes.
    /// @param out Where the 128-byte point goes.
    function _expandTailTo(bytes32 b0, uint256 bi, uint256 biLength, uint256 biGas, uint256 t, uint256 out)
        private
        view
    {
        assembly ("memory-safe") {
            /// Reverts PrecompileFailed(precompile).
            function fail(precompile) {
                mstore(0x00, shl(224, PRECOMPILE_FAILED_SELECTOR))
                mstore(0x04, precompile)
                revert(0x00, 0x24)
            }
            // MODEXP input: Bsize = 64 | Esize = 1 | Msize = 64 | base (b_1||b_2, then b_3||b_4) | 0x01 | p
            let m := add(t, TAIL_MODEXP_OFFSET)
            mstore(m, FP_LENGTH)
            mstore(add(m, 0x20), 1)
            mstore(add(m, 0x40), FP_LENGTH)
            mstore(add(m, MODEXP_MODULUS_OFFSET), P_HI)
            mstore(add(m, add(MODEXP_MODULUS_OFFSET, 0x20)), P_LO)
            mstore8(add(m, MODEXP_EXPONENT_OFFSET), 1)
            let base := add(m, MODEXP_BASE_OFFSET)
            let base2 := add(base, 0x20)
            let points := add(t, TAIL_POINTS_OFFSET)
            let counter := add(bi, 32)

            // The steps are written out (no Yul helper functions): calls cost ~50 gas each in jumps
            // and stack shuffling. SHA-256 writes b_1..b_4 straight into the MODEXP base.
            // b_i = H(strxor(b_0, b_(i-1)) || I2OSP(i, 1) || DST_prime); b_1 = H(b_0 || 1 || DST_prime).
            mstore(bi, b0)
            mstore8(counter, 1)
            if iszero(staticcall(biGas, SHA256_PRECOMPILE, bi, biLength, base, 0x20)) { fail(SHA256_PRECOMPILE) }
            mstore(bi, xor(b0, mload(base)))
            mstore8(counter, 2)
            if iszero(staticcall(biGas, SHA256_PRECOMPILE, bi, biLength, base2, 0x20)) { fail(SHA256_PRECOMPILE) }
            // u_0 = (b_1 || b_2) mod p into t; Q_0 = MAP_FP_TO_G1(u_0) into points.
            if iszero(staticcall(MODEXP_GAS, MODEXP_PRECOMPILE, m, MODEXP_INPUT_LENGTH, t, FP_LENGTH)) {
                fail(MODEXP_PRECOMPILE)
            }
            if iszero(staticcall(MAP_FP_TO_G1_GAS, MAP_FP_TO_G1_PRECOMPILE, t, FP_LENGTH, points, G1_POINT_LENGTH)) {
                fail(MAP_FP_TO_G1_PRECOMPILE)
            }
            // b_3, b_4 overwrite b_1, b_2 in the MODEXP base.
            mstore(bi, xor(b0, mload(base2)))
            mstore8(counter, 3)
            if iszero(staticcall(biGas, SHA256_PRECOMPILE, bi, biLength, base, 0x20)) { fail(SHA256_PRECOMPILE) }
            mstore(bi, xor(b0, mload(base)))
            mstore8(counter, 4)
            if iszero(staticcall(biGas, SHA256_PRECOMPILE, bi, biLength, base2, 0x20)) { fail(SHA256_PRECOMPILE) }
            // u_1 = (b_3 || b_4) mod p; Q_1 = MAP_FP_TO_G1(u_1) into points + 128.
            if iszero(staticcall(MODEXP_GAS, MODEXP_PRECOMPILE, m, MODEXP_INPUT_LENGTH, t, FP_LENGTH)) {
                fail(MODEXP_PRECOMPILE)
            }
            let q1 := add(points, G1_POINT_LENGTH)
            if iszero(staticcall(MAP_FP_TO_G1_GAS, MAP_FP_TO_G1_PRECOMPILE, t, FP_LENGTH, q1, G1_POINT_LENGTH)) {
                fail(MAP_FP_TO_G1_PRECOMPILE)
            }
            // H(m) = Q_0 + Q_1.
            if iszero(staticcall(G1ADD_GAS, G1ADD_PRECOMPILE, points, 0x100, out, G1_POINT_LENGTH)) {
                fail(G1ADD_PRECOMPILE)
            }
        }
    }

    /// @notice A 128-byte `bytes` allocated at the free memory pointer (contents left to the caller).
    /// @return point The allocation.
    function _allocateG1() private pure returns (bytes memory point) {
        assembly ("memory-safe") {
            point := mload(0x40)
            mstore(point, G1_POINT_LENGTH)
            mstore(0x40, add(point, add(0x20, G1_POINT_LENGTH)))
        }
    }

    /// @notice The free memory pointer: scratch memory from here on is not allocated.
    /// @return ptr The pointer.
    function _freeMemory() private pure returns (uint256 ptr) {
        assembly ("memory-safe") {
            ptr := mload(0x40)
        }
    }

    /// @notice A precompile number as an address, for PrecompileFailed.
    /// @param precompile The precompile number.
    /// @return The address.
    function _at(uint256 precompile) private pure returns (address) {
        return address(uint160(precompile));
    }
}

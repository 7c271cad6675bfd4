// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {ReputationRegistryErrors} from "./ReputationRegistryErrors.sol";

/// @title ReputationRegistry
/// @notice Anyone publishes reputation scores as a commitment: the scoring method's id (hash of the
///         method and its weights), the feeds and the block range scored, the Merkle root of every
///         (oracle, score, rank) and a URI for the full table. Nobody is trusted by the registry:
///         consumers choose which publishers they accept, and anyone can recompute a publication
///         from chain data (`ocr reputation verify`) and show it wrong.
/// @dev Leaves use OpenZeppelin StandardMerkleTree's encoding, keccak256(bytes.concat(keccak256(
///      abi.encode(address oracle, uint256 score, uint256 rank)))): double hashing keeps a leaf from
///      ever passing as an inner node. Scores are fixed-point integers (docs/reputation.md).
contract ReputationRegistry is ReputationRegistryErrors {
    /// @notice One published score table.
    /// @param publisher Who posted it.
    /// @param methodId keccak256 of the scoring method's canonical description and weights.
    /// @param fromBlock First block scored.
    /// @param toBlock Last block scored.
    /// @param root Merkle root of the (oracle, score, rank) leaves.
    /// @param publishedAt Block timestamp of the post.
    /// @param feeds The feeds scored.
    /// @param uri Where the full table is.
    struct Publication {
        address publisher;
        bytes32 methodId;
        uint64 fromBlock;
        uint64 toBlock;
        bytes32 root;
        uint64 publishedAt;
        address[] feeds;
        string uri;
    }

    /// @dev `publisher` posted publication `id`.
    event Published(
        uint256 indexed id,
        address indexed publisher,
        bytes32 indexed methodId,
        address[] feeds,
        uint64 fromBlock,
        uint64 toBlock,
        bytes32 root,
        string uri
    );

    Publication[] internal s_publications;

    /// @notice Post a publication; returns its id (from 1).
    /// @param methodId Hash of the scoring method and weights.
    /// @param feeds Feeds scored (at least one).
    /// @param fromBlock First block scored.
    /// @param toBlock Last block scored (not after the current block).
    /// @param root Merkle root of the (oracle, score, rank) leaves.
    /// @param uri Where the full table can be fetched.
    /// @return id The publication's id.
    function publish(
        bytes32 methodId,
        address[] calldata feeds,
        uint64 fromBlock,
        uint64 toBlock,
        bytes32 root,
        string calldata uri
    ) external returns (uint256 id) {
        if (feeds.length == 0) revert NoFeeds();
        if (fromBlock > toBlock) revert InvalidBlockRange(fromBlock, toBlock);
        if (toBlock > block.number) revert BlockRangeInFuture(toBlock, block.number);
        if (methodId == bytes32(0) || root == bytes32(0)) revert EmptyCommitment();
        s_publications.push(
            Publication(msg.sender, methodId, fromBlock, toBlock, root, uint64(block.timestamp), feeds, uri)
        );
        id = s_publications.length;
        emit Published(id, msg.sender, methodId, feeds, fromBlock, toBlock, root, uri);
    }

    /// @notice Publication `id`.
    function publication(uint256 id) external view returns (Publication memory) {
        return _publication(id);
    }

    /// @notice How many publications exist (ids 1..count).
    function publicationCount() external view returns (uint256) {
        return s_publications.length;
    }

    /// @notice Whether `oracle` has `score` and `rank` in publication `id`.
    /// @param id The publication.
    /// @param oracle The oracle's address (its transmitter).
    /// @param score Its fixed-point score.
    /// @param rank Its rank (1 = best).
    /// @param proof The Merkle proof of its leaf.
    /// @return True iff the leaf is under the publication's root.
    function verifyScore(uint256 id, address oracle, uint256 score, uint256 rank, bytes32[] calldata proof)
        external
        view
        returns (bool)
    {
        return MerkleProof.verifyCalldata(proof, _publication(id).root, leaf(oracle, score, rank));
    }

    /// @notice The leaf of (oracle, score, rank), StandardMerkleTree's encoding.
    function leaf(address oracle, uint256 score, uint256 rank) public pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(oracle, score, rank))));
    }

    function _publication(uint256 id) private view returns (Publication storage) {
        if (id == 0 || id > s_publications.length) revert UnknownPublication(id, s_publications.length);
        return s_publications[id - 1];
    }
}

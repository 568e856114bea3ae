// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {StateChange, IBoosterTarget} from "./BoosterTarget.sol";
import {IBatchVerifier} from "./IBatchVerifier.sol";

/// @title Booster
/// @notice Settles the batches of one booster rollup on L1. Each call to
/// `settle` takes one batch and, in one transaction: checks that it
/// continues the last settled batch, that its pinned L1 block is recent and
/// is the block it names, that every L1 fact its execution read still holds,
/// that the verifier accepts its proof, and then applies its write list to
/// each written contract. Any failure reverts the whole settlement.
contract Booster {
    /// Storage slots of one L1 contract read by the batch, with the values seen.
    struct StorageReads {
        address account;
        bytes32[] slots;
        bytes32[] values;
    }

    /// The code hash of an L1 account the batch executed or inspected.
    struct CodeRead {
        address account;
        bytes32 codeHash;
    }

    /// The balance of an L1 account the batch read.
    struct BalanceRead {
        address account;
        uint256 balance;
    }

    /// The writes to one L1 contract.
    struct ContractUpdate {
        address target;
        StateChange[] changes;
    }

    /// One batch, as the booster library produced it.
    struct Batch {
        uint64 number;
        bytes32 parent;
        uint64 l1BlockNumber;
        bytes32 l1BlockHash;
        bytes32 transactions;
        bytes32 l2StateRoot;
        bytes32 parentL2StateRoot;
        StorageReads[] storageReads;
        CodeRead[] codeReads;
        BalanceRead[] balanceReads;
        ContractUpdate[] updates;
    }

    /// EIP-2935 block hash history contract, and how far back it serves.
    address internal constant HISTORY_STORAGE = 0x0000F90827F1C53a10cb7A02335B175320002935;
    uint256 internal constant HISTORY_SERVE_WINDOW = 8191;

    /// @notice The verifier every batch's proof must satisfy.
    IBatchVerifier public immutable verifier;
    /// @notice The L2 chain id bound into every batch commitment.
    uint256 public immutable l2ChainId;

    /// @notice Number of the last settled batch (0 before the first).
    uint64 public lastBatchNumber;
    /// @notice The L1 block the last settled batch was pinned to (0 before
    /// the first). A batch pinned to an older block is refused, so
    /// `block.number` and `block.timestamp` seen by L1 code never run
    /// backwards from one batch to the next.
    uint64 public lastL1BlockNumber;
    /// @notice Commitment of the last settled batch (zero before the first).
    bytes32 public lastBatchHash;
    /// @notice The L2 state commitment the last settled batch left (the
    /// genesis state's before the first): the root of the L2 state tree
    /// the next batch's proof starts from.
    bytes32 public lastL2StateRoot;

    /// Set while `settle` runs: a target called by `applyStateUpdates` cannot
    /// settle another batch in the middle of this one.
    bool private transient _settling;

    /// @notice A batch was settled. The gas figures split what `settle`
    /// spent after its calldata was paid for.
    event BatchSettled(
        uint64 indexed number, bytes32 indexed batchHash, uint256 readCheckGas, uint256 verifyGas, uint256 applyGas
    );

    /// The batch number is not the one after the last settled batch.
    error BatchOutOfOrder(uint64 expected, uint64 got);
    /// The batch does not name the last settled batch as its parent.
    error BatchParentMismatch(bytes32 expected, bytes32 got);
    /// The batch does not start from the L2 state the last settled batch left.
    error L2StateRootMismatch(bytes32 expected, bytes32 got);
    /// `settle` was called again while a settlement was running (from a
    /// written target's `applyStateUpdates`).
    error SettlementReentered();
    /// The batch is pinned to an L1 block older than the last settled batch's.
    error L1BlockRegressed(uint64 last, uint64 got);
    /// The pinned L1 block is not among the last 8191 blocks (or not in the past).
    error L1BlockUnavailable(uint64 number);
    /// The pinned L1 block's hash is not the one the batch names.
    error L1BlockHashMismatch(uint64 number, bytes32 expected, bytes32 actual);
    /// A storage read no longer holds on L1.
    error StaleStorageRead(address account, bytes32 slot, bytes32 expected, bytes32 actual);
    /// An account's code changed since the batch read it.
    error StaleCode(address account, bytes32 expected, bytes32 actual);
    /// An account's balance changed since the batch read it.
    error StaleBalance(address account, uint256 expected, uint256 actual);
    /// A storage read names slots and values of different lengths.
    error MalformedStorageReads(address account);
    /// An account whose storage the batch read does not answer `extsload`.
    error ReadUnverifiable(address account);
    /// The verifier did not accept the proof.
    error InvalidProof();
    /// A written contract has no code.
    error UpdateTargetHasNoCode(address target);
    /// A written contract refused its `applyStateUpdates` call.
    error UpdateFailed(address target, bytes reason);

    /// @param l2GenesisStateRoot_ the L2 state commitment of the L2
    /// genesis, which the first batch starts from (the booster library's
    /// `GenesisStateRoot`).
    constructor(IBatchVerifier verifier_, uint256 l2ChainId_, bytes32 l2GenesisStateRoot_) {
        verifier = verifier_;
        l2ChainId = l2ChainId_;
        lastL2StateRoot = l2GenesisStateRoot_;
    }

    /// @notice Settles one batch: checks, verifies, applies; all or nothing.
    /// It cannot be re-entered: a written target that calls `settle` from
    /// its `applyStateUpdates` gets `SettlementReentered`.
    function settle(Batch calldata batch, bytes calldata proof) external {
        if (_settling) revert SettlementReentered();
        _settling = true;
        uint64 expected = lastBatchNumber + 1;
        if (batch.number != expected) revert BatchOutOfOrder(expected, batch.number);
        if (batch.parent != lastBatchHash) revert BatchParentMismatch(lastBatchHash, batch.parent);
        if (batch.parentL2StateRoot != lastL2StateRoot) {
            revert L2StateRootMismatch(lastL2StateRoot, batch.parentL2StateRoot);
        }
        if (batch.l1BlockNumber < lastL1BlockNumber) revert L1BlockRegressed(lastL1BlockNumber, batch.l1BlockNumber);
        _checkL1Block(batch.l1BlockNumber, batch.l1BlockHash);

        uint256 mark = gasleft();
        _checkReads(batch);
        uint256 readCheckGas = mark - gasleft();

        mark = gasleft();
        bytes32 h = batchHash(batch);
        if (!verifier.verifyBatch(h, proof)) revert InvalidProof();
        uint256 verifyGas = mark - gasleft();

        lastBatchNumber = batch.number;
        lastBatchHash = h;
        lastL2StateRoot = batch.l2StateRoot;
        lastL1BlockNumber = batch.l1BlockNumber;

        mark = gasleft();
        for (uint256 i = 0; i < batch.updates.length; i++) {
            _apply(batch.updates[i]);
        }
        uint256 applyGas = mark - gasleft();
        emit BatchSettled(batch.number, h, readCheckGas, verifyGas, applyGas);
        _settling = false;
    }

    /// @notice The batch commitment the proof is checked against:
    /// keccak256 of the ABI encoding of (block.chainid, address(this),
    /// l2ChainId, number, parent,
    /// l1BlockNumber, l1BlockHash, transactions, l2StateRoot, readsHash,
    /// writesHash, parentL2StateRoot), where readsHash is keccak256(abi.encode(storageHash,
    /// keccak256(abi.encode(codeReads)), keccak256(abi.encode(balanceReads))))
    /// and writesHash the hash of the updates' changes. storageHash and
    /// writesHash hash flat lists of 96-byte records (account or target,
    /// slot, value: three ABI words), in their order, which the batch
    /// proof hashes without parsing nested ABI offsets.
    function batchHash(Batch calldata batch) public view returns (bytes32) {
        bytes32 readsHash = keccak256(
            abi.encode(
                _storageRecordsHash(batch.storageReads),
                keccak256(abi.encode(batch.codeReads)),
                keccak256(abi.encode(batch.balanceReads))
            )
        );
        bytes32 writesHash = _updateRecordsHash(batch.updates);
        return keccak256(
            abi.encode(
                block.chainid,
                address(this),
                l2ChainId,
                batch.number,
                batch.parent,
                batch.l1BlockNumber,
                batch.l1BlockHash,
                batch.transactions,
                batch.l2StateRoot,
                readsHash,
                writesHash,
                batch.parentL2StateRoot
            )
        );
    }

    /// keccak256 of the storage reads as (account, slot, value) records.
    function _storageRecordsHash(StorageReads[] calldata reads) internal pure returns (bytes32) {
        uint256 n;
        for (uint256 i = 0; i < reads.length; i++) {
            if (reads[i].slots.length != reads[i].values.length) revert MalformedStorageReads(reads[i].account);
            n += reads[i].slots.length;
        }
        bytes memory buf = new bytes(96 * n);
        uint256 k;
        for (uint256 i = 0; i < reads.length; i++) {
            StorageReads calldata r = reads[i];
            for (uint256 j = 0; j < r.slots.length; j++) {
                _putRecord(buf, k++, r.account, r.slots[j], r.values[j]);
            }
        }
        return keccak256(buf);
    }

    /// keccak256 of the updates' changes as (target, slot, value) records.
    function _updateRecordsHash(ContractUpdate[] calldata updates) internal pure returns (bytes32) {
        uint256 n;
        for (uint256 i = 0; i < updates.length; i++) {
            n += updates[i].changes.length;
        }
        bytes memory buf = new bytes(96 * n);
        uint256 k;
        for (uint256 i = 0; i < updates.length; i++) {
            ContractUpdate calldata u = updates[i];
            for (uint256 j = 0; j < u.changes.length; j++) {
                _putRecord(buf, k++, u.target, u.changes[j].slot, u.changes[j].value);
            }
        }
        return keccak256(buf);
    }

    /// Writes record k of buf: three words.
    function _putRecord(bytes memory buf, uint256 k, address account, bytes32 slot, bytes32 value) private pure {
        assembly ("memory-safe") {
            let p := add(add(buf, 32), mul(k, 96))
            mstore(p, account)
            mstore(add(p, 32), slot)
            mstore(add(p, 64), value)
        }
    }

    function _checkL1Block(uint64 number, bytes32 expected) internal view {
        bytes32 actual;
        if (number < block.number) {
            uint256 age = block.number - number;
            if (age <= 256) {
                actual = blockhash(number);
            } else if (age <= HISTORY_SERVE_WINDOW && HISTORY_STORAGE.code.length != 0) {
                (bool ok, bytes memory ret) = HISTORY_STORAGE.staticcall(abi.encode(uint256(number)));
                if (ok && ret.length == 32) actual = abi.decode(ret, (bytes32));
            }
        }
        if (actual == bytes32(0)) revert L1BlockUnavailable(number);
        if (actual != expected) revert L1BlockHashMismatch(number, expected, actual);
    }

    function _checkReads(Batch calldata batch) internal view {
        for (uint256 i = 0; i < batch.storageReads.length; i++) {
            StorageReads calldata r = batch.storageReads[i];
            if (r.slots.length != r.values.length) revert MalformedStorageReads(r.account);
            bytes32[] memory live = _extsload(r.account, r.slots);
            for (uint256 j = 0; j < live.length; j++) {
                if (live[j] != r.values[j]) revert StaleStorageRead(r.account, r.slots[j], r.values[j], live[j]);
            }
        }
        for (uint256 i = 0; i < batch.codeReads.length; i++) {
            CodeRead calldata c = batch.codeReads[i];
            bytes32 live = c.account.codehash;
            if (live != c.codeHash) revert StaleCode(c.account, c.codeHash, live);
        }
        for (uint256 i = 0; i < batch.balanceReads.length; i++) {
            BalanceRead calldata b = batch.balanceReads[i];
            uint256 live = b.account.balance;
            if (live != b.balance) revert StaleBalance(b.account, b.balance, live);
        }
    }

    function _extsload(address account, bytes32[] calldata slots) internal view returns (bytes32[] memory live) {
        if (account.code.length == 0) revert ReadUnverifiable(account);
        (bool ok, bytes memory ret) = account.staticcall(abi.encodeCall(IBoosterTarget.extsload, (slots)));
        // A well-formed answer is one offset word, one length word and a word per slot.
        if (!ok || ret.length != 64 + 32 * slots.length) revert ReadUnverifiable(account);
        live = abi.decode(ret, (bytes32[]));
        if (live.length != slots.length) revert ReadUnverifiable(account);
    }

    function _apply(ContractUpdate calldata u) internal {
        if (u.target.code.length == 0) revert UpdateTargetHasNoCode(u.target);
        (bool ok, bytes memory ret) = u.target.call(abi.encodeCall(IBoosterTarget.applyStateUpdates, (u.changes)));
        if (!ok) revert UpdateFailed(u.target, ret);
    }
}

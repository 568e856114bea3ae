// Package batch states what a batch proof proves, as segment circuits for
// [aggregate]: the batch header the L1 booster contract hashes into its
// batchHash, the transactions' commitment bound to one signature each, and
// each transaction's call frames executed from its signed context, the L1
// frames below its L1CALLs included.
//
// A batch is its segments, in order:
//
//   - the header segment (index 0) checks that keccak256 of the header's
//     twelve ABI words is the batch commitment the proof is for, and hands
//     on the L2 chain id and the transactions commitment the header names;
//   - per L1 account the batch's L1 frames run, a code segment hashes its
//     code with keccak256, checks the hash is the read set's code read for
//     the account and that the bytes past the code's length are zero, and
//     hands a Poseidon2 digest of the code to each L1 frame that runs it
//     through the storage argument, so the code is hashed once per batch
//     (and per L2 code whose L1CALLs the alias rule decides, a code
//     segment hashes that code for it);
//   - where the batch runs L1 frames, the block segment checks that its
//     L1 block header (RLP, [L1Lists].Block) hashes to the header's
//     pinned L1 block hash, takes the block's coinbase, timestamp,
//     number, prevrandao, gas limit and base fee from it, and hands that
//     context (with the header's L1 chain id and a gas price of zero, as
//     the L1 EVM runs) to every L1 frame through the storage argument;
//   - per transaction, a transaction segment proves with [txsig] that the
//     transaction is signed by its sender for that chain id, reads the
//     sender's nonce from the storage argument (the L2 state tree's, or
//     what its transaction before left) and leaves the next, folds its
//     signing hash, sender, outcome (whether its top frame reverted:
//     its receipt's status) and logs (the two log chains its top frame
//     hands back, see [LogsDigest]) into the running commitment and
//     pushes the
//     context its top frame runs with (caller and origin the sender, the
//     recipient, value, calldata, and its gas price) and ends with (that
//     outcome, with its return data) on the pending stack; then one frame
//     segment per frame that runs code, in the order they were entered,
//     proves that frame's execution with the EVM circuit
//     ([verifier.FrameWitness] of the first of the Capacity's frame
//     shapes that holds it: [Capacity].Frames, then Frame, each its own
//     segment kind), pops its context
//     (entry and outcome: success and return data, and the log chains it
//     is entered with and hands back: it folds its logs into its layer's
//     chain between its calls, in its rows' order, and where it reverts
//     hands back what it was given; an L2 frame's chain id
//     is the batch's; a static frame changes no state) and pushes the
//     contexts of the frames its calls entered, first call on top, the
//     call's success and return data as their outcome (a call of a
//     booster precompile that it refuses, with an input shorter than
//     its target or with value, enters no frame: the segment proves it
//     failed with L1CallInvalidInput() or L1CallValueNotAllowed()): a CALL or
//     STATICCALL enters a frame of the same layer at the address called
//     (static if the caller or the call is), a call into L1CALL or
//     L1SANDBOXCALL an L1 frame (target and calldata from the input, no
//     value, the caller's address as sender, aliased by SPEC §1's rule:
//     unless the keccak256 hash of the frame's code, which a code
//     segment proves for its digest, is the read set's code read for its
//     address; neither is static: an L1CALL's frame, and its callees,
//     are read-only where the call is static, proving they run no
//     SSTORE; a sandbox's writes and L1 logs, and its callees', are
//     undone when it returns, even on success); a call of the identity
//     precompile (0x04) enters no frame: the segment proves it returned
//     its input (or failed without return data) and pushes nothing, and
//     so does a call of the ecrecover precompile (0x01) where the
//     capacity has ecrecover segments (Capacity.Ecrecover): the segment
//     reads the call's claim (its input's digest, whether it returned a
//     signer, the signer) from the storage argument; and a call of the
//     sha256 precompile (0x02) where it has sha256 segments
//     (Capacity.Sha256). A
//     transaction segment starts with nothing pending, so no frame can
//     be left out, swapped or reordered;
//   - where the frame shapes have verifier.Shape.KeccakClaims (the
//     frames then hash nothing, and read each KECCAK256 hash they push
//     from the storage argument under the digest of its input), keccak
//     segments hash each distinct input of the batch once and write its
//     hash as many times as frames read it;
//   - where the capacity has Ecrecover, ecrecover segments write the
//     claim of each distinct input of the frames' ecrecover calls as
//     many times as frames read it, having checked the precompile's
//     rules on it and recovered the signer with gnark's ECRecover; where
//     it has Sha256, sha256 segments do the same for the sha256
//     precompile's calls with gnark's SHA-256;
//   - where the capacity has Undo, after the last frame of a subtree
//     whose changes a frame throws away (it reverts, or it is an
//     L1SANDBOXCALL's L1 frame) and that touched storage, undo
//     segments restore what the subtree found (see below);
//   - the end segments list every storage slot the frames touched, once,
//     sorted by layer, address and key, with its value before and after
//     the batch; an L2 slot's value before is the L2 state tree's
//     ([statetree], under the header's parent L2 state root) and its
//     value after goes into the tree; the last checks the storage
//     argument, that the root the entries leave is the header's L2
//     state root, that the running commitment equals the header's and
//     that nothing is pending; they also prove, for each L2 account the
//     frames run, its code digest (CodeDigest) against the tree under
//     L2CodeKey and hand it to each L2 frame there, which reads the
//     digest of the code it runs, as an L1 frame reads its code
//     segment's.
//
// Storage is carried from frame to frame by a memory argument over the
// whole batch (offline memory checking with a log-derivative sum, its
// challenges drawn from a hash chain of every frame's commitment and
// every end entry, see memory.go): each frame starts each slot from the
// value the frames before it left, and leaves its final value, or its
// initial value where it or a frame above it reverts. So that this is
// the EVM's journal, no frame may run where a frame above it runs
// (reentrancy), calls nest at most MaxDepth frames deep, and, in a
// capacity without undo segments, a frame below a reverting frame (or
// below an L1SANDBOXCALL's L1 frame) that does not revert itself must
// leave its slots as it found them; Witnesses says so with
// verifier.ErrUnsupported. A capacity with undo segments (Capacity.Undo)
// journals those frames instead: their scope is the time of the nearest
// frame above them that throws their changes away, which pushes a marker
// below its callees; the scope's frames read and write shadows of the
// slots they touch (its first access to a slot checks the slot's live
// tuple out and leaves a memo of what it found), so each sees what the
// frames before it in the scope left; and once the subtree has returned,
// undo segments pop the marker and write each memo's value back where
// the scope found it (see undo.go).
// Transient storage goes through the same argument, in L2 frames of
// shapes with verifier.Shape.TransientCarried (refused elsewhere): each
// transient slot's owner names the transaction (the time of its
// transaction segment, which every frame's entry carries), and the end
// segments write each such slot's zero start, so each transaction's
// frames find what the frames of the transaction before them left and
// the next transaction starts from zero.
//
// Each segment starts from the Poseidon2 hash of what the one before
// handed on (the boundary), so the aggregation circuit's chaining checks
// that the segments are these, in this order, for this batch.
//
// The header segment also opens the read set and the write list the
// header commits to ([L1Lists], hashed as flat 96-byte records as
// Booster.batchHash hashes them) and reads each record from the storage
// argument; the end segments write, for each L1 slot, its read set record
// (its value before the batch) and, if the batch changed it, its write
// list record (its value after). So the read set is every L1 slot the
// frames touched with the value they found, and the write list every L1
// slot they changed with the value they left, and nothing else. It
// opens the read set's code reads too, each read by the code segment of
// its account and by each L2 frame at the account's address that makes
// an L1CALL (the alias rule).
//
// An L1 frame's state reads are L1's: EXTCODEHASH the read set's code
// read of the account, EXTCODESIZE the size of the code its code segment
// proved (zero, which the header segment writes, for an account whose
// code read is of no code or zero), BALANCE the read set's balance read of the account, and
// SELFBALANCE, where the frame's steps run it (the segment counts them),
// the read set's balance read of its own address (all through the
// storage argument: the header segment opens the balance reads as it
// opens the code reads); BLOCKHASH there of the pinned block's parent
// is its parent hash, which the block segment writes from the header,
// of the pinned block, a later one or one more than 256 blocks before
// it zero, and of any other block refused. An L2 frame's
// EXTCODESIZE and EXTCODEHASH read the size and keccak256 hash of the
// code the first L2 frame of the batch at the account runs, which that
// frame writes (the hash read from a code segment); EXTCODESIZE of an
// account without code is zero, which an end segment's code entry of
// digest zero writes, having proven that the L2 state tree holds no code
// there (any other read of an address no L2 frame of the batch runs at
// is refused); its other state reads
// (BALANCE, SELFBALANCE, BLOCKHASH) are refused: the L2 state tree holds
// no balances yet.
//
// An L2 frame runs in the L2 block's context: the batch's number and
// chain id, a PREVRANDAO of zero, and the time, coinbase, gas limit and
// base fee of [Header].L2Block, which the transactions commitment starts
// from ([TransactionsCommitment]), so the header binds them. The header
// segment writes the context's digest to the storage argument and each
// L2 frame reads it. GASPRICE is the frame's transaction's effective gas
// price: the transaction segment computes it from the signed fee fields
// and the base fee (which it reads from the header segment) and hands
// it down with each frame's entry; an L1 frame's is zero. The rule the
// booster picks those values by (the block's time is the pinned L1
// block's or the parent's plus one, whichever is later; the coinbase,
// gas limit and base fee are the chain's settings) is not checked: the
// proof binds the values, and whoever reads it sees them.
//
// A DELEGATECALL from an L2 frame enters a frame at its address, with
// its caller and value, running the code of the address called (whose
// digest it reads there), on slots the delegating frame does not touch
// (its reads may not come from that frame's write; the trace refuses a
// slot both touch). A DELEGATECALL from an L1 frame, or from a frame a
// DELEGATECALL entered, and an L1CALL or L1SANDBOXCALL from such a
// frame are refused. An L1DELEGATECALL (by CALL or STATICCALL, from an
// L2 frame a DELEGATECALL did not enter, with no value) enters a frame
// as a DELEGATECALL does, running the code of the L1 account its input
// names (whose digest an L1 code segment wrote, bound to the read set's
// code read) on the rest of the input, in the L2 block's context.
//
// What the segments do not prove yet: an L2 frame's BALANCE,
// SELFBALANCE and BLOCKHASH (refused), value transfers,
// balances and fees (the L2 state tree holds storage, code digests and
// nonces). Until
// they do, a proof of these segments must not settle a batch on its own.
// [TransactionsCommitment] is the commitment the booster puts in the
// header.
//
// Nothing in the package holds state; it is safe for concurrent use.
package batch

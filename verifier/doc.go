// Package verifier proves EVM execution with gnark: it turns the trace of
// one call frame (package [trace], which captures it from go-ethereum's
// tracing hooks) into the witness of a Groth16 circuit over BN254, and
// proves and verifies it, in Go or with gnark's exported Solidity
// verifier.
//
// A [trace.Trace] comes from [trace.Run] (a fresh in-memory EVM) or from a
// [trace.Recorder] attached to any go-ethereum EVM. [LoadOrSetup] compiles the
// circuit of a [Shape] and makes or loads its keys ([DefaultKeyDir] caches
// them by shape and circuit digest); [Keys.Prove] proves a trace and
// [Keys.Verify] checks a proof against the public commitment, which
// [Public.Commitment] ([PublicOf] a trace) computes from the public values alone: code,
// calldata, caller, origin, address, value, the block and transaction
// [trace.Context] and the contract's balance, the storage slots touched with
// their values before and after, the return data, the logs the call
// emitted ([trace.Log]) and whether it reverted.
//
// The circuit has one row per step. The opcode at each pc is looked up
// from the committed code; stack, memory and storage form one read/write
// memory checked by a log-derivative multiset argument whose challenge is
// gnark's commitment to the trace; 256-bit arithmetic runs in three
// capacity-bound tables (addition, multiplication, bitwise, and for
// unaligned memory, exponentiation, ADDMOD/MULMOD and copies from calldata
// and code, tables built on them) tied to the rows by a second
// log-derivative bus. KECCAK256 reads its input one memory word a row
// into a keccak table (package keccak's lookup gadget, one permutation an
// entry), and LOG0 to LOG4 match the entries of the public log list on the same bus.
// TLOAD and TSTORE use a private list of transient slots, each zero at
// the start, in the same memory argument. CALL, STATICCALL and
// DELEGATECALL match entries of a public call list ([trace.FrameCall]: gas,
// address, value, input, success, return data) on the same bus; the
// callee's execution is another frame's proof. RETURNDATASIZE and
// RETURNDATACOPY read the last call's return data; MCOPY copies memory
// through its own table; EXTCODESIZE, EXTCODEHASH, BALANCE and BLOCKHASH
// push entries of a public read list ([trace.StateRead]).
//
// A whole transaction is recorded frame by frame by a [trace.TxRecorder]
// (L2 frames and the L1 frames below L1CALL and L1SANDBOXCALL) as a
// [trace.Transaction]; each frame is proven on its own, and
// [trace.Transaction.Check] ties the frames together from their public values
// (every call is the frame it entered, storage carries from frame to
// frame with reverts undone) and returns the writes the transaction
// left. What it cannot prove yet, the
// prover refuses with [ErrUnsupported] naming the opcode and pc; README's
// "Soundness limits" lists it.
//
// The circuit's body, [FrameWitness], also compiles over BLS12-377: a
// batch segment embeds it and binds what [FrameWitness.Constrain]
// returns, the same commitment hashed in that field
// ([Public.CommitmentOn]).
//
// Keys read from the cache are checked (their SHA-256 sums and that the
// proving and verifying key share one setup); damaged keys fail with
// [ErrKeyCache] and are left in place, never replaced by a new setup.
//
// The package's functions are safe for concurrent use on traces nobody
// changes; a Recorder and a TxRecorder (package trace) are not.
// [LoadOrSetup] is safe for concurrent use, also by processes sharing a key
// directory: the setup of one key set runs once, under a lock.
package verifier

// Package trace captures what the prover proves: go-ethereum executions,
// recorded through its tracing hooks, one call frame at a time.
//
// A Recorder records the outermost frame of a call: its code and
// context, every step with the stack before it, the storage slots it
// touched (value before and after), its logs, the calls it made (what it
// handed each callee and what it got back) and the chain values it read.
// A TxRecorder records every frame of an L2 transaction as the booster
// runs it, the L1 frames below the L1CALL precompiles included, and
// Transaction.Check links them in Go: each call to the frame it entered,
// each frame's storage to what the frames before it left. Run and
// RunTransaction trace a call on a fresh in-memory state, for tests and
// examples.
//
// The EVM circuit (package verifier) proves a Trace; the batch segments
// (verifier/batch) prove a Transaction's frames and link them in the
// circuit. What no circuit proves yet is refused here, where it can be
// named: ErrUnsupported names the opcode and pc.
//
// A Recorder or TxRecorder is not safe for concurrent use: install its
// hooks on one EVM at a time. Traces and Transactions are values, safe to
// read from several goroutines once recorded.
package trace

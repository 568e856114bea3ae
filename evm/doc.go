// Package evm is the booster's L2 EVM: go-ethereum's core/vm and state
// transition over the L2 state, with the L1 precompiles installed and an
// L1 view pinned to one L1 block. The chain keeps its blocks, receipts
// and state in go-ethereum's database schema (rawdb), in memory or in a
// directory ([OpenDatabase], Pebble; [Config].Database), where it is
// reopened at its head; [Chain.BlockByNumber], [Chain.Receipt] and
// [Chain.StateAt] read it back.
//
// A [Chain] holds the L2 state (accounts, nonces, storage) across batches.
// [Chain.NewBlock] opens a block over an [l1.View]; [Block.Apply] runs one
// signed L2 transaction with go-ethereum's own state transition (L2 chain
// id, nonce checks, fees), and [Block.Commit] seals the block. A
// transaction that cannot be applied (bad signature, wrong chain, replayed
// nonce, unaffordable gas, an L1 source failure) is refused with an error
// and leaves both the L2 state and the L1 view as they were.
//
// The L1 view's journal follows the L2 state's: an L2 frame that reverts
// undoes the L1 writes made inside it, in the view and in the write list.
//
// A Chain and its open Block are not safe for concurrent use: the booster
// package serialises access to them.
package evm

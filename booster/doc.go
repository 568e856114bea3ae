// Package booster is the entry point of go-booster: a booster rollup used as
// a coprocessor of L1 contracts.
//
// A [Booster] runs an L2 EVM whose contracts can read and write L1 contract
// state through the L1CALL, L1SANDBOXCALL and L1DELEGATECALL precompiles.
// Make one over an L1 source, submit signed L2 transactions, and execute
// them as a batch against the pinned L1 block:
//
//	src, _ := l1.NewSimulatedSource(ctx, backend)
//	b, _ := booster.New(src, booster.WithChainID(big.NewInt(167001)))
//	_ = b.Submit(tx)
//	batch, _ := b.ExecuteBatch(ctx)
//	for _, u := range batch.Updates() {
//		// send u.Calldata() to u.Contract on L1
//	}
//
// The [Batch] holds the receipts, the L1 write list (every L1 slot the batch
// changed, with its final value), the read set (every L1 fact the outcome
// depended on), and the applyStateUpdates calldata of each written L1
// contract.
//
// [Settle] sends the one L1 transaction that settles a batch on the booster
// contract (solidity/src/Booster.sol) through any bind.ContractBackend,
// with a proof from a [Prover]: [NewProver] proves the batch's statement
// with a batch.Prover (for GnarkBatchVerifier), [NewDevProver] is the
// development-only prover for DevBatchVerifier. Batches chain through their [Batch.Commitment]:
// each names the previous one as its parent, and each binds the L1 chain id
// and the booster contract ([WithL1Contract]) it settles on. A batch L1
// refused can be undone with [Booster.Rollback] and its transactions
// executed again; [Booster.RollbackRefused] also remembers the L1 contract
// the refusal named, so that the transactions touching it fail on their own
// instead of blocking the batch again.
//
// A batch always fits one L1 transaction ([SettlementLimits]): what does not
// fit the L2 block's gas or the settlement limits stays queued for the next
// batch. [Settle] checks the batch's contract, its pinned block's age, the
// settlement's size and gas before it sends anything. With [NewProver]'s
// options a batch is also one the prover can prove: before sealing it,
// ExecuteBatch asks the prover ([WithBatchCheck]); a transaction it cannot
// prove is left out with [ErrUnprovable], and a batch too large for its
// aggregation is closed earlier, so no transaction stops the settlements
// after it.
//
// With [WithDatabase] the L2 chain, the queue of accepted transactions and
// every executed batch live in a database (evm.OpenDatabase): Submit is on
// disk when it returns, a batch and the removal of its transactions from
// the queue are one atomic write, and [New] reopens what the database
// holds; [Booster.Batch] reads an executed batch back.
//
// A [Booster] is safe for concurrent use; the free functions keep no state.
package booster

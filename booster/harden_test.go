package booster_test

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"sync"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/booster"
	"github.com/boosterkit/go-booster/evm/l1"
	"github.com/boosterkit/go-booster/internal/testenv"
	"github.com/boosterkit/go-booster/precompiles"
	"github.com/boosterkit/go-booster/solidity/bindings"
	"github.com/boosterkit/go-booster/statechanges"
)

// call runs a read-only call of a fixture's method on L1 and returns its
// outputs.
func (w *settleWorld) call(contract string, at common.Address, method string, args ...any) []any {
	w.t.Helper()
	return unpack(w.t, contract, method, w.l1.Call(w.t, at, pack(w.t, contract, method, args...)))
}

// TestSettleCannotBeReentered: a written target whose applyStateUpdates
// calls settle for the next batch (calldata copied from the mempool) gets
// SettlementReentered; without the guard the outer batch's later writes
// overwrite the inner batch's and both are recorded as settled.
func TestSettleCannotBeReentered(t *testing.T) {
	w := newSettleWorld(t)
	reenterer := w.l1.Deploy(t, "Reenterer", nil, w.contract)
	w.repin()
	counter := bindings.NewBoostedCounter()
	outer := w.execute(w.l1CallTx(reenterer, pack(t, "Reenterer", "bump")), w.increment())
	require.Equal(t, []common.Address{reenterer, w.counter}, []common.Address{outer.Updates()[0].Contract, outer.Updates()[1].Contract})
	inner := w.execute(w.l1CallTx(w.counter, counter.PackAdd(big.NewInt(5))))
	w.l1.Backend.Commit()
	innerCalldata, err := inner.SettlementCalldata(w.proof(inner))
	require.NoError(t, err)
	w.l1.Send(t, &reenterer, nil, pack(t, "Reenterer", "arm", innerCalldata))

	w.settle(outer)
	require.Equal(t, true, w.call("Reenterer", reenterer, "attempted")[0], "the target did not try to re-enter")
	require.Equal(t, false, w.call("Reenterer", reenterer, "succeeded")[0], "settle was re-entered")
	result := w.call("Reenterer", reenterer, "result")[0].([]byte)
	require.Contains(t, booster.DescribeRevert(result), "SettlementReentered")
	require.Equal(t, outer.Number(), w.lastBatchNumber())
	require.Equal(t, word(1), w.l1.Storage(t, w.counter, common.Hash{}), "the outer batch's write")
}

// TestPoisonedTransactions: transactions whose L1 access no settlement
// could carry get failed receipts naming the contract and the missing
// function, leave nothing in the batch, and the transactions around them
// settle.
func TestPoisonedTransactions(t *testing.T) {
	w := newSettleWorld(t)
	plain := w.l1.Deploy(t, "Counter", nil)                           // no extsload, no applyStateUpdates
	foreign := w.l1.Deploy(t, "BoostedCounter", nil, w.l1.From)       // applyStateUpdates only from another booster
	broken := w.l1.Deploy(t, "Picky", nil, w.contract, big.NewInt(3)) // applyStateUpdates always reverts
	liar := w.l1.Deploy(t, "Picky", nil, w.contract, big.NewInt(4))   // extsload returns wrong values
	w.repin()
	sel := func(name string) [4]byte { return [4]byte(crypto.Keccak256([]byte(name))[:4]) }
	extsload, apply := sel("extsload(bytes32[])"), sel("applyStateUpdates((bytes32,bytes32)[])")
	first := w.increment() // signed in queue order: nonces follow
	poisons := []struct {
		name     string
		tx       *types.Transaction
		contract common.Address
		selector [4]byte
	}{
		{"write to a contract without extsload", w.l1CallTx(plain, pack(t, "Counter", "increment")), plain, extsload},
		{"sandboxed read of a contract without extsload", w.user.Tx(t, &l1Sandbox, nil, input(plain, pack(t, "Counter", "count")), 3_000_000), plain, extsload},
		{"write to a target that trusts another booster", w.l1CallTx(foreign, bindings.NewBoostedCounter().PackIncrement()), foreign, apply},
		{"write to a target whose applyStateUpdates reverts", w.l1CallTx(broken, pack(t, "Picky", "bump")), broken, apply},
		{"read of a contract whose extsload lies", w.l1CallTx(liar, pack(t, "Picky", "bump")), liar, extsload},
	}
	txs := []*types.Transaction{first}
	for _, p := range poisons {
		txs = append(txs, p.tx)
	}
	txs = append(txs, w.swap())
	for _, tx := range txs {
		require.NoError(t, w.b.Submit(tx))
	}
	batch, err := w.b.ExecuteBatch(context.Background())
	require.NoError(t, err)
	require.Len(t, batch.Receipts, len(txs))
	require.Equal(t, types.ReceiptStatusSuccessful, batch.Receipts[0].Status)
	require.Equal(t, types.ReceiptStatusSuccessful, batch.Receipts[len(txs)-1].Status)
	for i, p := range poisons {
		r := batch.Receipts[i+1]
		require.Equal(t, types.ReceiptStatusFailed, r.Status, p.name)
		contract, selector, err := precompiles.DecodeUnsettleable(r.ReturnData)
		require.NoError(t, err, p.name)
		require.Equal(t, p.contract, contract, p.name)
		require.Equal(t, p.selector, selector, p.name)
	}
	for _, wr := range batch.Writes {
		require.Contains(t, []common.Address{w.counter, w.pool}, wr.Contract, "a poisoned write stayed in the batch")
	}
	for _, rd := range batch.Reads.Storage {
		require.NotEqual(t, plain, rd.Contract, "a poisoned read stayed in the batch")
	}
	w.settle(batch)
	require.Equal(t, word(1), w.l1.Storage(t, w.counter, common.Hash{}))
}

// TestPoisonFoundBySettlement: a target that takes the execution-time probe
// (an empty applyStateUpdates) but fails on real changes makes L1 refuse
// the batch; RollbackRefused remembers it, and the batch executed again
// gives that transaction a failed receipt and settles the others.
func TestPoisonFoundBySettlement(t *testing.T) {
	for _, c := range []struct {
		name string
		mode int64
	}{
		{"reverts on changes", 1},
		{"burns its gas on changes", 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := newSettleWorld(t)
			picky := w.l1.Deploy(t, "Picky", nil, w.contract, big.NewInt(c.mode))
			w.repin()
			batch := w.execute(w.increment(), w.l1CallTx(picky, pack(t, "Picky", "bump")), w.swap())
			w.l1.Backend.Commit()
			_, err := booster.Settle(context.Background(), w.l1.Client, w.opts(), w.contract, batch, w.prover())
			var re *booster.RevertError
			require.ErrorAs(t, err, &re)
			require.Equal(t, "UpdateFailed", re.Name)
			require.Contains(t, err.Error(), "UpdateFailed("+picky.Hex())
			account, ok := re.Account()
			require.True(t, ok)
			require.Equal(t, picky, account)

			require.NoError(t, w.b.RollbackRefused(batch, err))
			w.repin()
			again, err := w.b.ExecuteBatch(context.Background())
			require.NoError(t, err)
			require.Equal(t, batch.Number(), again.Number())
			require.Len(t, again.Receipts, 3)
			require.Equal(t, types.ReceiptStatusFailed, again.Receipts[1].Status)
			contract, _, err := precompiles.DecodeUnsettleable(again.Receipts[1].ReturnData)
			require.NoError(t, err)
			require.Equal(t, picky, contract)
			w.settle(again)
			require.Equal(t, word(1), w.l1.Storage(t, w.counter, common.Hash{}))
			require.Equal(t, common.Hash{}, w.l1.Storage(t, picky, common.Hash{}))
		})
	}
}

// TestFullBlockDefersTransactions: transactions that do not fit the L2
// block's gas stay queued, in order, for the next batch.
func TestFullBlockDefersTransactions(t *testing.T) {
	chain := testenv.NewL1(t)
	user := testenv.NewL2Account(t, "user", l2ChainID)
	b, err := booster.New(chain.Source(t), booster.WithChainID(l2ChainID), booster.WithGasLimit(100_000),
		booster.WithGenesis(types.GenesisAlloc{user.Addr: {Balance: testenv.Ether}}))
	require.NoError(t, err)
	to := common.HexToAddress("0xfee")
	// A transaction that asks for more than a block holds is refused at
	// once, and its nonce stays free.
	require.ErrorIs(t, b.Submit(user.Tx(t, &to, nil, nil, 100_001)), booster.ErrTxGasLimit)
	user.Nonce--
	for range 5 {
		require.NoError(t, b.Submit(user.Tx(t, &to, big.NewInt(1), nil, 30_000)))
	}
	first, err := b.ExecuteBatch(context.Background())
	require.NoError(t, err)
	n := len(first.Transactions)
	// The pool takes a transaction while its gas limit fits what is left
	// (at least three of five at 30,000 in 100,000).
	require.GreaterOrEqual(t, n, 3)
	require.Less(t, n, 5)
	require.Empty(t, first.Rejected)
	require.Equal(t, 5-n, b.Pending())
	second, err := b.ExecuteBatch(context.Background())
	require.NoError(t, err)
	require.Len(t, second.Transactions, 5-n)
	for _, r := range second.Receipts {
		require.Equal(t, types.ReceiptStatusSuccessful, r.Status)
	}
	require.Equal(t, uint64(5), b.Chain().Nonce(user.Addr))
	require.Equal(t, uint64(5), b.Chain().Balance(to).Uint64())
	_, err = b.ExecuteBatch(context.Background())
	require.ErrorIs(t, err, booster.ErrEmptyBatch)
}

// TestEmptyQueue: ExecuteBatch with nothing queued seals nothing.
func TestEmptyQueue(t *testing.T) {
	w := newSettleWorld(t)
	head := w.b.Chain().Head()
	_, err := w.b.ExecuteBatch(context.Background())
	require.ErrorIs(t, err, booster.ErrEmptyBatch)
	require.Equal(t, head.Hash(), w.b.Chain().Head().Hash())
	// The next real batch continues the chain as if nothing happened.
	w.settle(w.execute(w.increment()))
}

// newOsakaWorld is a settle world on an L1 with mainnet's rules (EIP-7825's
// gas cap, 22,100 gas a fresh slot) and the Bulk fixture deployed.
func newOsakaWorld(t *testing.T, opts ...booster.Option) (*settleWorld, common.Address) {
	w := newSettleWorldOn(t, testenv.NewL1Config(t, l1.OsakaConfig()), opts...)
	bulk := w.l1.Deploy(t, "Bulk", nil, w.contract)
	w.repin()
	return w, bulk
}

// bulkBatch queues txs calls of Bulk's method over consecutive ranges of
// perTx slots, executes a batch, and checks that it closed before taking
// them all, leaving the rest queued.
func (w *settleWorld) bulkBatch(bulk common.Address, method string, perTx, txs int) *booster.Batch {
	w.t.Helper()
	for i := range txs {
		require.NoError(w.t, w.b.Submit(w.l1CallTx(bulk, pack(w.t, "Bulk", method, big.NewInt(int64(i*perTx)), big.NewInt(int64(perTx))))))
	}
	batch, err := w.b.ExecuteBatch(context.Background())
	require.NoError(w.t, err)
	n := len(batch.Transactions)
	require.Less(w.t, n, txs)
	require.Equal(w.t, txs-n, w.b.Pending(), "the transactions that did not fit stay queued")
	return batch
}

// TestSettlementNearGasCap: 1,000 fresh slots cannot settle in one L1
// transaction under EIP-7825; the booster closes the batch before the cap,
// the settlement lands under it, and the rest waits for the next batch.
func TestSettlementNearGasCap(t *testing.T) {
	w, bulk := newOsakaWorld(t)
	const perTx, txs = 50, 20
	first := w.bulkBatch(bulk, "fill", perTx, txs)
	n := len(first.Transactions)
	r := w.settle(first)
	t.Logf("batch of %d fresh slots settled for %d gas", len(first.Writes), r.GasUsed)
	require.LessOrEqual(t, r.GasUsed, uint64(1<<24))
	require.Greater(t, r.GasUsed, uint64(1<<24)*3/4, "the batch was closed far below the cap")
	second := w.execute()
	require.Len(t, second.Transactions, txs-n)
	w.settle(second)
	require.Equal(t, word(1), w.l1.Storage(t, bulk, word(txs*perTx-1)))
}

// TestSettlementNearSizeLimit: reading 2,500 slots makes a settlement
// larger than a 128 KiB transaction; the booster closes the batch before.
func TestSettlementNearSizeLimit(t *testing.T) {
	w, bulk := newOsakaWorld(t)
	first := w.bulkBatch(bulk, "scan", 500, 5)
	tx, _ := w.settleTx(first)
	t.Logf("batch of %d slot reads settled in a %d-byte transaction", len(first.Reads.Storage), tx.Size())
	require.LessOrEqual(t, tx.Size(), uint64(128<<10))
	require.Greater(t, tx.Size(), uint64(96<<10), "the batch was closed far below the limit")
	w.settle(w.execute())
}

// TestSettleNamesTheLimit: a settlement over a limit is refused before
// anything is sent, with an error that says which limit.
func TestSettleNamesTheLimit(t *testing.T) {
	for _, c := range []struct {
		name string
		grow func(b *booster.Batch, bulk common.Address)
		want string
	}{
		{"gas cap", func(b *booster.Batch, bulk common.Address) {
			for i := range 1_000 {
				b.Writes = append(b.Writes, statechanges.Write{Contract: bulk, Slot: word(uint64(i)), Value: word(1)})
			}
		}, "gas cap"},
		{"transaction size", func(b *booster.Batch, bulk common.Address) {
			for i := range 2_500 {
				b.Reads.Storage = append(b.Reads.Storage, statechanges.StorageRead{Contract: bulk, Slot: word(uint64(i))})
			}
		}, "size limit"},
	} {
		t.Run(c.name, func(t *testing.T) {
			w, bulk := newOsakaWorld(t)
			batch := w.execute(w.increment())
			c.grow(batch, bulk) // an operator's own batch: the dev prover signs anything
			w.l1.Backend.Commit()
			nonce, err := w.l1.Client.PendingNonceAt(context.Background(), w.l1.From)
			require.NoError(t, err)
			_, err = booster.Settle(context.Background(), w.l1.Client, w.opts(), w.contract, batch, w.prover())
			require.ErrorIs(t, err, booster.ErrSettlementTooLarge)
			require.Contains(t, err.Error(), c.want)
			after, err := w.l1.Client.PendingNonceAt(context.Background(), w.l1.From)
			require.NoError(t, err)
			require.Equal(t, nonce, after, "a transaction was sent")
		})
	}
}

// TestSettleBlockHashWindows: a batch pinned 256 blocks back is estimated
// with BLOCKHASH but included 257 back, through the dearer EIP-2935 call:
// the gas margin lets it land. One pinned 8,191 blocks back would be out
// of reach when included: Settle refuses it before sending.
func TestSettleBlockHashWindows(t *testing.T) {
	for _, c := range []struct {
		age   int
		lands bool
	}{
		{256, true},
		{8191, false},
	} {
		t.Run(fmt.Sprintf("%d blocks back", c.age), func(t *testing.T) {
			if c.age > 256 && testing.Short() {
				t.Skip("mines 8,191 blocks: skipped with -short")
			}
			w := newSettleWorld(t)
			batch := w.execute(w.increment())
			for range c.age {
				w.l1.Backend.Commit()
			}
			head, err := w.l1.Client.HeaderByNumber(context.Background(), nil)
			require.NoError(t, err)
			require.Equal(t, uint64(c.age), head.Number.Uint64()-batch.L1Block.Number.Uint64())
			tx, err := booster.Settle(context.Background(), w.l1.Client, w.opts(), w.contract, batch, w.prover())
			if !c.lands {
				require.ErrorIs(t, err, booster.ErrL1BlockTooOld)
				require.Equal(t, uint64(0), w.lastBatchNumber()-1, "only the setup batch is settled")
				return
			}
			require.NoError(t, err)
			w.l1.Backend.Commit()
			r := w.l1.Receipt(t, tx.Hash())
			require.Equal(t, types.ReceiptStatusSuccessful, r.Status, "sent, and reverted on chain")
			require.Equal(t, batch.Number(), w.lastBatchNumber())
		})
	}
}

// TestBatchBoundToDeployment: two booster contracts share a verifier and an
// L2 chain id; batch 1 and its proof, settled on the first, are refused by
// the second (which is at batch 0, so only the binding can refuse it), by
// Settle and on chain.
func TestBatchBoundToDeployment(t *testing.T) {
	w := newSettleWorld(t)
	first := w.lastBatch // batch 1, settled on w.contract by newSettleWorld
	twin := w.l1.Deploy(t, "Booster", nil, w.verifier, l2ChainID, genesisRoot(t))
	_, err := booster.Settle(context.Background(), w.l1.Client, w.opts(), twin, first, w.prover())
	require.ErrorIs(t, err, booster.ErrWrongContract)
	r := w.l1.Send(t, &twin, nil, bindings.NewBooster().PackSettle(first.Settlement(), w.proof(first)))
	require.Equal(t, types.ReceiptStatusFailed, r.Status, "the twin accepted a batch proven for the first deployment")
	c := bindings.NewBooster()
	lastHash, err := bind.Call(c.Instance(w.l1.Client, twin), nil, c.PackLastBatchHash(), c.UnpackLastBatchHash)
	require.NoError(t, err)
	require.Equal(t, [32]byte{}, lastHash, "the twin moved on")
	// The L1 chain id is bound too: the same batch for another L1 chain
	// has another commitment.
	own, err := first.Commitment()
	require.NoError(t, err)
	other := *first
	other.L1ChainID = new(big.Int).Add(first.L1ChainID, big.NewInt(1))
	moved, err := other.Commitment()
	require.NoError(t, err)
	require.NotEqual(t, own, moved)
}

// TestL1BlockCannotRunBackwards: the booster refuses to re-pin to an older
// block, and the contract refuses a batch pinned before the last settled
// batch's block.
func TestL1BlockCannotRunBackwards(t *testing.T) {
	w := newSettleWorld(t)
	old := w.l1.Source(t)
	w.l1.Backend.Commit()
	w.repin()
	require.ErrorIs(t, w.b.SetL1Source(old), booster.ErrL1BlockRegressed)
	w.settle(w.execute(w.increment()))
	batch := w.execute(w.swap())
	batch.L1Block = types.CopyHeader(old.Header()) // a real, older block: its hash checks out
	w.expectRefused(batch, w.prover(), "L1BlockRegressed", written(batch))
}

// TestSettleRefusesNilInput: nil and empty arguments are errors, not panics.
func TestSettleRefusesNilInput(t *testing.T) {
	w := newSettleWorld(t)
	batch := w.execute(w.increment())
	ctx := context.Background()
	for _, c := range []struct {
		name   string
		batch  *booster.Batch
		prover booster.Prover
		want   error
	}{
		{"nil batch", nil, w.prover(), booster.ErrInvalidBatch},
		{"empty batch", &booster.Batch{}, w.prover(), booster.ErrInvalidBatch},
		{"nil prover", batch, nil, booster.ErrNoProver},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := booster.Settle(ctx, w.l1.Client, w.opts(), w.contract, c.batch, c.prover)
			require.ErrorIs(t, err, c.want)
		})
	}
	_, err := booster.Settle(ctx, nil, w.opts(), w.contract, batch, w.prover())
	require.ErrorIs(t, err, booster.ErrNoBackend)
	_, err = (&booster.Batch{}).Commitment()
	require.ErrorIs(t, err, booster.ErrInvalidBatch)
}

// TestConcurrentSubmitAndExecute submits from many goroutines while
// batches execute: every transaction ends in exactly one batch, in nonce
// order per sender. Run under -race (scripts/test.sh does).
func TestConcurrentSubmitAndExecute(t *testing.T) {
	const senders, perSender = 8, 25
	chain := testenv.NewL1(t)
	accounts := make([]*testenv.L2Account, senders)
	alloc := types.GenesisAlloc{}
	for i := range accounts {
		accounts[i] = testenv.NewL2Account(t, "sender-"+string(rune('a'+i)), l2ChainID)
		alloc[accounts[i].Addr] = types.Account{Balance: testenv.Ether}
	}
	b, err := booster.New(chain.Source(t), booster.WithChainID(l2ChainID), booster.WithGenesis(alloc))
	require.NoError(t, err)
	to := common.HexToAddress("0xfee")
	// Sign first: signing is not what is under test.
	txs := make([][]*types.Transaction, senders)
	for i, a := range accounts {
		for range perSender {
			txs[i] = append(txs[i], a.Tx(t, &to, big.NewInt(1), nil, 21_000))
		}
	}
	var (
		wg        sync.WaitGroup
		submitted = make(chan struct{}) // closed when every sender is done
		done      = make(chan struct{})
		batches   []*booster.Batch
		execErr   error
	)
	errs := make([]error, senders)
	for i := range senders {
		wg.Go(func() {
			for _, tx := range txs[i] {
				if err := b.Submit(tx); err != nil {
					errs[i] = err
					return
				}
				_ = b.Pending()
			}
		})
	}
	go func() {
		defer close(done)
		for {
			select {
			case <-submitted:
				// Drain what is left, then stop.
				for {
					batch, err := b.ExecuteBatch(context.Background())
					if errors.Is(err, booster.ErrEmptyBatch) {
						return
					}
					if err != nil {
						execErr = err
						return
					}
					batches = append(batches, batch)
				}
			default:
			}
			batch, err := b.ExecuteBatch(context.Background())
			switch {
			case errors.Is(err, booster.ErrEmptyBatch):
			case err != nil:
				execErr = err
				return
			default:
				batches = append(batches, batch)
			}
		}
	}()
	wg.Wait()
	close(submitted)
	<-done
	for _, err := range errs {
		require.NoError(t, err)
	}
	require.NoError(t, execErr)
	seen := map[common.Hash]bool{}
	for _, bt := range batches {
		require.Empty(t, bt.Rejected)
		for _, tx := range bt.Transactions {
			require.False(t, seen[tx.Hash()], "a transaction was applied twice")
			seen[tx.Hash()] = true
		}
	}
	require.Len(t, seen, senders*perSender)
	for _, a := range accounts {
		require.Equal(t, uint64(perSender), b.Chain().Nonce(a.Addr))
	}
	require.Equal(t, uint64(senders*perSender), b.Chain().Balance(to).Uint64())
	t.Logf("%d transactions in %d batches", senders*perSender, len(batches))
}

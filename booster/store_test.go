package booster_test

import (
	"context"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethdb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/booster"
	"github.com/boosterkit/go-booster/evm"
	"github.com/boosterkit/go-booster/internal/testenv"
	"github.com/boosterkit/go-booster/solidity/bindings"
)

// persistentWorld is a settleWorld whose booster keeps everything in a
// database directory, and can be stopped and started again over it.
type persistentWorld struct {
	*settleWorld
	dir string
	db  ethdb.Database
}

func newPersistentWorld(t *testing.T) *persistentWorld {
	t.Helper()
	dir := t.TempDir()
	db, err := evm.OpenDatabase(dir)
	require.NoError(t, err)
	w := &persistentWorld{settleWorld: newSettleWorldOn(t, testenv.NewL1(t), booster.WithDatabase(db)), dir: dir, db: db}
	t.Cleanup(func() { w.db.Close() })
	return w
}

// restart drops the booster, closes its database and starts a new booster
// over it, as a process restarting would.
func (w *persistentWorld) restart() {
	w.t.Helper()
	require.NoError(w.t, w.db.Close())
	db, err := evm.OpenDatabase(w.dir)
	require.NoError(w.t, err)
	w.db = db
	b, err := booster.New(w.l1.Source(w.t), booster.WithChainID(l2ChainID), booster.WithL1Contract(w.contract), booster.WithDatabase(db))
	require.NoError(w.t, err)
	w.b = b
}

func TestBoosterSurvivesRestart(t *testing.T) {
	w := newPersistentWorld(t)
	counter := bindings.NewBoostedCounter()

	// Batch 2 executed but not settled, and one transaction queued after it.
	executed := w.execute(w.l1CallTx(w.counter, counter.PackIncrement()))
	queued := w.l1CallTx(w.counter, counter.PackAdd(common.Big2))
	require.NoError(t, w.b.Submit(queued))
	wantCommitment, err := executed.Commitment()
	require.NoError(t, err)

	w.restart()
	assert.Equal(t, executed.L2Block.Hash(), w.b.Chain().Head().Hash())
	assert.Equal(t, w.user.Nonce, w.b.Nonce(w.user.Addr), "the queued transaction counts in the next nonce")
	q := w.b.Queued()
	require.Len(t, q, 1)
	assert.Equal(t, queued.Hash(), q[0].Hash())

	again, err := w.b.Batch(executed.Number())
	require.NoError(t, err)
	got, err := again.Commitment()
	require.NoError(t, err)
	assert.Equal(t, wantCommitment, got, "the batch read back has the commitment it was executed with")
	stored, err := w.b.BatchCommitment(executed.Number())
	require.NoError(t, err)
	assert.Equal(t, wantCommitment, stored, "the record's commitment")
	_, err = w.b.BatchCommitment(executed.Number() + 1)
	assert.ErrorIs(t, err, booster.ErrNoBatch)
	assert.Equal(t, executed.Settlement(), again.Settlement())
	require.Len(t, again.Receipts, 1)
	assert.Equal(t, executed.Receipts[0].TxHash, again.Receipts[0].TxHash)

	// The batch read back settles, and the next one continues it.
	w.settle(again)
	next, err := w.b.ExecuteBatch(context.Background())
	require.NoError(t, err)
	assert.Equal(t, wantCommitment, next.Parent)
	require.Len(t, next.Transactions, 1)
	assert.Equal(t, queued.Hash(), next.Transactions[0].Hash())
	w.settle(next)
	assert.Equal(t, word(3), w.l1.Storage(t, w.counter, common.Hash{}), "both increments settled")

	_, err = w.b.Batch(next.Number() + 1)
	assert.ErrorIs(t, err, booster.ErrNoBatch)
}

func TestBoosterRollbackSurvivesRestart(t *testing.T) {
	w := newPersistentWorld(t)
	counter := bindings.NewBoostedCounter()
	first := w.l1CallTx(w.counter, counter.PackIncrement())
	batch := w.execute(first)
	later := w.l1CallTx(w.counter, counter.PackIncrement())
	require.NoError(t, w.b.Submit(later))
	require.NoError(t, w.b.Rollback(batch))

	w.restart()
	q := w.b.Queued()
	require.Len(t, q, 2, "the rolled back transaction is queued again, before the later one")
	assert.Equal(t, []common.Hash{first.Hash(), later.Hash()}, []common.Hash{q[0].Hash(), q[1].Hash()})
	_, err := w.b.Batch(batch.Number())
	assert.ErrorIs(t, err, booster.ErrNoBatch)
	_, _, sealed := w.b.Chain().Transaction(first.Hash())
	assert.False(t, sealed)

	again, err := w.b.ExecuteBatch(context.Background())
	require.NoError(t, err)
	assert.Equal(t, batch.Number(), again.Number())
	assert.Equal(t, batch.Parent, again.Parent)
	require.Len(t, again.Transactions, 2)
	w.settle(again)
	assert.Equal(t, word(2), w.l1.Storage(t, w.counter, common.Hash{}))
}

func TestBoosterRefusesAnotherChainsDatabase(t *testing.T) {
	w := newPersistentWorld(t)
	require.NoError(t, w.db.Close())
	db, err := evm.OpenDatabase(w.dir)
	require.NoError(t, err)
	w.db = db
	_, err = booster.New(w.l1.Source(t), booster.WithChainID(common.Big3), booster.WithDatabase(db))
	require.ErrorIs(t, err, evm.ErrConfig)
}

func TestSubmitWritesTheQueue(t *testing.T) {
	w := newPersistentWorld(t)
	tx := w.l1CallTx(w.counter, bindings.NewBoostedCounter().PackIncrement())
	require.NoError(t, w.b.Submit(tx))
	// The queue entry is in the database when Submit returns (the node's
	// crash tests kill the process right after an accept).
	found := false
	it := w.db.NewIterator([]byte("go-booster/booster/queue/"), nil)
	for it.Next() {
		var stored types.Transaction
		require.NoError(t, stored.UnmarshalBinary(it.Value()))
		found = found || stored.Hash() == tx.Hash()
	}
	it.Release()
	assert.True(t, found, "the accepted transaction is in the database")
}

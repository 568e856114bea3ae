package booster

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethdb"
	"github.com/ethereum/go-ethereum/rlp"

	"github.com/boosterkit/go-booster/evm"
	"github.com/boosterkit/go-booster/evm/l1"
	"github.com/boosterkit/go-booster/statechanges"
	"github.com/boosterkit/go-booster/verifier/statetree"
)

// What a Booster keeps beside the L2 chain, in the chain's database
// (evm.Chain.Database), under its own prefixes:
//
//	queue:   queuePrefix ‖ uint64 position → the transaction's binary encoding
//	batches: batchPrefix ‖ uint64 number   → batchRecord (JSON)
//	refused: refusedKey                   → the refused L1 contracts (JSON)
//
// A batch's record is written in the same atomic write as its L2 block and
// the removal of its transactions from the queue, and deleted in the one
// that rewinds the block and puts them back, so after a crash the
// database holds either the batch or the queue it came from, never both
// or neither. With WithDatabase the queue is written (and synced) by
// Submit before it returns.
var (
	queuePrefix = []byte("go-booster/booster/queue/")
	batchPrefix = []byte("go-booster/booster/batch/")
	refusedKey  = []byte("go-booster/booster/refused")
)

// ErrStore means the booster's records in its database are missing or
// damaged, or could not be written.
var ErrStore = errors.New("booster: database")

// frontPosition is the queue position of the first transaction submitted
// to a new booster; rolled back transactions go before it.
const frontPosition = 1 << 62

func queueKey(pos uint64) []byte {
	return binary.BigEndian.AppendUint64(common.CopyBytes(queuePrefix), pos)
}

func batchKey(number uint64) []byte {
	return binary.BigEndian.AppendUint64(common.CopyBytes(batchPrefix), number)
}

// batchRecord is what a batch holds beside its L2 block.
type batchRecord struct {
	L1ChainID  *hexutil.Big     `json:"l1ChainId"`
	Contract   common.Address   `json:"contract"`
	Parent     common.Hash      `json:"parent"`
	Commitment common.Hash      `json:"commitment"`
	L1Block    hexutil.Bytes    `json:"l1Block"` // RLP of the header
	Writes     hexutil.Bytes    `json:"writes"`
	Reads      hexutil.Bytes    `json:"reads"`
	Rejected   []rejectedRecord `json:"rejected,omitempty"`
	// L2Storage and L2StateRoot are the batch's (Batch.L2Storage,
	// Batch.L2StateRoot); reopen replays L2Storage to rebuild the L2
	// state tree.
	L2Storage         []evm.StorageChange `json:"l2Storage,omitempty"`
	L2Code            []CodeChange        `json:"l2Code,omitempty"`
	L2Nonces          []evm.NonceChange   `json:"l2Nonces,omitempty"`
	L2StateRoot       common.Hash         `json:"l2StateRoot"`
	ParentL2StateRoot common.Hash         `json:"parentL2StateRoot"`
}

type rejectedRecord struct {
	Tx  hexutil.Bytes `json:"tx"`
	Err string        `json:"err"`
}

// storedError is a rejection reason read back from the database.
type storedError struct{ msg string }

func (e *storedError) Error() string { return e.msg }

func encodeBatch(b *Batch, commitment common.Hash) ([]byte, error) {
	l1Block, err := rlp.EncodeToBytes(b.L1Block)
	if err != nil {
		return nil, err
	}
	writes, err := b.Writes.MarshalBinary()
	if err != nil {
		return nil, err
	}
	reads := b.Reads
	if reads == nil {
		reads = &statechanges.ReadSet{}
	}
	readsEnc, err := reads.MarshalBinary()
	if err != nil {
		return nil, err
	}
	rec := batchRecord{
		L1ChainID: (*hexutil.Big)(b.L1ChainID), Contract: b.Contract, Parent: b.Parent, Commitment: commitment,
		L1Block: l1Block, Writes: writes, Reads: readsEnc, L2Storage: b.L2Storage, L2Code: b.L2Code, L2Nonces: b.L2Nonces, L2StateRoot: b.L2StateRoot, ParentL2StateRoot: b.ParentL2StateRoot,
	}
	for _, r := range b.Rejected {
		tx, err := r.Tx.MarshalBinary()
		if err != nil {
			return nil, err
		}
		rec.Rejected = append(rec.Rejected, rejectedRecord{Tx: tx, Err: r.Err.Error()})
	}
	return json.Marshal(rec)
}

func decodeBatch(data []byte) (*Batch, common.Hash, error) {
	var rec batchRecord
	if err := json.Unmarshal(data, &rec); err != nil {
		return nil, common.Hash{}, err
	}
	if rec.L1ChainID == nil {
		return nil, common.Hash{}, errors.New("no L1 chain id")
	}
	var l1Block types.Header
	if err := rlp.DecodeBytes(rec.L1Block, &l1Block); err != nil {
		return nil, common.Hash{}, fmt.Errorf("L1 header: %w", err)
	}
	writes, err := statechanges.DecodeWriteList(rec.Writes)
	if err != nil {
		return nil, common.Hash{}, fmt.Errorf("write list: %w", err)
	}
	reads, err := statechanges.DecodeReadSet(rec.Reads)
	if err != nil {
		return nil, common.Hash{}, fmt.Errorf("read set: %w", err)
	}
	b := &Batch{
		L1ChainID: (*big.Int)(rec.L1ChainID), Contract: rec.Contract, Parent: rec.Parent,
		L1Block: &l1Block, Writes: writes, Reads: reads, L2Storage: rec.L2Storage, L2Code: rec.L2Code, L2Nonces: rec.L2Nonces, L2StateRoot: rec.L2StateRoot, ParentL2StateRoot: rec.ParentL2StateRoot,
	}
	for _, r := range rec.Rejected {
		var tx types.Transaction
		if err := tx.UnmarshalBinary(r.Tx); err != nil {
			return nil, common.Hash{}, fmt.Errorf("rejected transaction: %w", err)
		}
		b.Rejected = append(b.Rejected, RejectedTx{Tx: &tx, Err: &storedError{r.Err}})
	}
	return b, rec.Commitment, nil
}

// putQueued writes queued transactions at consecutive positions from pos.
func putQueued(w ethdb.KeyValueWriter, pos uint64, txs []*types.Transaction) error {
	for i, tx := range txs {
		enc, err := tx.MarshalBinary()
		if err != nil {
			return err
		}
		if err := w.Put(queueKey(pos+uint64(i)), enc); err != nil {
			return err
		}
	}
	return nil
}

// reopen reads what the database holds into a new booster: the queue, the
// parent commitment and the refused contracts.
func (b *Booster) reopen() error {
	db := b.chain.Database()
	head := b.chain.Head().Number.Uint64()
	// Every batch's record, in order: the head's gives the parent
	// commitment, and their L2 storage changes rebuild the L2 state tree.
	for n := uint64(1); n <= head; n++ {
		rec, commitment, err := b.record(n)
		if err != nil {
			return err
		}
		if got := b.l2.RootHash(); got != rec.ParentL2StateRoot {
			return fmt.Errorf("%w: batch %d: starts from L2 state root %s, the batches before it leave %s", ErrStore, n, rec.ParentL2StateRoot, got)
		}
		if b.l2, err = applyChanges(b.l2, rec.L2Storage, rec.L2Code, rec.L2Nonces, false); err != nil {
			return fmt.Errorf("%w: batch %d: %w", ErrStore, n, err)
		}
		if got := b.l2.RootHash(); got != rec.L2StateRoot {
			return fmt.Errorf("%w: batch %d: its L2 storage gives state root %s, its record says %s", ErrStore, n, got, rec.L2StateRoot)
		}
		b.parent = commitment
	}
	it := db.NewIterator(queuePrefix, nil)
	defer it.Release()
	b.front, b.back = frontPosition, frontPosition
	for it.Next() {
		key := it.Key()
		if len(key) != len(queuePrefix)+8 || !bytes.HasPrefix(key, queuePrefix) {
			continue
		}
		pos := binary.BigEndian.Uint64(key[len(queuePrefix):])
		var tx types.Transaction
		if err := tx.UnmarshalBinary(it.Value()); err != nil {
			return fmt.Errorf("%w: queued transaction %d: %w", ErrStore, pos, err)
		}
		if len(b.pending) == 0 {
			b.front = pos
		}
		b.pending = append(b.pending, &tx)
		b.back = pos + 1
	}
	if err := it.Error(); err != nil {
		return fmt.Errorf("%w: queue: %w", ErrStore, err)
	}
	b.resetNonces()
	if enc, err := db.Get(refusedKey); err == nil {
		var refused map[common.Address]l1.Refusal
		if err := json.Unmarshal(enc, &refused); err != nil {
			return fmt.Errorf("%w: refused contracts: %w", ErrStore, err)
		}
		for a, r := range refused {
			b.refused[a] = r
		}
	}
	return nil
}

// Batch returns an executed batch by number, as ExecuteBatch returned it:
// its blocks, transactions, receipts, write list, read set and parent,
// read back from the database (after a restart too). Its L1State is nil.
// It fails with ErrNoBatch for a number no batch has (yet, or any more
// after a rollback).
func (b *Booster) Batch(number uint64) (*Batch, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.batch(number)
}

// record reads batch number's record: the batch as stored (no block,
// transactions or receipts) and its commitment.
func (b *Booster) record(number uint64) (*Batch, common.Hash, error) {
	enc, err := b.chain.Database().Get(batchKey(number))
	if err != nil {
		return nil, common.Hash{}, fmt.Errorf("%w: no record of batch %d: %w", ErrStore, number, err)
	}
	batch, commitment, err := decodeBatch(enc)
	if err != nil {
		return nil, common.Hash{}, fmt.Errorf("%w: batch %d: %w", ErrStore, number, err)
	}
	return batch, commitment, nil
}

// treeBefore is the L2 state tree before batch number: the head's with
// the changes of that batch and of those after it undone, so reading
// back a recent batch costs only the changes since.
func (b *Booster) treeBefore(number uint64) (*statetree.Tree, error) {
	tree := b.l2
	for n := b.chain.Head().Number.Uint64(); n >= number && n > 0; n-- {
		rec, _, err := b.record(n)
		if err != nil {
			return nil, err
		}
		if tree, err = applyChanges(tree, rec.L2Storage, rec.L2Code, rec.L2Nonces, true); err != nil {
			return nil, fmt.Errorf("%w: batch %d: %w", ErrStore, n, err)
		}
	}
	return tree, nil
}

// ErrNoBatch means Batch was asked for a batch that does not exist.
var ErrNoBatch = errors.New("booster: no such batch")

func (b *Booster) batch(number uint64) (*Batch, error) {
	if number == 0 || number > b.chain.Head().Number.Uint64() {
		return nil, fmt.Errorf("%w: %d (the last is %d)", ErrNoBatch, number, b.chain.Head().Number)
	}
	batch, _, err := b.record(number)
	if err != nil {
		return nil, err
	}
	block := b.chain.BlockByNumber(number)
	if block == nil {
		return nil, fmt.Errorf("%w: block %d missing", ErrStore, number)
	}
	receipts, err := b.chain.Receipts(block.Hash())
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrStore, err)
	}
	if batch.l2Before, err = b.treeBefore(number); err != nil {
		return nil, err
	}
	batch.ChainID = new(big.Int).Set(b.chain.Config().ChainID)
	batch.L2Block = block.Header()
	batch.Transactions = block.Transactions()
	batch.Receipts = receipts
	batch.limits = b.limits
	return batch, nil
}

// BatchCommitment returns the commitment of an executed batch (what its
// settlement's batchHash is) from its record alone, without reading its
// block and receipts. It fails with ErrNoBatch for a number no batch has.
func (b *Booster) BatchCommitment(number uint64) (common.Hash, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if number == 0 || number > b.chain.Head().Number.Uint64() {
		return common.Hash{}, fmt.Errorf("%w: %d (the last is %d)", ErrNoBatch, number, b.chain.Head().Number)
	}
	_, commitment, err := b.record(number)
	return commitment, err
}

// Queued returns the transactions waiting for the next batch, in order.
func (b *Booster) Queued() []*types.Transaction {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]*types.Transaction(nil), b.pending...)
}

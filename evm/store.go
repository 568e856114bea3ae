package evm

import (
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/rawdb"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/ethdb"
	"github.com/ethereum/go-ethereum/ethdb/pebble"
	"github.com/ethereum/go-ethereum/rlp"
	"github.com/ethereum/go-ethereum/trie"
)

// The chain keeps its blocks in go-ethereum's own database schema (rawdb:
// headers, bodies, receipts, canonical hashes, transaction lookups, head
// pointers), in memory or in the database Config.Database names. What
// go-ethereum's receipts do not hold (the sender, the failure, the return
// data and the L1 logs) is kept under receiptExtraPrefix.
var receiptExtraPrefix = []byte("go-booster/evm/receipt/")

// receiptExtra is what a stored Receipt adds to go-ethereum's, in RLP.
type receiptExtra struct {
	From       common.Address
	Err        string
	ReturnData []byte
	L1Logs     []storedLog
}

// storedLog is an L1 log with the fields the L1 view gives it (RLP of a
// types.Log keeps only address, topics and data).
type storedLog struct {
	Address     common.Address
	Topics      []common.Hash
	Data        []byte
	BlockNumber uint64
	TxHash      common.Hash
	TxIndex     uint64
	BlockHash   common.Hash
	Time        uint64
	Index       uint64
}

func receiptExtraKey(tx common.Hash) []byte {
	return append(common.CopyBytes(receiptExtraPrefix), tx[:]...)
}

// executionErrors are the errors a failed execution reports, so that a
// receipt read back from the database names the same sentinel error it
// had when it was made.
var executionErrors = []error{
	vm.ErrExecutionReverted, vm.ErrOutOfGas, vm.ErrCodeStoreOutOfGas, vm.ErrDepth,
	vm.ErrInsufficientBalance, vm.ErrContractAddressCollision, vm.ErrMaxCodeSizeExceeded,
	vm.ErrMaxInitCodeSizeExceeded, vm.ErrInvalidJump, vm.ErrWriteProtection,
	vm.ErrReturnDataOutOfBounds, vm.ErrGasUintOverflow, vm.ErrInvalidCode, vm.ErrNonceUintOverflow,
}

// storedError is an execution error read back from the database that is
// none of executionErrors (a stack underflow, an invalid opcode...): it
// keeps the message.
type storedError struct{ msg string }

func (e *storedError) Error() string { return e.msg }

func decodeExecutionError(msg string) error {
	if msg == "" {
		return nil
	}
	for _, e := range executionErrors {
		if e.Error() == msg {
			return e
		}
	}
	return &storedError{msg}
}

// writeBlock stores a sealed block, its receipts and its lookups, and
// makes it the head.
func writeBlock(w ethdb.KeyValueWriter, block *types.Block, receipts []*Receipt) error {
	hash, number := block.Hash(), block.NumberU64()
	rawdb.WriteBlock(w, block)
	plain := make(types.Receipts, len(receipts))
	for i, r := range receipts {
		plain[i] = r.Receipt
		extra := receiptExtra{From: r.From, ReturnData: r.ReturnData}
		if r.Err != nil {
			extra.Err = r.Err.Error()
		}
		for _, l := range r.L1Logs {
			extra.L1Logs = append(extra.L1Logs, storedLog{l.Address, l.Topics, l.Data, l.BlockNumber, l.TxHash, uint64(l.TxIndex), l.BlockHash, l.BlockTimestamp, uint64(l.Index)})
		}
		enc, err := rlp.EncodeToBytes(&extra)
		if err != nil {
			return fmt.Errorf("evm: encode receipt of %s: %w", r.TxHash, err)
		}
		if err := w.Put(receiptExtraKey(r.TxHash), enc); err != nil {
			return fmt.Errorf("evm: store receipt of %s: %w", r.TxHash, err)
		}
	}
	rawdb.WriteReceipts(w, hash, number, plain)
	rawdb.WriteCanonicalHash(w, hash, number)
	rawdb.WriteTxLookupEntriesByBlock(w, block)
	rawdb.WriteHeadHeaderHash(w, hash)
	rawdb.WriteHeadBlockHash(w, hash)
	return nil
}

// sealBlock fills in the header fields that follow from the block's
// transactions and receipts (transactions root, receipts root, bloom) and
// returns the block.
func sealBlock(header *types.Header, txs []*types.Transaction, receipts []*Receipt) *types.Block {
	plain := make([]*types.Receipt, len(receipts))
	for i, r := range receipts {
		plain[i] = r.Receipt
	}
	return types.NewBlock(header, &types.Body{Transactions: txs}, plain, trie.NewStackTrie(nil))
}

// reopen reads the chain the database holds, if any, into c. It reports
// false for an empty database.
func (c *Chain) reopen(genesis *types.Header) (bool, error) {
	stored := rawdb.ReadCanonicalHash(c.disk, 0)
	if stored == (common.Hash{}) {
		return false, nil
	}
	if stored != genesis.Hash() {
		return false, fmt.Errorf("%w: the database holds another chain (genesis %s; this configuration's genesis is %s)", ErrConfig, stored, genesis.Hash())
	}
	if stored := rawdb.ReadChainConfig(c.disk, genesis.Hash()); stored == nil || stored.ChainID == nil || stored.ChainID.Cmp(c.config.ChainID) != 0 {
		id := "none"
		if stored != nil && stored.ChainID != nil {
			id = stored.ChainID.String()
		}
		return false, fmt.Errorf("%w: the database holds another chain (chain id %s; this configuration's is %s)", ErrConfig, id, c.config.ChainID)
	}
	headHash := rawdb.ReadHeadHeaderHash(c.disk)
	headNumber, ok := rawdb.ReadHeaderNumber(c.disk, headHash)
	if !ok {
		return false, fmt.Errorf("%w: the database has no head block", ErrConfig)
	}
	headers := make([]*types.Header, 0, headNumber+1)
	hashes := make(map[uint64]common.Hash, headNumber+1)
	for n := uint64(0); n <= headNumber; n++ {
		hash := rawdb.ReadCanonicalHash(c.disk, n)
		h := rawdb.ReadHeader(c.disk, hash, n)
		if h == nil {
			return false, fmt.Errorf("%w: the database lacks block %d", ErrConfig, n)
		}
		headers = append(headers, h)
		hashes[n] = hash
	}
	head := headers[headNumber]
	if head.Hash() != headHash {
		return false, fmt.Errorf("%w: the head pointer names %s, block %d is %s", ErrConfig, headHash, headNumber, head.Hash())
	}
	st, err := state.New(head.Root, c.db)
	if err != nil {
		return false, fmt.Errorf("%w: the state of block %d is missing: %w", ErrConfig, headNumber, err)
	}
	c.headers, c.hashes, c.head, c.state = headers, hashes, types.CopyHeader(head), st
	return true, nil
}

// persistent reports whether the chain keeps its data in a database the
// user gave: its state must then reach the disk at every commit.
func (c *Chain) persistent() bool { return c.cfg.Database != nil }

// Persistent reports whether the chain keeps its data in a database given
// in Config.Database (on disk), rather than in memory.
func (c *Chain) Persistent() bool { return c.persistent() }

// flush writes the state trie of root to the database and a batch of
// chain data after it, then syncs it to disk if the chain is persistent.
func (c *Chain) flush(root common.Hash, batch ethdb.Batch) error {
	if c.persistent() {
		if err := c.tdb.Commit(root, false); err != nil {
			return fmt.Errorf("evm: write L2 state: %w", err)
		}
	}
	if err := batch.Write(); err != nil {
		return fmt.Errorf("evm: write block: %w", err)
	}
	if c.persistent() {
		if err := c.disk.SyncKeyValue(); err != nil {
			return fmt.Errorf("evm: sync database: %w", err)
		}
	}
	return nil
}

// Database returns the database the chain keeps its blocks and state in
// (in memory unless Config.Database named one). Writers of other records
// (the booster's queue and batches) share it under their own key prefixes.
func (c *Chain) Database() ethdb.Database { return c.disk }

// Sync flushes the chain's database to disk (a no-op in memory).
func (c *Chain) Sync() error {
	if !c.persistent() {
		return nil
	}
	return c.disk.SyncKeyValue()
}

// BlockByNumber returns a sealed block of the chain (nil if there is
// none).
func (c *Chain) BlockByNumber(number uint64) *types.Block {
	if number > c.head.Number.Uint64() {
		return nil
	}
	hash := rawdb.ReadCanonicalHash(c.disk, number)
	if hash == (common.Hash{}) {
		return nil
	}
	return rawdb.ReadBlock(c.disk, hash, number)
}

// BlockByHash returns a sealed block of the chain by hash (nil if it is
// not one of the chain's blocks, or was rewound).
func (c *Chain) BlockByHash(hash common.Hash) *types.Block {
	number, ok := rawdb.ReadHeaderNumber(c.disk, hash)
	if !ok || number > c.head.Number.Uint64() || rawdb.ReadCanonicalHash(c.disk, number) != hash {
		return nil
	}
	return rawdb.ReadBlock(c.disk, hash, number)
}

// Receipts returns the receipts of a sealed block, with every derived
// field (transaction hash, block, index, gas used, contract address, log
// positions) filled in; nil if the block is not the chain's.
func (c *Chain) Receipts(blockHash common.Hash) ([]*Receipt, error) {
	plain, err := c.plainReceipts(blockHash)
	if plain == nil || err != nil {
		return nil, err
	}
	out := make([]*Receipt, len(plain))
	for i, r := range plain {
		if out[i], err = c.withExtra(r); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// plainReceipts reads a block's go-ethereum receipts with their derived
// fields (nil for a block that is not the chain's).
func (c *Chain) plainReceipts(blockHash common.Hash) (types.Receipts, error) {
	block := c.BlockByHash(blockHash)
	if block == nil {
		return nil, nil
	}
	plain := rawdb.ReadReceipts(c.disk, blockHash, block.NumberU64(), block.Time(), c.config)
	if len(plain) != len(block.Transactions()) {
		return nil, fmt.Errorf("evm: block %d has %d transactions and %d receipts", block.NumberU64(), len(block.Transactions()), len(plain))
	}
	return plain, nil
}

// withExtra joins a go-ethereum receipt and what the chain stored beside
// it.
func (c *Chain) withExtra(r *types.Receipt) (*Receipt, error) {
	enc, err := c.disk.Get(receiptExtraKey(r.TxHash))
	if err != nil {
		return nil, fmt.Errorf("evm: receipt of %s: %w", r.TxHash, err)
	}
	var extra receiptExtra
	if err := rlp.DecodeBytes(enc, &extra); err != nil {
		return nil, fmt.Errorf("evm: decode receipt of %s: %w", r.TxHash, err)
	}
	var l1Logs []*types.Log
	for _, l := range extra.L1Logs {
		l1Logs = append(l1Logs, &types.Log{Address: l.Address, Topics: l.Topics, Data: l.Data, BlockNumber: l.BlockNumber, TxHash: l.TxHash,
			TxIndex: uint(l.TxIndex), BlockHash: l.BlockHash, BlockTimestamp: l.Time, Index: uint(l.Index)})
	}
	return &Receipt{Receipt: r, From: extra.From, Err: decodeExecutionError(extra.Err), ReturnData: extra.ReturnData, L1Logs: l1Logs}, nil
}

// TxLocation says where a sealed transaction is.
type TxLocation struct {
	BlockHash   common.Hash
	BlockNumber uint64
	Index       uint64
}

// Transaction returns a transaction of a sealed block and where it is; ok
// is false if no sealed block holds it (it may still be queued).
func (c *Chain) Transaction(hash common.Hash) (tx *types.Transaction, at TxLocation, ok bool) {
	tx, blockHash, number, index := rawdb.ReadCanonicalTransaction(c.disk, hash)
	if tx == nil || number > c.head.Number.Uint64() {
		return nil, TxLocation{}, false
	}
	return tx, TxLocation{BlockHash: blockHash, BlockNumber: number, Index: index}, true
}

// Receipt returns the receipt of a sealed transaction (nil if no sealed
// block holds it).
func (c *Chain) Receipt(hash common.Hash) (*Receipt, error) {
	_, at, ok := c.Transaction(hash)
	if !ok {
		return nil, nil
	}
	// The derived fields need the block's receipts; the stored extras
	// only this one's.
	plain, err := c.plainReceipts(at.BlockHash)
	if err != nil {
		return nil, err
	}
	if at.Index >= uint64(len(plain)) {
		return nil, fmt.Errorf("evm: block %d has no receipt %d", at.BlockNumber, at.Index)
	}
	return c.withExtra(plain[at.Index])
}

// ErrNoState means the state of a block is not available.
var ErrNoState = errors.New("evm: state not available")

// StateAt returns the L2 state as block number left it, for reading: a
// copy that nothing else changes, and whose changes go nowhere.
func (c *Chain) StateAt(number uint64) (*state.StateDB, error) {
	if number > c.head.Number.Uint64() {
		return nil, fmt.Errorf("%w: block %d is after the head %d", ErrNoState, number, c.head.Number)
	}
	st, err := state.New(c.headers[number].Root, c.db)
	if err != nil {
		return nil, fmt.Errorf("%w: block %d: %w", ErrNoState, number, err)
	}
	return st, nil
}

// HeaderByNumber returns the header of a sealed block (nil if there is
// none).
func (c *Chain) HeaderByNumber(number uint64) *types.Header {
	if number >= uint64(len(c.headers)) {
		return nil
	}
	return types.CopyHeader(c.headers[number])
}

// OpenDatabase opens (or creates) a chain database in a directory:
// go-ethereum's rawdb schema over Pebble, for Config.Database. One process
// at a time may hold it; close it after the chain's last use.
func OpenDatabase(dir string) (ethdb.Database, error) {
	kv, err := pebble.New(dir, 64, 64, "go-booster/", false)
	if err != nil {
		return nil, fmt.Errorf("evm: open database %s: %w", dir, err)
	}
	return rawdb.NewDatabase(kv), nil
}

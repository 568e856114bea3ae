package booster

import (
	"context"
	"errors"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/boosterkit/go-booster/evm"
	"github.com/boosterkit/go-booster/evm/l1"
	"github.com/boosterkit/go-booster/statechanges"
)

// DefaultChainID is the L2 chain id used when no WithChainID option is given.
var DefaultChainID = big.NewInt(167_001)

// Errors returned by a Booster.
var (
	// ErrNoSource means New was given a nil L1 source.
	ErrNoSource = errors.New("booster: nil L1 source")
	// ErrRejected means Submit refused a transaction; it wraps the reason.
	ErrRejected = errors.New("booster: transaction rejected")
	// ErrNotLastBatch means Rollback was given a batch other than the last
	// one executed.
	ErrNotLastBatch = errors.New("booster: not the last executed batch")
)

// Option configures a Booster.
type Option func(*evm.Config)

// WithChainID sets the L2 chain id (default DefaultChainID).
func WithChainID(id *big.Int) Option {
	return func(c *evm.Config) { c.ChainID = new(big.Int).Set(id) }
}

// WithGenesis sets the initial L2 state: funded accounts, predeployed code.
func WithGenesis(alloc types.GenesisAlloc) Option {
	return func(c *evm.Config) { c.Genesis = alloc }
}

// WithBaseFee sets the L2 base fee per gas (default zero: no fees).
func WithBaseFee(fee *big.Int) Option {
	return func(c *evm.Config) { c.BaseFee = new(big.Int).Set(fee) }
}

// WithGasLimit sets the gas limit of one batch (default evm.DefaultGasLimit).
func WithGasLimit(limit uint64) Option {
	return func(c *evm.Config) { c.GasLimit = limit }
}

// WithCoinbase sets the L2 fee recipient.
func WithCoinbase(addr common.Address) Option {
	return func(c *evm.Config) { c.Coinbase = addr }
}

// WithTracer installs go-ethereum tracing hooks on every L2 transaction.
func WithTracer(hooks *tracing.Hooks) Option {
	return func(c *evm.Config) { c.Tracer = hooks }
}

// Booster runs L2 transactions against a pinned L1 block in batches. It is
// not safe for concurrent use.
type Booster struct {
	chain   *evm.Chain
	source  l1.Source
	pending []*types.Transaction
	nonces  map[common.Address]uint64 // next nonce per sender, pending included
	parent  common.Hash               // commitment of the last executed batch
}

// New returns a booster over an L1 source, with an empty L2 unless
// WithGenesis says otherwise.
func New(source l1.Source, opts ...Option) (*Booster, error) {
	if source == nil {
		return nil, ErrNoSource
	}
	cfg := evm.Config{ChainID: DefaultChainID}
	for _, o := range opts {
		o(&cfg)
	}
	chain, err := evm.NewChain(cfg)
	if err != nil {
		return nil, fmt.Errorf("booster: %w", err)
	}
	return &Booster{chain: chain, source: source, nonces: make(map[common.Address]uint64)}, nil
}

// Chain returns the L2 chain, to read L2 state between batches.
func (b *Booster) Chain() *evm.Chain { return b.chain }

// L1Source returns the source the next batch will be pinned to.
func (b *Booster) L1Source() l1.Source { return b.source }

// SetL1Source pins the next batches to another L1 block, typically the one
// after the last settlement.
func (b *Booster) SetL1Source(source l1.Source) error {
	if source == nil {
		return ErrNoSource
	}
	b.source = source
	return nil
}

// Pending returns the number of transactions waiting for the next batch.
func (b *Booster) Pending() int { return len(b.pending) }

// Submit queues a signed L2 transaction for the next batch. It refuses, with
// an error wrapping ErrRejected and go-ethereum's own reason, a transaction
// signed for another chain (types.ErrInvalidChainId), badly signed
// (types.ErrInvalidSig), replaying a nonce already used or queued
// (core.ErrNonceTooLow), or leaving a nonce gap (core.ErrNonceTooHigh).
// A refused transaction changes nothing.
func (b *Booster) Submit(tx *types.Transaction) error {
	if tx == nil {
		return fmt.Errorf("%w: nil transaction", ErrRejected)
	}
	from, err := b.chain.Sender(tx)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrRejected, err)
	}
	next, ok := b.nonces[from]
	if !ok {
		next = b.chain.Nonce(from)
	}
	switch {
	case tx.Nonce() < next:
		return fmt.Errorf("%w: %w: %s has nonce %d, next is %d", ErrRejected, core.ErrNonceTooLow, from, tx.Nonce(), next)
	case tx.Nonce() > next:
		return fmt.Errorf("%w: %w: %s has nonce %d, next is %d", ErrRejected, core.ErrNonceTooHigh, from, tx.Nonce(), next)
	}
	b.nonces[from] = next + 1
	b.pending = append(b.pending, tx)
	return nil
}

// RejectedTx is a queued transaction the batch could not apply (it ran out
// of funds for gas, say); it is dropped and the L2 state is as if it had
// never been sent.
type RejectedTx struct {
	Tx  *types.Transaction
	Err error
}

// Batch is the outcome of one executed batch.
type Batch struct {
	// ChainID is the L2 chain id.
	ChainID *big.Int
	// Parent is the commitment of the batch before this one (zero for the
	// first batch), which the L1 booster contract checks it continues.
	Parent common.Hash
	// L1Block is the header of the pinned L1 block.
	L1Block *types.Header
	// L2Block is the sealed L2 block; its number is the batch number.
	L2Block *types.Header
	// Transactions are the applied transactions, Receipts their receipts.
	Transactions []*types.Transaction
	Receipts     []*evm.Receipt
	// Rejected are the queued transactions that could not be applied.
	Rejected []RejectedTx
	// Writes is the L1 write list, Reads the L1 read set.
	Writes statechanges.WriteList
	Reads  *statechanges.ReadSet
}

// Number returns the batch number (the L2 block number).
func (b *Batch) Number() uint64 { return b.L2Block.Number.Uint64() }

// Updates returns, per written L1 contract in first-write order, the
// changes to apply; ContractUpdate.Calldata is the applyStateUpdates call.
func (b *Batch) Updates() []statechanges.ContractUpdate { return b.Writes.ByContract() }

// ExecuteBatch runs every queued transaction against the pinned L1 block and
// seals an L2 block. If the L1 source fails, nothing is applied, the queue
// is kept, and the error wraps l1.ErrSource.
func (b *Booster) ExecuteBatch(ctx context.Context) (*Batch, error) {
	view, err := l1.NewView(ctx, b.source)
	if err != nil {
		return nil, fmt.Errorf("booster: %w", err)
	}
	block, err := b.chain.NewBlock(view)
	if err != nil {
		return nil, fmt.Errorf("booster: %w", err)
	}
	batch := &Batch{
		ChainID: new(big.Int).Set(b.chain.Config().ChainID),
		Parent:  b.parent,
		L1Block: types.CopyHeader(view.Header()),
	}
	for _, tx := range b.pending {
		receipt, err := block.Apply(ctx, tx)
		if err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil || view.Err() != nil {
				block.Discard()
				return nil, fmt.Errorf("booster: batch abandoned: %w", err)
			}
			batch.Rejected = append(batch.Rejected, RejectedTx{Tx: tx, Err: err})
			continue
		}
		batch.Transactions = append(batch.Transactions, tx)
		batch.Receipts = append(batch.Receipts, receipt)
	}
	batch.Writes, batch.Reads = view.Result()
	if err := view.Err(); err != nil {
		block.Discard()
		return nil, fmt.Errorf("booster: batch abandoned: %w", err)
	}
	if batch.L2Block, err = block.Commit(); err != nil {
		return nil, fmt.Errorf("booster: %w", err)
	}
	if b.parent, err = batch.Commitment(); err != nil {
		return nil, err
	}
	b.pending = nil
	clear(b.nonces)
	return batch, nil
}

// Rollback undoes the last executed batch, typically one whose settlement
// L1 refused (a read went stale because an L1 transaction changed a slot
// it read): the L2 state goes back to what it was before the batch, the
// batch's applied transactions go back to the front of the queue in their
// order, and the next batch continues from the batch before it. Re-pin
// with SetL1Source and execute again: nothing is lost. Batches can be
// rolled back one at a time, last first. It fails with ErrNotLastBatch,
// changing nothing, if batch is not the last executed batch; rolling back
// a batch that L1 already settled desynchronises the L2 from L1.
func (b *Booster) Rollback(batch *Batch) error {
	head := b.chain.Head()
	if batch == nil || batch.L2Block == nil || batch.L2Block.Hash() != head.Hash() {
		return ErrNotLastBatch
	}
	if err := b.chain.Rewind(head.Number.Uint64() - 1); err != nil {
		return fmt.Errorf("booster: %w", err)
	}
	b.parent = batch.Parent
	b.pending = append(append([]*types.Transaction(nil), batch.Transactions...), b.pending...)
	clear(b.nonces)
	for _, tx := range b.pending {
		from, err := b.chain.Sender(tx)
		if err != nil { // cannot happen: every queued transaction was checked
			return fmt.Errorf("booster: %w", err)
		}
		b.nonces[from] = tx.Nonce() + 1
	}
	return nil
}

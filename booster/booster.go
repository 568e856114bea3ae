package booster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/big"
	"slices"
	"sync"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/txpool"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethdb"
	"github.com/ethereum/go-ethereum/params"
	"github.com/holiman/uint256"

	"github.com/boosterkit/go-booster/evm"
	"github.com/boosterkit/go-booster/evm/l1"
	"github.com/boosterkit/go-booster/statechanges"
	"github.com/boosterkit/go-booster/verifier/batch"
	"github.com/boosterkit/go-booster/verifier/statetree"
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
	// ErrEmptyBatch means ExecuteBatch found no transaction to execute;
	// nothing was sealed.
	ErrEmptyBatch = errors.New("booster: no transactions queued")
	// ErrL1BlockRegressed means SetL1Source was given a block older than
	// the one batches are pinned to now.
	ErrL1BlockRegressed = errors.New("booster: L1 block older than the current pin")
	// ErrUnprotectedTx means a legacy transaction without a chain id
	// (pre-EIP-155), which could be replayed from any chain.
	ErrUnprotectedTx = errors.New("booster: transaction not replay-protected (no chain id)")
	// ErrSetCodeTx means an EIP-7702 set-code transaction, which the L2
	// does not take.
	ErrSetCodeTx = errors.New("booster: set-code (EIP-7702) transactions are not supported")
	// ErrTxGasLimit means a transaction asks for more gas than an L2
	// block holds, or than the protocol lets one transaction use
	// (EIP-7825), so no batch could ever include it.
	ErrTxGasLimit = errors.New("booster: transaction gas limit above the block gas limit")
	// ErrSettlementLimit means a transaction alone would make its batch's
	// settlement exceed an L1 limit (SettlementLimits); it is dropped.
	ErrSettlementLimit = errors.New("booster: settlement would exceed an L1 limit")
	// ErrUnprovable means the batch check (WithBatchCheck, which
	// NewProver's options install) found that the prover cannot prove a
	// transaction, or the transaction alone makes a batch too large to
	// prove; it is dropped, and wraps the check's error.
	ErrUnprovable = errors.New("booster: the prover cannot prove the transaction")
)

// config is what the options set.
type config struct {
	evm      evm.Config
	contract common.Address
	limits   SettlementLimits
	check    BatchCheck
}

// Option configures a Booster.
type Option func(*config)

// WithChainID sets the L2 chain id (default DefaultChainID).
func WithChainID(id *big.Int) Option {
	return func(c *config) { c.evm.ChainID = new(big.Int).Set(id) }
}

// WithGenesis sets the initial L2 state: funded accounts, predeployed code.
// Several WithGenesis options add up (boostertest.Funded beside one that
// predeploys code, say); where two give the same account, the later wins.
func WithGenesis(alloc types.GenesisAlloc) Option {
	given := maps.Clone(alloc)
	return func(c *config) {
		if c.evm.Genesis == nil {
			c.evm.Genesis = types.GenesisAlloc{}
		}
		maps.Copy(c.evm.Genesis, given)
	}
}

// WithBaseFee sets the L2 base fee per gas (default zero: no fees).
func WithBaseFee(fee *big.Int) Option {
	return func(c *config) { c.evm.BaseFee = new(big.Int).Set(fee) }
}

// WithGasLimit sets the gas limit of one batch (default evm.DefaultGasLimit).
func WithGasLimit(limit uint64) Option {
	return func(c *config) { c.evm.GasLimit = limit }
}

// WithCoinbase sets the L2 fee recipient.
func WithCoinbase(addr common.Address) Option {
	return func(c *config) { c.evm.Coinbase = addr }
}

// WithTracer installs go-ethereum tracing hooks on every L2 transaction.
func WithTracer(hooks *tracing.Hooks) Option {
	return func(c *config) { c.evm.Tracer = hooks }
}

// WithL1Tracer installs go-ethereum tracing hooks on the L1 executions
// that L1CALL and L1SANDBOXCALL run (evm.Config.L1Tracer); with
// WithTracer they give verifier/trace.TxRecorder every frame of a transaction.
func WithL1Tracer(hooks *tracing.Hooks) Option {
	return func(c *config) { c.evm.L1Tracer = hooks }
}

// WithL1Contract names the L1 booster contract that settles the batches.
// Batch commitments bind it (with the L1 chain id), so a batch settles on
// that deployment only. It also makes execution refuse, transaction by
// transaction, what that contract could not settle: an L1CALL or
// L1SANDBOXCALL that reads storage of an L1 contract without a working
// extsload, or an L1CALL that writes one whose applyStateUpdates fails
// when the booster contract calls it, reverts with
// L1CallUnsettleable(contract, selector) and leaves no trace in the
// batch, so one such transaction gets a failed receipt and cannot make
// the whole batch unsettleable. Without it, batches cannot be settled.
func WithL1Contract(addr common.Address) Option {
	return func(c *config) { c.contract = addr }
}

// WithDatabase keeps the booster's L2 chain (blocks, receipts, state), its
// queue of accepted transactions and its executed batches in db
// (evm.OpenDatabase opens one in a directory), so that a process that
// stops at any moment loses nothing: a transaction Submit accepted is on
// disk before Submit returns, and a batch's block, its record and the
// removal of its transactions from the queue are one atomic write. New
// reopens what db holds; it must have been made with the same chain id
// and genesis. Without it everything lives in memory. The booster does
// not close db.
func WithDatabase(db ethdb.Database) Option {
	return func(c *config) { c.evm.Database = db }
}

// BatchCheck checks a batch ExecuteBatch is about to seal: the batch is
// complete (transactions, receipts, L1 lists, L2 state roots, its L2
// block's number, time, coinbase, gas limit and base fee) but not
// sealed, so its L2 block has no hash yet. It returns nil if the batch
// can be settled; an error wrapping a *batch.TransactionError where one
// transaction is the cause, which ExecuteBatch then leaves out; an error
// wrapping ErrNoExecution or ErrInvalidBatch where the check cannot
// judge the batch at all (a prover whose hooks the booster does not
// run), which abandons it; and any other error where the batch as a
// whole cannot be settled (too large, or refused for a reason no one
// transaction is named for), which ExecuteBatch then closes earlier,
// dropping a transaction that is refused alone.
type BatchCheck func(ctx context.Context, b *Batch) error

// WithBatchCheck makes ExecuteBatch check each batch with check before
// it seals it (NewProver's options install the prover's own check, so
// that a batch is never sealed that the prover cannot prove).
func WithBatchCheck(check BatchCheck) Option {
	return func(c *config) { c.check = check }
}

// WithSettlementLimits sets the L1 limits a batch's settlement must fit
// (default DefaultSettlementLimits); a zero field means no limit.
func WithSettlementLimits(l SettlementLimits) Option {
	return func(c *config) { c.limits = l }
}

// Booster runs L2 transactions against a pinned L1 block in batches. It is
// safe for concurrent use: Submit may be called from many goroutines, also
// while ExecuteBatch runs (it waits for the batch to finish), and every
// method takes one lock. The *evm.Chain returned by Chain is not guarded by
// it: read L2 state there only while no batch executes.
type Booster struct {
	mu       sync.Mutex
	chain    *evm.Chain
	source   l1.Source
	pending  []*types.Transaction
	nonces   map[common.Address]uint64 // next nonce per sender, pending included
	parent   common.Hash               // commitment of the last executed batch
	contract common.Address
	limits   SettlementLimits
	check    BatchCheck
	// refused are L1 contracts a settlement failed on (RollbackRefused):
	// execution refuses to read or write them from then on.
	refused map[common.Address]l1.Refusal
	// l2 is the L2 state tree at the head (see l2state.go).
	l2 *statetree.Tree
	// front and back are the queue positions (in the database) of the
	// first pending transaction and of the next one to be submitted.
	front, back uint64
}

// New returns a booster over an L1 source, with an empty L2 unless
// WithGenesis says otherwise.
func New(source l1.Source, opts ...Option) (*Booster, error) {
	if source == nil {
		return nil, ErrNoSource
	}
	cfg := config{evm: evm.Config{ChainID: DefaultChainID}, limits: DefaultSettlementLimits}
	for _, o := range opts {
		o(&cfg)
	}
	chain, err := evm.NewChain(cfg.evm)
	if err != nil {
		return nil, fmt.Errorf("booster: %w", err)
	}
	b := &Booster{
		chain:    chain,
		source:   source,
		nonces:   make(map[common.Address]uint64),
		contract: cfg.contract,
		limits:   cfg.limits,
		check:    cfg.check,
		refused:  make(map[common.Address]l1.Refusal),
	}
	if b.l2, err = genesisTree(cfg.evm.Genesis); err != nil {
		return nil, err
	}
	if err := b.reopen(); err != nil {
		return nil, err
	}
	return b, nil
}

// Chain returns the L2 chain, to read L2 state between batches. It is not
// safe to use while a batch executes.
func (b *Booster) Chain() *evm.Chain { return b.chain }

// L1Source returns the source the next batch will be pinned to.
func (b *Booster) L1Source() l1.Source {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.source
}

// SetL1Source pins the next batches to another L1 block, typically the one
// after the last settlement. It refuses, with ErrL1BlockRegressed, a block
// older than the current pin: L1 code would see block.number and
// block.timestamp run backwards, and the booster contract refuses such a
// batch anyway.
func (b *Booster) SetL1Source(source l1.Source) error {
	if source == nil {
		return ErrNoSource
	}
	next := source.Header()
	if next == nil || next.Number == nil {
		return fmt.Errorf("booster: %w", l1.ErrNoHeader)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if cur := b.source.Header(); cur != nil && next.Number.Cmp(cur.Number) < 0 {
		return fmt.Errorf("%w: block %d, pinned to %d", ErrL1BlockRegressed, next.Number, cur.Number)
	}
	b.source = source
	return nil
}

// Pending returns the number of transactions waiting for the next batch.
func (b *Booster) Pending() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.pending)
}

// Submit queues a signed L2 transaction for the next batch. It refuses,
// with an error wrapping ErrRejected and the reason, a transaction
// signed for another chain (types.ErrInvalidChainId), badly signed
// (types.ErrInvalidSig), without replay protection (ErrUnprotectedTx), a
// blob transaction (evm.ErrBlobTx), a set-code transaction (ErrSetCodeTx),
// one whose gas limit exceeds the L2 block's or the protocol's cap of
// 16,777,216 (EIP-7825) (ErrTxGasLimit) or is below
// its intrinsic gas (core.ErrIntrinsicGas), one whose fee cap is below the
// L2 base fee (core.ErrFeeCapTooLow), one replaying a nonce already used or
// queued (core.ErrNonceTooLow), or leaving a nonce gap
// (core.ErrNonceTooHigh); the same transaction sent again while it is
// queued is refused with txpool.ErrAlreadyKnown. A refused transaction
// changes nothing.
func (b *Booster) Submit(tx *types.Transaction) error {
	if tx == nil {
		return fmt.Errorf("%w: nil transaction", ErrRejected)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	from, err := b.chain.Sender(tx)
	if err == nil {
		err = b.checkTx(tx, from)
	}
	if err != nil {
		return fmt.Errorf("%w: %w", ErrRejected, err)
	}
	next, ok := b.nonces[from]
	if !ok {
		next = b.chain.Nonce(from)
	}
	switch {
	case tx.Nonce() < next && slices.ContainsFunc(b.pending, func(q *types.Transaction) bool { return q.Hash() == tx.Hash() }):
		return fmt.Errorf("%w: %w: %s is queued", ErrRejected, txpool.ErrAlreadyKnown, tx.Hash())
	case tx.Nonce() < next:
		return fmt.Errorf("%w: %w: %s has nonce %d, next is %d", ErrRejected, core.ErrNonceTooLow, from, tx.Nonce(), next)
	case tx.Nonce() > next:
		return fmt.Errorf("%w: %w: %s has nonce %d, next is %d", ErrRejected, core.ErrNonceTooHigh, from, tx.Nonce(), next)
	}
	if err := b.store(tx); err != nil {
		return err
	}
	b.nonces[from] = next + 1
	b.pending = append(b.pending, tx)
	b.back++
	return nil
}

// store writes a transaction at the back of the queue in the database and
// syncs it to disk; in memory the queue is b.pending alone.
func (b *Booster) store(tx *types.Transaction) error {
	if !b.chain.Persistent() {
		return nil
	}
	db := b.chain.Database()
	if err := putQueued(db, b.back, []*types.Transaction{tx}); err != nil {
		return fmt.Errorf("%w: queue %s: %w", ErrStore, tx.Hash(), err)
	}
	if err := b.chain.Sync(); err != nil {
		_ = db.Delete(queueKey(b.back))
		return fmt.Errorf("%w: queue %s: %w", ErrStore, tx.Hash(), err)
	}
	return nil
}

// checkTx refuses what no batch could ever apply, before the queue.
func (b *Booster) checkTx(tx *types.Transaction, from common.Address) error {
	cfg := b.chain.Config()
	head := b.chain.Head()
	switch tx.Type() {
	case types.BlobTxType:
		return evm.ErrBlobTx
	case types.SetCodeTxType:
		return ErrSetCodeTx
	}
	if !tx.Protected() {
		return ErrUnprotectedTx
	}
	if limit := b.txGasLimit(); tx.Gas() > limit {
		return fmt.Errorf("%w: %d > %d", ErrTxGasLimit, tx.Gas(), limit)
	}
	rules := cfg.Rules(new(big.Int).Add(head.Number, common.Big1), true, head.Time+1)
	value, overflow := uint256.FromBig(tx.Value())
	if overflow {
		return fmt.Errorf("%w: value %s", core.ErrInsufficientFunds, tx.Value())
	}
	intrinsic, err := core.IntrinsicGas(tx.Data(), tx.AccessList(), nil, from, tx.To(), value, rules)
	if err != nil {
		return err
	}
	if tx.Gas() < intrinsic {
		return fmt.Errorf("%w: have %d, want %d", core.ErrIntrinsicGas, tx.Gas(), intrinsic)
	}
	if rules.IsPrague {
		floor, err := core.FloorDataGas(rules, from, tx.To(), value, tx.Data(), tx.AccessList())
		if err != nil {
			return err
		}
		if tx.Gas() < floor {
			return fmt.Errorf("%w: have %d, want %d", core.ErrFloorDataGas, tx.Gas(), floor)
		}
	}
	if tx.GasFeeCapIntCmp(head.BaseFee) < 0 {
		return fmt.Errorf("%w: fee cap %s below the L2 base fee %s", core.ErrFeeCapTooLow, tx.GasFeeCap(), head.BaseFee)
	}
	return nil
}

// txGasLimit is the most gas one L2 transaction may ask for: the block's
// gas limit, or the protocol's cap if lower (EIP-7825's 16,777,216 under
// Osaka rules).
func (b *Booster) txGasLimit() uint64 {
	head := b.chain.Head()
	rules := b.chain.Config().Rules(new(big.Int).Add(head.Number, common.Big1), true, head.Time+1)
	limit := head.GasLimit
	switch {
	case rules.IsAmsterdam:
		limit = min(limit, params.MaxTxTotalGas)
	case rules.IsOsaka:
		limit = min(limit, params.MaxTxGas)
	}
	return limit
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
	// L1ChainID is the chain id of the L1 the batch settles on, and
	// Contract the L1 booster contract that settles it (WithL1Contract);
	// the commitment binds both, so no other deployment accepts it.
	L1ChainID *big.Int
	Contract  common.Address
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
	// L2Storage are the L2 storage slots the batch changed, sorted by
	// address and slot, and L2StateRoot the L2 state commitment after
	// it: the root of the Poseidon2 tree (verifier/statetree) of every
	// nonzero L2 slot and L2 code digest, which the batch commitment
	// binds.
	// ParentL2StateRoot is the commitment before it (the parent's
	// L2StateRoot, or GenesisStateRoot's), which the L1 booster contract
	// checks it starts from.
	L2Storage []evm.StorageChange
	// L2Code are the L2 accounts whose code the batch changed (contracts
	// it created), sorted by address, by code digest.
	L2Code []CodeChange
	// L2Nonces are the L2 accounts whose nonce the batch changed (its
	// senders), sorted by address.
	L2Nonces          []evm.NonceChange
	L2StateRoot       common.Hash
	ParentL2StateRoot common.Hash

	limits   SettlementLimits
	source   l1.Source       // the source the batch was pinned to
	l2Before *statetree.Tree // the L2 state tree before the batch
}

// L2StateBefore is the L2 state tree the batch starts from (its root is
// ParentL2StateRoot), which the batch proof opens for each L2 slot the
// batch touches. Trees are immutable: it stays valid whatever the booster
// does next.
func (b *Batch) L2StateBefore() *statetree.Tree { return b.l2Before }

// L1State returns the L1 state as the batch leaves it: its pinned block
// with its write list applied over it (l1.Layer). Read any L1 slot, code or
// balance there as the batch left it, or pin a rollup chained after this
// one to it (SetL1Source): that rollup's batches read what this batch
// wrote, so they settle only after this batch does. It is nil for a batch
// that ExecuteBatch did not produce.
func (b *Batch) L1State() l1.Source {
	if b.source == nil {
		return nil
	}
	return l1.Layer(b.source, b.Writes)
}

// Number returns the batch number (the L2 block number).
func (b *Batch) Number() uint64 { return b.L2Block.Number.Uint64() }

// Updates returns, per written L1 contract in first-write order, the
// changes to apply; ContractUpdate.Calldata is the applyStateUpdates call.
func (b *Batch) Updates() []statechanges.ContractUpdate { return b.Writes.ByContract() }

// ExecuteBatch runs the queued transactions, in order, against the pinned
// L1 block and seals an L2 block. It returns ErrEmptyBatch, sealing
// nothing, when the queue is empty.
//
// A batch takes transactions until the next one no longer fits: the L2
// block's gas is used up, or the batch's settlement would exceed an L1
// limit (SettlementLimits: the per-transaction gas cap, the transaction
// size). The transactions that do not fit stay queued, in order, for the
// next batch. A transaction that alone would exceed a settlement limit is
// dropped into Rejected with ErrSettlementLimit. When a settlement limit
// closes the batch, the transactions before it are executed again on a
// fresh view, so tracing hooks (WithTracer) see them twice: the first pass
// is abandoned. With a batch check (WithBatchCheck, installed by
// NewProver's options) the batch is checked before it is sealed: a
// transaction the check names is dropped into Rejected with
// ErrUnprovable and the batch executed again without it; a batch the
// check refuses as a whole is closed at the largest number of its
// transactions the check takes (a binary search, each try one
// execution), and one refused alone is dropped with ErrUnprovable. If
// the L1 source fails,
// nothing is applied, the queue is kept, and the error wraps l1.ErrSource.
func (b *Booster) ExecuteBatch(ctx context.Context) (*Batch, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.pending) == 0 {
		return nil, ErrEmptyBatch
	}
	txs := b.pending
	dropped := map[*types.Transaction]error{}
	// fit counts applied transactions the check took in a smaller batch
	// (lo) and refused as too large (hi, 0 while none was); at is the
	// queue index of each applied transaction of the run that hi counts.
	var fit struct {
		lo, hi int
		at     []int
	}
	for {
		run, err := b.run(ctx, txs, dropped)
		if err != nil {
			return nil, err
		}
		if run.overflow >= 0 {
			run.block.Discard()
			if run.applied == 1 {
				// The transaction alone is too much for one settlement.
				dropped[txs[run.overflow]] = fmt.Errorf("%w: %s", ErrSettlementLimit, run.why)
				continue
			}
			// Close the batch before the transaction that overflowed, and
			// execute again what came before it, so nothing it did stays.
			txs = txs[:run.overflow]
			continue
		}
		tree, err := b.draft(run)
		if err != nil {
			run.block.Discard()
			return nil, fmt.Errorf("booster: batch abandoned: %w", err)
		}
		if b.check == nil || run.applied == 0 {
			return b.seal(run, tree)
		}
		run.batch.L2Block = run.block.Header()
		err = b.check(ctx, run.batch)
		run.batch.L2Block = nil
		var txErr *batch.TransactionError
		switch {
		case err == nil && (fit.hi == 0 || run.applied+1 == fit.hi):
			return b.seal(run, tree)
		case err == nil:
			// It fits, and a larger batch below the one refused may too.
			fit.lo = run.applied
		case ctx.Err() != nil:
			run.block.Discard()
			return nil, fmt.Errorf("booster: batch abandoned: %w", ctx.Err())
		case errors.As(err, &txErr) && txErr.Index >= 0 && txErr.Index < len(run.batch.Transactions):
			run.block.Discard()
			dropped[run.batch.Transactions[txErr.Index]] = fmt.Errorf("%w: %w", ErrUnprovable, err)
			fit.lo, fit.hi = 0, 0
			continue
		case errors.Is(err, ErrNoExecution) || errors.Is(err, ErrInvalidBatch):
			run.block.Discard()
			return nil, fmt.Errorf("booster: batch abandoned: %w", err)
		case run.applied == 1:
			// The transaction alone is too much for one proof.
			run.block.Discard()
			dropped[run.batch.Transactions[0]] = fmt.Errorf("%w: %w", ErrUnprovable, err)
			fit.lo, fit.hi = 0, 0
			continue
		default:
			fit.hi, fit.at = run.applied, run.appliedAt
		}
		run.block.Discard()
		// Search for the largest batch between the two (a batch of fewer
		// transactions is no larger).
		m := (fit.lo + fit.hi) / 2
		if m == 0 {
			m = 1
		}
		txs = b.pending[:fit.at[m-1]+1]
	}
}

// batchRun is one pass over a prefix of the queue.
type batchRun struct {
	batch *Batch
	block *evm.Block
	view  *l1.View
	// consumed is how many transactions of the queue the batch takes
	// (applied, rejected or dropped), applied how many it applied.
	consumed, applied int
	// appliedAt is the queue index of each applied transaction.
	appliedAt []int
	// overflow is the queue index of the transaction after which the
	// settlement exceeded a limit (why), or -1.
	overflow int
	why      string
}

func (b *Booster) run(ctx context.Context, txs []*types.Transaction, dropped map[*types.Transaction]error) (*batchRun, error) {
	view, err := l1.NewView(ctx, b.source)
	if err != nil {
		return nil, fmt.Errorf("booster: %w", err)
	}
	if b.contract != (common.Address{}) {
		view.RequireSettleable(b.contract, b.refused)
	}
	block, err := b.chain.NewBlock(view)
	if err != nil {
		return nil, fmt.Errorf("booster: %w", err)
	}
	r := &batchRun{block: block, view: view, consumed: len(txs), overflow: -1}
	r.batch = &Batch{
		ChainID:   new(big.Int).Set(b.chain.Config().ChainID),
		L1ChainID: new(big.Int).Set(view.ChainConfig().ChainID),
		Contract:  b.contract,
		Parent:    b.parent,
		L1Block:   types.CopyHeader(view.Header()),
		limits:    b.limits,
		source:    b.source,
	}
	for i, tx := range txs {
		if why, ok := dropped[tx]; ok {
			r.batch.Rejected = append(r.batch.Rejected, RejectedTx{Tx: tx, Err: why})
			continue
		}
		receipt, err := block.Apply(ctx, tx)
		if err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil || view.Err() != nil {
				block.Discard()
				return nil, fmt.Errorf("booster: batch abandoned: %w", err)
			}
			if errors.Is(err, core.ErrGasLimitReached) {
				r.consumed = i // the block is full: the rest waits
				break
			}
			r.batch.Rejected = append(r.batch.Rejected, RejectedTx{Tx: tx, Err: err})
			continue
		}
		r.applied++
		r.appliedAt = append(r.appliedAt, i)
		r.batch.Transactions = append(r.batch.Transactions, tx)
		r.batch.Receipts = append(r.batch.Receipts, receipt)
		if why := b.limits.exceeded(view.Stats()); why != "" {
			r.overflow, r.why = i, why
			return r, nil
		}
	}
	return r, nil
}

// draft completes the run's batch from its view and block (L1 lists,
// L2 changes, state roots) without committing anything, and returns the
// L2 state tree the batch leaves.
func (b *Booster) draft(r *batchRun) (*statetree.Tree, error) {
	batch := r.batch
	batch.Writes, batch.Reads = r.view.Result()
	if err := r.view.Err(); err != nil {
		return nil, err
	}
	batch.L2Storage, batch.L2Code, batch.L2Nonces = r.block.StorageChanges(), codeChanges(r.block.CodeChanges()), r.block.NonceChanges()
	tree, err := applyChanges(b.l2, batch.L2Storage, batch.L2Code, batch.L2Nonces, false)
	if err != nil {
		return nil, err
	}
	batch.ParentL2StateRoot, batch.L2StateRoot, batch.l2Before = b.l2.RootHash(), tree.RootHash(), b.l2
	return tree, nil
}

// seal commits the run's drafted block, whose batch leaves the L2 state
// tree, and takes its transactions off the queue.
func (b *Booster) seal(r *batchRun, tree *statetree.Tree) (*Batch, error) {
	batch := r.batch
	var commitment common.Hash
	_, err := r.block.CommitWith(func(w ethdb.KeyValueWriter, header *types.Header) error {
		batch.L2Block = header
		var err error
		if commitment, err = batch.Commitment(); err != nil {
			return err
		}
		enc, err := encodeBatch(batch, commitment)
		if err != nil {
			return fmt.Errorf("%w: encode batch %d: %w", ErrStore, header.Number, err)
		}
		if err := w.Put(batchKey(header.Number.Uint64()), enc); err != nil {
			return err
		}
		if !b.chain.Persistent() {
			return nil
		}
		for i := range r.consumed {
			if err := w.Delete(queueKey(b.front + uint64(i))); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		batch.L2Block = nil
		return nil, fmt.Errorf("booster: %w", err)
	}
	b.parent = commitment
	b.l2 = tree
	b.pending = append([]*types.Transaction(nil), b.pending[r.consumed:]...)
	b.front += uint64(r.consumed)
	b.resetNonces()
	return batch, nil
}

// resetNonces recomputes the next nonce of every sender with queued
// transactions.
func (b *Booster) resetNonces() {
	clear(b.nonces)
	for _, tx := range b.pending {
		from, err := b.chain.Sender(tx)
		if err != nil { // cannot happen: every queued transaction was checked
			continue
		}
		b.nonces[from] = tx.Nonce() + 1
	}
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
//
// When L1 refused the batch because of one contract it touched, use
// RollbackRefused, so that executing again does not fail the same way.
func (b *Booster) Rollback(batch *Batch) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.rollback(batch)
}

// RollbackRefused is Rollback for a batch whose settlement failed with
// refusal (the error Settle returned). If L1 refused it because of one
// contract the batch touched (UpdateFailed or UpdateTargetHasNoCode: the
// contract refused or could not take applyStateUpdates; ReadUnverifiable:
// it does not answer extsload), the booster remembers that contract for
// as long as it runs: from then on, an L1CALL that writes it (or, for
// ReadUnverifiable, reads it) reverts with L1CallUnsettleable, so executing
// the transactions again gives the ones that touched it failed receipts
// and settles the rest. Other refusals (a stale read, a batch out of
// order) roll back as Rollback does. It needs WithL1Contract.
func (b *Booster) RollbackRefused(batch *Batch, refusal error) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.rollback(batch); err != nil {
		return err
	}
	var re *RevertError
	if !errors.As(refusal, &re) {
		return nil
	}
	if account, ok := re.Account(); ok {
		r := b.refused[account]
		switch re.Name {
		case "ReadUnverifiable":
			r.Reads = true
		default:
			r.Writes = true
		}
		r.Reason = re.Description
		b.refused[account] = r
		enc, err := json.Marshal(b.refused)
		if err == nil {
			err = b.chain.Database().Put(refusedKey, enc)
		}
		if err == nil {
			err = b.chain.Sync()
		}
		if err != nil {
			return fmt.Errorf("%w: refused contracts: %w", ErrStore, err)
		}
	}
	return nil
}

func (b *Booster) rollback(batch *Batch) error {
	head := b.chain.Head()
	if batch == nil || batch.L2Block == nil || batch.L2Block.Hash() != head.Hash() {
		return ErrNotLastBatch
	}
	number := head.Number.Uint64()
	front := b.front - uint64(len(batch.Transactions))
	tree, err := applyChanges(b.l2, batch.L2Storage, batch.L2Code, batch.L2Nonces, true)
	if err != nil {
		return err
	}
	err = b.chain.RewindWith(number-1, func(w ethdb.KeyValueWriter) error {
		if err := w.Delete(batchKey(number)); err != nil {
			return err
		}
		if !b.chain.Persistent() {
			return nil
		}
		return putQueued(w, front, batch.Transactions)
	})
	if err != nil {
		return fmt.Errorf("booster: %w", err)
	}
	b.parent = batch.Parent
	b.l2 = tree
	b.pending = append(append([]*types.Transaction(nil), batch.Transactions...), b.pending...)
	b.front = front
	b.resetNonces()
	return nil
}

package evm

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/big"
	"slices"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/rawdb"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/ethdb"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/triedb"
	"github.com/holiman/uint256"

	"github.com/boosterkit/go-booster/evm/l1"
	"github.com/boosterkit/go-booster/precompiles"
)

// DefaultGasLimit is the gas limit of an L2 block when Config leaves it 0.
const DefaultGasLimit = 1 << 30

// Config describes an L2 chain. The zero value is not valid: ChainID is
// required.
type Config struct {
	// ChainID is the L2 chain id that transactions must be signed for.
	ChainID *big.Int
	// BaseFee is the L2 base fee per gas; nil or zero lets transactions pay
	// no fee at all.
	BaseFee *big.Int
	// GasLimit is the gas limit of one L2 block (one batch); 0 means
	// DefaultGasLimit.
	GasLimit uint64
	// Coinbase receives the L2 priority fees.
	Coinbase common.Address
	// Genesis is the initial L2 state (funded accounts, predeployed code).
	Genesis types.GenesisAlloc
	// Tracer, if set, receives go-ethereum tracing events for every L2
	// transaction, exactly as it would from a plain go-ethereum EVM.
	Tracer *tracing.Hooks
	// L1Tracer, if set, receives go-ethereum tracing events for the L1
	// executions that L1CALL and L1SANDBOXCALL run on the L1 view, each
	// from depth 0 (l1.View.SetTracer).
	L1Tracer *tracing.Hooks
	// Database, if set, is where the chain keeps its blocks, receipts and
	// state, in go-ethereum's schema (rawdb over Pebble for a data
	// directory: see OpenDatabase), each block synced to disk when it is
	// sealed; a database that holds a chain already is reopened at its
	// head (it must have the same genesis). Nil keeps everything in
	// memory. The chain does not close it.
	Database ethdb.Database
}

// Chain is the L2 chain: its state and the blocks sealed so far. It is not
// safe for concurrent use.
type Chain struct {
	cfg    Config
	config *params.ChainConfig
	signer types.Signer
	disk   ethdb.Database   // blocks, receipts, lookups and trie nodes
	tdb    *triedb.Database // the trie database over disk
	db     state.Database
	state  *state.StateDB
	head   *types.Header
	hashes map[uint64]common.Hash
	// headers holds every sealed header by number, genesis first, so the
	// chain can rewind.
	headers []*types.Header
	open    bool
}

// ChainConfig returns the go-ethereum chain configuration of an L2 with the
// given chain id: every fork of go-ethereum's development chain from block 0.
func ChainConfig(chainID *big.Int) *params.ChainConfig {
	c := *params.AllDevChainProtocolChanges
	c.ChainID = new(big.Int).Set(chainID)
	return &c
}

// NewChain creates an L2 chain from its genesis allocation.
func NewChain(cfg Config) (*Chain, error) {
	if cfg.ChainID == nil || cfg.ChainID.Sign() <= 0 {
		return nil, fmt.Errorf("%w: chain id must be positive", ErrConfig)
	}
	if cfg.BaseFee == nil {
		cfg.BaseFee = new(big.Int)
	}
	if cfg.BaseFee.Sign() < 0 {
		return nil, fmt.Errorf("%w: negative base fee", ErrConfig)
	}
	if cfg.GasLimit == 0 {
		cfg.GasLimit = DefaultGasLimit
	}
	config := ChainConfig(cfg.ChainID)
	disk := cfg.Database
	if disk == nil {
		disk = rawdb.NewMemoryDatabase()
	}
	tdb := triedb.NewDatabase(disk, triedb.HashDefaults)
	db := state.NewDatabase(tdb, state.NewCodeDB(disk))
	st, err := state.New(types.EmptyRootHash, db)
	if err != nil {
		return nil, fmt.Errorf("evm: genesis state: %w", err)
	}
	for addr, acct := range cfg.Genesis {
		if acct.Balance != nil {
			bal, overflow := uint256.FromBig(acct.Balance)
			if overflow || acct.Balance.Sign() < 0 {
				return nil, fmt.Errorf("%w: genesis balance of %s out of range", ErrConfig, addr)
			}
			st.SetBalance(addr, bal, tracing.BalanceIncreaseGenesisBalance)
		}
		st.SetNonce(addr, acct.Nonce, tracing.NonceChangeGenesis)
		if len(acct.Code) > 0 {
			st.SetCode(addr, acct.Code, tracing.CodeChangeGenesis)
		}
		for k, v := range acct.Storage {
			st.SetState(addr, k, v)
		}
	}
	rules := config.Rules(common.Big0, true, 0)
	root, err := st.Commit(rules, 0)
	if err != nil {
		return nil, fmt.Errorf("evm: commit genesis: %w", err)
	}
	if st, err = state.New(root, db); err != nil {
		return nil, fmt.Errorf("evm: reopen genesis: %w", err)
	}
	head := &types.Header{
		Number:     new(big.Int),
		GasLimit:   cfg.GasLimit,
		BaseFee:    new(big.Int).Set(cfg.BaseFee),
		Difficulty: new(big.Int),
		Root:       root,
	}
	genesis := sealBlock(head, nil, nil)
	head = genesis.Header()
	c := &Chain{
		cfg:     cfg,
		config:  config,
		signer:  types.LatestSignerForChainID(cfg.ChainID),
		disk:    disk,
		tdb:     tdb,
		db:      db,
		state:   st,
		head:    head,
		hashes:  map[uint64]common.Hash{0: head.Hash()},
		headers: []*types.Header{types.CopyHeader(head)},
	}
	reopened, err := c.reopen(head)
	if err != nil {
		return nil, err
	}
	if reopened {
		return c, nil
	}
	batch := disk.NewBatch()
	if err := writeBlock(batch, genesis, nil); err != nil {
		return nil, err
	}
	rawdb.WriteChainConfig(batch, genesis.Hash(), config)
	if err := c.flush(root, batch); err != nil {
		return nil, err
	}
	return c, nil
}

// Rewind drops every block after number: the L2 state, head and block
// hashes go back to what they were when block number was sealed. It fails
// with ErrRewind while a block is open or if number is not a sealed block.
func (c *Chain) Rewind(number uint64) error {
	return c.RewindWith(number, nil)
}

// RewindWith is Rewind, with extra records written to the chain's database
// in the same atomic write that drops the blocks (a caller's own record of
// them). If extra fails, nothing changes.
func (c *Chain) RewindWith(number uint64, extra func(w ethdb.KeyValueWriter) error) error {
	if c.open {
		return fmt.Errorf("%w: a block is open", ErrRewind)
	}
	if number >= uint64(len(c.headers)) {
		return fmt.Errorf("%w: no block %d (head is %d)", ErrRewind, number, c.head.Number)
	}
	target := c.headers[number]
	st, err := state.New(target.Root, c.db)
	if err != nil {
		return fmt.Errorf("%w: reopen state of block %d: %w", ErrRewind, number, err)
	}
	batch := c.disk.NewBatch()
	for n := number + 1; n < uint64(len(c.headers)); n++ {
		hash := c.headers[n].Hash()
		if block := rawdb.ReadBlock(c.disk, hash, n); block != nil {
			hashes := make([]common.Hash, 0, len(block.Transactions()))
			for _, tx := range block.Transactions() {
				hashes = append(hashes, tx.Hash())
				if err := batch.Delete(receiptExtraKey(tx.Hash())); err != nil {
					return fmt.Errorf("%w: %w", ErrRewind, err)
				}
			}
			rawdb.DeleteTxLookupEntries(batch, hashes)
		}
		rawdb.DeleteCanonicalHash(batch, n)
	}
	rawdb.WriteHeadHeaderHash(batch, target.Hash())
	rawdb.WriteHeadBlockHash(batch, target.Hash())
	if extra != nil {
		if err := extra(batch); err != nil {
			return fmt.Errorf("%w: %w", ErrRewind, err)
		}
	}
	if err := c.flush(target.Root, batch); err != nil {
		return fmt.Errorf("%w: %w", ErrRewind, err)
	}
	for n := number + 1; n < uint64(len(c.headers)); n++ {
		delete(c.hashes, n)
	}
	c.headers = c.headers[:number+1]
	c.state, c.head = st, types.CopyHeader(target)
	return nil
}

// Config returns the go-ethereum chain configuration of the L2.
func (c *Chain) Config() *params.ChainConfig { return c.config }

// Signer returns the signer L2 transactions must be signed with.
func (c *Chain) Signer() types.Signer { return c.signer }

// Head returns the header of the last sealed L2 block (the genesis block
// before the first).
func (c *Chain) Head() *types.Header { return types.CopyHeader(c.head) }

// Nonce returns the next nonce of an L2 account.
func (c *Chain) Nonce(addr common.Address) uint64 { return c.state.GetNonce(addr) }

// Balance returns the balance of an L2 account.
func (c *Chain) Balance(addr common.Address) *uint256.Int { return c.state.GetBalance(addr).Clone() }

// Code returns the code of an L2 account.
func (c *Chain) Code(addr common.Address) []byte { return common.CopyBytes(c.state.GetCode(addr)) }

// Storage returns an L2 storage slot.
func (c *Chain) Storage(addr common.Address, slot common.Hash) common.Hash {
	return c.state.GetState(addr, slot)
}

// Sender checks a transaction's signature and chain id and returns its
// sender.
func (c *Chain) Sender(tx *types.Transaction) (common.Address, error) {
	from, err := types.Sender(c.signer, tx)
	if err != nil {
		return common.Address{}, fmt.Errorf("%w: %w", ErrRejected, err)
	}
	return from, nil
}

// Receipt is the outcome of one applied L2 transaction.
type Receipt struct {
	*types.Receipt
	// From is the transaction's sender.
	From common.Address
	// Err is why the execution failed (vm.ErrExecutionReverted, out of gas,
	// ...), nil if it succeeded. A failed transaction is still applied: its
	// nonce and fee are taken.
	Err error
	// ReturnData is the top call's return data, or its revert data.
	ReturnData []byte
	// L1Logs are the events L1 code emitted through L1CALL during the
	// transaction and that stayed in effect. They are not emitted on L1 at
	// settlement: applyStateUpdates writes storage only.
	L1Logs []*types.Log
}

// Block is an L2 block being built over a pinned L1 view.
type Block struct {
	chain    *Chain
	header   *types.Header
	view     *l1.View
	env      *precompiles.Env
	state    *linkedState
	evm      *vm.EVM
	gp       *core.GasPool
	receipts []*Receipt
	txs      []*types.Transaction // the applied transactions, in order
	closed   bool
	failed   error          // an L1 source failure: only Discard is left
	hooks    *tracing.Hooks // the user's tracing hooks, if any
}

// NewBlock opens the next L2 block over an L1 view. Its timestamp is the
// pinned L1 block's, or the parent's plus one if that is later. Only one
// block may be open at a time.
func (c *Chain) NewBlock(view *l1.View) (*Block, error) {
	view.SetTracer(c.cfg.L1Tracer)
	return c.newBlock(view, c.cfg.Tracer, false)
}

// newBlock opens a block with the given tracing hooks; noBaseFee lets a
// call offer no fee (eth_call's rule).
func (c *Chain) newBlock(view *l1.View, tracer *tracing.Hooks, noBaseFee bool) (*Block, error) {
	if c.open {
		return nil, fmt.Errorf("%w: another block is open", ErrConfig)
	}
	l1Header := view.Header()
	h := &types.Header{
		ParentHash: c.head.Hash(),
		Number:     new(big.Int).Add(c.head.Number, common.Big1),
		GasLimit:   c.cfg.GasLimit,
		Time:       max(l1Header.Time, c.head.Time+1),
		Coinbase:   c.cfg.Coinbase,
		BaseFee:    new(big.Int).Set(c.cfg.BaseFee),
		Difficulty: new(big.Int),
	}
	random := common.Hash{}
	blockCtx := vm.BlockContext{
		CanTransfer: core.CanTransfer,
		Transfer:    core.Transfer,
		GetHash:     func(n uint64) common.Hash { return c.hashes[n] },
		Coinbase:    h.Coinbase,
		GasLimit:    h.GasLimit,
		BlockNumber: new(big.Int).Set(h.Number),
		Time:        h.Time,
		Difficulty:  new(big.Int),
		BaseFee:     new(big.Int).Set(h.BaseFee),
		BlobBaseFee: new(big.Int),
		Random:      &random,
		// The per-byte price of new state (EIP-8037), as go-ethereum sets it.
		CostPerStateByte: params.CostPerStateByte,
	}
	env := precompiles.NewEnv(view, tracer)
	var inner vm.StateDB = c.state
	if tracer != nil {
		inner = state.NewHookedState(c.state, tracer)
	}
	linked := &linkedState{StateDB: inner, view: view}
	evm := vm.NewEVM(blockCtx, linked, c.config, vm.Config{Tracer: env.Hooks(), NoBaseFee: noBaseFee})
	evm.SetPrecompiles(env.Contracts(vm.ActivePrecompiledContracts(evm.GetRules())))
	env.Bind(evm)
	c.open = true
	return &Block{
		chain:  c,
		header: h,
		view:   view,
		env:    env,
		state:  linked,
		evm:    evm,
		gp:     core.NewGasPool(h.GasLimit),
		hooks:  tracer,
	}, nil
}

// CallResult is the outcome of a read-only call.
type CallResult struct {
	// ReturnData is the call's return data, or its revert data.
	ReturnData []byte
	// Err is why the execution failed (vm.ErrExecutionReverted, out of
	// gas, ...), nil if it succeeded.
	Err error
	// GasUsed is the gas the call used, as a transaction's receipt would
	// count it (intrinsic gas included, refunds taken off).
	GasUsed uint64
	// L1Logs are the events L1 code emitted through L1CALL.
	L1Logs []*types.Log
}

// Call runs msg as a transaction would run on top of the chain's head,
// over view, and keeps nothing: no nonce is checked or used, the sender
// may be a contract, no fee is charged when msg offers none, and the L2 state goes back to the head's.
// The precompiles work as in a transaction (L1CALL's writes land in the
// view, which the caller should then discard). No tracing hooks are
// called. A message go-ethereum refuses (a value above the sender's
// balance, too little gas) returns an error wrapping ErrRejected.
func (c *Chain) Call(ctx context.Context, view *l1.View, msg *core.Message) (*CallResult, error) {
	if msg == nil {
		return nil, fmt.Errorf("%w: nil message", ErrRejected)
	}
	view.SetTracer(nil)
	b, err := c.newBlock(view, nil, msg.GasFeeCap == nil || msg.GasFeeCap.IsZero())
	if err != nil {
		return nil, err
	}
	defer b.Discard()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrRejected, err)
	}
	msg.SkipNonceCheck().SkipEOACheck() // as eth_call: any sender, any nonce
	c.state.SetTxContext(common.Hash{}, 0, 0)
	b.view.BeginTx(common.Hash{}, 0, msg.From)
	result, err := core.ApplyMessage(b.evm, msg, core.NewGasPool(msg.GasLimit))
	if err == nil {
		err = b.env.Err()
	}
	logs := b.endTx()
	if err != nil {
		if errors.Is(err, precompiles.ErrL1Source) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %w", ErrRejected, err)
	}
	return &CallResult{ReturnData: result.ReturnData, Err: result.Err, GasUsed: result.UsedGas, L1Logs: logs}, nil
}

// Header returns the header of the block as built so far.
func (b *Block) Header() *types.Header { return types.CopyHeader(b.header) }

// Receipts returns the receipts of the transactions applied so far.
func (b *Block) Receipts() []*Receipt { return b.receipts }

// Apply runs one signed L2 transaction. A refused transaction returns an
// error wrapping ErrRejected and changes nothing; a transaction whose
// execution fails is applied and its receipt says why.
func (b *Block) Apply(ctx context.Context, tx *types.Transaction) (*Receipt, error) {
	if b.closed {
		return nil, ErrBlockClosed
	}
	if b.failed != nil {
		return nil, b.failed
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrRejected, err)
	}
	if tx.Type() == types.BlobTxType {
		return nil, fmt.Errorf("%w: %w", ErrRejected, ErrBlobTx)
	}
	c := b.chain
	msg, err := core.TransactionToMessage(tx, c.signer, b.header.BaseFee)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrRejected, err)
	}
	index := len(b.receipts)
	c.state.SetTxContext(tx.Hash(), index, 0)
	b.view.BeginTx(tx.Hash(), index, msg.From)
	gasBefore := b.gp.Snapshot()
	snap := b.state.Snapshot()

	hooks := b.hooks
	if hooks != nil && hooks.OnTxStart != nil {
		hooks.OnTxStart(b.evm.GetVMContext(), tx, msg.From)
	}
	result, err := core.ApplyMessage(b.evm, msg, b.gp)
	if err == nil {
		err = b.env.Err()
	}
	if err != nil {
		b.state.RevertToSnapshot(snap)
		b.gp.Set(gasBefore)
		b.endTx()
		err = fmt.Errorf("%w: %w", ErrRejected, err)
		if hooks != nil && hooks.OnTxEnd != nil {
			hooks.OnTxEnd(nil, err)
		}
		if errors.Is(err, precompiles.ErrL1Source) {
			b.failed = err // the view cannot be trusted any more
		}
		return nil, err
	}
	b.state.Finalise(b.evm.GetRules())
	l1Logs := b.endTx()
	r := core.MakeReceipt(b.evm, result, c.state, b.header.Number, common.Hash{}, b.header.Time, tx, b.gp.CumulativeUsed(), nil)
	receipt := &Receipt{Receipt: r, From: msg.From, Err: result.Err, ReturnData: result.ReturnData, L1Logs: l1Logs}
	b.receipts = append(b.receipts, receipt)
	b.txs = append(b.txs, tx)
	if hooks != nil && hooks.OnTxEnd != nil {
		hooks.OnTxEnd(r, nil)
	}
	return receipt, nil
}

func (b *Block) endTx() []*types.Log {
	b.state.endTx()
	b.env.EndTx()
	return b.view.EndTx()
}

// StorageChange is one L2 storage slot a block changed: its value when
// the block began and when it ends.
type StorageChange struct {
	Address       common.Address
	Slot          common.Hash
	Before, After common.Hash
}

// StorageChanges lists the L2 storage slots the block's transactions
// changed so far (a slot written back to its value, or written only by
// frames that reverted, is left out), sorted by address and slot.
func (b *Block) StorageChanges() []StorageChange {
	var out []StorageChange
	for _, k := range b.state.order {
		before, after := b.state.written[k], b.chain.state.GetState(k.addr, k.slot)
		if before != after {
			out = append(out, StorageChange{Address: k.addr, Slot: k.slot, Before: before, After: after})
		}
	}
	slices.SortFunc(out, func(x, y StorageChange) int {
		if c := x.Address.Cmp(y.Address); c != 0 {
			return c
		}
		return x.Slot.Cmp(y.Slot)
	})
	return out
}

// CodeChange is one L2 account whose code a block changed (a contract
// created, or created and destroyed in one transaction): its code when
// the block began and when it ends.
type CodeChange struct {
	Address       common.Address
	Before, After []byte
}

// CodeChanges lists the L2 accounts whose code the block's transactions
// changed so far, sorted by address.
func (b *Block) CodeChanges() []CodeChange {
	var out []CodeChange
	for _, addr := range b.state.codeOrder {
		before, after := b.state.coded[addr], b.chain.state.GetCode(addr)
		if !bytes.Equal(before, after) {
			out = append(out, CodeChange{Address: addr, Before: before, After: common.CopyBytes(after)})
		}
	}
	slices.SortFunc(out, func(x, y CodeChange) int { return x.Address.Cmp(y.Address) })
	return out
}

// NonceChange is one L2 account whose nonce a block changed: its nonce
// when the block began and when it ends.
type NonceChange struct {
	Address       common.Address
	Before, After uint64
}

// NonceChanges lists the L2 accounts whose nonce the block's
// transactions changed so far (senders, and accounts that created
// contracts or were created), sorted by address.
func (b *Block) NonceChanges() []NonceChange {
	var out []NonceChange
	for _, addr := range b.state.nonceOrder {
		before, after := b.state.nonced[addr], b.chain.state.GetNonce(addr)
		if before != after {
			out = append(out, NonceChange{Address: addr, Before: before, After: after})
		}
	}
	slices.SortFunc(out, func(x, y NonceChange) int { return x.Address.Cmp(y.Address) })
	return out
}

// Commit seals the block: the L2 state is committed, the block becomes the
// chain's head, and receipts get the block hash.
func (b *Block) Commit() (*types.Header, error) {
	return b.CommitWith(nil)
}

// CommitWith is Commit, with extra records written to the chain's database
// in the same atomic write that stores the block (a caller's own record
// of it, which then exists if and only if the block does). extra gets the
// sealed header. If it fails, the block is discarded.
func (b *Block) CommitWith(extra func(w ethdb.KeyValueWriter, header *types.Header) error) (*types.Header, error) {
	if b.closed {
		return nil, ErrBlockClosed
	}
	if b.failed != nil {
		return nil, b.failed
	}
	c := b.chain
	rules := b.evm.GetRules()
	root, err := c.state.Commit(rules, b.header.Number.Uint64())
	if err != nil {
		b.Discard()
		return nil, fmt.Errorf("evm: commit L2 state: %w", err)
	}
	st, err := state.New(root, c.db)
	if err != nil {
		b.Discard()
		return nil, fmt.Errorf("evm: reopen L2 state: %w", err)
	}
	b.header.Root = root
	b.header.GasUsed = b.gp.CumulativeUsed()
	block := sealBlock(b.header, b.txs, b.receipts)
	header := block.Header()
	hash := header.Hash()
	for _, r := range b.receipts {
		r.BlockHash = hash
		for _, l := range r.Logs {
			l.BlockHash = hash
		}
	}
	batch := c.disk.NewBatch()
	err = writeBlock(batch, block, b.receipts)
	if err == nil && extra != nil {
		err = extra(batch, types.CopyHeader(header))
	}
	if err == nil {
		err = c.flush(root, batch)
	}
	if err != nil {
		b.Discard()
		return nil, err
	}
	b.closed, c.open = true, false
	b.header = header
	c.state, c.head = st, header
	c.hashes[header.Number.Uint64()] = hash
	c.headers = append(c.headers, types.CopyHeader(header))
	return types.CopyHeader(header), nil
}

// Discard abandons the block: the L2 state goes back to the chain's head.
func (b *Block) Discard() {
	if b.closed {
		return
	}
	c := b.chain
	b.closed, c.open = true, false
	st, err := state.New(c.head.Root, c.db)
	if err == nil {
		c.state = st
	}
}

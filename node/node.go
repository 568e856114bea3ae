package node

import (
	"context"
	"crypto/ecdsa"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethdb"
	"github.com/ethereum/go-ethereum/event"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/boosterkit/go-booster/booster"
	"github.com/boosterkit/go-booster/evm"
	"github.com/boosterkit/go-booster/evm/l1"
	"github.com/boosterkit/go-booster/solidity/bindings"
)

// Node runs a booster as a service: it takes L2 transactions over
// JSON-RPC, cuts, executes, proves and settles batches, and keeps its
// state in its data directory. Its methods are safe for concurrent use.
type Node struct {
	cfg      Config
	log      *slog.Logger
	l1       *l1Chain
	embedded *embeddedL1 // nil with an L1 URL
	contract common.Address
	b        *booster.Booster
	db       ethdb.Database // nil in memory
	prover   booster.Prover
	l1Key    *ecdsa.PrivateKey

	// mu is held for writing while a batch executes or rolls back (the L2
	// chain changes), for reading by every JSON-RPC read of L2 state.
	mu sync.RWMutex

	heads event.Feed // *types.Header of each sealed L2 block
	logs  event.Feed // []*types.Log of each sealed L2 block

	kick     chan struct{}
	failed   atomic.Pointer[error] // why the node stopped cutting batches
	server   *rpc.Server
	http     *http.Server
	listener net.Listener
	cancel   context.CancelFunc
	done     sync.WaitGroup
	closed   chan struct{}
	once     sync.Once
}

// crashHook, set by the crash tests, is called at each point where a
// process killed there must lose nothing: "accepted" (a transaction is
// on disk, its sender not yet answered), "mid-batch" (after each
// transaction of a batch being executed), "executed" (a batch sealed,
// its settlement not sent) and "sent" (the settlement sent, its receipt
// not seen).
var crashHook atomic.Pointer[func(point string)]

func crashPoint(point string) {
	if f := crashHook.Load(); f != nil {
		(*f)(point)
	}
}

// settlementPrefix keys the settlement status of each batch in the data
// directory, by big-endian batch number.
var settlementPrefix = []byte("go-booster/node/settlement/")

func settlementKey(number uint64) []byte {
	return binary.BigEndian.AppendUint64(common.CopyBytes(settlementPrefix), number)
}

// Settlement states of a batch.
const (
	StateExecuted = "executed" // sealed on L2, not yet sent to L1
	StateSent     = "sent"     // the settlement transaction was sent
	StateSettled  = "settled"  // the booster contract accepted it
)

// SettlementStatus is where a batch stands on L1.
type SettlementStatus struct {
	State string `json:"state"`
	// L1Tx is the settlement transaction's hash once it is sent, L1Block
	// the L1 block it was included in once settled.
	L1Tx    *common.Hash `json:"l1Tx,omitempty"`
	L1Block uint64       `json:"l1Block,omitempty"`
	// Error is the last refusal or failure, if any.
	Error string `json:"error,omitempty"`
}

// New opens the data directory (if any), connects to the L1 (or starts the
// embedded one), reopens the L2 where the data directory left it and
// checks it against the booster contract on L1. Start serves it.
func New(ctx context.Context, cfg Config) (*Node, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	n := &Node{cfg: cfg, log: cfg.Logger, kick: make(chan struct{}, 1), closed: make(chan struct{})}
	ok := false
	defer func() {
		if !ok {
			n.release()
		}
	}()
	if cfg.L1URL == "" {
		genesis, err := booster.GenesisStateRoot(booster.WithGenesis(cfg.Genesis))
		if err != nil {
			return nil, fmt.Errorf("node: %w", err)
		}
		e, contract, err := startEmbeddedL1(ctx, cfg.ChainID, genesis, cfg.L1Period, cfg.L1Funded)
		if err != nil {
			return nil, err
		}
		n.embedded, n.l1, n.contract = e, e.l1Chain, contract
		n.l1Key = embeddedOperatorKey
		cfg.DevKey = embeddedDevKey
	} else {
		if n.l1, err = dialL1(ctx, cfg.L1URL, cfg.L1Config); err != nil {
			return nil, err
		}
		n.contract, n.l1Key = cfg.BoosterContract, cfg.L1Key
	}
	n.prover = cfg.Prover
	if n.prover == nil {
		verifier, err := n.verifier(ctx)
		if err != nil {
			return nil, err
		}
		if err := n.checkDevSigner(ctx, verifier, cfg.DevKey); err != nil {
			return nil, err
		}
		n.prover = booster.NewDevProver(cfg.DevKey, n.l1.config.ChainID, verifier)
	}
	source, err := n.l1.pin(ctx)
	if err != nil {
		return nil, err
	}
	opts := []booster.Option{booster.WithChainID(cfg.ChainID), booster.WithL1Contract(n.contract), booster.WithGenesis(cfg.Genesis)}
	if cfg.BaseFee != nil {
		opts = append(opts, booster.WithBaseFee(cfg.BaseFee))
	}
	if crashHook.Load() != nil {
		opts = append(opts, booster.WithTracer(&tracing.Hooks{OnTxEnd: func(*types.Receipt, error) { crashPoint("mid-batch") }}))
	}
	if cfg.DataDir != "" {
		if n.db, err = evm.OpenDatabase(cfg.DataDir); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrConfig, err)
		}
		opts = append(opts, booster.WithDatabase(n.db))
	}
	if n.b, err = booster.New(source, opts...); err != nil {
		return nil, fmt.Errorf("node: %w", err)
	}
	if err := n.reconcile(ctx); err != nil {
		return nil, err
	}
	ok = true
	return n, nil
}

// verifier reads the verifier the booster contract trusts.
func (n *Node) verifier(ctx context.Context) (common.Address, error) {
	c := bindings.NewBooster()
	addr, err := bind.Call(c.Instance(n.l1.client, n.contract), &bind.CallOpts{Context: ctx}, c.PackVerifier(), c.UnpackVerifier)
	if err != nil {
		return common.Address{}, fmt.Errorf("%w: the booster contract at %s does not answer verifier(): %w", ErrL1, n.contract, err)
	}
	return addr, nil
}

// checkDevSigner refuses a development key that is not the signer the
// development verifier trusts: every settlement would fail InvalidProof.
func (n *Node) checkDevSigner(ctx context.Context, verifier common.Address, key *ecdsa.PrivateKey) error {
	v := bindings.NewDevBatchVerifier()
	signer, err := bind.Call(v.Instance(n.l1.client, verifier), &bind.CallOpts{Context: ctx}, v.PackSigner(), v.UnpackSigner)
	if err != nil {
		return fmt.Errorf("%w: the booster contract's verifier %s is not a DevBatchVerifier (signer()): %w; give a prover", ErrConfig, verifier, err)
	}
	if have := crypto.PubkeyToAddress(key.PublicKey); have != signer {
		return fmt.Errorf("%w: the development key is %s's, the verifier %s trusts %s", ErrConfig, have, verifier, signer)
	}
	return nil
}

// settledOnL1 reads the booster contract's last settled batch.
func (n *Node) settledOnL1(ctx context.Context) (uint64, common.Hash, error) {
	c := bindings.NewBooster()
	inst := c.Instance(n.l1.client, n.contract)
	opts := &bind.CallOpts{Context: ctx}
	number, err := bind.Call(inst, opts, c.PackLastBatchNumber(), c.UnpackLastBatchNumber)
	if err != nil {
		return 0, common.Hash{}, fmt.Errorf("%w: lastBatchNumber: %w", ErrL1, err)
	}
	hash, err := bind.Call(inst, opts, c.PackLastBatchHash(), c.UnpackLastBatchHash)
	if err != nil {
		return 0, common.Hash{}, fmt.Errorf("%w: lastBatchHash: %w", ErrL1, err)
	}
	return number, hash, nil
}

// checkL1 reads the booster contract's last settled batch and checks the
// L2 holds it, with the same commitment: otherwise another settler moved
// the contract on (ErrDiverged).
func (n *Node) checkL1(ctx context.Context, head uint64) (uint64, error) {
	settled, hash, err := n.settledOnL1(ctx)
	if err != nil {
		return 0, err
	}
	if settled > head {
		return 0, fmt.Errorf("%w: the booster contract %s settled batch %d, the L2 has only %d batches", ErrDiverged, n.contract, settled, head)
	}
	if settled > 0 {
		mine, err := n.b.BatchCommitment(settled)
		if err != nil {
			return 0, fmt.Errorf("node: batch %d: %w", settled, err)
		}
		if mine != hash {
			return 0, fmt.Errorf("%w: batch %d has commitment %s on L1 and %s here", ErrDiverged, settled, hash, mine)
		}
	}
	return settled, nil
}

// reconcile brings the settlement records in line with L1: batches the
// contract settled are marked settled (a settlement sent before a crash
// may have landed), and the L2 must hold every batch L1 settled, with the
// same commitment.
func (n *Node) reconcile(ctx context.Context) error {
	head := n.b.Chain().Head().Number.Uint64()
	// A settlement sent before a stop may still be on its way: wait for it.
	if st, err := n.status(head); err == nil && st.State == StateSent && st.L1Tx != nil {
		if _, err := n.l1.receipt(ctx, *st.L1Tx, n.cfg.SettleTimeout); err != nil {
			n.log.Warn("settlement sent before the restart has no receipt", "batch", head, "l1Tx", st.L1Tx, "err", err)
		}
	}
	settled, err := n.checkL1(ctx, head)
	if err != nil {
		return err
	}
	for k := uint64(1); k <= settled; k++ {
		st, err := n.status(k)
		if err == nil && st.State == StateSettled {
			continue
		}
		st.State, st.Error = StateSettled, ""
		if err := n.setStatus(k, st); err != nil {
			return err
		}
	}
	if head > settled+1 {
		return fmt.Errorf("%w: the L2 has %d batches, L1 settled %d: more than one unsettled batch", ErrDiverged, head, settled)
	}
	n.log.Info("node reopened", "l2Head", head, "settledOnL1", settled, "queued", n.b.Pending())
	return nil
}

func (n *Node) status(number uint64) (SettlementStatus, error) {
	var st SettlementStatus
	enc, err := n.b.Chain().Database().Get(settlementKey(number))
	if err != nil {
		return SettlementStatus{State: StateExecuted}, err
	}
	if err := json.Unmarshal(enc, &st); err != nil {
		return SettlementStatus{State: StateExecuted}, err
	}
	return st, nil
}

func (n *Node) setStatus(number uint64, st SettlementStatus) error {
	enc, err := json.Marshal(st)
	if err != nil {
		return err
	}
	chain := n.b.Chain()
	if err := chain.Database().Put(settlementKey(number), enc); err != nil {
		return fmt.Errorf("node: settlement status of batch %d: %w", number, err)
	}
	return chain.Sync()
}

// Start serves JSON-RPC on the configured address and starts cutting
// batches.
func (n *Node) Start() error {
	if err := n.serve(); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	n.cancel = cancel
	n.done.Add(1)
	go n.loop(ctx)
	n.log.Info("node started", "rpc", "http://"+n.Addr(), "l2ChainId", n.cfg.ChainID, "l1ChainId", n.l1.config.ChainID,
		"boosterContract", n.contract, "embeddedL1", n.embedded != nil, "dataDir", n.cfg.DataDir)
	return nil
}

// Addr returns the address JSON-RPC is served on (empty before Start).
func (n *Node) Addr() string {
	if n.listener == nil {
		return ""
	}
	return n.listener.Addr().String()
}

// Booster returns the node's booster, for reading; submit through the
// node (SendTransaction) so that batches are cut.
func (n *Node) Booster() *booster.Booster { return n.b }

// BoosterContract returns the L1 booster contract the node settles on.
func (n *Node) BoosterContract() common.Address { return n.contract }

// L1 returns the node's L1 client (the embedded L1's, or the one dialled).
func (n *Node) L1() L1Client { return n.l1.client }

// L1Operator returns the embedded L1's funded operator key, which deploys
// and pays settlements there; nil with an L1 URL.
func (n *Node) L1Operator() *ecdsa.PrivateKey {
	if n.embedded == nil {
		return nil
	}
	return embeddedOperatorKey
}

// SendTransaction queues a signed L2 transaction: it is on disk (with a
// data directory) when this returns, and in a batch soon after.
func (n *Node) SendTransaction(tx *types.Transaction) error {
	select {
	case <-n.closed:
		return ErrClosed
	default:
	}
	if err := n.Err(); err != nil {
		return err
	}
	if err := n.b.Submit(tx); err != nil {
		return err
	}
	crashPoint("accepted")
	if n.b.Pending() >= n.cfg.BatchMaxTxs {
		select {
		case n.kick <- struct{}{}:
		default:
		}
	}
	return nil
}

// Err returns why the node stopped cutting batches (an error wrapping
// ErrDiverged), or nil while it runs. It then refuses new transactions;
// reads still work.
func (n *Node) Err() error {
	if p := n.failed.Load(); p != nil {
		return *p
	}
	return nil
}

// Close stops cutting batches (a batch being settled finishes first, up
// to ctx's deadline), stops serving and releases the L1 and the data
// directory.
func (n *Node) Close() error {
	var err error
	n.once.Do(func() {
		close(n.closed)
		if n.http != nil {
			// Requests in flight get a few seconds; then, and for
			// connections that never sent one (net/http waits for those),
			// the server closes what is left.
			sctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			err = n.http.Shutdown(sctx)
			cancel()
			if errors.Is(err, context.DeadlineExceeded) {
				err = n.http.Close()
			}
		}
		if n.server != nil {
			n.server.Stop()
		}
		if n.cancel != nil {
			n.cancel()
		}
		n.done.Wait()
		err = errors.Join(err, n.release())
	})
	return err
}

func (n *Node) release() error {
	var err error
	if n.l1 != nil && n.l1.close != nil {
		err = n.l1.close()
	}
	if n.db != nil {
		err = errors.Join(err, n.db.Close())
	}
	return err
}

// maxBackoff bounds the wait between retries of a failing step.
const maxBackoff = 10 * time.Second

// loop cuts a batch when BatchMaxTxs are queued or BatchInterval has
// passed with any queued, and first settles a batch left unsettled. Its
// first step only settles: a transaction sent right after Start waits
// for the interval (or BatchMaxTxs) like any other, however late the
// loop's goroutine starts.
func (n *Node) loop(ctx context.Context) {
	defer n.done.Done()
	t := time.NewTicker(n.cfg.BatchInterval)
	defer t.Stop()
	var backoff time.Duration // after consecutive failures, up to maxBackoff
	cut := false
	for {
		if err := n.step(ctx, cut); err != nil && ctx.Err() == nil {
			if errors.Is(err, ErrDiverged) {
				// Executing again cannot help: another settler owns the
				// contract's history now. Stop cutting batches; the queue
				// and the data directory stay as they are.
				n.log.Error("L1 and the L2 diverged: batches stopped", "err", err)
				n.failed.Store(&err)
				return
			}
			backoff = min(max(2*backoff, n.cfg.BatchInterval), maxBackoff)
			n.log.Error("batch step failed; retrying", "err", err, "retryIn", backoff)
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
			continue
		}
		backoff = 0
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-n.kick:
		}
		cut = true
	}
}

// step settles the unsettled batch, if any, or, if cut is set, cuts,
// executes and settles a new one.
func (n *Node) step(ctx context.Context, cut bool) error {
	head := n.b.Chain().Head().Number.Uint64()
	settled, err := n.checkL1(ctx, head)
	if err != nil {
		return err
	}
	if head > settled {
		batch, err := n.b.Batch(head)
		if err != nil {
			return err
		}
		return n.settle(ctx, batch)
	}
	if !cut || n.b.Pending() == 0 {
		return nil
	}
	source, err := n.l1.pin(ctx)
	if err != nil {
		return err
	}
	n.prefetch(ctx, source, head)
	if err := n.b.SetL1Source(source); err != nil && !errors.Is(err, booster.ErrL1BlockRegressed) {
		return err
	}
	n.mu.Lock()
	batch, err := n.b.ExecuteBatch(ctx)
	n.mu.Unlock()
	if errors.Is(err, booster.ErrEmptyBatch) {
		return nil
	}
	if err != nil {
		return err
	}
	n.log.Info("batch executed", "batch", batch.Number(), "txs", len(batch.Transactions), "rejected", len(batch.Rejected),
		"l1Writes", len(batch.Writes), "l1Block", batch.L1Block.Number)
	n.publish(batch)
	crashPoint("executed")
	return n.settle(ctx, batch)
}

// prefetch proves, in a few requests, the L1 slots the last batch read
// and wrote: the next batch is likely to read them again (a tally, a
// pool's reserves). A failure is left for the batch to meet.
func (n *Node) prefetch(ctx context.Context, source l1.Source, last uint64) {
	p, ok := source.(prefetcher)
	if !ok || last == 0 {
		return
	}
	batch, err := n.b.Batch(last)
	if err != nil {
		return
	}
	slots := map[common.Address][]common.Hash{}
	var order []common.Address
	add := func(c common.Address, s common.Hash) {
		if _, ok := slots[c]; !ok {
			order = append(order, c)
		}
		slots[c] = append(slots[c], s)
	}
	for _, r := range batch.Reads.Storage {
		add(r.Contract, r.Slot)
	}
	for _, w := range batch.Writes {
		add(w.Contract, w.Slot)
	}
	for _, c := range order {
		if err := p.Prefetch(ctx, c, slots[c]); err != nil {
			n.log.Warn("prefetching L1 slots failed", "contract", c, "err", err)
			return
		}
	}
}

// publish tells subscribers about a sealed block.
func (n *Node) publish(batch *booster.Batch) {
	n.heads.Send(types.CopyHeader(batch.L2Block))
	var logs []*types.Log
	for _, r := range batch.Receipts {
		logs = append(logs, r.Logs...)
	}
	if len(logs) > 0 {
		n.logs.Send(logs)
	}
}

// settle proves and settles a batch; if L1 refuses it, the batch is
// rolled back and its transactions queued again.
func (n *Node) settle(ctx context.Context, batch *booster.Batch) error {
	number := batch.Number()
	if err := n.l1.waitPast(ctx, batch.L1Block.Number.Uint64()); err != nil {
		return err
	}
	opts := bind.NewKeyedTransactor(n.l1Key, n.l1.config.ChainID)
	opts.Context = ctx
	sign := opts.Signer
	// The settlement's hash is on disk before the transaction is sent, so
	// a restart knows to look for it.
	opts.Signer = func(from common.Address, tx *types.Transaction) (*types.Transaction, error) {
		signed, err := sign(from, tx)
		if err != nil {
			return nil, err
		}
		h := signed.Hash()
		if err := n.setStatus(number, SettlementStatus{State: StateSent, L1Tx: &h}); err != nil {
			return nil, err
		}
		return signed, nil
	}
	tx, err := booster.Settle(ctx, n.l1.client, opts, n.contract, batch, n.prover)
	var refusal *booster.RevertError
	if errors.As(err, &refusal) {
		return n.refused(batch, err)
	}
	if err != nil {
		return err
	}
	n.log.Info("settlement sent", "batch", number, "l1Tx", tx.Hash())
	crashPoint("sent")
	r, err := n.l1.receipt(ctx, tx.Hash(), n.cfg.SettleTimeout)
	if err != nil {
		return err
	}
	if r.Status != types.ReceiptStatusSuccessful {
		return n.refused(batch, fmt.Errorf("%w: settlement %s reverted on L1", booster.ErrSettlementReverted, tx.Hash()))
	}
	h := tx.Hash()
	if err := n.setStatus(number, SettlementStatus{State: StateSettled, L1Tx: &h, L1Block: r.BlockNumber.Uint64()}); err != nil {
		return err
	}
	n.log.Info("batch settled", "batch", number, "l1Block", r.BlockNumber, "l1Gas", r.GasUsed)
	return nil
}

// refused rolls back a batch L1 refused.
func (n *Node) refused(batch *booster.Batch, refusal error) error {
	n.log.Warn("L1 refused the batch; rolling back to execute its transactions again", "batch", batch.Number(), "err", refusal)
	n.mu.Lock()
	err := n.b.RollbackRefused(batch, refusal)
	n.mu.Unlock()
	if err != nil {
		return fmt.Errorf("node: roll back batch %d: %w", batch.Number(), err)
	}
	if err := n.b.Chain().Database().Delete(settlementKey(batch.Number())); err != nil {
		return err
	}
	return n.b.Chain().Sync()
}

// Status returns the settlement status of a batch.
func (n *Node) Status(number uint64) (SettlementStatus, error) {
	n.mu.RLock()
	defer n.mu.RUnlock()
	return n.statusOf(number)
}

// statusOf is Status; the caller holds mu.
func (n *Node) statusOf(number uint64) (SettlementStatus, error) {
	if number == 0 || number > n.b.Chain().Head().Number.Uint64() {
		return SettlementStatus{}, fmt.Errorf("%w: %d", booster.ErrNoBatch, number)
	}
	st, err := n.status(number)
	if err != nil {
		return SettlementStatus{State: StateExecuted}, nil
	}
	return st, nil
}

// Receipt returns the receipt of a sealed L2 transaction, nil while it is
// queued or unknown.
func (n *Node) Receipt(hash common.Hash) (*evm.Receipt, error) {
	n.mu.RLock()
	defer n.mu.RUnlock()
	return n.b.Chain().Receipt(hash)
}

package boostertest

import (
	"context"
	"crypto/ecdsa"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/params"

	"github.com/boosterkit/go-booster/booster"
	"github.com/boosterkit/go-booster/evm/l1"
	"github.com/boosterkit/go-booster/precompiles"
	"github.com/boosterkit/go-booster/solidity"
)

// TB is what the helpers need of a test: *testing.T and *testing.B (any
// testing.TB) have it.
type TB interface {
	Helper()
	Cleanup(func())
	Errorf(format string, args ...any)
	Fatal(args ...any)
	Fatalf(format string, args ...any)
}

// Ether is 10^18 wei.
var Ether = new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)

// L1 is a simulated L1 chain with a funded deployer and the development
// batch verifier deployed.
type L1 struct {
	// Backend is the simulated chain; Client talks to it.
	Backend *simulated.Backend
	Client  simulated.Client
	// Config is the chain configuration it runs (mainnet's rules up to
	// Osaka unless WithConfig says otherwise).
	Config *params.ChainConfig
	// Key and From are the funded deployer, which also sends settlements.
	Key  *ecdsa.PrivateKey
	From common.Address
	// Verifier is the DevBatchVerifier every rollup's Booster uses;
	// DevKey signs its batches.
	Verifier common.Address
	DevKey   *ecdsa.PrivateKey

	rollups int
}

// Option configures NewL1.
type Option func(*l1Config)

type l1Config struct {
	config *params.ChainConfig
	alloc  types.GenesisAlloc
}

// WithConfig runs the L1 under another chain configuration (for example
// params.AllDevChainProtocolChanges, go-ethereum's development rules).
func WithConfig(c *params.ChainConfig) Option { return func(o *l1Config) { o.config = c } }

// WithAccount funds an L1 account at genesis.
func WithAccount(addr common.Address, balance *big.Int) Option {
	return func(o *l1Config) { o.alloc[addr] = types.Account{Balance: new(big.Int).Set(balance)} }
}

// Key derives a deterministic private key from a name: the same name
// gives the same key in every run.
func Key(t TB, name string) *ecdsa.PrivateKey {
	t.Helper()
	key, err := crypto.ToECDSA(crypto.Keccak256([]byte("go-booster boostertest key " + name)))
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// NewL1 starts a simulated L1, funds the deployer with a million ether and
// deploys the development verifier. It is closed when the test ends.
func NewL1(t TB, opts ...Option) *L1 {
	t.Helper()
	key := Key(t, "l1 deployer")
	from := crypto.PubkeyToAddress(key.PublicKey)
	cfg := l1Config{config: l1.OsakaConfig(), alloc: types.GenesisAlloc{}}
	cfg.alloc[from] = types.Account{Balance: new(big.Int).Mul(Ether, big.NewInt(1_000_000))}
	for _, o := range opts {
		o(&cfg)
	}
	backend := simulated.NewBackend(cfg.alloc, l1.SimulatedConfig(cfg.config))
	t.Cleanup(func() { backend.Close() })
	l := &L1{Backend: backend, Client: backend.Client(), Config: cfg.config, Key: key, From: from, DevKey: Key(t, "dev verifier")}
	l.Verifier = l.Deploy(t, "DevBatchVerifier", crypto.PubkeyToAddress(l.DevKey.PublicKey))
	return l
}

// pack returns the artifact of contract and the ABI encoding of a call of
// method (the constructor when method is "").
func pack(t TB, contract, method string, args ...any) (*solidity.Artifact, []byte) {
	t.Helper()
	a, err := solidity.Load(contract)
	if err != nil {
		t.Fatal(err)
	}
	data, err := a.ABI.Pack(method, args...)
	if err != nil {
		t.Fatalf("%s.%s: %v", contract, method, err)
	}
	return a, data
}

// Send sends an L1 transaction from the deployer, mines it and returns its
// receipt, whatever its status.
func (l *L1) Send(t TB, to *common.Address, value *big.Int, data []byte) *types.Receipt {
	t.Helper()
	ctx := context.Background()
	nonce, err := l.Client.PendingNonceAt(ctx, l.From)
	if err != nil {
		t.Fatal(err)
	}
	if value == nil {
		value = new(big.Int)
	}
	tx := types.MustSignNewTx(l.Key, types.LatestSignerForChainID(l.Config.ChainID), &types.DynamicFeeTx{
		ChainID: l.Config.ChainID, Nonce: nonce, GasTipCap: big.NewInt(params.GWei), GasFeeCap: big.NewInt(100 * params.GWei),
		Gas: 10_000_000, To: to, Value: value, Data: data,
	})
	if err := l.Client.SendTransaction(ctx, tx); err != nil {
		t.Fatal(err)
	}
	l.Backend.Commit()
	return l.Receipt(t, tx.Hash())
}

// Receipt waits for the receipt of a mined transaction (the simulated
// backend indexes in the background).
func (l *L1) Receipt(t TB, hash common.Hash) *types.Receipt {
	t.Helper()
	var last error
	for range 500 {
		r, err := l.Client.TransactionReceipt(context.Background(), hash)
		if err == nil {
			return r
		}
		last = err
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatalf("receipt of %s: %v", hash, last)
	return nil
}

// Deploy deploys the compiled contract of that name (package solidity's
// artifacts) with constructor arguments, and returns its address.
func (l *L1) Deploy(t TB, contract string, args ...any) common.Address {
	t.Helper()
	a, ctorArgs := pack(t, contract, "", args...)
	r := l.Send(t, nil, nil, append(common.CopyBytes(a.Bytecode), ctorArgs...))
	if r.Status != types.ReceiptStatusSuccessful {
		t.Fatalf("deploying %s failed", contract)
	}
	return r.ContractAddress
}

// Call runs a read-only call of a contract's method at the L1 head and
// returns its outputs.
func (l *L1) Call(t TB, at common.Address, contract, method string, args ...any) []any {
	t.Helper()
	a, data := pack(t, contract, method, args...)
	out, err := l.Client.CallContract(context.Background(), ethereum.CallMsg{From: l.From, To: &at, Data: data}, nil)
	if err != nil {
		t.Fatalf("%s.%s: %v", contract, method, err)
	}
	vals, err := a.ABI.Unpack(method, out)
	if err != nil {
		t.Fatalf("%s.%s: %v", contract, method, err)
	}
	return vals
}

// Storage reads an L1 slot at the head.
func (l *L1) Storage(t TB, addr common.Address, slot common.Hash) common.Hash {
	t.Helper()
	v, err := l.Client.StorageAt(context.Background(), addr, slot, nil)
	if err != nil {
		t.Fatal(err)
	}
	return common.BytesToHash(v)
}

// Advance mines n empty L1 blocks.
func (l *L1) Advance(n int) {
	for range n {
		l.Backend.Commit()
	}
}

// Source pins the L1 head.
func (l *L1) Source(t TB) l1.Source {
	t.Helper()
	src, err := l1.NewSimulatedSourceConfig(context.Background(), l.Backend, l.Config)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// New is NewL1 and n rollups on it (NewRollup, each with opts), in one
// call.
func New(t TB, n int, opts ...booster.Option) (*L1, []*Rollup) {
	t.Helper()
	l := NewL1(t)
	rollups := make([]*Rollup, n)
	for i := range rollups {
		rollups[i] = l.NewRollup(t, opts...)
	}
	return l, rollups
}

// Funded is a booster option that gives the L2 accounts of these names
// (Rollup.Account) a balance at genesis, for transactions that move value
// or pay a base fee (booster.WithBaseFee).
func Funded(t TB, balance *big.Int, names ...string) booster.Option {
	t.Helper()
	alloc := types.GenesisAlloc{}
	for _, name := range names {
		alloc[crypto.PubkeyToAddress(Key(t, "l2 "+name).PublicKey)] = types.Account{Balance: new(big.Int).Set(balance)}
	}
	return booster.WithGenesis(alloc)
}

// Rollup is one booster rollup on the L1: its Booster contract and a
// booster.Booster that settles there, pinned to the L1 head when made.
type Rollup struct {
	L1 *L1
	// Contract is the rollup's Booster contract on L1, ChainID its L2
	// chain id.
	Contract common.Address
	ChainID  *big.Int
	Booster  *booster.Booster
	// Prover makes the batches' proofs: signatures for the development
	// verifier, unless NewRollupVerifiedBy was given another.
	Prover booster.Prover
}

// NewRollup deploys a Booster contract for a new L2 chain (chain ids
// 167001, 167002, ... in order) and returns a rollup settling there, with
// the booster options given (WithL1Contract and WithChainID are set).
func (l *L1) NewRollup(t TB, opts ...booster.Option) *Rollup {
	t.Helper()
	return l.NewRollupVerifiedBy(t, l.Verifier, booster.NewDevProver(l.DevKey, l.Config.ChainID, l.Verifier), opts...)
}

// NewRollupVerifiedBy is NewRollup with another batch verifier than the
// development one: the rollup's Booster contract checks every proof with
// the IBatchVerifier at verifier, and Settle asks prover for them.
func (l *L1) NewRollupVerifiedBy(t TB, verifier common.Address, prover booster.Prover, opts ...booster.Option) *Rollup {
	t.Helper()
	l.rollups++
	chainID := big.NewInt(167_000 + int64(l.rollups))
	r := &Rollup{L1: l, ChainID: chainID, Prover: prover}
	genesis, err := booster.GenesisStateRoot(opts...)
	if err != nil {
		t.Fatal(err)
	}
	r.Contract = l.Deploy(t, "Booster", verifier, chainID, genesis)
	b, err := booster.New(l.Source(t), append([]booster.Option{booster.WithChainID(chainID), booster.WithL1Contract(r.Contract)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	r.Booster = b
	return r
}

// Account is an L2 account of a rollup. Its transactions offer no fee, so
// it needs no balance on an L2 with the default zero base fee.
type Account struct {
	Key     *ecdsa.PrivateKey
	Address common.Address
	rollup  *Rollup
}

// Account returns the L2 account with a key derived from name.
func (r *Rollup) Account(t TB, name string) *Account {
	t.Helper()
	key := Key(t, "l2 "+name)
	return &Account{Key: key, Address: crypto.PubkeyToAddress(key.PublicKey), rollup: r}
}

// Send signs an L2 transaction with the account's next nonce (queued
// transactions counted) and submits it.
func (a *Account) Send(t TB, to *common.Address, value *big.Int, data []byte, gas uint64) *types.Transaction {
	t.Helper()
	if value == nil {
		value = new(big.Int)
	}
	b := a.rollup.Booster
	tx := types.MustSignNewTx(a.Key, types.LatestSignerForChainID(a.rollup.ChainID), &types.DynamicFeeTx{
		ChainID: a.rollup.ChainID, Nonce: b.Nonce(a.Address), GasFeeCap: new(big.Int), GasTipCap: new(big.Int),
		Gas: gas, To: to, Value: value, Data: data,
	})
	if err := b.Submit(tx); err != nil {
		t.Fatal(err)
	}
	return tx
}

// Transact sends a call of an L2 contract's method (package solidity's
// artifact of that name) with 3,000,000 gas.
func (a *Account) Transact(t TB, at common.Address, contract, method string, args ...any) *types.Transaction {
	t.Helper()
	_, data := pack(t, contract, method, args...)
	return a.Send(t, &at, nil, data, 3_000_000)
}

// L1Call sends an L1CALL of an L1 contract's method from the account.
func (a *Account) L1Call(t TB, at common.Address, contract, method string, args ...any) *types.Transaction {
	t.Helper()
	_, data := pack(t, contract, method, args...)
	return a.Send(t, &precompiles.L1CallAddress, nil, append(at.Bytes(), data...), 3_000_000)
}

// Deploy submits the creation of an L2 contract from its artifact and
// returns the address it will have.
func (a *Account) Deploy(t TB, contract string, args ...any) common.Address {
	t.Helper()
	art, ctorArgs := pack(t, contract, "", args...)
	addr := a.NextContract()
	a.Send(t, nil, nil, append(common.CopyBytes(art.Bytecode), ctorArgs...), 10_000_000)
	return addr
}

// NextContract returns the address the account's next contract creation
// gets.
func (a *Account) NextContract() common.Address {
	return crypto.CreateAddress(a.Address, a.rollup.Booster.Nonce(a.Address))
}

// L1Sender returns the address an L2 contract acts as on L1 through the
// precompiles when its code differs from the code at its address on L1
// (SPEC §1's alias): what an L1 contract that trusts it must name.
func L1Sender(l2Contract common.Address) common.Address { return precompiles.Alias(l2Contract) }

// Settle executes a batch of the queued transactions, settles it on L1,
// checks that every L2 transaction succeeded and that every slot the batch
// wrote holds on L1 what the booster's view held, re-pins the rollup to
// the new L1 head and returns the batch and the settlement's receipt.
func (r *Rollup) Settle(t TB) (*booster.Batch, *types.Receipt) {
	t.Helper()
	ctx := context.Background()
	batch, err := r.Booster.ExecuteBatch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i, rc := range batch.Receipts {
		if rc.Status != types.ReceiptStatusSuccessful {
			t.Fatalf("L2 transaction %d of batch %d failed: %v (%x)", i, batch.Number(), rc.Err, rc.ReturnData)
		}
	}
	for _, rj := range batch.Rejected {
		t.Fatalf("L2 transaction %s rejected: %v", rj.Tx.Hash(), rj.Err)
	}
	r.L1.Backend.Commit() // the pinned block must be older than the head
	tx, err := booster.Settle(ctx, r.L1.Client, bind.NewKeyedTransactor(r.L1.Key, r.L1.Config.ChainID), r.Contract, batch, r.Prover)
	if err != nil {
		t.Fatalf("settle batch %d: %v", batch.Number(), err)
	}
	r.L1.Backend.Commit()
	receipt := r.L1.Receipt(t, tx.Hash())
	if receipt.Status != types.ReceiptStatusSuccessful {
		t.Fatalf("settlement of batch %d reverted on L1", batch.Number())
	}
	r.AssertSettled(t, batch)
	if err := r.Booster.SetL1Source(r.L1.Source(t)); err != nil {
		t.Fatal(err)
	}
	return batch, receipt
}

// AssertSettled checks that every slot the batch wrote holds on L1 the
// value the booster's view ended the batch with.
func (r *Rollup) AssertSettled(t TB, batch *booster.Batch) {
	t.Helper()
	for _, w := range batch.Writes {
		if got := r.L1.Storage(t, w.Contract, w.Slot); got != w.Value {
			t.Errorf("L1 slot %s of %s holds %s; batch %d wrote %s", w.Slot, w.Contract, got, batch.Number(), w.Value)
		}
	}
}

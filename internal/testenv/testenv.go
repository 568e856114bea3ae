package testenv

import (
	"context"
	"crypto/ecdsa"
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/params"

	"github.com/boosterkit/go-booster/evm/l1"
	"github.com/boosterkit/go-booster/solidity"
)

// Ether is 10^18 wei.
var Ether = new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)

// L1 is a simulated L1 chain with one funded account that deploys and
// transacts.
type L1 struct {
	Backend *simulated.Backend
	Client  simulated.Client
	Key     *ecdsa.PrivateKey
	From    common.Address
	// Config is the chain configuration the simulated L1 runs.
	Config  *params.ChainConfig
	chainID *big.Int
}

// NewL1 starts a simulated L1 with go-ethereum's default simulated rules;
// it is closed when the test ends.
func NewL1(t testing.TB) *L1 {
	t.Helper()
	return NewL1Config(t, params.AllDevChainProtocolChanges)
}

// NewL1Config starts a simulated L1 that runs config (l1.OsakaConfig for
// mainnet's gas rules).
func NewL1Config(t testing.TB, config *params.ChainConfig) *L1 {
	t.Helper()
	key := Key(t, "l1-deployer")
	from := crypto.PubkeyToAddress(key.PublicKey)
	twin := crypto.PubkeyToAddress(Key(t, "twin").PublicKey)
	backend := simulated.NewBackend(types.GenesisAlloc{
		from: {Balance: new(big.Int).Mul(Ether, big.NewInt(1_000_000))},
		twin: {Balance: new(big.Int).Mul(Ether, big.NewInt(1_000))},
	}, l1.SimulatedConfig(config))
	t.Cleanup(func() { backend.Close() })
	return &L1{Backend: backend, Client: backend.Client(), Key: key, From: from, Config: config, chainID: config.ChainID}
}

// Key derives a deterministic private key from a name.
func Key(t testing.TB, name string) *ecdsa.PrivateKey {
	t.Helper()
	key, err := crypto.ToECDSA(crypto.Keccak256([]byte("go-booster test key " + name)))
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// Send signs and sends an L1 transaction from the funded account, commits a
// block and returns the receipt.
func (l *L1) Send(t testing.TB, to *common.Address, value *big.Int, data []byte) *types.Receipt {
	t.Helper()
	return l.SendFrom(t, l.Key, to, value, data)
}

// SendFrom is Send from another funded key (the "twin" key is funded at
// genesis).
func (l *L1) SendFrom(t testing.TB, key *ecdsa.PrivateKey, to *common.Address, value *big.Int, data []byte) *types.Receipt {
	t.Helper()
	ctx := context.Background()
	nonce, err := l.Client.PendingNonceAt(ctx, crypto.PubkeyToAddress(key.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	if value == nil {
		value = new(big.Int)
	}
	tx := types.MustSignNewTx(key, types.LatestSignerForChainID(l.chainID), &types.DynamicFeeTx{
		ChainID:   l.chainID,
		Nonce:     nonce,
		GasTipCap: big.NewInt(params.GWei),
		GasFeeCap: big.NewInt(20 * params.GWei),
		Gas:       5_000_000,
		To:        to,
		Value:     value,
		Data:      data,
	})
	if err := l.Client.SendTransaction(ctx, tx); err != nil {
		t.Fatal(err)
	}
	l.Backend.Commit()
	return l.Receipt(t, tx.Hash())
}

// Receipt waits for the receipt of a mined transaction (the simulated
// backend indexes transactions in the background).
func (l *L1) Receipt(t testing.TB, hash common.Hash) *types.Receipt {
	t.Helper()
	var lastErr error
	for range 500 {
		receipt, err := l.Client.TransactionReceipt(context.Background(), hash)
		if err == nil {
			return receipt
		}
		lastErr = err
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatalf("receipt of %s: %v", hash, lastErr)
	return nil
}

// Deploy deploys a compiled contract with constructor arguments and returns
// its address.
func (l *L1) Deploy(t testing.TB, name string, value *big.Int, args ...any) common.Address {
	t.Helper()
	a := solidity.MustLoad(name)
	ctorArgs, err := a.ABI.Pack("", args...)
	if err != nil {
		t.Fatal(err)
	}
	r := l.Send(t, nil, value, append(common.CopyBytes(a.Bytecode), ctorArgs...))
	if r.Status != types.ReceiptStatusSuccessful {
		t.Fatalf("deploy %s failed", name)
	}
	return r.ContractAddress
}

// DeployCode deploys raw creation code and returns the contract's address.
func (l *L1) DeployCode(t testing.TB, code []byte) common.Address {
	t.Helper()
	r := l.Send(t, nil, nil, code)
	if r.Status != types.ReceiptStatusSuccessful {
		t.Fatal("deployment failed")
	}
	return r.ContractAddress
}

// Call runs a read-only call against the latest L1 block.
func (l *L1) Call(t testing.TB, to common.Address, data []byte) []byte {
	t.Helper()
	out, err := l.Client.CallContract(context.Background(), ethereumCall(l.From, to, data), nil)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Storage reads an L1 slot at the latest block.
func (l *L1) Storage(t testing.TB, addr common.Address, slot common.Hash) common.Hash {
	t.Helper()
	v, err := l.Client.StorageAt(context.Background(), addr, slot, nil)
	if err != nil {
		t.Fatal(err)
	}
	return common.BytesToHash(v)
}

// Source pins the latest L1 block.
func (l *L1) Source(t testing.TB) l1.Source {
	t.Helper()
	src, err := l1.NewSimulatedSourceConfig(context.Background(), l.Backend, l.Config)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// L2Account signs L2 transactions with consecutive nonces.
type L2Account struct {
	Key     *ecdsa.PrivateKey
	Addr    common.Address
	Nonce   uint64
	ChainID *big.Int
	// FeeCap is the fee cap per gas of the account's transactions; nil
	// means 100 gwei. Zero makes transactions that need no balance on an
	// L2 whose base fee is zero.
	FeeCap *big.Int
}

// NewL2Account returns an account with a deterministic key.
func NewL2Account(t testing.TB, name string, chainID *big.Int) *L2Account {
	key := Key(t, name)
	return &L2Account{Key: key, Addr: crypto.PubkeyToAddress(key.PublicKey), ChainID: chainID}
}

// Tx signs a dynamic-fee transaction with the next nonce. It offers a fee
// cap of FeeCap (100 gwei if nil) and no tip, so it pays nothing on an L2
// with a zero base fee.
func (a *L2Account) Tx(t testing.TB, to *common.Address, value *big.Int, data []byte, gas uint64) *types.Transaction {
	t.Helper()
	if value == nil {
		value = new(big.Int)
	}
	feeCap := big.NewInt(100 * params.GWei)
	if a.FeeCap != nil {
		feeCap = a.FeeCap
	}
	tx := types.MustSignNewTx(a.Key, types.LatestSignerForChainID(a.ChainID), &types.DynamicFeeTx{
		ChainID:   a.ChainID,
		Nonce:     a.Nonce,
		GasTipCap: new(big.Int),
		GasFeeCap: feeCap,
		Gas:       gas,
		To:        to,
		Value:     value,
		Data:      data,
	})
	a.Nonce++
	return tx
}

// Deploy signs a contract creation of a compiled contract and returns the
// transaction and the address the contract will have.
func (a *L2Account) Deploy(t testing.TB, name string, args ...any) (*types.Transaction, common.Address) {
	t.Helper()
	art := solidity.MustLoad(name)
	ctorArgs, err := art.ABI.Pack("", args...)
	if err != nil {
		t.Fatal(err)
	}
	addr := crypto.CreateAddress(a.Addr, a.Nonce)
	return a.Tx(t, nil, nil, append(common.CopyBytes(art.Bytecode), ctorArgs...), 5_000_000), addr
}

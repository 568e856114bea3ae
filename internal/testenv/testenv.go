package testenv

import (
	"context"
	"crypto/ecdsa"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"

	"github.com/boosterkit/go-booster/booster/boostertest"
	"github.com/boosterkit/go-booster/solidity"
)

// Ether is 10^18 wei.
var Ether = boostertest.Ether

// L1 is a simulated L1 chain with one funded account that deploys and
// transacts: boostertest's L1 (whose Send, Receipt, Deploy, Storage and
// Advance it has), with go-ethereum's development rules by default and the
// "twin" key funded too.
type L1 struct {
	*boostertest.L1
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
	twin := crypto.PubkeyToAddress(Key(t, "twin").PublicKey)
	return &L1{boostertest.NewL1(t, boostertest.WithConfig(config), boostertest.WithAccount(twin, new(big.Int).Mul(Ether, big.NewInt(1_000))))}
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
	tx := types.MustSignNewTx(key, types.LatestSignerForChainID(l.Config.ChainID), &types.DynamicFeeTx{
		ChainID:   l.Config.ChainID,
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

// Deploy deploys a compiled contract, sending value to its constructor,
// and returns its address.
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

// Call runs a read-only call against the latest L1 block and returns the
// raw return data.
func (l *L1) Call(t testing.TB, to common.Address, data []byte) []byte {
	t.Helper()
	out, err := l.Client.CallContract(context.Background(), ethereumCall(l.From, to, data), nil)
	if err != nil {
		t.Fatal(err)
	}
	return out
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

package booster_test

import (
	"context"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/boosterkit/go-booster/booster"
	"github.com/boosterkit/go-booster/internal/testenv"
	"github.com/boosterkit/go-booster/precompiles"
	"github.com/boosterkit/go-booster/solidity"
)

var l2ChainID = big.NewInt(167_001)

// world is a simulated L1 with the fixtures deployed, a booster over it, an
// L2 user and the Caller contract deployed on L2.
type world struct {
	t       *testing.T
	l1      *testenv.L1
	counter common.Address
	slots   common.Address
	probe   common.Address
	b       *booster.Booster
	user    *testenv.L2Account
	caller  common.Address
}

func newWorld(t *testing.T, opts ...booster.Option) *world {
	t.Helper()
	w := &world{t: t, l1: testenv.NewL1(t)}
	w.counter = w.l1.Deploy(t, "Counter", nil)
	w.slots = w.l1.Deploy(t, "Slots", nil)
	w.probe = w.l1.Deploy(t, "Probe", testenv.Ether)
	w.user = testenv.NewL2Account(t, "user", l2ChainID)
	opts = append([]booster.Option{
		booster.WithChainID(l2ChainID),
		booster.WithGenesis(types.GenesisAlloc{
			w.user.Addr: {Balance: new(big.Int).Mul(testenv.Ether, big.NewInt(100))},
			testenv.NewL2Account(t, "twin", l2ChainID).Addr: {Balance: testenv.Ether},
		}),
	}, opts...)
	b, err := booster.New(w.l1.Source(t), opts...)
	if err != nil {
		t.Fatal(err)
	}
	w.b = b
	tx, addr := w.user.Deploy(t, "Caller")
	w.caller = addr
	w.run(tx)
	return w
}

// run submits the transactions, executes a batch and checks that every one
// was applied.
func (w *world) run(txs ...*types.Transaction) *booster.Batch {
	w.t.Helper()
	for _, tx := range txs {
		if err := w.b.Submit(tx); err != nil {
			w.t.Fatalf("submit: %v", err)
		}
	}
	batch, err := w.b.ExecuteBatch(context.Background())
	if err != nil {
		w.t.Fatalf("execute batch: %v", err)
	}
	if len(batch.Rejected) != 0 {
		w.t.Fatalf("rejected: %v", batch.Rejected[0].Err)
	}
	return batch
}

// l1Tx is a transaction from the user straight to a precompile.
func (w *world) l1Tx(precompile, target common.Address, data []byte) *types.Transaction {
	return w.user.Tx(w.t, &precompile, nil, input(target, data), 3_000_000)
}

// callerTx is a transaction from the user to the L2 Caller contract.
func (w *world) callerTx(method string, args ...any) *types.Transaction {
	return w.user.Tx(w.t, &w.caller, nil, pack(w.t, "Caller", method, args...), 5_000_000)
}

func input(target common.Address, data []byte) []byte {
	return append(common.CopyBytes(target[:]), data...)
}

func pack(t testing.TB, contract, method string, args ...any) []byte {
	t.Helper()
	data, err := solidity.MustLoad(contract).ABI.Pack(method, args...)
	if err != nil {
		t.Fatalf("pack %s.%s: %v", contract, method, err)
	}
	return data
}

func unpack(t testing.TB, contract, method string, data []byte) []any {
	t.Helper()
	out, err := solidity.MustLoad(contract).ABI.Unpack(method, data)
	if err != nil {
		t.Fatalf("unpack %s.%s: %v", contract, method, err)
	}
	return out
}

// rawResult decodes Caller.raw's (ok, ret, gasUsed).
func rawResult(t testing.TB, data []byte) (ok bool, ret []byte, gasUsed uint64) {
	t.Helper()
	out := unpack(t, "Caller", "raw", data)
	return out[0].(bool), out[1].([]byte), out[2].(*big.Int).Uint64()
}

func word(v uint64) common.Hash { return common.BigToHash(new(big.Int).SetUint64(v)) }

var (
	l1Call    = precompiles.L1CallAddress
	l1Sandbox = precompiles.L1SandboxCallAddress
	l1Deleg   = precompiles.L1DelegateCallAddress
)

package l1_test

import (
	"context"
	"errors"
	"math/big"
	"reflect"
	"sync/atomic"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"
	"github.com/holiman/uint256"

	"github.com/boosterkit/go-booster/evm/l1"
	"github.com/boosterkit/go-booster/internal/testenv"
	"github.com/boosterkit/go-booster/solidity"
	"github.com/boosterkit/go-booster/statechanges"
)

// countingClient counts the calls that reach the node.
type countingClient struct {
	l1.StateClient
	calls atomic.Int64
}

func (c *countingClient) StorageAt(ctx context.Context, a common.Address, k common.Hash, n *big.Int) ([]byte, error) {
	c.calls.Add(1)
	return c.StateClient.StorageAt(ctx, a, k, n)
}

func (c *countingClient) CodeAt(ctx context.Context, a common.Address, n *big.Int) ([]byte, error) {
	c.calls.Add(1)
	return c.StateClient.CodeAt(ctx, a, n)
}

func (c *countingClient) HeaderByHash(ctx context.Context, h common.Hash) (*types.Header, error) {
	c.calls.Add(1)
	return c.StateClient.HeaderByHash(ctx, h)
}

func TestClientSourceReadsPinnedBlockAndCaches(t *testing.T) {
	chain := testenv.NewL1(t)
	counter := chain.Deploy(t, "Counter", nil)
	inc, _ := solidity.MustLoad("Counter").ABI.Pack("increment")
	chain.Send(t, &counter, nil, inc)
	ctx := context.Background()
	pinned, err := chain.Client.HeaderByNumber(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &countingClient{StateClient: chain.Client}
	src, err := l1.NewClientSource(client, params.AllDevChainProtocolChanges, pinned)
	if err != nil {
		t.Fatal(err)
	}
	chain.Send(t, &counter, nil, inc) // after the pinned block: must not be seen

	for range 3 {
		v, err := src.Storage(ctx, counter, common.Hash{})
		if err != nil || v != common.BigToHash(big.NewInt(1)) {
			t.Fatalf("count at the pinned block = %s, %v; want 1", v, err)
		}
		acct, err := src.Account(ctx, counter)
		if err != nil || acct.CodeHash != crypto.Keccak256Hash(solidity.MustLoad("Counter").DeployedBytecode) {
			t.Fatalf("account: %v, %v", acct, err)
		}
		if _, err := src.HeaderByHash(ctx, pinned.ParentHash); err != nil {
			t.Fatal(err)
		}
	}
	// One storage read, one code read (inside Account), one header.
	if got := client.calls.Load(); got != 3 {
		t.Fatalf("%d calls reached the node, want 3 (answers must be cached)", got)
	}
	if _, err := l1.NewClientSource(client, nil, pinned); err == nil {
		t.Fatal("nil chain config accepted")
	}
	if _, err := l1.NewClientSource(client, params.AllDevChainProtocolChanges, nil); !errors.Is(err, l1.ErrNoHeader) {
		t.Fatalf("nil header: %v", err)
	}
}

func TestClientSourceWrapsNodeErrors(t *testing.T) {
	chain := testenv.NewL1(t)
	pinned, _ := chain.Client.HeaderByNumber(context.Background(), nil)
	src, _ := l1.NewClientSource(chain.Client, params.AllDevChainProtocolChanges, pinned)
	chain.Backend.Close()
	if _, err := src.Storage(context.Background(), common.Address{1}, common.Hash{}); !errors.Is(err, l1.ErrSource) {
		t.Fatalf("error from a closed node = %v, want l1.ErrSource", err)
	}
}

func newView(t *testing.T, alloc types.GenesisAlloc) *l1.View {
	t.Helper()
	header := &types.Header{Number: big.NewInt(300), ParentHash: common.Hash{0x99}, Time: 1, Difficulty: new(big.Int), BaseFee: new(big.Int)}
	src, err := l1.NewAllocSource(params.AllDevChainProtocolChanges, header, alloc)
	if err != nil {
		t.Fatal(err)
	}
	v, err := l1.NewView(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestViewJournalsWritesAndRecordsReads(t *testing.T) {
	slots := common.HexToAddress("0x5107")
	v := newView(t, types.GenesisAlloc{slots: {
		Code:    solidity.MustLoad("Slots").DeployedBytecode,
		Storage: map[common.Hash]common.Hash{{31: 1}: {31: 10}},
	}})
	abi := solidity.MustLoad("Slots").ABI
	call := func(method string, args ...any) []byte {
		data, _ := abi.Pack(method, args...)
		evm := v.NewEVM(common.Address{0xee})
		v.BeginCall(evm.Cancel)
		ret, _, err := evm.Call(common.Address{0xee}, slots, data, vm.NewGasBudget(1_000_000, 0), new(uint256.Int))
		if violation, _ := v.EndCall(); violation != nil || err != nil {
			t.Fatalf("%s: %v %v", method, violation, err)
		}
		return ret
	}
	v.BeginTx(common.Hash{1}, 0, common.Address{0xee})
	call("read", common.Hash{31: 1})
	snap := v.Snapshot()
	call("write", common.Hash{31: 2}, common.Hash{31: 20})
	v.RevertToSnapshot(snap)
	call("write", common.Hash{31: 3}, common.Hash{31: 30})
	call("read", common.Hash{31: 3}) // written by the batch: this read is not recorded
	v.EndTx()
	writes, reads := v.Result()
	if len(writes) != 1 || writes[0].Slot != (common.Hash{31: 3}) {
		t.Fatalf("writes = %v, want only slot 3 (slot 2 was reverted)", writes)
	}
	// Slots 2 and 3 were first touched by SSTORE, whose gas reads them:
	// they are in the read set with their pinned value, 0.
	want := []statechanges.StorageRead{
		{Contract: slots, Slot: common.Hash{31: 1}, Value: common.Hash{31: 10}},
		{Contract: slots, Slot: common.Hash{31: 2}},
		{Contract: slots, Slot: common.Hash{31: 3}},
	}
	if !reflect.DeepEqual(reads.Storage, want) {
		t.Fatalf("storage reads = %v, want %v", reads.Storage, want)
	}
	if len(reads.Code) != 1 || reads.Code[0].Account != slots {
		t.Fatalf("code reads = %v, want the Slots contract", reads.Code)
	}
}

func TestViewBlockHash(t *testing.T) {
	v := newView(t, nil)
	evm := v.NewEVM(common.Address{})
	if got := evm.Context.GetHash(299); got != (common.Hash{0x99}) {
		t.Fatalf("BLOCKHASH(number-1) = %s, want the pinned parent hash", got)
	}
	if got := evm.Context.GetHash(300); got != (common.Hash{}) {
		t.Fatalf("BLOCKHASH(number) = %s, want zero", got)
	}
	if evm.Context.GetHash(298); !errors.Is(v.Err(), l1.ErrSource) {
		t.Fatalf("an ancestor the source lacks must surface as a source error, got %v", v.Err())
	}
}

// TestOsakaConfig: a simulated L1 started with OsakaConfig prices a new
// storage slot as mainnet does (20,000 + 2,100 cold), while the default
// rules (Bogota's EIP-8037) charge several times more; the source pins the
// configuration it was given.
func TestOsakaConfig(t *testing.T) {
	incrementGas := func(config *params.ChainConfig) uint64 {
		l := testenv.NewL1Config(t, config)
		counter := l.Deploy(t, "Counter", nil)
		data, _ := solidity.MustLoad("Counter").ABI.Pack("set", big.NewInt(7))
		r := l.Send(t, &counter, nil, data)
		if got := l.Source(t).ChainConfig(); got != config {
			t.Fatalf("source pins config %v, want the backend's", got)
		}
		return r.GasUsed
	}
	osaka := incrementGas(l1.OsakaConfig())
	dev := incrementGas(params.AllDevChainProtocolChanges)
	// 21,000 + calldata + 22,100 for the new slot + dispatch: under 50k.
	if osaka < 43_100 || osaka > 50_000 {
		t.Errorf("Osaka: first write to a slot used %d gas, want 43,100..50,000", osaka)
	}
	if dev < 2*osaka {
		t.Errorf("default rules: %d gas, want well above Osaka's %d", dev, osaka)
	}
	if c := l1.OsakaConfig(); c.BogotaTime != nil || c.OsakaTime == nil || c == l1.OsakaConfig() {
		t.Error("OsakaConfig must return a fresh config with Osaka on and Bogota off")
	}
}

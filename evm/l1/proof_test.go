package l1_test

import (
	"context"
	"encoding/json"
	"math/big"
	"reflect"
	"sync/atomic"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/evm/l1"
	"github.com/boosterkit/go-booster/internal/testenv"
	"github.com/boosterkit/go-booster/solidity"
)

// lyingEth is an eth namespace that forwards to a real node and alters
// its answers as told: what an untrustworthy JSON-RPC provider does.
type lyingEth struct {
	real   *rpc.Client
	alter  func(method string, answer map[string]any)
	proofs atomic.Int64 // eth_getProof requests
}

func (e *lyingEth) forward(ctx context.Context, method string, args ...any) (map[string]any, error) {
	var raw json.RawMessage
	if err := e.real.CallContext(ctx, &raw, method, args...); err != nil {
		return nil, err
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, err
	}
	if out != nil && e.alter != nil {
		e.alter(method, out)
	}
	return out, nil
}

func (e *lyingEth) GetBlockByNumber(ctx context.Context, n string, full bool) (map[string]any, error) {
	return e.forward(ctx, "eth_getBlockByNumber", n, full)
}

func (e *lyingEth) GetBlockByHash(ctx context.Context, h common.Hash, full bool) (map[string]any, error) {
	return e.forward(ctx, "eth_getBlockByHash", h, full)
}

func (e *lyingEth) GetProof(ctx context.Context, a common.Address, keys []string, block string) (map[string]any, error) {
	e.proofs.Add(1)
	return e.forward(ctx, "eth_getProof", a, keys, block)
}

func (e *lyingEth) GetCode(ctx context.Context, a common.Address, block string) (hexutil.Bytes, error) {
	var code hexutil.Bytes
	if err := e.real.CallContext(ctx, &code, "eth_getCode", a, block); err != nil {
		return nil, err
	}
	if e.alter != nil {
		m := map[string]any{"code": code.String()}
		e.alter("eth_getCode", m)
		code = hexutil.MustDecode(m["code"].(string))
	}
	return code, nil
}

// proofWorld is a simulated L1 with a counter holding a value, reached
// through a lying proxy.
type proofWorld struct {
	l1      *testenv.L1
	counter common.Address
	eth     *lyingEth
	client  *rpc.Client
}

func newProofWorld(t *testing.T) *proofWorld {
	t.Helper()
	chain := testenv.NewL1(t)
	counter := chain.Deploy(t, "Counter", nil)
	chain.Send(t, &counter, nil, solidity.MustLoad("Counter").ABI.Methods["increment"].ID)
	chain.Backend.Commit()
	// The simulated backend's client embeds an *ethclient.Client, whose
	// rpc.Client the field name hides.
	real := reflect.ValueOf(chain.Client).FieldByName("Client").Interface().(*ethclient.Client).Client()
	eth := &lyingEth{real: real}
	srv := rpc.NewServer()
	require.NoError(t, srv.RegisterName("eth", eth))
	t.Cleanup(srv.Stop)
	client := rpc.DialInProc(srv)
	t.Cleanup(client.Close)
	return &proofWorld{l1: chain, counter: counter, eth: eth, client: client}
}

func (w *proofWorld) source(t *testing.T) (*l1.ProofSource, error) {
	return l1.NewProofSource(context.Background(), w.client, w.l1.Config, nil)
}

func TestProofSourceAgreesWithTheNode(t *testing.T) {
	w := newProofWorld(t)
	ctx := context.Background()
	src, err := w.source(t)
	require.NoError(t, err)
	head, err := w.l1.Client.HeaderByNumber(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, head.Hash(), src.Header().Hash())

	v, err := src.Storage(ctx, w.counter, common.Hash{})
	require.NoError(t, err)
	assert.Equal(t, common.BigToHash(big.NewInt(1)), v, "the counter's count")
	acct, err := src.Account(ctx, w.counter)
	require.NoError(t, err)
	code, err := w.l1.Client.CodeAt(ctx, w.counter, nil)
	require.NoError(t, err)
	assert.Equal(t, code, acct.Code)
	assert.Equal(t, crypto.Keccak256Hash(code), acct.CodeHash)
	funded, err := src.Account(ctx, w.l1.From)
	require.NoError(t, err)
	bal, err := w.l1.Client.BalanceAt(ctx, w.l1.From, nil)
	require.NoError(t, err)
	assert.Equal(t, bal, funded.Balance.ToBig())
	empty, err := src.Storage(ctx, w.l1.From, common.Hash{7})
	require.NoError(t, err, "an account without storage proves every slot zero")
	assert.Equal(t, common.Hash{}, empty)
	absent, err := src.Account(ctx, common.Address{0xde, 0xad})
	require.NoError(t, err)
	assert.True(t, absent.Balance.IsZero())
	assert.Zero(t, absent.Nonce)
	assert.Empty(t, absent.Code)

	// Many slots are proven in chunks, not one request each.
	slots := make([]common.Hash, 300)
	for i := range slots {
		slots[i] = common.BigToHash(big.NewInt(int64(i + 10)))
	}
	before := w.eth.proofs.Load()
	require.NoError(t, src.Prefetch(ctx, w.counter, slots))
	assert.Equal(t, int64(3), w.eth.proofs.Load()-before, "300 slots in chunks of %d", l1.ProofChunk)
	before = w.eth.proofs.Load()
	v, err = src.Storage(ctx, w.counter, slots[299])
	require.NoError(t, err)
	assert.Equal(t, common.Hash{}, v)
	assert.Equal(t, int64(0), w.eth.proofs.Load()-before, "prefetched slots are cached")
}

func TestProofSourceCatchesALyingNode(t *testing.T) {
	cases := []struct {
		name  string
		alter func(method string, answer map[string]any)
		read  func(ctx context.Context, src *l1.ProofSource, counter common.Address) error
		want  string
	}{
		{"a storage value", func(method string, a map[string]any) {
			if method == "eth_getProof" {
				for _, sp := range a["storageProof"].([]any) {
					sp.(map[string]any)["value"] = "0x2a"
				}
			}
		}, readSlot, "slot 0x0000000000000000000000000000000000000000000000000000000000000000"},
		{"a storage proof", func(method string, a map[string]any) {
			if method == "eth_getProof" {
				for _, sp := range a["storageProof"].([]any) {
					sp.(map[string]any)["proof"] = []any{}
				}
			}
		}, readSlot, "storage proof"},
		{"a balance", func(method string, a map[string]any) {
			if method == "eth_getProof" {
				a["balance"] = "0x1"
			}
		}, readAccount, "balance"},
		{"a nonce", func(method string, a map[string]any) {
			if method == "eth_getProof" {
				a["nonce"] = "0x7"
			}
		}, readAccount, "nonce"},
		{"the code", func(method string, a map[string]any) {
			if method == "eth_getCode" {
				a["code"] = "0x00"
			}
		}, readAccount, "code hashes to"},
		{"an account proof", func(method string, a map[string]any) {
			if method == "eth_getProof" {
				a["accountProof"] = []any{}
			}
		}, readAccount, "account proof"},
		{"the storage root", func(method string, a map[string]any) {
			if method == "eth_getProof" {
				a["storageHash"] = common.Hash{1}.Hex()
			}
		}, readSlot, "storage root"},
		{"the pinned header", func(method string, a map[string]any) {
			if method == "eth_getBlockByNumber" {
				a["stateRoot"] = common.Hash{1}.Hex()
			}
		}, nil, "the header hashes to"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := newProofWorld(t)
			w.eth.alter = c.alter
			ctx := context.Background()
			src, err := w.source(t)
			if c.read == nil {
				require.ErrorIs(t, err, l1.ErrProof)
				assert.Contains(t, err.Error(), c.want)
				return
			}
			require.NoError(t, err)
			err = c.read(ctx, src, w.counter)
			require.ErrorIs(t, err, l1.ErrProof)
			assert.Contains(t, err.Error(), c.want)
			assert.Contains(t, err.Error(), w.counter.Hex(), "the error names the account")
		})
	}
}

func readSlot(ctx context.Context, src *l1.ProofSource, counter common.Address) error {
	_, err := src.Storage(ctx, counter, common.Hash{})
	return err
}

func readAccount(ctx context.Context, src *l1.ProofSource, counter common.Address) error {
	_, err := src.Account(ctx, counter)
	return err
}

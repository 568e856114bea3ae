package node_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/rpc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/solidity"
)

// shape describes a JSON value's format: what a client parsing it relies
// on (a quantity, 32 bytes of data, an address, null, an object with these
// keys), not the value itself.
func shape(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "bool"
	case float64:
		return "number"
	case string:
		switch {
		case len(v) == 66 && data.MatchString(v):
			return "hash"
		case len(v) == 42 && data.MatchString(v):
			return "address"
		case quantity.MatchString(v):
			return "quantity"
		case data.MatchString(v):
			return "data"
		}
		return "string"
	case []any:
		if len(v) == 0 {
			return "[]"
		}
		return "[" + shape(v[0]) + "]"
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + ":" + shape(v[k])
		}
		return "{" + strings.Join(parts, ",") + "}"
	}
	return fmt.Sprintf("%T", v)
}

var (
	quantity = regexp.MustCompile(`^0x(0|[1-9a-f][0-9a-f]*)$`)
	data     = regexp.MustCompile(`^0x([0-9a-f]{2})*$`)
)

// call makes a raw JSON-RPC call and returns the decoded result, or the
// error's code.
func call(t *testing.T, c *rpc.Client, method string, args ...any) (any, int) {
	t.Helper()
	var raw json.RawMessage
	err := c.CallContext(context.Background(), &raw, method, args...)
	if err != nil {
		var rpcErr rpc.Error
		require.ErrorAs(t, err, &rpcErr, "%s: %v", method, err)
		return nil, rpcErr.ErrorCode()
	}
	var v any
	require.NoError(t, json.Unmarshal(raw, &v))
	return v, 0
}

// fieldShapes is the shape of each field of an object answer.
func fieldShapes(v any) map[string]string {
	m, _ := v.(map[string]any)
	out := map[string]string{}
	for k, f := range m {
		out[k] = shape(f)
		if dataFields[k] && (out[k] == "quantity" || out[k] == "hash" || out[k] == "address") {
			out[k] = "data" // bytes that happen to look like a number
		}
		if quantityFields[k] && (out[k] == "hash" || out[k] == "address") {
			out[k] = "quantity" // a number that happens to be 32 or 20 bytes long
		}
	}
	return out
}

// dataFields hold bytes of any length.
var dataFields = map[string]bool{"extraData": true, "input": true, "data": true, "logsBloom": true}

// quantityFields hold numbers.
var quantityFields = map[string]bool{"r": true, "s": true, "v": true, "yParity": true}

// TestJSONRPCAgreesWithGeth makes the same calls to the node and to geth
// --dev, each after the same kind of transaction, and compares the
// answers' formats: the node answers every field geth does, in the same
// format (hex quantities, 32-byte hashes, null for what does not exist),
// and fails with the same error codes.
func TestJSONRPCAgreesWithGeth(t *testing.T) {
	g := newGethWorld(t)
	alice := newUser(t, "conformance")
	n := startNode(t, alice.addr)
	g.geth.Fund(t, alice.addr, big.NewInt(params.Ether))

	// The same transfer on both.
	bob := common.Address{0xb0}
	ours := n.mined(t, alice.tx(&bob, big.NewInt(1), nil, 21_000))
	gethTx := types.MustSignNewTx(alice.key, types.LatestSignerForChainID(g.geth.Config.ChainID), &types.DynamicFeeTx{
		ChainID: g.geth.Config.ChainID, Nonce: 0, GasTipCap: big.NewInt(1), GasFeeCap: big.NewInt(100 * params.GWei), Gas: 21_000, To: &bob, Value: big.NewInt(1),
	})
	require.NoError(t, g.geth.Client.SendTransaction(context.Background(), gethTx))
	theirs := g.geth.Wait(t, gethTx.Hash())

	unknown := crypto.Keccak256Hash([]byte("nothing"))
	type pair struct {
		name       string
		ours, geth []any
		// extraOurs are fields the node adds; fork lists fields only
		// geth's chain has (blobs, withdrawals, requests of L1 forks).
		fork []string
	}
	blockFork := []string{"blobGasUsed", "excessBlobGas", "parentBeaconBlockRoot", "requestsHash", "withdrawals", "withdrawalsRoot", "blockAccessListHash", "slotNumber"}
	cases := []pair{
		{"eth_chainId", nil, nil, nil},
		{"eth_blockNumber", nil, nil, nil},
		{"net_version", nil, nil, nil},
		{"eth_gasPrice", nil, nil, nil},
		{"eth_maxPriorityFeePerGas", nil, nil, nil},
		{"eth_getBalance", []any{alice.addr, "latest"}, []any{alice.addr, "latest"}, nil},
		{"eth_getTransactionCount", []any{alice.addr, "pending"}, []any{alice.addr, "pending"}, nil},
		{"eth_getCode", []any{bob, "latest"}, []any{bob, "latest"}, nil},
		{"eth_getStorageAt", []any{bob, "0x0", "latest"}, []any{bob, "0x0", "latest"}, nil},
		{"eth_getBlockByNumber", []any{hexBig(ours.BlockNumber), false}, []any{hexBig(theirs.BlockNumber), false}, blockFork},
		{"eth_getBlockByNumber", []any{hexBig(ours.BlockNumber), true}, []any{hexBig(theirs.BlockNumber), true}, blockFork},
		{"eth_getBlockByHash", []any{ours.BlockHash, false}, []any{theirs.BlockHash, false}, blockFork},
		{"eth_getTransactionByHash", []any{ours.TxHash}, []any{theirs.TxHash}, nil},
		{"eth_getTransactionReceipt", []any{ours.TxHash}, []any{theirs.TxHash}, []string{"blobGasUsed", "blobGasPrice"}},
		{"eth_getTransactionByHash", []any{unknown}, []any{unknown}, nil},
		{"eth_getTransactionReceipt", []any{unknown}, []any{unknown}, nil},
		{"eth_getBlockByHash", []any{unknown, false}, []any{unknown, false}, nil},
		{"eth_getBlockByNumber", []any{"0xffffff", false}, []any{"0xffffff", false}, nil},
		{"eth_getLogs", []any{map[string]any{"fromBlock": "0x0", "address": bob}}, []any{map[string]any{"fromBlock": "0x0", "address": bob}}, nil},
		{"eth_feeHistory", []any{"0x2", "latest", []any{50}}, []any{"0x2", "latest", []any{50}}, nil},
		{"eth_estimateGas", []any{map[string]any{"from": alice.addr, "to": bob, "value": "0x1"}}, []any{map[string]any{"from": alice.addr, "to": bob, "value": "0x1"}}, nil},
		// Errors: the codes clients branch on.
		{"eth_noSuchMethod", nil, nil, nil},
		{"eth_getBalance", []any{"not an address", "latest"}, []any{"not an address", "latest"}, nil},
		{"eth_sendRawTransaction", []any{"0x1234"}, []any{"0x1234"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name+" "+strings.Trim(fmt.Sprint(c.ours), "[]"), func(t *testing.T) {
			mine, myCode := call(t, n.rpc, c.name, c.ours...)
			their, theirCode := call(t, g.geth.RPC, c.name, c.geth...)
			require.Equal(t, theirCode, myCode, "error code (geth %v, node %v)", their, mine)
			if myCode != 0 {
				return
			}
			if _, isObj := their.(map[string]any); !isObj {
				assert.Equal(t, shape(their), shape(mine), "geth %v, node %v", their, mine)
				return
			}
			want, got := fieldShapes(their), fieldShapes(mine)
			for k, s := range want {
				if slices.Contains(c.fork, k) {
					continue
				}
				assert.Contains(t, got, k, "the node lacks %q", k)
				if k == "transactions" && strings.HasPrefix(s, "[{") {
					// Full transactions: compare their fields too.
					wantTx := fieldShapes(their.(map[string]any)[k].([]any)[0])
					gotTx := fieldShapes(mine.(map[string]any)[k].([]any)[0])
					assert.Equal(t, wantTx, gotTx, "transaction fields")
					continue
				}
				assert.Equal(t, s, got[k], "field %q (geth %v, node %v)", k, their.(map[string]any)[k], mine.(map[string]any)[k])
			}
		})
	}

	// A token with a log on both: eth_call, eth_getLogs and the log's
	// fields, and a revert (code 3 and the revert data).
	token := crypto.CreateAddress(alice.addr, alice.nonce)
	n.mined(t, alice.tx(nil, nil, solidity.MustLoad("Token").Bytecode, 2_000_000))
	gethToken := g.geth.Deploy(t, alice.key, "0x"+common.Bytes2Hex(solidity.MustLoad("Token").Bytecode), nil)
	mint := pack(t, "Token", "mint", alice.addr, big.NewInt(7))
	ourMint := n.mined(t, alice.tx(&token, nil, mint, 1_000_000))
	theirMint := g.geth.Send(t, alice.key, &gethToken, mint)
	for _, c := range []struct {
		name       string
		ours, geth []any
	}{
		{"eth_call", []any{map[string]any{"to": token, "data": hexData(pack(t, "Token", "balanceOf", alice.addr))}, "latest"},
			[]any{map[string]any{"to": gethToken, "data": hexData(pack(t, "Token", "balanceOf", alice.addr))}, "latest"}},
		{"eth_getLogs", []any{map[string]any{"fromBlock": hexBig(ourMint.BlockNumber), "address": token}},
			[]any{map[string]any{"fromBlock": hexBig(theirMint.BlockNumber), "address": gethToken}}},
		{"eth_getTransactionReceipt", []any{ourMint.TxHash}, []any{theirMint.TxHash}},
		{"eth_getBlockTransactionCountByNumber", []any{hexBig(ourMint.BlockNumber)}, []any{hexBig(theirMint.BlockNumber)}},
		{"eth_syncing", nil, nil},
		{"net_listening", nil, nil},
		{"web3_sha3", []any{"0x1234"}, []any{"0x1234"}},
	} {
		mine, myCode := call(t, n.rpc, c.name, c.ours...)
		their, theirCode := call(t, g.geth.RPC, c.name, c.geth...)
		require.Equal(t, theirCode, myCode, c.name)
		if c.name == "web3_sha3" {
			assert.Equal(t, their, mine, "the same hash")
		}
		if logs, ok := their.([]any); ok {
			require.Len(t, mine, len(logs), "%s: one log each", c.name)
			assert.Equal(t, fieldShapes(logs[0]), fieldShapes(mine.([]any)[0]), "%s: log fields", c.name)
			continue
		}
		if obj, ok := their.(map[string]any); ok {
			wantLog := fieldShapes(obj["logs"].([]any)[0])
			gotLog := fieldShapes(mine.(map[string]any)["logs"].([]any)[0])
			assert.Equal(t, wantLog, gotLog, "%s: receipt log fields", c.name)
			continue
		}
		assert.Equal(t, shape(their), shape(mine), "%s: geth %v, node %v", c.name, their, mine)
	}
	overdraw := pack(t, "Token", "transfer", bob, big.NewInt(1))
	_, myCode := call(t, n.rpc, "eth_call", map[string]any{"from": bob, "to": token, "data": hexData(overdraw)}, "latest")
	_, theirCode := call(t, g.geth.RPC, "eth_call", map[string]any{"from": bob, "to": gethToken, "data": hexData(overdraw)}, "latest")
	assert.Equal(t, 3, theirCode)
	assert.Equal(t, theirCode, myCode, "a reverted eth_call")
}

func hexData(b []byte) string { return "0x" + common.Bytes2Hex(b) }

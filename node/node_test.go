package node_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"

	"io"
	"log/slog"
	"math/big"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/rpc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/booster"
	"github.com/boosterkit/go-booster/evm/l1"
	"github.com/boosterkit/go-booster/node"
	"github.com/boosterkit/go-booster/precompiles"
	"github.com/boosterkit/go-booster/solidity"
	"github.com/boosterkit/go-booster/solidity/bindings"
)

var l2ChainID = big.NewInt(167_001)

func key(t testing.TB, name string) *ecdsa.PrivateKey {
	t.Helper()
	k, err := crypto.ToECDSA(crypto.Keccak256([]byte("go-booster node test " + name)))
	require.NoError(t, err)
	return k
}

// user signs L2 transactions with consecutive nonces.
type user struct {
	key   *ecdsa.PrivateKey
	addr  common.Address
	nonce uint64
}

func newUser(t testing.TB, name string) *user {
	k := key(t, name)
	return &user{key: k, addr: crypto.PubkeyToAddress(k.PublicKey)}
}

func (u *user) tx(to *common.Address, value *big.Int, data []byte, gas uint64) *types.Transaction {
	if value == nil {
		value = new(big.Int)
	}
	tx := types.MustSignNewTx(u.key, types.LatestSignerForChainID(l2ChainID), &types.DynamicFeeTx{
		ChainID: l2ChainID, Nonce: u.nonce, GasFeeCap: big.NewInt(params.GWei), Gas: gas, To: to, Value: value, Data: data,
	})
	u.nonce++
	return tx
}

// testNode is a node on the embedded L1 with its JSON-RPC clients.
type testNode struct {
	*node.Node
	url string
	ec  *ethclient.Client
	rpc *rpc.Client
}

func startNode(t *testing.T, funded ...common.Address) *testNode {
	t.Helper()
	return startNodeWith(t, nil, funded...)
}

// startNodeWith is startNode with a change to the configuration.
func startNodeWith(t *testing.T, change func(*node.Config), funded ...common.Address) *testNode {
	t.Helper()
	genesis := types.GenesisAlloc{}
	for _, a := range funded {
		genesis[a] = types.Account{Balance: new(big.Int).Mul(big.NewInt(params.Ether), big.NewInt(100))}
	}
	cfg := node.Config{
		ChainID:       l2ChainID,
		Genesis:       genesis,
		BaseFee:       big.NewInt(params.GWei / 2),
		ListenAddr:    "127.0.0.1:0",
		BatchInterval: 50 * time.Millisecond,
		L1Period:      50 * time.Millisecond,
		Logger:        slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	if change != nil {
		change(&cfg)
	}
	n, err := node.New(context.Background(), cfg)
	require.NoError(t, err)
	require.NoError(t, n.Start())
	t.Cleanup(func() { assert.NoError(t, n.Close()) })
	url := "http://" + n.Addr()
	c, err := rpc.Dial(url)
	require.NoError(t, err)
	t.Cleanup(c.Close)
	return &testNode{Node: n, url: url, ec: ethclient.NewClient(c), rpc: c}
}

// mined sends a transaction through JSON-RPC and waits for its receipt.
func (n *testNode) mined(t *testing.T, tx *types.Transaction) *types.Receipt {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(t, n.ec.SendTransaction(ctx, tx))
	r, err := bind.WaitMined(ctx, n.ec, tx.Hash())
	require.NoError(t, err)
	return r
}

func pack(t testing.TB, contract, method string, args ...any) []byte {
	t.Helper()
	data, err := solidity.MustLoad(contract).ABI.Pack(method, args...)
	require.NoError(t, err)
	return data
}

func TestNodeServesAWallet(t *testing.T) {
	alice, bob := newUser(t, "alice"), newUser(t, "bob")
	n := startNode(t, alice.addr)
	ctx := context.Background()

	id, err := n.ec.ChainID(ctx)
	require.NoError(t, err)
	assert.Equal(t, l2ChainID, id)
	version, err := n.ec.NetworkID(ctx)
	require.NoError(t, err)
	assert.Equal(t, l2ChainID, version)
	var client string
	require.NoError(t, n.rpc.Call(&client, "web3_clientVersion"))
	assert.Equal(t, node.ClientVersion, client)

	// A value transfer, as a wallet sends it.
	r := n.mined(t, alice.tx(&bob.addr, big.NewInt(params.Ether), nil, 21_000))
	assert.Equal(t, types.ReceiptStatusSuccessful, r.Status)
	bal, err := n.ec.BalanceAt(ctx, bob.addr, nil)
	require.NoError(t, err)
	assert.Equal(t, big.NewInt(params.Ether), bal)
	block, err := n.ec.BlockByNumber(ctx, r.BlockNumber)
	require.NoError(t, err)
	require.Len(t, block.Transactions(), 1)
	assert.Equal(t, r.TxHash, block.Transactions()[0].Hash())
	assert.Equal(t, r.BlockHash, block.Hash(), "the block's hash is the receipt's")
	tx, pending, err := n.ec.TransactionByHash(ctx, r.TxHash)
	require.NoError(t, err)
	assert.False(t, pending)
	assert.Equal(t, r.TxHash, tx.Hash())
	nonce, err := n.ec.NonceAt(ctx, alice.addr, nil)
	require.NoError(t, err)
	assert.Equal(t, uint64(1), nonce)

	// A token with events: deployed, minted, transferred, its logs found.
	token := crypto.CreateAddress(alice.addr, alice.nonce)
	r = n.mined(t, alice.tx(nil, nil, solidity.MustLoad("Token").Bytecode, 2_000_000))
	require.Equal(t, types.ReceiptStatusSuccessful, r.Status)
	assert.Equal(t, token, r.ContractAddress)
	code, err := n.ec.CodeAt(ctx, token, nil)
	require.NoError(t, err)
	assert.NotEmpty(t, code)
	n.mined(t, alice.tx(&token, nil, pack(t, "Token", "mint", alice.addr, big.NewInt(1000)), 1_000_000))
	r = n.mined(t, alice.tx(&token, nil, pack(t, "Token", "transfer", bob.addr, big.NewInt(300)), 1_000_000))
	require.Equal(t, types.ReceiptStatusSuccessful, r.Status)
	require.Len(t, r.Logs, 1)
	transfer := solidity.MustLoad("Token").ABI.Events["Transfer"].ID
	logs, err := n.ec.FilterLogs(ctx, ethereum.FilterQuery{Addresses: []common.Address{token}, Topics: [][]common.Hash{{transfer}, nil, {common.BytesToHash(bob.addr[:])}}})
	require.NoError(t, err)
	require.Len(t, logs, 1, "the transfer to bob, not the mint")
	assert.Equal(t, r.TxHash, logs[0].TxHash)
	assert.Equal(t, r.BlockNumber.Uint64(), logs[0].BlockNumber)

	out, err := n.ec.CallContract(ctx, ethereum.CallMsg{To: &token, Data: pack(t, "Token", "balanceOf", bob.addr)}, nil)
	require.NoError(t, err)
	assert.Equal(t, big.NewInt(300), new(big.Int).SetBytes(out))

	// A call that reverts gives code 3 and the revert data.
	_, err = n.ec.CallContract(ctx, ethereum.CallMsg{From: bob.addr, To: &token, Data: pack(t, "Token", "transfer", alice.addr, big.NewInt(301))}, nil)
	var dataErr rpc.DataError
	require.ErrorAs(t, err, &dataErr)
	assert.Contains(t, err.Error(), "execution reverted")
	assert.NotEmpty(t, dataErr.ErrorData())
	gas, err := n.ec.EstimateGas(ctx, ethereum.CallMsg{From: bob.addr, To: &token, Data: pack(t, "Token", "transfer", alice.addr, big.NewInt(1))})
	require.NoError(t, err)
	assert.Greater(t, gas, params.TxGas)

	// Replays and wrong chains are refused with go-ethereum's words.
	replay := types.MustSignNewTx(alice.key, types.LatestSignerForChainID(l2ChainID), &types.DynamicFeeTx{ChainID: l2ChainID, Nonce: 0, GasFeeCap: big.NewInt(params.GWei), Gas: 21_000, To: &bob.addr})
	err = n.ec.SendTransaction(ctx, replay)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "nonce too low")
	other := types.MustSignNewTx(alice.key, types.LatestSignerForChainID(big.NewInt(1)), &types.DynamicFeeTx{ChainID: big.NewInt(1), Nonce: alice.nonce, GasFeeCap: big.NewInt(params.GWei), Gas: 21_000, To: &bob.addr})
	err = n.ec.SendTransaction(ctx, other)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "invalid chain id")

	// Pending counts what is queued; latest does not.
	queued := alice.tx(&bob.addr, big.NewInt(1), nil, 21_000)
	require.NoError(t, n.Booster().Submit(queued)) // bypasses the node's batch trigger: no batch before the checks
	pendingNonce, err := n.ec.PendingNonceAt(ctx, alice.addr)
	require.NoError(t, err)
	assert.Equal(t, alice.nonce, pendingNonce)
}

// TestNodeKnowsAQueuedTransaction: a wallet that sends a queued
// transaction again hears "already known", as geth answers.
func TestNodeKnowsAQueuedTransaction(t *testing.T) {
	alice := newUser(t, "resender")
	n := startNodeWith(t, func(c *node.Config) { c.BatchInterval, c.BatchMaxTxs = time.Hour, 1_000 }, alice.addr)
	tx := alice.tx(&common.Address{0xb0}, big.NewInt(1), nil, 21_000)
	require.NoError(t, n.ec.SendTransaction(context.Background(), tx))
	err := n.ec.SendTransaction(context.Background(), tx)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "already known")
	var queued string
	require.NoError(t, n.rpc.Call(&queued, "booster_queued"))
	assert.Equal(t, "0x1", queued, "queued once")
}

func TestNodeSettlesAVote(t *testing.T) {
	voter := newUser(t, "voter")
	deployer := newUser(t, "deployer")
	n := startNode(t, voter.addr, deployer.addr)
	ctx := context.Background()

	// Voting on L1, its ballot box on L2 (the deployer's first contract).
	ballot := crypto.CreateAddress(deployer.addr, 0)
	voting := deployL1(t, n, bindings.VotingMetaData.Bin, bindings.NewVoting().PackConstructor(n.BoosterContract(), precompiles.Alias(ballot), big.NewInt(3)))
	r := n.mined(t, deployer.tx(nil, nil, append(common.FromHex(bindings.BallotBoxMetaData.Bin), bindings.NewBallotBox().PackConstructor(voting)...), 2_000_000))
	require.Equal(t, ballot, r.ContractAddress)

	// eth_call and eth_estimateGas run the L1CALL inside the vote.
	voteData := bindings.NewBallotBox().PackVote(big.NewInt(2))
	_, err := n.ec.CallContract(ctx, ethereum.CallMsg{From: voter.addr, To: &ballot, Data: voteData}, nil)
	require.NoError(t, err, "eth_call of a vote (L1CALL into Voting)")
	gas, err := n.ec.EstimateGas(ctx, ethereum.CallMsg{From: voter.addr, To: &ballot, Data: voteData})
	require.NoError(t, err)
	assert.Greater(t, gas, uint64(50_000), "the L1 execution is priced in")
	_, err = n.ec.CallContract(ctx, ethereum.CallMsg{From: voter.addr, To: &ballot, Data: bindings.NewBallotBox().PackVote(big.NewInt(7))}, nil)
	require.Error(t, err, "an unknown proposal reverts on L1, and the L2 call with it")

	r = n.mined(t, voter.tx(&ballot, nil, voteData, 1_000_000))
	require.Equal(t, types.ReceiptStatusSuccessful, r.Status)
	var raw map[string]any
	require.NoError(t, n.rpc.Call(&raw, "eth_getTransactionReceipt", r.TxHash))
	l1Logs, ok := raw["l1Logs"].([]any)
	require.True(t, ok, "the receipt has l1Logs")
	require.Len(t, l1Logs, 1, "Voting's Voted event")
	assert.Equal(t, strings.ToLower(voting.Hex()), l1Logs[0].(map[string]any)["address"])

	// The batch settles on L1 and the tally is there.
	var batch struct {
		Writes []struct {
			Contract common.Address `json:"contract"`
		} `json:"writes"`
		Settlement node.SettlementStatus `json:"settlement"`
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		require.NoError(t, n.rpc.Call(&batch, "booster_getBatch", hexBig(r.BlockNumber)))
		if batch.Settlement.State == node.StateSettled || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	require.Equal(t, node.StateSettled, batch.Settlement.State)
	require.NotEmpty(t, batch.Writes)
	assert.Equal(t, voting, batch.Writes[0].Contract)
	v := bindings.NewVoting()
	var tally *big.Int
	tally, err = bind.Call(v.Instance(n.L1(), voting), &bind.CallOpts{Context: ctx}, v.PackTally(big.NewInt(2)), v.UnpackTally)
	require.NoError(t, err)
	assert.Equal(t, big.NewInt(1), tally)
}

func hexBig(v *big.Int) string { return "0x" + v.Text(16) }

// deployL1 deploys a contract on the node's embedded L1 and returns its
// address.
func deployL1(t *testing.T, n *testNode, bin string, args []byte) common.Address {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	op := n.L1Operator()
	require.NotNil(t, op)
	client := n.L1()
	id, err := client.ChainID(ctx)
	require.NoError(t, err)
	nonce, err := client.PendingNonceAt(ctx, crypto.PubkeyToAddress(op.PublicKey))
	require.NoError(t, err)
	tx := types.MustSignNewTx(op, types.LatestSignerForChainID(id), &types.DynamicFeeTx{
		ChainID: id, Nonce: nonce, GasTipCap: big.NewInt(params.GWei), GasFeeCap: big.NewInt(100 * params.GWei), Gas: 5_000_000,
		Data: append(common.FromHex(bin), args...),
	})
	require.NoError(t, client.SendTransaction(ctx, tx))
	r, err := bind.WaitMined(ctx, client, tx.Hash())
	require.NoError(t, err)
	require.Equal(t, types.ReceiptStatusSuccessful, r.Status)
	return r.ContractAddress
}

func TestNodeRefusesBadRequests(t *testing.T) {
	n := startNode(t)
	cases := []struct {
		name   string
		body   string
		status int
		code   string
	}{
		{"malformed JSON", `{"jsonrpc":"2.0","id":1,"method":"eth_chainId"`, http.StatusOK, "-32700"},
		{"unknown method", `{"jsonrpc":"2.0","id":1,"method":"eth_mine","params":[]}`, http.StatusOK, "-32601"},
		{"wrong parameter type", `{"jsonrpc":"2.0","id":1,"method":"eth_getBalance","params":[123,"latest"]}`, http.StatusOK, "-32602"},
		{"undecodable transaction", `{"jsonrpc":"2.0","id":1,"method":"eth_sendRawTransaction","params":["0x1234"]}`, http.StatusOK, "-32000"},
		{"bad signature", `{"jsonrpc":"2.0","id":1,"method":"eth_sendRawTransaction","params":["` + badSignature(t) + `"]}`, http.StatusOK, "-32000"},
		{"storage key too long", `{"jsonrpc":"2.0","id":1,"method":"eth_getStorageAt","params":["0x0000000000000000000000000000000000000001","0x` + strings.Repeat("11", 33) + `","latest"]}`, http.StatusOK, "-32602"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, err := http.Post(n.url, "application/json", strings.NewReader(c.body))
			require.NoError(t, err)
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			assert.Equal(t, c.status, resp.StatusCode, "%s", body)
			assert.Contains(t, string(body), `"code":`+c.code, "%s", body)
		})
	}
	t.Run("10 MiB request", func(t *testing.T) {
		big := bytes.Repeat([]byte("a"), 10<<20)
		body := append(append([]byte(`{"jsonrpc":"2.0","id":1,"method":"web3_sha3","params":["0x`), big...), `"]}`...)
		resp, err := http.Post(n.url, "application/json", bytes.NewReader(body))
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
	})
	// The node still serves, and nothing was queued.
	number, err := n.ec.BlockNumber(context.Background())
	require.NoError(t, err)
	assert.Equal(t, uint64(0), number)
	var queued string
	require.NoError(t, n.rpc.Call(&queued, "booster_queued"))
	assert.Equal(t, "0x0", queued)
	var h struct {
		State string `json:"state"`
	}
	require.NoError(t, n.rpc.Call(&h, "booster_health"))
	assert.Equal(t, "running", h.State)
}

// badSignature is a transaction whose signature recovers no sender.
func badSignature(t *testing.T) string {
	t.Helper()
	tx := types.NewTx(&types.DynamicFeeTx{ChainID: l2ChainID, Gas: 21_000, GasFeeCap: big.NewInt(params.GWei), To: &common.Address{1},
		V: big.NewInt(0), R: big.NewInt(0), S: big.NewInt(1)})
	enc, err := tx.MarshalBinary()
	require.NoError(t, err)
	return "0x" + common.Bytes2Hex(enc)
}

func TestNodeSubscriptions(t *testing.T) {
	alice := newUser(t, "alice")
	n := startNode(t, alice.addr)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ws, err := ethclient.DialContext(ctx, "ws://"+n.Addr())
	require.NoError(t, err)
	defer ws.Close()
	heads := make(chan *types.Header, 4)
	sub, err := ws.SubscribeNewHead(ctx, heads)
	require.NoError(t, err)
	defer sub.Unsubscribe()
	token := crypto.CreateAddress(alice.addr, 0)
	logs := make(chan types.Log, 4)
	logSub, err := ws.SubscribeFilterLogs(ctx, ethereum.FilterQuery{Addresses: []common.Address{token}}, logs)
	require.NoError(t, err)
	defer logSub.Unsubscribe()

	r := n.mined(t, alice.tx(nil, nil, solidity.MustLoad("Token").Bytecode, 2_000_000))
	select {
	case h := <-heads:
		assert.Equal(t, r.BlockHash, h.Hash())
	case err := <-sub.Err():
		t.Fatal(err)
	case <-ctx.Done():
		t.Fatal("no new head")
	}
	r = n.mined(t, alice.tx(&token, nil, pack(t, "Token", "mint", alice.addr, big.NewInt(5)), 1_000_000))
	select {
	case l := <-logs:
		assert.Equal(t, r.TxHash, l.TxHash)
	case err := <-logSub.Err():
		t.Fatal(err)
	case <-ctx.Done():
		t.Fatal("no log")
	}
}

func TestConfigRefusals(t *testing.T) {
	cases := []struct {
		name string
		cfg  node.Config
	}{
		{"data directory on the embedded L1", node.Config{DataDir: t.TempDir()}},
		{"L1 URL without a booster contract", node.Config{L1URL: "http://127.0.0.1:1"}},
		{"negative batch size", node.Config{BatchMaxTxs: -1}},
		{"non-positive chain id", node.Config{ChainID: new(big.Int)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := node.New(context.Background(), c.cfg)
			require.ErrorIs(t, err, node.ErrConfig)
		})
	}
}

// TestNodeRollsBackARefusedBatch makes L1 refuse a batch: between its
// execution and its settlement a direct L1 vote changes the tally slot
// the batch read. The node rolls the batch back, executes its
// transaction again over the new L1 state, and settles that.
func TestNodeRollsBackARefusedBatch(t *testing.T) {
	voter, deployer := newUser(t, "refused voter"), newUser(t, "refused deployer")
	n := startNode(t, voter.addr, deployer.addr)
	ballot := crypto.CreateAddress(deployer.addr, 0)
	voting := deployL1(t, n, bindings.VotingMetaData.Bin, bindings.NewVoting().PackConstructor(n.BoosterContract(), precompiles.Alias(ballot), big.NewInt(3)))
	n.mined(t, deployer.tx(nil, nil, append(common.FromHex(bindings.BallotBoxMetaData.Bin), bindings.NewBallotBox().PackConstructor(voting)...), 2_000_000))

	var once sync.Once
	node.SetCrashHook(func(point string) {
		if point != "executed" {
			return
		}
		// The L1 changes under the executed batch, once.
		once.Do(func() { callL1(t, n, voting, bindings.NewVoting().PackVote(big.NewInt(1))) })
	})
	t.Cleanup(func() { node.SetCrashHook(nil) })

	vote := voter.tx(&ballot, nil, bindings.NewBallotBox().PackVote(big.NewInt(1)), 1_000_000)
	r := n.mined(t, vote)
	require.Equal(t, types.ReceiptStatusSuccessful, r.Status)
	deadline := time.Now().Add(30 * time.Second)
	for {
		st, err := n.Status(r.BlockNumber.Uint64())
		if err == nil && st.State == node.StateSettled {
			break
		}
		require.True(t, time.Now().Before(deadline), "the batch was not settled again")
		time.Sleep(50 * time.Millisecond)
	}
	v := bindings.NewVoting()
	tally, err := bind.Call(v.Instance(n.L1(), voting), nil, v.PackTally(big.NewInt(1)), v.UnpackTally)
	require.NoError(t, err)
	assert.Equal(t, big.NewInt(2), tally, "the direct vote and the L2 vote, each once")
	// The receipt the wallet sees now is the re-executed one.
	again, err := n.ec.TransactionReceipt(context.Background(), vote.Hash())
	require.NoError(t, err)
	assert.Equal(t, r.BlockNumber, again.BlockNumber)
}

// callL1 sends a transaction from the embedded L1's operator and waits
// for it.
func callL1(t *testing.T, n *testNode, to common.Address, data []byte) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	op := n.L1Operator()
	client := n.L1()
	id, err := client.ChainID(ctx)
	require.NoError(t, err)
	nonce, err := client.PendingNonceAt(ctx, crypto.PubkeyToAddress(op.PublicKey))
	require.NoError(t, err)
	tx := types.MustSignNewTx(op, types.LatestSignerForChainID(id), &types.DynamicFeeTx{
		ChainID: id, Nonce: nonce, GasTipCap: big.NewInt(params.GWei), GasFeeCap: big.NewInt(100 * params.GWei), Gas: 500_000, To: &to, Data: data,
	})
	require.NoError(t, client.SendTransaction(ctx, tx))
	rcpt, err := bind.WaitMined(ctx, client, tx.Hash())
	require.NoError(t, err)
	require.Equal(t, types.ReceiptStatusSuccessful, rcpt.Status)
}

// TestNodeStopsWhenAnotherSettlerDiverges: another booster settles its own
// batch 1 on the node's contract between the node's execution of batch 1
// and its settlement. The node's settlement is refused, and executing
// again cannot help: the node stops cutting batches with ErrDiverged,
// refuses new transactions, keeps the queued one and still answers reads.
func TestNodeStopsWhenAnotherSettlerDiverges(t *testing.T) {
	alice := newUser(t, "diverge alice")
	n := startNode(t, alice.addr)
	var once sync.Once
	node.SetCrashHook(func(point string) {
		if point == "executed" {
			once.Do(func() { settleForeignBatch(t, n) })
		}
	})
	t.Cleanup(func() { node.SetCrashHook(nil) })

	bob := common.Address{0xb0}
	tx := alice.tx(&bob, big.NewInt(1), nil, 21_000)
	require.NoError(t, n.ec.SendTransaction(context.Background(), tx))
	deadline := time.Now().Add(30 * time.Second)
	for n.Err() == nil {
		require.True(t, time.Now().Before(deadline), "the node did not notice")
		time.Sleep(20 * time.Millisecond)
	}
	require.ErrorIs(t, n.Err(), node.ErrDiverged)
	err := n.ec.SendTransaction(context.Background(), alice.tx(&bob, big.NewInt(1), nil, 21_000))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "disagree", "the refusal says why")
	queued := n.Booster().Queued()
	require.Len(t, queued, 1, "the accepted transaction is kept")
	assert.Equal(t, tx.Hash(), queued[0].Hash())
	_, err = n.ec.BlockNumber(context.Background())
	assert.NoError(t, err, "reads still served")
	var h struct {
		State string `json:"state"`
		Error string `json:"error"`
	}
	require.NoError(t, n.rpc.Call(&h, "booster_health"))
	assert.Equal(t, "stopped", h.State)
	assert.Contains(t, h.Error, "disagree")
}

// settleForeignBatch executes and settles a batch 1 of another booster on
// the node's contract, with the embedded L1's keys.
func settleForeignBatch(t *testing.T, n *testNode) {
	ctx := context.Background()
	client := n.L1()
	head, err := client.HeaderByNumber(ctx, nil)
	require.NoError(t, err)
	src, err := l1.NewClientSource(client, l1.OsakaConfig(), head)
	require.NoError(t, err)
	other, err := booster.New(src, booster.WithChainID(l2ChainID), booster.WithL1Contract(n.BoosterContract()))
	require.NoError(t, err)
	stranger := newUser(t, "foreign sender")
	to := common.Address{0xf0}
	require.NoError(t, other.Submit(types.MustSignNewTx(stranger.key, types.LatestSignerForChainID(l2ChainID),
		&types.DynamicFeeTx{ChainID: l2ChainID, Gas: 21_000, To: &to})))
	batch, err := other.ExecuteBatch(ctx)
	require.NoError(t, err)
	b := bindings.NewBooster()
	verifier, err := bind.Call(b.Instance(client, n.BoosterContract()), nil, b.PackVerifier(), b.UnpackVerifier)
	require.NoError(t, err)
	id, err := client.ChainID(ctx)
	require.NoError(t, err)
	for { // the pinned block must be behind the head
		h, err := client.HeaderByNumber(ctx, nil)
		require.NoError(t, err)
		if h.Number.Cmp(head.Number) > 0 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	stx, err := booster.Settle(ctx, client, bind.NewKeyedTransactor(n.L1Operator(), id), n.BoosterContract(), batch, booster.NewDevProver(node.EmbeddedDevKey(), id, verifier))
	require.NoError(t, err)
	r, err := bind.WaitMined(ctx, client, stx.Hash())
	require.NoError(t, err)
	require.Equal(t, types.ReceiptStatusSuccessful, r.Status)
}

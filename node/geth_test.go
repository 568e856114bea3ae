package node_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

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
	"github.com/boosterkit/go-booster/internal/gethtest"
	"github.com/boosterkit/go-booster/node"
	"github.com/boosterkit/go-booster/precompiles"
	"github.com/boosterkit/go-booster/solidity/bindings"
)

// gethWorld is geth --dev with the booster contract, the development
// verifier and Voting deployed, for a node whose ballot box is the
// deployer's first L2 contract.
type gethWorld struct {
	geth     *gethtest.Geth
	operator *ecdsa.PrivateKey
	dev      *ecdsa.PrivateKey
	contract common.Address
	voting   common.Address
	deployer *user
	ballot   common.Address
}

func newGethWorld(t *testing.T) *gethWorld {
	t.Helper()
	g := gethtest.Start(t)
	w := &gethWorld{geth: g, operator: key(t, "l1 operator"), dev: key(t, "dev verifier"), deployer: newUser(t, "deployer")}
	g.Fund(t, crypto.PubkeyToAddress(w.operator.PublicKey), new(big.Int).Mul(big.NewInt(params.Ether), big.NewInt(100)))
	verifier := g.Deploy(t, w.operator, bindings.DevBatchVerifierMetaData.Bin, bindings.NewDevBatchVerifier().PackConstructor(crypto.PubkeyToAddress(w.dev.PublicKey)))
	genesis, err := booster.GenesisStateRoot()
	require.NoError(t, err)
	w.contract = g.Deploy(t, w.operator, bindings.BoosterMetaData.Bin, bindings.NewBooster().PackConstructor(verifier, l2ChainID, genesis))
	w.ballot = crypto.CreateAddress(w.deployer.addr, 0)
	w.voting = g.Deploy(t, w.operator, bindings.VotingMetaData.Bin, bindings.NewVoting().PackConstructor(w.contract, precompiles.Alias(w.ballot), big.NewInt(3)))
	return w
}

// config is a node configuration on this L1, with a data directory and
// the given L2 accounts funded.
func (w *gethWorld) config(url, dataDir string, logs io.Writer, funded ...common.Address) node.Config {
	genesis := types.GenesisAlloc{w.deployer.addr: {Balance: big.NewInt(params.Ether)}}
	for _, a := range funded {
		genesis[a] = types.Account{Balance: big.NewInt(params.Ether)}
	}
	return node.Config{
		ChainID: l2ChainID, Genesis: genesis, DataDir: dataDir, ListenAddr: "127.0.0.1:0",
		L1URL: url, L1Config: w.geth.Config, BoosterContract: w.contract, L1Key: w.operator, DevKey: w.dev,
		BatchInterval: 100 * time.Millisecond, SettleTimeout: 30 * time.Second,
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
}

func (w *gethWorld) tally(t *testing.T, proposal int64) *big.Int {
	t.Helper()
	v := bindings.NewVoting()
	out, err := bind.Call(v.Instance(w.geth.Client, w.voting), nil, v.PackTally(big.NewInt(proposal)), v.UnpackTally)
	require.NoError(t, err)
	return out
}

func (w *gethWorld) lastSettled(t *testing.T) uint64 {
	t.Helper()
	b := bindings.NewBooster()
	out, err := bind.Call(b.Instance(w.geth.Client, w.contract), nil, b.PackLastBatchNumber(), b.UnpackLastBatchNumber)
	require.NoError(t, err)
	return out
}

// syncBuffer is a log sink tests read while the node writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startOn starts a node with cfg and returns it with its JSON-RPC client.
func startOn(t *testing.T, cfg node.Config) *testNode {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	n, err := node.New(ctx, cfg)
	require.NoError(t, err)
	require.NoError(t, n.Start())
	t.Cleanup(func() { n.Close() })
	c, err := rpc.Dial("http://" + n.Addr())
	require.NoError(t, err)
	t.Cleanup(c.Close)
	return &testNode{Node: n, url: "http://" + n.Addr(), ec: ethclient.NewClient(c), rpc: c}
}

// waitSettled waits until the booster contract has settled batch number.
func (w *gethWorld) waitSettled(t *testing.T, number uint64) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for w.lastSettled(t) < number {
		if time.Now().After(deadline) {
			t.Fatalf("batch %d not settled on geth (last settled %d)", number, w.lastSettled(t))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestNodeOnGeth(t *testing.T) {
	w := newGethWorld(t)
	voters := []*user{newUser(t, "v1"), newUser(t, "v2"), newUser(t, "v3")}
	var addrs []common.Address
	for _, v := range voters {
		addrs = append(addrs, v.addr)
	}
	n := startOn(t, w.config(w.geth.URL, t.TempDir(), io.Discard, addrs...))

	r := n.mined(t, w.deployer.tx(nil, nil, append(common.FromHex(bindings.BallotBoxMetaData.Bin), bindings.NewBallotBox().PackConstructor(w.voting)...), 2_000_000))
	require.Equal(t, w.ballot, r.ContractAddress)
	var last *types.Receipt
	for i, v := range voters {
		last = n.mined(t, v.tx(&w.ballot, nil, bindings.NewBallotBox().PackVote(big.NewInt(int64(i%2))), 1_000_000))
		require.Equal(t, types.ReceiptStatusSuccessful, last.Status)
	}
	w.waitSettled(t, last.BlockNumber.Uint64())
	assert.Equal(t, big.NewInt(2), w.tally(t, 0))
	assert.Equal(t, big.NewInt(1), w.tally(t, 1))
}

// lyingProxy is a loopback HTTP proxy in front of geth that can alter
// eth_getProof answers or drop connections.
type lyingProxy struct {
	*httptest.Server
	lie     atomic.Bool  // alter every storage value in eth_getProof answers
	drop    atomic.Int64 // drop this many next requests
	proofs  atomic.Int64
	dropped atomic.Int64
}

func newLyingProxy(t *testing.T, target string) *lyingProxy {
	t.Helper()
	u, err := url.Parse(target)
	require.NoError(t, err)
	p := &lyingProxy{}
	rp := httputil.NewSingleHostReverseProxy(u)
	direct := rp.Director
	rp.Director = func(r *http.Request) {
		direct(r)
		r.Header.Del("Accept-Encoding") // plain answers, to alter them
	}
	rp.ModifyResponse = func(resp *http.Response) error {
		if !p.lie.Load() {
			return nil
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		body = alterProofs(body)
		resp.Body = io.NopCloser(bytes.NewReader(body))
		resp.ContentLength = int64(len(body))
		resp.Header.Del("Content-Length")
		return nil
	}
	p.Server = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if strings.Contains(string(body), "eth_getProof") {
			p.proofs.Add(1)
			if p.drop.Load() > 0 {
				p.drop.Add(-1)
				p.dropped.Add(1)
				if hj, ok := rw.(http.Hijacker); ok {
					conn, _, err := hj.Hijack()
					if err == nil {
						conn.Close() // the connection drops mid-request
						return
					}
				}
				http.Error(rw, "dropped", http.StatusBadGateway)
				return
			}
		}
		rp.ServeHTTP(rw, r)
	}))
	t.Cleanup(p.Close)
	return p
}

// alterProofs adds one to every storage value of eth_getProof answers,
// keeping the proofs.
func alterProofs(body []byte) []byte {
	var msg map[string]any
	if json.Unmarshal(body, &msg) != nil {
		return body
	}
	res, ok := msg["result"].(map[string]any)
	if !ok {
		return body
	}
	sps, ok := res["storageProof"].([]any)
	if !ok {
		return body
	}
	for _, sp := range sps {
		m := sp.(map[string]any)
		v, _ := new(big.Int).SetString(strings.TrimPrefix(m["value"].(string), "0x"), 16)
		m["value"] = "0x" + new(big.Int).Add(v, big.NewInt(1)).Text(16)
	}
	out, err := json.Marshal(msg)
	if err != nil {
		return body
	}
	return out
}

func TestNodeCatchesALyingL1(t *testing.T) {
	w := newGethWorld(t)
	voter := newUser(t, "voter")
	proxy := newLyingProxy(t, w.geth.URL)
	logs := &syncBuffer{}
	n := startOn(t, w.config(proxy.URL, t.TempDir(), logs, voter.addr))
	r := n.mined(t, w.deployer.tx(nil, nil, append(common.FromHex(bindings.BallotBoxMetaData.Bin), bindings.NewBallotBox().PackConstructor(w.voting)...), 2_000_000))
	w.waitSettled(t, r.BlockNumber.Uint64())

	proxy.lie.Store(true)
	vote := voter.tx(&w.ballot, nil, bindings.NewBallotBox().PackVote(big.NewInt(2)), 1_000_000)
	require.NoError(t, n.ec.SendTransaction(context.Background(), vote))
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(logs.String(), "does not match its proof") && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	assert.Contains(t, logs.String(), "does not match its proof", "the lie is caught")
	assert.Contains(t, logs.String(), w.voting.Hex(), "and the error names the account")
	_, err := n.ec.TransactionReceipt(context.Background(), vote.Hash())
	assert.Error(t, err, "no batch executed on the lie")
	assert.Zero(t, w.tally(t, 2).Sign(), "nothing settled")

	// The provider is honest again: the vote goes through, once.
	proxy.lie.Store(false)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	got, err := bind.WaitMined(ctx, n.ec, vote.Hash())
	require.NoError(t, err)
	w.waitSettled(t, got.BlockNumber.Uint64())
	assert.Equal(t, big.NewInt(1), w.tally(t, 2))
}

func TestNodeSurvivesADroppedL1Connection(t *testing.T) {
	w := newGethWorld(t)
	voters := []*user{newUser(t, "d1"), newUser(t, "d2")}
	proxy := newLyingProxy(t, w.geth.URL)
	n := startOn(t, w.config(proxy.URL, t.TempDir(), io.Discard, voters[0].addr, voters[1].addr))
	r := n.mined(t, w.deployer.tx(nil, nil, append(common.FromHex(bindings.BallotBoxMetaData.Bin), bindings.NewBallotBox().PackConstructor(w.voting)...), 2_000_000))
	w.waitSettled(t, r.BlockNumber.Uint64())

	// The next batch's L1 reads lose their connection twice.
	proxy.drop.Store(2)
	var hashes []common.Hash
	for _, v := range voters {
		tx := v.tx(&w.ballot, nil, bindings.NewBallotBox().PackVote(big.NewInt(1)), 1_000_000)
		require.NoError(t, n.ec.SendTransaction(context.Background(), tx))
		hashes = append(hashes, tx.Hash())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var last uint64
	for _, h := range hashes {
		got, err := bind.WaitMined(ctx, n.ec, h)
		require.NoError(t, err)
		last = max(last, got.BlockNumber.Uint64())
	}
	assert.Equal(t, int64(2), proxy.dropped.Load(), "both drops happened")
	w.waitSettled(t, last)
	assert.Equal(t, big.NewInt(2), w.tally(t, 1), "each vote counted once")
}

func TestNodeRefusesAWrongDevelopmentKey(t *testing.T) {
	w := newGethWorld(t)
	cfg := w.config(w.geth.URL, t.TempDir(), io.Discard)
	cfg.DevKey = key(t, "not the signer")
	_, err := node.New(context.Background(), cfg)
	require.ErrorIs(t, err, node.ErrConfig)
	assert.Contains(t, err.Error(), "trusts")
}

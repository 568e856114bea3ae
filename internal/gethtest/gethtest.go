package gethtest

import (
	"context"
	"crypto/ecdsa"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/rpc"
)

// Geth is a running geth --dev node.
type Geth struct {
	// URL is its HTTP JSON-RPC endpoint on a loopback port.
	URL    string
	Client *ethclient.Client
	RPC    *rpc.Client
	// Config is the chain's rules (geth --dev's).
	Config *params.ChainConfig
	dev    common.Address // geth's unlocked, funded developer account
}

// Binary returns the geth binary to run, or skips (fails, with
// GO_BOOSTER_REQUIRE_GETH=1) the test if there is none.
func Binary(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: no geth")
	}
	candidates := []string{os.Getenv("GO_BOOSTER_GETH")}
	if _, file, _, ok := runtime.Caller(0); ok {
		candidates = append(candidates, filepath.Join(filepath.Dir(file), "..", "..", ".bin", "geth"))
	}
	if p, err := exec.LookPath("geth"); err == nil {
		candidates = append(candidates, p)
	}
	for _, c := range candidates {
		if c == "" {
			continue
		}
		if fi, err := os.Stat(c); err == nil && !fi.IsDir() {
			return c
		}
	}
	if os.Getenv("GO_BOOSTER_REQUIRE_GETH") == "1" {
		t.Fatal("no geth binary (GO_BOOSTER_GETH, .bin/geth or PATH); .ci/run builds it")
	}
	t.Skip("no geth binary; run `GOBIN=$PWD/.bin go install github.com/ethereum/go-ethereum/cmd/geth@v1.17.10`")
	return ""
}

// FreePort returns a loopback TCP port nothing listens on now.
func FreePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// Start runs geth --dev with a one-second block period on a loopback
// port of its own choosing (read from its log, so no other process can
// hold the port we would have picked), waits until it answers, and stops
// it when the test ends.
func Start(t testing.TB) *Geth {
	t.Helper()
	bin := Binary(t)
	dir := t.TempDir()
	logPath := filepath.Join(dir, "geth.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--dev", "--dev.period", "1", "--datadir", filepath.Join(dir, "data"),
		"--http", "--http.addr", "127.0.0.1", "--http.port", "0", "--http.api", "eth,net,web3",
		"--ipcdisable", "--nodiscover", "--maxpeers", "0", "--verbosity", "3", "--rpc.gascap", "0")
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatalf("start geth: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
		logFile.Close()
		if t.Failed() {
			if out, err := os.ReadFile(logPath); err == nil && len(out) > 0 {
				t.Logf("geth log:\n%s", lastLines(out, 30))
			}
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var url string
	for {
		if url == "" {
			if out, err := os.ReadFile(logPath); err == nil {
				if m := httpEndpoint.FindSubmatch(out); m != nil {
					url = "http://" + string(m[1])
				}
			}
		}
		if url != "" {
			conn, err := rpc.DialContext(ctx, url)
			if err == nil {
				var accounts []common.Address
				if err = conn.CallContext(ctx, &accounts, "eth_accounts"); err == nil && len(accounts) > 0 {
					g := &Geth{URL: url, RPC: conn, Client: ethclient.NewClient(conn), Config: params.AllDevChainProtocolChanges, dev: accounts[0]}
					t.Cleanup(conn.Close)
					return g
				}
				conn.Close()
			}
		}
		select {
		case err := <-exited:
			exited <- err
			t.Fatalf("geth exited before it answered: %v", err)
		case <-ctx.Done():
			t.Fatalf("geth did not answer (endpoint %q)", url)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// httpEndpoint finds the address geth's HTTP server listens on in its log.
var httpEndpoint = regexp.MustCompile(`HTTP server started\s+endpoint=([0-9.]+:[0-9]+)`)

// Fund sends ether from geth's developer account and waits until it is
// mined.
func (g *Geth) Fund(t testing.TB, to common.Address, wei *big.Int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var hash common.Hash
	err := g.RPC.CallContext(ctx, &hash, "eth_sendTransaction", map[string]any{
		"from": g.dev, "to": to, "value": (*hexutil.Big)(wei),
	})
	if err != nil {
		t.Fatalf("fund %s: %v", to, err)
	}
	g.Wait(t, hash)
}

// Wait waits for a transaction's receipt and fails the test if it
// reverted.
func (g *Geth) Wait(t testing.TB, hash common.Hash) *types.Receipt {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for {
		r, err := g.Client.TransactionReceipt(ctx, hash)
		if err == nil {
			if r.Status != types.ReceiptStatusSuccessful {
				t.Fatalf("L1 transaction %s reverted", hash)
			}
			return r
		}
		select {
		case <-ctx.Done():
			t.Fatalf("no receipt for %s: %v", hash, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Send signs a transaction with key, sends it and waits for its receipt.
func (g *Geth) Send(t testing.TB, key *ecdsa.PrivateKey, to *common.Address, data []byte) *types.Receipt {
	t.Helper()
	ctx := context.Background()
	from := crypto.PubkeyToAddress(key.PublicKey)
	nonce, err := g.Client.PendingNonceAt(ctx, from)
	if err != nil {
		t.Fatal(err)
	}
	head, err := g.Client.HeaderByNumber(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	tx := types.MustSignNewTx(key, types.LatestSignerForChainID(g.Config.ChainID), &types.DynamicFeeTx{
		ChainID: g.Config.ChainID, Nonce: nonce, GasTipCap: big.NewInt(params.GWei),
		GasFeeCap: new(big.Int).Add(new(big.Int).Mul(head.BaseFee, big.NewInt(2)), big.NewInt(params.GWei)),
		Gas:       10_000_000, To: to, Data: data,
	})
	if err := g.Client.SendTransaction(ctx, tx); err != nil {
		t.Fatalf("send: %v", err)
	}
	return g.Wait(t, tx.Hash())
}

// Deploy deploys creation code with constructor arguments from key and
// returns the contract's address.
func (g *Geth) Deploy(t testing.TB, key *ecdsa.PrivateKey, bin string, args []byte) common.Address {
	t.Helper()
	return g.Send(t, key, nil, append(common.FromHex(bin), args...)).ContractAddress
}

func lastLines(b []byte, n int) string {
	lines := 0
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] == '\n' {
			lines++
			if lines > n {
				return string(b[i+1:])
			}
		}
	}
	return string(b)
}

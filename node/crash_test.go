//go:build unix

package node_test

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/big"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/params"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/internal/gethtest"
	"github.com/boosterkit/go-booster/node"
	"github.com/boosterkit/go-booster/solidity/bindings"
)

// childEnv carries a child node's configuration: the crash tests run the
// node in a child process (this test binary again) and kill it with
// SIGKILL at a chosen point.
const childEnv = "GO_BOOSTER_NODE_CHILD"

// childConfig is what a child node runs.
type childConfig struct {
	L1URL    string           `json:"l1Url"`
	Contract common.Address   `json:"contract"`
	L1Key    string           `json:"l1Key"`
	DevKey   string           `json:"devKey"`
	DataDir  string           `json:"dataDir"`
	Addr     string           `json:"addr"`
	Crash    string           `json:"crash"` // the point to die at, or ""
	Funded   []common.Address `json:"funded"`
}

func TestMain(m *testing.M) {
	if raw := os.Getenv(childEnv); raw != "" {
		os.Exit(runChild(raw))
	}
	os.Exit(m.Run())
}

// runChild runs a node until SIGTERM, or dies at its crash point.
func runChild(raw string) int {
	var c childConfig
	if err := json.Unmarshal([]byte(raw), &c); err != nil {
		fmt.Fprintln(os.Stderr, "child config:", err)
		return 2
	}
	if c.Crash != "" {
		node.SetCrashHook(func(point string) {
			if point == c.Crash {
				fmt.Fprintln(os.Stderr, "child: killed at", point)
				_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
				select {} // the signal arrives
			}
		})
	}
	l1Key, _ := crypto.HexToECDSA(c.L1Key)
	devKey, _ := crypto.HexToECDSA(c.DevKey)
	genesis := types.GenesisAlloc{}
	for _, a := range c.Funded {
		genesis[a] = types.Account{Balance: big.NewInt(params.Ether)}
	}
	n, err := node.New(context.Background(), node.Config{
		ChainID: l2ChainID, Genesis: genesis, DataDir: c.DataDir, ListenAddr: c.Addr,
		L1URL: c.L1URL, L1Config: params.AllDevChainProtocolChanges, BoosterContract: c.Contract, L1Key: l1Key, DevKey: devKey,
		BatchInterval: 100 * time.Millisecond, SettleTimeout: 30 * time.Second,
		Logger: slog.New(slog.NewTextHandler(os.Stderr, nil)),
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 1
	}
	if err := n.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	<-ctx.Done()
	if err := n.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "child close:", err)
		return 1
	}
	return 0
}

// child is a node process.
type child struct {
	cmd  *exec.Cmd
	log  *os.File
	ec   *ethclient.Client
	exit chan error
}

func startChild(t *testing.T, c childConfig) *child {
	t.Helper()
	raw, err := json.Marshal(c)
	require.NoError(t, err)
	logFile, err := os.OpenFile(filepath.Join(c.DataDir, "..", "child-"+c.Crash+".log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	require.NoError(t, err)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+string(raw))
	cmd.Stdout, cmd.Stderr = logFile, logFile
	require.NoError(t, cmd.Start())
	ch := &child{cmd: cmd, log: logFile, exit: make(chan error, 1)}
	go func() { ch.exit <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		logFile.Close()
		if t.Failed() {
			out, _ := os.ReadFile(logFile.Name())
			t.Logf("node log:\n%s", lastLines(string(out), 40))
		}
	})
	deadline := time.Now().Add(60 * time.Second)
	for {
		if ec, err := ethclient.Dial("http://" + c.Addr); err == nil {
			if _, err := ec.ChainID(context.Background()); err == nil {
				ch.ec = ec
				return ch
			}
			ec.Close()
		}
		select {
		case err := <-ch.exit:
			out, _ := os.ReadFile(logFile.Name())
			t.Fatalf("node exited before serving: %v\n%s", err, lastLines(string(out), 40))
		case <-time.After(100 * time.Millisecond):
		}
		require.True(t, time.Now().Before(deadline), "node did not serve")
	}
}

// waitKilled waits for the child to die by SIGKILL.
func (c *child) waitKilled(t *testing.T) {
	t.Helper()
	select {
	case err := <-c.exit:
		var exitErr *exec.ExitError
		require.ErrorAs(t, err, &exitErr)
		ws := exitErr.Sys().(syscall.WaitStatus)
		require.True(t, ws.Signaled() && ws.Signal() == syscall.SIGKILL, "killed by SIGKILL, not %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("the node did not reach its crash point")
	}
	c.ec.Close()
}

// stop stops the child cleanly.
func (c *child) stop(t *testing.T) {
	t.Helper()
	require.NoError(t, c.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case err := <-c.exit:
		require.NoError(t, err, "clean shutdown")
	case <-time.After(30 * time.Second):
		t.Fatal("no clean shutdown")
	}
	c.ec.Close()
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// TestNodeCrashes kills the node process at each point where it holds
// something not yet on L1 and restarts it over the same data directory:
// every accepted vote ends in exactly one settled batch, and no batch is
// settled twice.
func TestNodeCrashes(t *testing.T) {
	for _, point := range []string{"accepted", "mid-batch", "executed", "sent"} {
		t.Run(point, func(t *testing.T) {
			w := newGethWorld(t)
			voters := []*user{newUser(t, point+"-1"), newUser(t, point+"-2"), newUser(t, point+"-3")}
			cfg := childConfig{
				L1URL: w.geth.URL, Contract: w.contract, L1Key: hex.EncodeToString(crypto.FromECDSA(w.operator)),
				DevKey: hex.EncodeToString(crypto.FromECDSA(w.dev)), DataDir: filepath.Join(t.TempDir(), "data"),
				Addr: fmt.Sprintf("127.0.0.1:%d", gethtest.FreePort(t)), Funded: []common.Address{w.deployer.addr},
			}
			for _, v := range voters {
				cfg.Funded = append(cfg.Funded, v.addr)
			}

			// Set up the ballot box, and stop cleanly.
			c := startChild(t, cfg)
			deploy := w.deployer.tx(nil, nil, append(common.FromHex(bindings.BallotBoxMetaData.Bin), bindings.NewBallotBox().PackConstructor(w.voting)...), 2_000_000)
			require.NoError(t, c.ec.SendTransaction(context.Background(), deploy))
			r := waitReceipt(t, c.ec, deploy.Hash())
			w.waitSettled(t, r.BlockNumber.Uint64())
			c.stop(t)

			// Vote with a node that dies at the point.
			cfg.Crash = point
			c = startChild(t, cfg)
			var votes []*types.Transaction
			for i, v := range voters {
				votes = append(votes, v.tx(&w.ballot, nil, bindings.NewBallotBox().PackVote(big.NewInt(int64(i%3))), 1_000_000))
			}
			acked := 0
			for _, tx := range votes {
				if err := c.ec.SendTransaction(context.Background(), tx); err != nil {
					break // the node died answering it
				}
				acked++
			}
			c.waitKilled(t)

			// Restart: what was accepted is still there; send the rest.
			cfg.Crash = ""
			c = startChild(t, cfg)
			defer c.stop(t)
			resend := votes[acked:]
			if point == "accepted" {
				// The node died answering the first vote, after it was on
				// disk: it is not sent again, and must still be executed.
				require.Zero(t, acked)
				resend = votes[1:]
			}
			for _, tx := range resend {
				require.NoError(t, c.ec.SendTransaction(context.Background(), tx))
			}
			var last uint64
			seen := map[common.Hash]uint64{}
			for _, tx := range votes {
				r := waitReceipt(t, c.ec, tx.Hash())
				require.Equal(t, types.ReceiptStatusSuccessful, r.Status)
				seen[tx.Hash()] = r.BlockNumber.Uint64()
				last = max(last, r.BlockNumber.Uint64())
			}
			w.waitSettled(t, last)
			for p := range int64(3) {
				assert.Equal(t, big.NewInt(1), w.tally(t, p), "proposal %d counted once", p)
			}

			// Each vote in exactly one block; each batch settled exactly once.
			head, err := c.ec.BlockNumber(context.Background())
			require.NoError(t, err)
			count := map[common.Hash]int{}
			for b := uint64(1); b <= head; b++ {
				block, err := c.ec.BlockByNumber(context.Background(), new(big.Int).SetUint64(b))
				require.NoError(t, err)
				for _, tx := range block.Transactions() {
					count[tx.Hash()]++
				}
			}
			for _, tx := range votes {
				assert.Equal(t, 1, count[tx.Hash()], "vote %s in one block", tx.Hash())
			}
			assert.Equal(t, head, w.lastSettled(t), "every batch settled")
			settled := settledBatches(t, w)
			assert.Len(t, settled, int(head), "one BatchSettled event per batch")
			for i, n := range settled {
				assert.Equal(t, uint64(i+1), n, "batches settled once each, in order")
			}
		})
	}
}

func waitReceipt(t *testing.T, ec *ethclient.Client, hash common.Hash) *types.Receipt {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	r, err := bind.WaitMined(ctx, ec, hash)
	require.NoError(t, err, "receipt of %s", hash)
	return r
}

// settledBatches lists the batch numbers of the booster contract's
// BatchSettled events, in order.
func settledBatches(t *testing.T, w *gethWorld) []uint64 {
	t.Helper()
	b := bindings.NewBooster()
	logs, err := w.geth.Client.FilterLogs(context.Background(), filterQuery(w.contract))
	require.NoError(t, err)
	var out []uint64
	for _, l := range logs {
		ev, err := b.UnpackBatchSettledEvent(&l)
		if err != nil {
			continue
		}
		out = append(out, ev.Number)
	}
	return out
}

func filterQuery(contract common.Address) ethereum.FilterQuery {
	return ethereum.FilterQuery{FromBlock: common.Big0, Addresses: []common.Address{contract}}
}

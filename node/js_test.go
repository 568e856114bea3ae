package node_test

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNodeServesEthers runs a dapp written with ethers (pinned from npm)
// against the node: a signed transaction, its receipt, a view call and
// the logs. It is skipped without Node.js and the npm packages, unless
// GO_BOOSTER_REQUIRE_NODEJS=1 (as .ci/run sets it).
func TestNodeServesEthers(t *testing.T) {
	nodejs, err := exec.LookPath("node")
	ethers := filepath.Join("..", "node_modules", "ethers", "package.json")
	if _, statErr := os.Stat(ethers); err != nil || statErr != nil {
		if os.Getenv("GO_BOOSTER_REQUIRE_NODEJS") == "1" {
			t.Fatalf("Node.js or node_modules/ethers missing (npm ci installs it): %v %v", err, statErr)
		}
		t.Skip("Node.js or node_modules/ethers missing; run npm ci")
	}
	alice := newUser(t, "js alice")
	n := startNode(t, alice.addr)
	artifact, err := filepath.Abs(filepath.Join("..", "solidity", "artifacts", "Token.json"))
	require.NoError(t, err)
	cmd := exec.Command(nodejs, filepath.Join("testdata", "dapp.mjs"), n.url, "0x"+hex.EncodeToString(crypto.FromECDSA(alice.key)), artifact)
	done := make(chan struct{})
	var out []byte
	go func() { out, err = cmd.CombinedOutput(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("the dapp did not finish:\n%s", out)
	}
	require.NoError(t, err, "%s", out)
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	var saw struct {
		ChainID          string `json:"chainId"`
		Status           int    `json:"status"`
		TransferHash     string `json:"transferHash"`
		Balance          string `json:"balance"`
		BlockHasTransfer bool   `json:"blockHasTransfer"`
		Events           []struct {
			Tx    string `json:"tx"`
			Value string `json:"value"`
		} `json:"events"`
	}
	require.NoError(t, json.Unmarshal([]byte(lines[len(lines)-1]), &saw), "%s", out)
	assert.Equal(t, l2ChainID.String(), saw.ChainID)
	assert.Equal(t, 1, saw.Status)
	assert.Equal(t, "250", saw.Balance)
	assert.True(t, saw.BlockHasTransfer)
	require.Len(t, saw.Events, 1)
	assert.Equal(t, saw.TransferHash, saw.Events[0].Tx)
	assert.Equal(t, "250", saw.Events[0].Value)
}

package testenv

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common/hexutil"
)

// CompileSolidity compiles a generated Solidity source (gnark's exported
// verifier, for example) with the pinned npm solc and returns the ABI and
// creation code of the contract called name. It skips the test when the
// pinned solc is not installed (npm ci) and GO_BOOSTER_REQUIRE_NODEJS is
// not set, and fails it when it is.
func CompileSolidity(t testing.TB, source, name string) (abi.ABI, []byte) {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	if _, err := os.Stat(filepath.Join(root, "node_modules", "solc")); err != nil {
		if os.Getenv("GO_BOOSTER_REQUIRE_NODEJS") != "" {
			t.Fatalf("the pinned solc is not installed (GO_BOOSTER_REQUIRE_NODEJS is set): %v", err)
		}
		t.Skip("the pinned solc is not installed: run npm ci")
	}
	cmd := exec.Command("node", filepath.Join(root, "solidity", "compile-standalone.mjs"), name)
	cmd.Dir = root
	cmd.Stdin = strings.NewReader(source)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("solc: %v\n%s", err, stderr.String())
	}
	var res struct {
		ABI      json.RawMessage `json:"abi"`
		Bytecode hexutil.Bytes   `json:"bytecode"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatal(err)
	}
	parsed, err := abi.JSON(bytes.NewReader(res.ABI))
	if err != nil {
		t.Fatal(err)
	}
	return parsed, res.Bytecode
}

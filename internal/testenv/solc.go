package testenv

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi"

	"github.com/boosterkit/go-booster/internal/solc"
)

// CompileSolidity compiles a generated Solidity source (gnark's exported
// verifier, for example) with the pinned npm solc and returns the ABI and
// creation code of the contract called name. It skips the test when the
// pinned solc is not installed (npm ci) and GO_BOOSTER_REQUIRE_NODEJS is
// not set, and fails it when it is.
func CompileSolidity(t testing.TB, source, name string) (abi.ABI, []byte) {
	t.Helper()
	parsed, code, err := solc.Compile(context.Background(), source, name)
	if errors.Is(err, solc.ErrNotInstalled) && os.Getenv("GO_BOOSTER_REQUIRE_NODEJS") == "" {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return parsed, code
}

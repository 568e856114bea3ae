package solc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common/hexutil"
)

// Errors of Compile.
var (
	// ErrNotInstalled is returned when the pinned solc is not in the
	// module's node_modules (run npm ci) or node is not on PATH.
	ErrNotInstalled = errors.New("solc: the pinned solc is not installed (run npm ci in the module's root)")
	// ErrCompile is returned when solc refuses the source or it has no
	// contract of the name asked for.
	ErrCompile = errors.New("solc: compile")
)

// Root is the go-booster module's root in this checkout.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// Compile compiles source with the pinned solc and returns the ABI and
// creation code of the contract called name.
func Compile(ctx context.Context, source, name string) (abi.ABI, []byte, error) {
	root := Root()
	if _, err := os.Stat(filepath.Join(root, "node_modules", "solc")); err != nil {
		return abi.ABI{}, nil, fmt.Errorf("%w: %w", ErrNotInstalled, err)
	}
	if _, err := exec.LookPath("node"); err != nil {
		return abi.ABI{}, nil, fmt.Errorf("%w: %w", ErrNotInstalled, err)
	}
	cmd := exec.CommandContext(ctx, "node", filepath.Join(root, "solidity", "compile-standalone.mjs"), name)
	cmd.Dir = root
	cmd.Stdin = strings.NewReader(source)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return abi.ABI{}, nil, fmt.Errorf("%w %s: %w\n%s", ErrCompile, name, err, stderr.String())
	}
	var res struct {
		ABI      json.RawMessage `json:"abi"`
		Bytecode hexutil.Bytes   `json:"bytecode"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		return abi.ABI{}, nil, fmt.Errorf("%w %s: solc's output: %w", ErrCompile, name, err)
	}
	parsed, err := abi.JSON(bytes.NewReader(res.ABI))
	if err != nil {
		return abi.ABI{}, nil, fmt.Errorf("%w %s: its ABI: %w", ErrCompile, name, err)
	}
	return parsed, res.Bytecode, nil
}

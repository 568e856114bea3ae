package solc_test

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/internal/solc"
)

func requireSolc(t *testing.T) {
	t.Helper()
	if _, _, err := solc.Compile(context.Background(), "contract A {}", "A"); errors.Is(err, solc.ErrNotInstalled) {
		if os.Getenv("GO_BOOSTER_REQUIRE_NODEJS") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
}

func TestCompile(t *testing.T) {
	requireSolc(t)
	tests := []struct {
		name, source, contract string
		wantErr                error
	}{
		{"contract", "// SPDX-License-Identifier: MIT\npragma solidity ^0.8.0;\ncontract A { function f() external pure returns (uint256) { return 7; } }", "A", nil},
		{"syntax error", "contract A { function }", "A", solc.ErrCompile},
		{"no such contract", "contract A {}", "B", solc.ErrCompile},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parsed, code, err := solc.Compile(context.Background(), tt.source, tt.contract)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			require.Contains(t, parsed.Methods, "f")
			require.NotEmpty(t, code)
		})
	}
}

package verifier

import (
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm/runtime"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/solidity"
	"github.com/boosterkit/go-booster/verifier/trace"
)

var (
	vaultAddr = common.HexToAddress("0x7a01")
	tokenAddr = common.HexToAddress("0x70ce")
	alice     = common.HexToAddress("0xa11ce")
)

// vaultTransaction runs Vault.method(amount) by alice over a token in
// which she holds 100 and has approved the vault for 50, and she holds 20
// shares of the vault.
func vaultTransaction(t testing.TB, method string, amount int64) *trace.Transaction {
	t.Helper()
	tx, err := trace.RunTransaction(vaultCall(t, method, amount))
	require.NoError(t, err)
	return tx
}

// vaultCall is the call vaultTransaction traces.
func vaultCall(t testing.TB, method string, amount int64) trace.Call {
	t.Helper()
	deploy := func(name string, args ...any) []byte {
		a := solidity.MustLoad(name)
		ctor, err := a.ABI.Pack("", args...)
		require.NoError(t, err)
		code, _, _, err := runtime.Create(append(common.CopyBytes(a.Bytecode), ctor...), &runtime.Config{})
		require.NoError(t, err)
		return code
	}
	word := func(v int64) common.Hash { return common.BigToHash(big.NewInt(v)) }
	key := func(a common.Address) common.Hash { return common.BytesToHash(a[:]) }
	input, err := solidity.MustLoad("Vault").ABI.Pack(method, big.NewInt(amount))
	require.NoError(t, err)
	return trace.Call{Code: deploy("Vault", tokenAddr), Address: vaultAddr, Caller: alice, Input: input,
		Storage:   map[common.Hash]common.Hash{mappingSlot(key(alice), word(0)): word(20)},
		Contracts: map[common.Address][]byte{tokenAddr: deploy("Token")},
		ContractStorage: map[common.Address]map[common.Hash]common.Hash{tokenAddr: {
			mappingSlot(key(alice), word(1)):                              word(100),
			mappingSlot(key(vaultAddr), mappingSlot(key(alice), word(2))): word(50),
			mappingSlot(key(vaultAddr), word(1)):                          word(20),
		}}}
}

// TestVaultFramesSolve proves a real contract's calls into a real ERC20,
// frame by frame, and links them: a deposit (the vault's frame, the
// token's transferFrom with its allowance, balances and Transfer event,
// and its balanceOf), a withdrawal (transfer and balanceOf), and a
// deposit beyond the allowance, whose token frame reverts with
// InsufficientAllowance and takes the vault's with it.
func TestVaultFramesSolve(t *testing.T) {
	word := func(v int64) common.Hash { return common.BigToHash(big.NewInt(v)) }
	cases := []struct {
		method   string
		amount   int64
		reverted bool
		held     int64 // the vault's token balance after
	}{
		{"deposit", 30, false, 50},
		{"withdraw", 5, false, 15},
		{"deposit", 60, true, 20},
	}
	for _, tc := range cases {
		t.Run(tc.method, func(t *testing.T) {
			tx := vaultTransaction(t, tc.method, tc.amount)
			writes, err := tx.Check(nil)
			require.NoError(t, err)
			top := tx.Frames[0].Trace
			require.Equal(t, tc.reverted, top.Reverted)
			if tc.reverted {
				require.Empty(t, writes)
				require.Len(t, tx.Frames, 2)
				require.True(t, tx.Frames[1].Trace.Reverted)
			} else {
				require.Len(t, tx.Frames, 3)
				require.Len(t, top.Logs, 1)
				require.Equal(t, word(tc.held), common.BytesToHash(top.Logs[0].Data[32:64]))
				require.Len(t, tx.Frames[1].Trace.Logs, 1, "the token's Transfer")
			}
			for i, f := range tx.Frames {
				s, err := smallestShape(f.Trace)
				require.NoError(t, err, "frame %d", i)
				if s.Steps > 1<<10 && testing.Short() {
					continue
				}
				t.Logf("frame %d (%s): %d steps, %d code bytes, shape of %d steps", i, f.Trace.Address, len(f.Trace.Steps), len(f.Trace.Code), s.Steps)
				accepts(t, s, mustAssign(t, f.Trace, s))
			}
		})
	}
}

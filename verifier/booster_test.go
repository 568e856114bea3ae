package verifier_test

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/test"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/booster"
	"github.com/boosterkit/go-booster/booster/boostertest"
	"github.com/boosterkit/go-booster/precompiles"
	"github.com/boosterkit/go-booster/solidity"
	"github.com/boosterkit/go-booster/verifier"
	"github.com/boosterkit/go-booster/verifier/trace"
)

// TestBoosterVoteFramesProve records a vote as the booster executes it
// (the L2 EVM's hooks and the L1 EVM's below L1CALL), proves both of its
// frames with the constraint solver, and checks that the frames link and
// leave exactly the L1 write the booster's batch settles, and the ballot
// on L2.
func TestBoosterVoteFramesProve(t *testing.T) {
	rec := trace.NewTxRecorder()
	recording := false
	l2, l1 := rec.Hooks(), rec.L1Hooks()
	l1Chain := boostertest.NewL1(t)
	rollup := l1Chain.NewRollup(t, booster.WithTracer(only(&recording, l2)), booster.WithL1Tracer(only(&recording, l1)))
	deployer := rollup.Account(t, "deployer")
	ballot := deployer.NextContract()
	voting := l1Chain.Deploy(t, "Voting", rollup.Contract, boostertest.L1Sender(ballot), big.NewInt(3))
	deployer.Deploy(t, "BallotBox", voting)
	rollup.Settle(t)

	recording = true
	alice := rollup.Account(t, "alice")
	alice.Transact(t, ballot, "BallotBox", "vote", big.NewInt(2))
	batch, _ := rollup.Settle(t)
	recording = false

	tx, err := rec.Transaction()
	require.NoError(t, err)
	// The vote, the precompile's own frame, recordVote on L1.
	require.Len(t, tx.Frames, 3)
	require.Equal(t, ballot, tx.Frames[0].Trace.Address)
	require.True(t, tx.Frames[2].L1)
	require.Equal(t, voting, tx.Frames[2].Trace.Address)
	writes, err := tx.Check(func(common.Address) []byte { return nil })
	require.NoError(t, err)
	var l1Writes []trace.SlotWrite
	for _, w := range writes {
		if w.L1 {
			l1Writes = append(l1Writes, w)
		}
	}
	require.Len(t, batch.Writes, 1)
	require.Len(t, l1Writes, 1)
	require.Equal(t, batch.Writes[0].Contract, l1Writes[0].Address)
	require.Equal(t, batch.Writes[0].Slot, l1Writes[0].Key)
	require.Equal(t, batch.Writes[0].Value, l1Writes[0].Value)
	for _, f := range []trace.Frame{tx.Frames[0], tx.Frames[2]} {
		s := verifier.Shapes[2]
		w, err := verifier.Assign(f.Trace, s)
		require.NoError(t, err, "frame at %s", f.Trace.Address)
		c, err := verifier.NewCircuit(s)
		require.NoError(t, err)
		require.NoError(t, test.IsSolved(c, w, ecc.BN254.ScalarField()), "frame at %s", f.Trace.Address)
	}
}

// only forwards the hooks' events while *on is set.
func only(on *bool, h *tracing.Hooks) *tracing.Hooks {
	return &tracing.Hooks{
		OnTxStart: func(ctx *tracing.VMContext, tx *types.Transaction, from common.Address) {
			if *on && h.OnTxStart != nil {
				h.OnTxStart(ctx, tx, from)
			}
		},
		OnEnter: func(depth int, typ byte, from, to common.Address, input []byte, gas uint64, value *big.Int) {
			if *on {
				h.OnEnter(depth, typ, from, to, input, gas, value)
			}
		},
		OnExit: func(depth int, output []byte, gasUsed uint64, err error, reverted bool) {
			if *on {
				h.OnExit(depth, output, gasUsed, err, reverted)
			}
		},
		OnOpcode: func(pc uint64, op byte, gas, cost uint64, scope tracing.OpContext, rData []byte, depth int, err error) {
			if *on {
				h.OnOpcode(pc, op, gas, cost, scope, rData, depth, err)
			}
		},
	}
}

// TestBoosterPrecompileRefusalsLink: an L1CALL the precompile refuses
// (input shorter than an address, a call with value) runs no L1 frame,
// and links only with the precompile's own custom error as its outcome.
func TestBoosterPrecompileRefusalsLink(t *testing.T) {
	rec := trace.NewTxRecorder()
	recording := false
	l1Chain := boostertest.NewL1(t)
	rollup := l1Chain.NewRollup(t, boostertest.Funded(t, big.NewInt(1e18), "alice"),
		booster.WithTracer(only(&recording, rec.Hooks())), booster.WithL1Tracer(only(&recording, rec.L1Hooks())))
	deployer := rollup.Account(t, "deployer")
	caller := deployer.NextContract()
	deployer.Deploy(t, "Caller")
	rollup.Settle(t)
	cases := []struct {
		name  string
		send  func(a *boostertest.Account)
		error precompiles.CustomError
	}{
		{"short input", func(a *boostertest.Account) {
			a.Transact(t, caller, "Caller", "raw", precompiles.L1CallAddress, []byte{1, 2}, big.NewInt(100_000))
		}, precompiles.ErrInvalidInput},
		{"a value", func(a *boostertest.Account) {
			data := pack(t, "Caller", "rawWithValue", precompiles.L1CallAddress, append(common.HexToAddress("0x1").Bytes(), 1))
			a.Send(t, &caller, big.NewInt(5), data, 3_000_000)
		}, precompiles.ErrValueNotAllowed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			*rec = *trace.NewTxRecorder()
			recording = true
			tc.send(rollup.Account(t, "alice"))
			rollup.Settle(t)
			recording = false
			tx, err := rec.Transaction()
			require.NoError(t, err)
			for _, f := range tx.Frames {
				require.False(t, f.L1, "no L1 frame")
			}
			call := tx.Frames[0].Trace.Calls[0]
			require.False(t, call.Success)
			require.Equal(t, tc.error.Encode(), call.ReturnData)
			_, err = tx.Check(nil)
			require.NoError(t, err)
			tx.Frames[0].Trace.Calls[0].ReturnData = precompiles.ErrStaticViolation.Encode()
			_, err = tx.Check(nil)
			require.ErrorIs(t, err, verifier.ErrLink)
		})
	}
}

// pack is the calldata of a compiled contract's method.
func pack(t *testing.T, contract, method string, args ...any) []byte {
	t.Helper()
	data, err := solidity.MustLoad(contract).ABI.Pack(method, args...)
	require.NoError(t, err)
	return data
}

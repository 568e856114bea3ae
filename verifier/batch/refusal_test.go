package batch

import (
	"fmt"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/precompiles"
	"github.com/boosterkit/go-booster/verifier"
	"github.com/boosterkit/go-booster/verifier/trace"
)

// refusedCallCode calls the booster precompile at 0x1000 + p with the
// first n bytes of l1Target (left-aligned at memory 0) and value, pops
// the success flag and stops.
func refusedCallCode(p, n, value byte) []byte {
	code := []byte{0x7f}
	code = append(code, l1Target[:]...)
	code = append(code, make([]byte, 12)...)
	code = append(code, 0x60, 0, 0x52, 0x60, 0, 0x60, 0, 0x60, n, 0x60, 0, 0x60, value, 0x61, 0x10, p, 0x5a, 0xf1, 0x50, 0x00)
	return code
}

// refusedTrace is the trace of l1Caller running code whose one call the
// booster precompile refuses, as the booster runs it: the call fails
// with ret as its return data (trace.Run, which has no precompiles,
// sees an account without code that succeeds). success and ret are the
// call's outcome as the trace gives it.
func refusedTrace(t *testing.T, code []byte, value int64, success bool, ret []byte) *trace.Trace {
	t.Helper()
	ctx := l2Context
	tr, err := trace.Run(trace.Call{Code: code, Address: l1Caller, Caller: alice, Value: big.NewInt(value), Context: &ctx})
	require.NoError(t, err)
	require.Len(t, tr.Calls, 1)
	tr.Calls[0].Success, tr.Calls[0].ReturnData = success, ret
	for k, st := range tr.Steps {
		if st.Op == vm.CALL {
			next := &tr.Steps[k+1]
			next.Stack = append([]uint256.Int(nil), next.Stack...)
			next.Stack[len(next.Stack)-1].SetUint64(uint64(bitInt(success)))
		}
	}
	return tr
}

// TestPrecompileRefusals checks that a frame segment proves a booster
// precompile's refusals (SPEC §1): a call of L1CALL with 10 bytes of
// input fails with L1CallInvalidInput(), one of L1SANDBOXCALL or
// L1DELEGATECALL with value with L1CallValueNotAllowed(), entering no
// frame. Built anyway, a refusal with the other error, or one that
// succeeded, is refused by the calling frame's segment; a shape that
// keeps no return word of a call cannot hold a refusal.
func TestPrecompileRefusals(t *testing.T) {
	invalid, notAllowed := precompiles.ErrInvalidInput.Encode(), precompiles.ErrValueNotAllowed.Encode()
	for _, tc := range []struct {
		name    string
		code    []byte
		value   int64
		success bool
		ret     []byte
		refused bool
	}{
		{"L1CALL with a short input", refusedCallCode(0, 10, 0), 0, false, invalid, false},
		{"L1SANDBOXCALL with value", refusedCallCode(2, 20, 1), 1, false, notAllowed, false},
		{"L1DELEGATECALL with value and a short input", refusedCallCode(1, 4, 1), 1, false, invalid, false},
		{"the other error", refusedCallCode(0, 10, 0), 0, false, notAllowed, true},
		{"a refusal that succeeded", refusedCallCode(2, 20, 1), 1, true, notAllowed, true},
		{"a refusal without its error", refusedCallCode(0, 10, 0), 0, false, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := refusedTrace(t, tc.code, tc.value, tc.success, tc.ret)
			execs := []*trace.Transaction{{Frames: []trace.Frame{{Trace: tr, Parent: -1}}}}
			h, txs := valueBatch(t, tc.value)
			withOutcomes(t, h, txs, execs)
			segs, err := witnessesFor(h, noL1, txs, execs, memCapacity)
			if tc.refused {
				require.ErrorIs(t, err, verifier.ErrUnsupported)
				segs, err = faultyWitnesses(h, noL1, txs, execs, memCapacity, &faults{refusal: true})
				require.NoError(t, err)
				require.Equal(t, fmt.Sprint(segmentsOf(segs, KindFrame)), fmt.Sprint(solveAll(t, memCapacity, segs)))
				return
			}
			require.NoError(t, err)
			require.Equal(t, []int{KindHeader, KindTransaction, KindFrame, KindEnd}, kindsOf(segs))
			require.Empty(t, solveAll(t, memCapacity, segs))
		})
	}
	t.Run("no return word", func(t *testing.T) {
		tr := refusedTrace(t, refusedCallCode(0, 10, 0), 0, false, invalid)
		execs := []*trace.Transaction{{Frames: []trace.Frame{{Trace: tr, Parent: -1}}}}
		h, txs := valueBatch(t, 0)
		withOutcomes(t, h, txs, execs)
		c := memCapacity
		c.Frame.CallReturn = 0
		_, err := witnessesFor(h, noL1, txs, execs, c)
		require.ErrorIs(t, err, verifier.ErrCapacity)
	})
}

// valueBatch is the header of a batch of one transaction from alice to
// l1Caller sending value wei, and the transaction.
func valueBatch(t *testing.T, value int64) (*Header, []*types.Transaction) {
	t.Helper()
	to := l1Caller
	txs := []*types.Transaction{types.MustSignNewTx(testKey(t, "alice"), types.LatestSignerForChainID(l2Chain),
		&types.DynamicFeeTx{ChainID: l2Chain, GasTipCap: big.NewInt(0), GasFeeCap: big.NewInt(0), Gas: 100_000, To: &to, Value: big.NewInt(value)})}
	return headerFor(t, txs, noL1), txs
}

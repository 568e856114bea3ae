package batch

import (
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/verifier"
	"github.com/boosterkit/go-booster/verifier/trace"
)

// identityShape is callShape with two calls.
var identityShape = func() verifier.Shape {
	s := callShape
	s.Calls = 2
	return s
}()

// identityCapacity holds the identity tests' batches.
var identityCapacity = Capacity{Calldata: dataCap, Frame: identityShape, Slots: 3, L1Slots: 1}

// identityUser is code that copies the word 0x1234 through the identity
// precompile (STATICCALL, input memory 0..32, return to 32..64) and
// stores it at slot 0, then calls the precompile with no gas (which
// fails) and stores the success flag at slot 1.
var identityUser = common.FromHex("611234" + "600052" +
	"602060206020600060045afa" + "50" + "602051" + "600055" +
	"6000604060206000600060046000f1" + "600155" + "00")

// identityAt is where identityUser runs.
var identityAt = common.HexToAddress("0x00000000000000000000000000000000000000e1")

// TestIdentityCalls checks that a frame segment proves a call of the
// identity precompile itself, pushing no frame: a copy through it and a
// call that fails solve; a return other than the input, carried
// consistently through the frame's memory and storage, is refused by
// Witnesses and, built anyway, by the frame segment only.
func TestIdentityCalls(t *testing.T) {
	if testing.Short() {
		t.Skip("solves frames of the call shape")
	}
	w := &world{code: map[common.Address][]byte{identityAt: identityUser}, storage: map[common.Address]map[common.Hash]common.Hash{}}
	exec := w.run(t, identityAt, nil)
	tr := exec.Frames[0].Trace
	require.Len(t, tr.Calls, 2)
	require.True(t, tr.Calls[0].Success)
	require.False(t, tr.Calls[1].Success)
	require.Equal(t, []trace.StorageSlot{{Key: common.Hash{}, Final: common.BigToHash(big.NewInt(0x1234))}, {Key: common.BigToHash(big.NewInt(1))}}, tr.Storage)
	_, txs := signedBatch(t, []memCall{{identityAt, nil}})
	execs := []*trace.Transaction{exec}
	h := headerFor(t, txs, noL1)
	withOutcomes(t, h, txs, execs)
	segs, err := witnessesFor(h, noL1, txs, execs, identityCapacity)
	require.NoError(t, err)
	// Header, transaction, the frame, end: no frame for the precompile.
	require.Equal(t, []int{KindHeader, KindTransaction, KindFrame, KindEnd}, kindsOf(segs))
	require.Empty(t, solveAll(t, identityCapacity, segs))

	t.Run("a return other than the input", func(t *testing.T) {
		forged := forgeIdentityReturn(t, exec, 0x1235)
		fh := headerFor(t, txs, noL1)
		withOutcomes(t, fh, txs, []*trace.Transaction{forged})
		requireRefusedAsBuilt(t, fh, noL1, txs, []*trace.Transaction{forged}, identityCapacity, &faults{identity: true}, func([]SegmentWitness) []int { return []int{2} })
	})
}

// forgeIdentityReturn is exec with identityUser's copy returning v
// instead of its input: the call's return data, the MLOAD that reads it,
// the SSTORE that stores it and the slot's final value.
func forgeIdentityReturn(t *testing.T, exec *trace.Transaction, v uint64) *trace.Transaction {
	t.Helper()
	tr := *exec.Frames[0].Trace
	word := uint256.NewInt(v)
	b := word.Bytes32()
	tr.Calls = append([]trace.FrameCall(nil), tr.Calls...)
	tr.Calls[0].ReturnData = b[:]
	tr.Steps = append([]trace.Step(nil), tr.Steps...)
	k := -1
	for i, st := range tr.Steps {
		if st.Op == vm.MLOAD {
			k = i
			break
		}
	}
	require.Positive(t, k)
	// The word rides the stack from the MLOAD's result to the SSTORE.
	for i := k + 1; i < len(tr.Steps) && tr.Steps[i-1].Op != vm.SSTORE; i++ {
		st := append([]uint256.Int(nil), tr.Steps[i].Stack...)
		pos := len(st) - 1
		if tr.Steps[i].Op == vm.SSTORE {
			pos = len(st) - 2
		}
		st[pos] = *word
		tr.Steps[i].Stack = st
	}
	tr.Storage = append([]trace.StorageSlot(nil), tr.Storage...)
	tr.Storage[0].Final = common.Hash(b)
	frames := append([]trace.Frame(nil), exec.Frames...)
	frames[0].Trace = &tr
	return &trace.Transaction{Frames: frames}
}

package batch

import (
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/holiman/uint256"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/precompiles"
	"github.com/boosterkit/go-booster/verifier"
	"github.com/boosterkit/go-booster/verifier/statetree"
	"github.com/boosterkit/go-booster/verifier/trace"
)

// directL1Batch is a batch of one transaction from alice sent to L1CALL
// with l1Target and input as calldata: the precompile's frame (no code),
// and below it l1Target's L1 frame, called by caller (alice, unaliased,
// in an honest batch) with input; with its L1 lists.
func directL1Batch(t *testing.T, caller common.Address, input []byte) ([]memCall, *trace.Transaction, *L1Lists) {
	t.Helper()
	l1, err := trace.Run(trace.Call{Code: l1TargetCode, Address: l1Target, Caller: caller, Input: input,
		Storage: map[common.Hash]common.Hash{common.BigToHash(big.NewInt(1)): common.BigToHash(big.NewInt(3)), common.BigToHash(big.NewInt(2)): common.BigToHash(big.NewInt(5))}})
	require.NoError(t, err)
	l1.Origin = alice
	data := append(l1Target.Bytes(), input...)
	ctx := l2Context
	top := &trace.Trace{Address: precompiles.L1CallAddress, Caller: alice, Origin: alice, Calldata: data, Context: ctx, ReturnData: l1.ReturnData, Reverted: l1.Reverted}
	exec := &trace.Transaction{Frames: []trace.Frame{{Trace: top, Parent: -1}, {Trace: l1, Parent: 0, Call: 0, L1: true}}}
	slot := func(s, v int64) L1Slot {
		return L1Slot{Contract: l1Target, Slot: common.BigToHash(big.NewInt(s)), Value: common.BigToHash(big.NewInt(v))}
	}
	lists := &L1Lists{Reads: []L1Slot{slot(1, 3), slot(2, 5)}, Writes: []L1Slot{slot(1, 7)},
		Code:  []CodeRead{{Contract: l1Target, CodeHash: crypto.Keccak256Hash(l1TargetCode)}},
		Block: pinnedHeader(20, 1_700_000_000, 30_000_000, big.NewInt(7), nil)}
	return []memCall{{precompiles.L1CallAddress, data}}, exec, lists
}

// TestDirectL1Call proves a transaction sent to L1CALL itself (as
// boostertest's Account.L1Call sends one): its transaction segment
// enters the target's L1 frame directly, called by the sender
// unaliased, with the rest of the calldata. The honest batch solves; an
// L1 frame called by the sender's alias, or with other calldata, built
// anyway, is refused by its own segment (it pops the context the
// transaction pushed); a sender with L2 code in the L2 state (EIP-3607),
// built anyway, is refused by the end segment that proves it has none;
// the precompile's refusals (no target, value) are proven by the
// transaction segment: no frame entered, the transaction failed with the
// precompile's error; built anyway with the other error, or succeeding,
// they are refused by it.
func TestDirectL1Call(t *testing.T) {
	input := []byte{0xab, 0xcd}
	calls, exec, lists := directL1Batch(t, alice, input)
	_, txs := signedBatch(t, calls)
	segs, err := witnessesFor(headerFor(t, txs, lists), lists, txs, []*trace.Transaction{exec}, listsCapacity)
	require.NoError(t, err)
	require.Equal(t, []int{KindHeader, KindCode, KindBlock, KindTransaction, KindFrame, KindEnd, KindEnd}, kindsOf(segs))
	require.Empty(t, solveAll(t, listsCapacity, segs))

	for _, tc := range []struct {
		name   string
		caller common.Address
		input  []byte
	}{
		{"an L1 frame called by the sender's alias", precompiles.Alias(alice), input},
		{"an L1 frame with other calldata", alice, []byte{0xab}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, forged, _ := directL1Batch(t, tc.caller, tc.input)
			forged.Frames[0] = exec.Frames[0]
			execs := []*trace.Transaction{forged}
			requireRefusedAsBuilt(t, headerFor(t, txs, lists), lists, txs, execs, listsCapacity, &faults{foreignEntry: true},
				func([]SegmentWitness) []int { return []int{4} })
		})
	}
	t.Run("a sender with L2 code", func(t *testing.T) {
		// EIP-3607: alice has no L2 code, which the transaction
		// segment reads and an end segment proves from the tree. With
		// code at alice's address in the L2 state, the batch built
		// anyway is refused by that end segment.
		withCode := func(pre *statetree.Tree) (*statetree.Tree, error) {
			return pre.Set(L2CodeKey(alice), CodeDigest(l1TargetCode))
		}
		h := headerFor(t, txs, lists)
		segs, err := faultyWitnesses(h, lists, txs, []*trace.Transaction{exec}, listsCapacity, &faults{l2: true, l2Pre: withCode})
		require.NoError(t, err)
		require.Equal(t, []int{5}, solveAll(t, listsCapacity, segs))
	})
	t.Run("the precompile's refusals", func(t *testing.T) {
		invalid, notAllowed := precompiles.ErrInvalidInput.Encode(), precompiles.ErrValueNotAllowed.Encode()
		long := l1Target.Bytes()
		for _, tc := range []struct {
			name    string
			data    []byte
			value   int64
			failed  bool
			ret     []byte
			refused bool
		}{
			{"19 bytes of calldata", long[:19], 0, true, invalid, false},
			{"value", long, 1, true, notAllowed, false},
			{"value and no target", nil, 1, true, invalid, false},
			{"the other error", long[:19], 0, true, notAllowed, true},
			{"a refusal that succeeded", long, 1, false, notAllowed, true},
		} {
			t.Run(tc.name, func(t *testing.T) {
				to := precompiles.L1CallAddress
				txs := []*types.Transaction{types.MustSignNewTx(testKey(t, "alice"), types.LatestSignerForChainID(l2Chain),
					&types.DynamicFeeTx{ChainID: l2Chain, GasTipCap: big.NewInt(0), GasFeeCap: big.NewInt(0), Gas: 100_000, To: &to, Data: tc.data, Value: big.NewInt(tc.value)})}
				top := &trace.Trace{Address: to, Caller: alice, Origin: alice, Calldata: tc.data, Value: *uint256.NewInt(uint64(tc.value)), Context: l2Context, ReturnData: tc.ret, Reverted: tc.failed}
				execs := []*trace.Transaction{{Frames: []trace.Frame{{Trace: top, Parent: -1}}}}
				h := headerFor(t, txs, noL1)
				withOutcomes(t, h, txs, execs)
				segs, err := witnessesFor(h, noL1, txs, execs, listsCapacity)
				if tc.refused {
					require.ErrorIs(t, err, verifier.ErrUnsupported)
					segs, err = faultyWitnesses(h, noL1, txs, execs, listsCapacity, &faults{refusal: true})
					require.NoError(t, err)
					require.Equal(t, segmentsOf(segs, KindTransaction), solveAll(t, listsCapacity, segs))
					return
				}
				require.NoError(t, err)
				require.Equal(t, []int{KindHeader, KindTransaction, KindEnd}, kindsOf(segs))
				require.Empty(t, solveAll(t, listsCapacity, segs))
			})
		}
	})
}

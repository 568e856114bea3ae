package batch

import (
	"bytes"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/precompiles"
	"github.com/boosterkit/go-booster/verifier"
	"github.com/boosterkit/go-booster/verifier/trace"
)

// precompileCallerCode stores l1Target left-aligned at memory 0 and
// calls the booster precompile at 0x1000 + p (L1CALL 0, L1SANDBOXCALL 2)
// with those 20 bytes, by CALL or, where static, by STATICCALL.
func precompileCallerCode(p byte, static bool) []byte {
	code := []byte{0x7f}
	code = append(code, l1Target[:]...)
	code = append(code, make([]byte, 12)...)
	code = append(code, 0x60, 0, 0x52) // MSTORE at 0
	code = append(code, 0x60, 0, 0x60, 0, 0x60, 20, 0x60, 0)
	if static {
		return append(code, 0x61, 0x10, p, 0x5a, 0xfa, 0x50, 0x00)
	}
	return append(code, 0x60, 0, 0x61, 0x10, p, 0x5a, 0xf1, 0x50, 0x00)
}

// sandboxTargetCode reads slot 2, stores 7 at slot 1 and logs LOG1 0xee
// without data.
var sandboxTargetCode = common.FromHex("6002545060076001" + "55" + "60ee60006000a1" + "00")

// sandboxBatch is a transaction whose L2 frame (at l1Caller) calls
// sandboxTargetCode at l1Target through L1SANDBOXCALL (slot 1 = 3 and
// slot 2 = 5 before it), as the booster records it: the L1 frame called
// by the aliased caller, its write and its log thrown away when it
// returns. It returns the execution and the batch's L1 lists: both
// slots read, nothing written.
func sandboxBatch(t *testing.T, static bool) (*trace.Transaction, *L1Lists) {
	t.Helper()
	exec, lists := l1PrecompileBatch(t, 2, static, sandboxTargetCode)
	require.Len(t, exec.Frames[1].Trace.Logs, 1)
	return exec, lists
}

// l1PrecompileBatch is a transaction whose L2 frame (at l1Caller) calls
// l1Code at l1Target (slot 1 = 3 and slot 2 = 5 before it) through the
// precompile at 0x1000 + p, by CALL or STATICCALL, and the L1 lists of a
// batch where it writes nothing: both slots read.
func l1PrecompileBatch(t *testing.T, p byte, static bool, l1Code []byte) (*trace.Transaction, *L1Lists) {
	t.Helper()
	return l1CallerBatch(t, precompileCallerCode(p, static), l1Code, nil)
}

// l1CallerBatch is l1PrecompileBatch with l2Code at l1Caller, which makes
// the one call, and value (nil for none) sent to it and to the L1 frame.
func l1CallerBatch(t *testing.T, l2Code, l1Code []byte, value *big.Int) (*trace.Transaction, *L1Lists) {
	t.Helper()
	ctx := l2Context
	l2, err := trace.Run(trace.Call{Code: l2Code, Address: l1Caller, Caller: alice, Value: value, Context: &ctx})
	require.NoError(t, err)
	require.Len(t, l2.Calls, 1)
	l1, err := trace.Run(trace.Call{Code: l1Code, Address: l1Target, Caller: precompiles.Alias(l1Caller), Value: value,
		Storage: map[common.Hash]common.Hash{common.BigToHash(big.NewInt(1)): common.BigToHash(big.NewInt(3)), common.BigToHash(big.NewInt(2)): common.BigToHash(big.NewInt(5))}})
	require.NoError(t, err)
	l1.Origin = alice
	exec := &trace.Transaction{Frames: []trace.Frame{{Trace: l2, Parent: -1}, {Trace: l1, Parent: 0, Call: 0, L1: true}}}
	return exec, &L1Lists{Reads: []L1Slot{sandboxSlot(1, 3), sandboxSlot(2, 5)},
		Code:  []CodeRead{{Contract: l1Target, CodeHash: crypto.Keccak256Hash(l1Code)}, {Contract: l1Caller}},
		Block: pinnedHeader(20, 1_700_000_000, 30_000_000, nil, nil)}
}

// sandboxSlot is slot s of l1Target holding v.
func sandboxSlot(s, v int64) L1Slot {
	return L1Slot{Contract: l1Target, Slot: common.BigToHash(big.NewInt(s)), Value: common.BigToHash(big.NewInt(v))}
}

// sandboxCapacity holds the sandbox tests' batches: two L1 slots read.
var sandboxCapacity = Capacity{Calldata: dataCap, Frame: logShape, Slots: 2, L1Slots: 2}

// TestSandboxCall proves an L1SANDBOXCALL (SPEC §1: like L1CALL, but
// every L1 change it made is thrown away when it returns, even on
// success): its L1 frame runs, entered as an L1CALL's, and its write and
// its log are undone, so the batch writes nothing on L1 and its L1 log
// chain is empty, by CALL and by STATICCALL (a sandbox's L1 frame is
// not static). Built anyway, a batch that keeps the write and the log
// (the sandbox taken for an L1CALL) is refused by the calling L2 frame's
// segment, which enters its callee as a sandbox; one whose sandbox frame
// keeps its write, or its log, by that L1 frame's segment.
func TestSandboxCall(t *testing.T) {
	if testing.Short() {
		t.Skip("solves frames of a shape with logs")
	}
	header := func(t *testing.T, txs []*types.Transaction, lists *L1Lists, l1Logs []*types.Log) *Header {
		h := headerWithLogs(t, txs, lists, []bool{false}, [][]*types.Log{nil}, [][]*types.Log{l1Logs})
		h.L1BlockNumber, h.L1BlockHash = lists.Block.Number.Uint64(), lists.Block.Hash()
		return h
	}
	for _, static := range []bool{false, true} {
		name := "CALL"
		if static {
			name = "STATICCALL"
		}
		t.Run("by "+name, func(t *testing.T) {
			exec, lists := sandboxBatch(t, static)
			if static {
				require.Equal(t, vm.STATICCALL, exec.Frames[0].Trace.Calls[0].Op)
			}
			_, txs := signedBatch(t, []memCall{{l1Caller, nil}})
			execs := []*trace.Transaction{exec}
			segs, err := witnessesFor(header(t, txs, lists, nil), lists, txs, execs, sandboxCapacity)
			require.NoError(t, err)
			require.Equal(t, []int{KindHeader, KindCode, KindCode, KindBlock, KindTransaction, KindFrame, KindFrame, KindEnd, KindEnd}, kindsOf(segs))
			l1Seg := frameSegmentAt(segs, l1Target)
			require.True(t, isOne(segs[l1Seg].Assignment.(*frameSegment).Sandbox))
			require.Empty(t, solveAll(t, sandboxCapacity, segs))
		})
	}

	exec, lists := sandboxBatch(t, false)
	_, txs := signedBatch(t, []memCall{{l1Caller, nil}})
	execs := []*trace.Transaction{exec}
	kept := *lists
	kept.Writes = []L1Slot{sandboxSlot(1, 7)}
	log := []*types.Log{{Address: l1Target, Topics: []common.Hash{common.BytesToHash([]byte{0xee})}, Data: []byte{}}}
	for _, tc := range []struct {
		name  string
		lists *L1Lists
		logs  []*types.Log
		fl    *faults
		at    common.Address
	}{
		{"taken for an L1CALL", &kept, log, &faults{sandboxKept: true}, l1Caller},
		{"its write kept", &kept, nil, &faults{sandboxWrites: true}, l1Target},
		{"its log kept", lists, log, &faults{sandboxLogs: true}, l1Target},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := header(t, txs, tc.lists, tc.logs)
			_, err := witnessesFor(h, tc.lists, txs, execs, sandboxCapacity)
			require.ErrorIs(t, err, ErrStatement)
			segs, err := faultyWitnesses(h, tc.lists, txs, execs, sandboxCapacity, tc.fl)
			require.NoError(t, err)
			require.Equal(t, []int{frameSegmentAt(segs, tc.at)}, solveAll(t, sandboxCapacity, segs))
		})
	}
}

// TestStaticL1Call proves an L1CALL made in a static context (SPEC §1:
// it may read L1 state; a write refuses it): its L1 frame is proven
// read-only, so it runs no SSTORE and ends as the L1 EVM, which refuses
// only writes, ran it; it may log. Built anyway with its L1 frame
// entered as not read-only, the calling L2 frame's segment refuses the
// batch; an L1 frame below a static L1CALL that runs SSTORE (which the
// L1 EVM refuses with L1CallStaticViolation) is refused by name and,
// built anyway, by its own segment.
func TestStaticL1Call(t *testing.T) {
	if testing.Short() {
		t.Skip("solves frames of a shape with logs")
	}
	_, txs := signedBatch(t, []memCall{{l1Caller, nil}})
	log := []*types.Log{{Address: l1Target, Topics: []common.Hash{common.BytesToHash([]byte{0xee})}, Data: []byte{}}}
	header := func(t *testing.T, lists *L1Lists, logs []*types.Log) *Header {
		h := headerWithLogs(t, txs, lists, []bool{false}, [][]*types.Log{nil}, [][]*types.Log{logs})
		h.L1BlockNumber, h.L1BlockHash = lists.Block.Number.Uint64(), lists.Block.Hash()
		return h
	}
	for _, tc := range []struct {
		name string
		code []byte
		logs []*types.Log
	}{
		// It reads slots 1 and 2 and stops.
		{"a read", common.FromHex("600154600254" + "00"), nil},
		// It reads them and logs LOG1 0xee without data.
		{"a read and a log", common.FromHex("600154600254" + "60ee60006000a1" + "00"), log},
	} {
		t.Run(tc.name, func(t *testing.T) {
			exec, lists := l1PrecompileBatch(t, 0, true, tc.code)
			require.Equal(t, vm.STATICCALL, exec.Frames[0].Trace.Calls[0].Op)
			execs := []*trace.Transaction{exec}
			h := header(t, lists, tc.logs)
			segs, err := witnessesFor(h, lists, txs, execs, sandboxCapacity)
			require.NoError(t, err)
			l1 := segs[frameSegmentAt(segs, l1Target)].Assignment.(*frameSegment)
			require.True(t, isOne(l1.ReadOnly))
			require.False(t, isOne(l1.Static))
			require.Empty(t, solveAll(t, sandboxCapacity, segs))

			segs, err = faultyWitnesses(h, lists, txs, execs, sandboxCapacity, &faults{l1CallNotStatic: true})
			require.NoError(t, err)
			require.Equal(t, []int{frameSegmentAt(segs, l1Caller)}, solveAll(t, sandboxCapacity, segs))
		})
	}
	t.Run("an SSTORE below it", func(t *testing.T) {
		exec, lists := l1PrecompileBatch(t, 0, true, l1TargetCode)
		lists.Writes = []L1Slot{sandboxSlot(1, 7)}
		execs := []*trace.Transaction{exec}
		h := header(t, lists, nil)
		_, err := witnessesFor(h, lists, txs, execs, sandboxCapacity)
		require.ErrorIs(t, err, verifier.ErrUnsupported)
		segs, err := faultyWitnesses(h, lists, txs, execs, sandboxCapacity, &faults{unsupported: true})
		require.NoError(t, err)
		require.Equal(t, []int{frameSegmentAt(segs, l1Target)}, solveAll(t, sandboxCapacity, segs))
	})
}

// TestL1CallValueRefused checks that an L1CALL with value enters no L1
// frame (SPEC §1: the precompile refuses it with L1CallValueNotAllowed):
// Witnesses refuses a batch whose L1CALL sent value and claims an L1
// frame, and, built anyway with that frame entered with the value, the
// calling L2 frame's segment refuses it.
func TestL1CallValueRefused(t *testing.T) {
	if testing.Short() {
		t.Skip("solves frames of a shape with logs")
	}
	code := precompileCallerCode(0, false)
	// The CALL's value: the PUSH1 0 before the precompile's address.
	i := bytes.Index(code, []byte{0x60, 0, 0x61, 0x10, 0})
	require.Positive(t, i)
	code[i+1] = 1
	exec, lists := l1CallerBatch(t, code, common.FromHex("600154600254"+"00"), big.NewInt(1))
	require.Equal(t, uint64(1), exec.Frames[0].Trace.Calls[0].Value.Uint64())
	to := l1Caller
	txs := []*types.Transaction{types.MustSignNewTx(testKey(t, "alice"), types.LatestSignerForChainID(l2Chain),
		&types.DynamicFeeTx{ChainID: l2Chain, GasTipCap: big.NewInt(0), GasFeeCap: big.NewInt(0), Gas: 100_000, To: &to, Value: big.NewInt(1)})}
	execs := []*trace.Transaction{exec}
	h := headerFor(t, txs, lists)
	_, err := witnessesFor(h, lists, txs, execs, sandboxCapacity)
	require.ErrorIs(t, err, verifier.ErrUnsupported)
	segs, err := faultyWitnesses(h, lists, txs, execs, sandboxCapacity, &faults{l1CallValue: true})
	require.NoError(t, err)
	require.Equal(t, []int{frameSegmentAt(segs, l1Caller)}, solveAll(t, sandboxCapacity, segs))
}

// TestL1DelegateCall proves an L1DELEGATECALL (SPEC §1: the L1
// contract's code run in the calling L2 frame's context, like
// DELEGATECALL): the L2 frame at l1Caller calls it with l1Target, and
// l1Target's L1 code (l1TargetCode: it reads slot 2 and stores 7 at slot
// 1) runs over l1Caller's L2 storage, as l1Caller, its code bound to the
// read set's code read of l1Target by that account's code segment.
// Built anyway with the frame taken for a DELEGATECALL of l1Target's L2
// code, the calling frame's segment refuses the batch.
func TestL1DelegateCall(t *testing.T) {
	if testing.Short() {
		t.Skip("solves frames of a shape with logs")
	}
	ctx := l2Context
	l2, err := trace.Run(trace.Call{Code: precompileCallerCode(1, false), Address: l1Caller, Caller: alice, Context: &ctx})
	require.NoError(t, err)
	require.Len(t, l2.Calls, 1)
	// The L1 code over l1Caller's storage (slot 2 = 5), as l1Caller.
	run, err := trace.Run(trace.Call{Code: l1TargetCode, Address: l1Caller, Caller: alice, Context: &ctx,
		Storage: map[common.Hash]common.Hash{common.BigToHash(big.NewInt(2)): common.BigToHash(big.NewInt(5))}})
	require.NoError(t, err)
	run.CodeAddress = l1Target
	exec := &trace.Transaction{Frames: []trace.Frame{{Trace: l2, Parent: -1}, {Trace: run, Parent: 0, Call: 0, L1Code: true}}}
	lists := &L1Lists{Code: []CodeRead{{Contract: l1Target, CodeHash: crypto.Keccak256Hash(l1TargetCode)}}}
	_, txs := signedBatch(t, []memCall{{l1Caller, nil}})
	execs := []*trace.Transaction{exec}
	h := headerFor(t, txs, lists)
	c := Capacity{Calldata: dataCap, Frame: logShape, Slots: 2, L1Slots: 2}
	segs, err := witnessesFor(h, lists, txs, execs, c)
	require.NoError(t, err)
	require.Equal(t, []int{KindHeader, KindCode, KindTransaction, KindFrame, KindFrame, KindEnd, KindEnd}, kindsOf(segs))
	d := segs[4].Assignment.(*frameSegment).Delegation
	require.True(t, isOne(d.On) && isOne(d.L1Code))
	require.Empty(t, solveAll(t, c, segs))

	t.Run("taken for a DELEGATECALL", func(t *testing.T) {
		segs, err := faultyWitnesses(h, lists, txs, execs, c, &faults{l1DelegateAsL2: true, code: true})
		require.NoError(t, err)
		// No code segment then: the caller's is the first frame segment.
		require.Equal(t, segmentsOf(segs, KindFrame)[:1], solveAll(t, c, segs))
	})
}

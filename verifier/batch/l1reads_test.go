package batch

import (
	"fmt"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/holiman/uint256"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/precompiles"
	"github.com/boosterkit/go-booster/verifier"
)

// readsCapacity is listsCapacity with frames that read the state.
var readsCapacity = func() Capacity {
	c := listsCapacity
	c.Frame.Reads = 2
	return c
}()

// readsBatch is l1Batch with l1Target running code (which touches no
// storage) and the L1 frame's trace passed through change.
func readsBatch(t *testing.T, code []byte, txs []*types.Transaction, change func(tr *verifier.Trace)) (*Header, *L1Lists, []*verifier.Transaction) {
	t.Helper()
	exec, l1 := l1Batch(t)
	block := l1.Block
	ctx := l1Context(block, big.NewInt(1337))
	tr, err := verifier.TraceCall(verifier.Call{Code: code, Address: l1Target, Caller: precompiles.Alias(l1Caller), Context: &ctx})
	require.NoError(t, err)
	tr.Origin = alice
	change(tr)
	exec.Frames[1].Trace = tr
	lists := &L1Lists{Code: []CodeRead{{Contract: l1Target, CodeHash: crypto.Keccak256Hash(code)}, {Contract: l1Caller}}, Block: block}
	return headerFor(t, txs, lists), lists, []*verifier.Transaction{exec}
}

// pushed makes step k of tr push v (the next step's top of stack) and
// read j of tr have v as its value: a frame that read v there,
// consistent in itself.
func pushed(tr *verifier.Trace, k, j int, v uint256.Int) {
	st := &tr.Steps[k+1]
	st.Stack = append([]uint256.Int(nil), st.Stack...)
	st.Stack[len(st.Stack)-1] = v
	tr.Reads = append([]verifier.StateRead(nil), tr.Reads...)
	tr.Reads[j].Value = v
}

// TestL1StateReads checks an L1 frame's state reads (SPEC §1: L1 code
// reads L1's state): EXTCODEHASH is the read set's code read of the
// account, EXTCODESIZE the size of the code its code segment proved. The
// honest batch solves; a frame that read another hash or size is refused
// by Witnesses and, built anyway, by the last end segment only; BALANCE
// and BLOCKHASH in an L1 frame are refused by Witnesses and by the
// frame's own segment.
func TestL1StateReads(t *testing.T) {
	_, txs := signedBatch(t, []memCall{{l1Caller, nil}})
	// ADDRESS EXTCODEHASH POP ADDRESS EXTCODESIZE POP STOP
	code := common.FromHex("303f50303b5000")
	same := func(*verifier.Trace) {}
	t.Run("the account's code hash and size", func(t *testing.T) {
		h, l1, execs := readsBatch(t, code, txs, same)
		require.Len(t, execs[0].Frames[1].Trace.Reads, 2)
		segs, err := witnessesFor(h, l1, txs, execs, readsCapacity)
		require.NoError(t, err)
		require.Equal(t, []int{KindHeader, KindCode, KindCode, KindBlock, KindTransaction, KindFrame, KindFrame, KindEnd}, kindsOf(segs))
		require.Empty(t, solveAll(t, readsCapacity, segs))
	})
	wrong := []struct {
		name   string
		change func(tr *verifier.Trace)
	}{
		{"another code hash", func(tr *verifier.Trace) { pushed(tr, 1, 0, *uint256.NewInt(0xbad)) }},
		{"another code size", func(tr *verifier.Trace) { pushed(tr, 4, 1, *uint256.NewInt(uint64(len(code)) + 1)) }},
	}
	for _, tc := range wrong {
		t.Run(tc.name, func(t *testing.T) {
			h, l1, execs := readsBatch(t, code, txs, tc.change)
			_, err := witnessesFor(h, l1, txs, execs, readsCapacity)
			require.ErrorIs(t, err, ErrStatement)
			segs, err := faultyWitnesses(h, l1, txs, execs, readsCapacity, &faults{code: true})
			require.NoError(t, err)
			require.Equal(t, fmt.Sprint(lastEnd(segs)), fmt.Sprint(solveAll(t, readsCapacity, segs)))
		})
	}
	refused := []struct {
		name string
		code []byte
		op   vm.OpCode
	}{
		{"BALANCE", common.FromHex("30315000"), vm.BALANCE},
		{"BLOCKHASH", common.FromHex("600140" + "5000"), vm.BLOCKHASH},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			h, l1, execs := readsBatch(t, tc.code, txs, same)
			require.Equal(t, tc.op, execs[0].Frames[1].Trace.Reads[0].Op)
			_, err := witnessesFor(h, l1, txs, execs, readsCapacity)
			require.ErrorIs(t, err, verifier.ErrUnsupported)
			segs, err := faultyWitnesses(h, l1, txs, execs, readsCapacity, &faults{unsupported: true})
			require.NoError(t, err)
			require.Equal(t, []int{6}, solveAll(t, readsCapacity, segs))
		})
	}
}

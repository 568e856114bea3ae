package batch

import (
	"fmt"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/precompiles"
	"github.com/boosterkit/go-booster/verifier/trace"
)

// TestL1Sender checks SPEC §1's alias rule as the segments prove it: an
// L1CALL's L1 frame is called by the L2 frame's address where the frame's
// code is the code at that address on L1 (the read set's code read for
// it), by its alias otherwise. Each honest batch solves; a batch whose
// L1 frame has the other caller is refused by Witnesses and, built
// anyway with the code hash its caller needs, by the last end segment
// only (the hash the frame claims is not the one a code segment proved);
// a frame that reads nothing for the rule is refused by its own segment.
func TestL1Sender(t *testing.T) {
	_, txs := signedBatch(t, []memCall{{l1Caller, nil}})
	batchWith := func(t *testing.T, caller common.Address, l1Code common.Hash) (*Header, *L1Lists, []*trace.Transaction) {
		exec, l1 := l1BatchCalledBy(t, caller)
		l1.Code[1].CodeHash = l1Code
		return headerFor(t, txs, l1), l1, []*trace.Transaction{exec}
	}
	aliased, unaliased := precompiles.Alias(l1Caller), l1Caller
	none, other, same := common.Hash{}, crypto.Keccak256Hash(l1TargetCode), crypto.Keccak256Hash(l1CallerCode())
	honest := []struct {
		name   string
		caller common.Address
		l1Code common.Hash
	}{
		{"aliased: no account at the address on L1", aliased, none},
		{"aliased: other code at the address on L1", aliased, other},
		{"not aliased: the same code at the address on L1", unaliased, same},
	}
	for _, tc := range honest {
		t.Run(tc.name, func(t *testing.T) {
			h, l1, execs := batchWith(t, tc.caller, tc.l1Code)
			segs, err := witnessesFor(h, l1, txs, execs, listsCapacity)
			require.NoError(t, err)
			// The L2 caller's code is hashed for the rule by a code
			// segment of its own (no L1 frame runs it).
			require.Equal(t, []int{KindHeader, KindCode, KindCode, KindBlock, KindTransaction, KindFrame, KindFrame, KindEnd, KindEnd}, kindsOf(segs))
			require.Empty(t, solveAll(t, listsCapacity, segs))
		})
	}
	wrong := []struct {
		name   string
		caller common.Address
		l1Code common.Hash
	}{
		{"not aliased where no account is at the address on L1", unaliased, none},
		{"not aliased where other code is at the address on L1", unaliased, other},
		{"aliased where the same code is at the address on L1", aliased, same},
	}
	for _, tc := range wrong {
		t.Run(tc.name, func(t *testing.T) {
			h, l1, execs := batchWith(t, tc.caller, tc.l1Code)
			_, err := witnessesFor(h, l1, txs, execs, listsCapacity)
			require.ErrorIs(t, err, ErrStatement)
			segs, err := faultyWitnesses(h, l1, txs, execs, listsCapacity, &faults{alias: true})
			require.NoError(t, err)
			require.Equal(t, fmt.Sprint(lastEnd(segs)), fmt.Sprint(solveAll(t, listsCapacity, segs)))
		})
	}
	t.Run("the rule's reads withheld", func(t *testing.T) {
		// SenderCode 0 would leave the sender unaliased whatever the code.
		h, l1, execs := batchWith(t, unaliased, none)
		segs, err := faultyWitnesses(h, l1, txs, execs, listsCapacity, &faults{noSenderCode: true})
		require.NoError(t, err)
		require.Equal(t, []int{KindHeader, KindCode, KindBlock, KindTransaction, KindFrame, KindFrame, KindEnd, KindEnd}, kindsOf(segs))
		require.Equal(t, []int{4}, solveAll(t, listsCapacity, segs))
	})
	t.Run("the read set without the address's code", func(t *testing.T) {
		exec, l1 := l1Batch(t)
		l1.Code = l1.Code[:1]
		_, err := witnessesFor(headerFor(t, txs, l1), l1, txs, []*trace.Transaction{exec}, listsCapacity)
		require.ErrorIs(t, err, ErrStatement)
	})
	t.Run("a hash-only code segment writing a digest", func(t *testing.T) {
		// The L2 caller's code segment, resealed, solves; with a use of
		// its digest by L1 frames, as an account's, it is refused.
		h, l1, execs := batchWith(t, unaliased, same)
		circuits, err := Circuits(listsCapacity)
		require.NoError(t, err)
		for _, uses := range []int{0, 1} {
			segs, err := witnessesFor(h, l1, txs, execs, listsCapacity)
			require.NoError(t, err)
			a := segs[2].Assignment.(*codeSegment)
			require.Equal(t, 0, a.Account)
			require.Equal(t, 1, a.HashUses)
			a.Uses = uses
			resealCode(h, a, l1CallerCode(), len(l1CallerCode()))
			if uses == 0 {
				out := feOf(a.Out)
				require.Equal(t, segs[2].Segment.Out, out.BigInt(new(big.Int)), "resealCode computes the segment's boundary")
				require.NoError(t, solveOn(circuits, segs[2]))
			} else {
				require.Error(t, solveOn(circuits, segs[2]))
			}
		}
	})
}

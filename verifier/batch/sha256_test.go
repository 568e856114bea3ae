package batch

import (
	"crypto/sha256"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/verifier"
	"github.com/boosterkit/go-booster/verifier/trace"
)

// sha256User copies up to four words of its calldata to memory, STATICCALLs
// the sha256 precompile with its calldata as input and a one-word return
// area at 0x80, and stores the word at slot 0.
var (
	sha256User   = common.FromHex(ecrecoverInputCode + "602060803660" + "00" + "60025afa" + "50" + "6080515f55" + "00")
	sha256UserAt = common.HexToAddress("0x00000000000000000000000000000000000000e4")
)

// sha256Capacity holds the sha256 tests' batches: four inputs a sha256
// segment, each of up to four words.
var sha256Capacity = Capacity{Calldata: dataCap, Frame: ecrecoverShape, Slots: 4, L1Slots: 1, Sha256: 4}

// TestSha256Calls checks that calls of the sha256 precompile are proven
// by claims that sha256 segments write, against go-ethereum's execution:
// inputs of 0, 1, 55, 56, 64, 100 and 128 bytes (SHA-256's padding
// boundaries), one of them twice (one claim read twice), all solving. A
// return other than the hash, carried consistently through the frame's
// memory and storage, is refused by Witnesses and, built anyway, by the
// last end segment only; so is a claim written once more than it is
// read. Without Capacity.Sha256 the batch is refused by name.
func TestSha256Calls(t *testing.T) {
	if testing.Short() {
		t.Skip("solves sha256 segments")
	}
	var calls []memCall
	for _, n := range []int{0, 1, 55, 56, 64, 100, 128, 56} {
		in := make([]byte, n)
		for i := range in {
			in[i] = byte(7*i + n)
		}
		calls = append(calls, memCall{sha256UserAt, in})
	}
	w := &world{code: map[common.Address][]byte{sha256UserAt: sha256User}, storage: map[common.Address]map[common.Hash]common.Hash{}}
	var execs []*trace.Transaction
	for _, c := range calls {
		e := w.run(t, c.to, c.data)
		sum := sha256.Sum256(c.data)
		require.Equal(t, common.Hash(sum), e.Frames[0].Trace.Storage[0].Final, "%d bytes", len(c.data))
		execs = append(execs, e)
	}
	_, txs := signedBatch(t, calls)
	h := headerFor(t, txs, noL1)
	withOutcomes(t, h, txs, execs)
	segs, err := witnessesFor(h, noL1, txs, execs, sha256Capacity)
	require.NoError(t, err)
	shas := segmentsOf(segs, sha256Capacity.Sha256Kind())
	// Seven distinct inputs in two segments of four.
	require.Len(t, shas, 2)
	require.Equal(t, "sha256", sha256Capacity.KindName(sha256Capacity.Sha256Kind()))
	require.Equal(t, uint64(2), u64Of(segs[shas[0]].Assignment.(*sha256Segment).Entries[3].Uses))
	require.Empty(t, solveAll(t, sha256Capacity, segs))

	t.Run("a return other than the hash", func(t *testing.T) {
		// The last transaction's, so that no frame after it reads the slot.
		last := len(execs) - 1
		fexecs := append(append([]*trace.Transaction(nil), execs[:last]...), forgeIdentityReturn(t, execs[last], 0xbad))
		fh := headerFor(t, txs, noL1)
		withOutcomes(t, fh, txs, fexecs)
		requireRefusedAsBuilt(t, fh, noL1, txs, fexecs, sha256Capacity, &faults{sha256: true}, lastEnd)
	})
	t.Run("a claim written once more", func(t *testing.T) {
		segs, err := faultyWitnesses(h, noL1, txs, execs, sha256Capacity, &faults{sha256Uses: func(n int) int {
			if n == 2 {
				return 3
			}
			return n
		}})
		require.NoError(t, err)
		require.Equal(t, lastEnd(segs), solveAll(t, sha256Capacity, segs))
	})
	t.Run("no sha256 segments", func(t *testing.T) {
		c := sha256Capacity
		c.Sha256 = 0
		_, err := witnessesFor(h, noL1, txs, execs, c)
		require.ErrorIs(t, err, verifier.ErrUnsupported)
		require.ErrorContains(t, err, "sha256")
	})
}

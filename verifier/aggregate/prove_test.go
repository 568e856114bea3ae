package aggregate

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestAggregatorProves sets up the aggregation circuit of arity 2 over the
// toy segment, proves a run of two segments with a real Groth16 proof on
// BW6-761 and verifies it; the proof does not verify for another batch.
func TestAggregatorProves(t *testing.T) {
	if testing.Short() {
		t.Skip("BW6-761 setup and proving: skipped with -short")
	}
	start := time.Now()
	agg, err := NewAggregator("", 2, toyKind(t))
	require.NoError(t, err)
	setup := time.Since(start)
	run := toyRun(t, batchA, 2)
	start = time.Now()
	proof, err := agg.Prove(batchA, run)
	require.NoError(t, err)
	t.Logf("aggregation of arity 2: %d constraints on BW6-761, setup %s, proof %s",
		agg.NbConstraints(), setup.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
	require.NoError(t, agg.Verify(batchA, proof))
	require.Error(t, agg.Verify(batchB, proof))
	_, err = agg.Prove(batchA, []SegmentProof{run[1], run[0]})
	require.ErrorIs(t, err, ErrProve)
}

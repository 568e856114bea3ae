//go:build heavy

package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestProvenCaseStudy runs the example with -prove at N = 1: the vote is
// proven (eight segments, the aggregation and the wrap) and settled
// through GnarkBatchVerifier, and run checks the L1 tally of both
// rollups. It makes the batch prover's keys the first time (about an
// hour here; they are kept where verifier/cmd/batchkeys keeps them):
//
//	go test -tags heavy -run TestProvenCaseStudy -timeout 3h -v ./examples/voting
func TestProvenCaseStudy(t *testing.T) {
	var out bytes.Buffer
	st, err := run(context.Background(), config{counts: []int{1}, proposals: 3, out: &out,
		prove: &proveConfig{keyDir: defaultBatchKeyDir(), arity: 8}})
	t.Log(out.String())
	require.NoError(t, err)
	require.Len(t, st.rows, 1)
	p := st.rows[0].proven
	require.NotNil(t, p)
	require.Equal(t, 10, p.proofs, "eight segments, the aggregation and the wrap")
	require.Positive(t, p.prove)
	// The gnark verifier costs more than the development one's signature
	// check, and a proven vote still costs less than a direct one only
	// from a few votes a batch: here it is checked to be plausible.
	require.Greater(t, p.settlement.Verify, st.rows[0].settlement.Verify)
	require.Greater(t, p.settlement.Total, uint64(200_000))
	require.Contains(t, out.String(), "settled through GnarkBatchVerifier")
	require.Equal(t, 4, strings.Count(st.svg(), "<polyline"))
}

package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/boosterkit/go-booster/verifier/batch"
)

// TestCaseStudy runs the whole example at N = 1, 10, 1000: every batch
// settles, the L1 tally equals L2's (run checks it and fails otherwise),
// and at N = 1000 a vote through the booster costs at least 100 times less
// L1 gas than a direct vote, the goal.
func TestCaseStudy(t *testing.T) {
	var out bytes.Buffer
	st, err := run(context.Background(), config{counts: []int{1, 10, 1000}, proposals: 3, out: &out})
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	if len(st.rows) != 3 {
		t.Fatalf("%d rows, want 3", len(st.rows))
	}
	for _, r := range st.rows {
		g := r.settlement
		if g.Verify == 0 || g.ReadChecks == 0 || g.Apply == 0 || g.Calldata == 0 || g.Other < 0 {
			t.Errorf("N=%d: gas split %+v has an empty or negative part", r.n, g)
		}
		// A direct vote writes two slots: at least 21,000 + 2 x 5,000.
		if r.directPerVote() < 31_000 {
			t.Errorf("N=%d: direct vote %.0f gas, implausibly cheap", r.n, r.directPerVote())
		}
	}
	last := st.rows[2]
	if ratio := last.directPerVote() / last.boosterPerVote(); ratio < 100 {
		t.Errorf("N=1000: booster %.0f gas per vote, direct %.0f: only %.1fx cheaper, goal 100x", last.boosterPerVote(), last.directPerVote(), ratio)
	}
	// The settlement's cost hardly grows with N: same slots, same checks.
	if st.rows[2].settlement.Total > 2*st.rows[0].settlement.Total {
		t.Errorf("settling 1000 votes cost %d gas, 1 vote %d", st.rows[2].settlement.Total, st.rows[0].settlement.Total)
	}
	for _, want := range []string{"| 1000 |", "read-set checks", "summary: 1011 votes"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	svg := st.svg()
	if !strings.HasPrefix(svg, "<svg") || strings.Count(svg, "<polyline") != 3 || strings.Contains(svg, "NaN") {
		t.Errorf("plot is not three series on valid coordinates:\n%s", svg)
	}
}

func TestParseCounts(t *testing.T) {
	tests := []struct {
		in      string
		want    []int
		wantErr bool
	}{
		{"1,10,100,1000", []int{1, 10, 100, 1000}, false},
		{" 5 ", []int{5}, false},
		{"0", nil, true},
		{"-3", nil, true},
		{"1,,2", nil, true},
		{"ten", nil, true},
	}
	for _, tt := range tests {
		got, err := parseCounts(tt.in)
		if (err != nil) != tt.wantErr || (!tt.wantErr && !equal(got, tt.want)) {
			t.Errorf("parseCounts(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func equal(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestProgressBar(t *testing.T) {
	tests := []struct {
		p    batch.Progress
		want string
	}{
		{batch.Progress{Step: "segment 0", Done: 1, Total: 10, Elapsed: 20 * time.Second, Left: 3 * time.Minute},
			"[###...........................]   1/10  segment 0    20s elapsed, about 3m0s left "},
		{batch.Progress{Step: "wrap", Done: 10, Total: 10, Elapsed: 5 * time.Minute},
			"[##############################]  10/10  wrap         5m0s elapsed, about 0s left "},
		{batch.Progress{}, "[..............................]   0/0   " + strings.Repeat(" ", 12) + " 0s elapsed, about 0s left "},
	}
	for _, tt := range tests {
		if got := progressBar(tt.p); got != tt.want {
			t.Errorf("progressBar(%+v) =\n%q, want\n%q", tt.p, got, tt.want)
		}
	}
}

// TestVoteSegments: the estimate -prove checks counts against is
// BenchmarkVoteBatch's count at N = 1, 10 and 100 (three proposals).
func TestVoteSegments(t *testing.T) {
	for _, tt := range []struct{ n, want int }{{1, 8}, {10, 37}, {100, 330}} {
		if got := voteSegments(tt.n, 3); got != tt.want {
			t.Errorf("voteSegments(%d, 3) = %d, want %d", tt.n, got, tt.want)
		}
	}
}

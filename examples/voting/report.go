package main

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"
)

// print writes the case study's tables.
func (s *study) print(out io.Writer) {
	fmt.Fprintln(out)
	fmt.Fprintln(out, "L1 gas: each vote its own L1 transaction, against one booster settlement of all N votes")
	fmt.Fprintln(out)
	fmt.Fprintln(out, "| N votes | direct: total | direct: per vote | booster: settlement | booster: per vote | cheaper per vote | per vote with a Groth16 verifier (projected) |")
	fmt.Fprintln(out, "|---:|---:|---:|---:|---:|---:|---:|")
	for _, r := range s.rows {
		fmt.Fprintf(out, "| %d | %d | %.0f | %d | %.0f | %.1f× | %.0f (%.1f×) |\n",
			r.n, r.directGas, r.directPerVote(), r.settlement.Total, r.boosterPerVote(),
			r.directPerVote()/r.boosterPerVote(), r.projectedPerVote(), r.directPerVote()/r.projectedPerVote())
	}
	fmt.Fprintln(out)
	fmt.Fprintln(out, "Settlement gas split (development verifier)")
	fmt.Fprintln(out)
	fmt.Fprintln(out, "| N votes | total | base tx | calldata | read-set checks | verification | storage writes | other |")
	fmt.Fprintln(out, "|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, r := range s.rows {
		g := r.settlement
		fmt.Fprintf(out, "| %d | %d | %d | %d | %d | %d | %d | %d |\n", r.n, g.Total, g.Base, g.Calldata, g.ReadChecks, g.Verify, g.Apply, g.Other)
	}
	fmt.Fprintln(out)
	fmt.Fprintf(out, "The projection replaces the development verifier's cost with %d gas, gnark's Groth16 verifier (one public input, one commitment) as verifier.TestSolidityVerifier measures it.\n", groth16VerifyGas)
	s.printProven(out)
}

// printProven writes the -prove table: the same votes proven on the
// second rollup and settled through GnarkBatchVerifier.
func (s *study) printProven(out io.Writer) {
	if len(s.rows) == 0 || s.rows[0].proven == nil {
		return
	}
	fmt.Fprintln(out)
	fmt.Fprintln(out, "Proven batches: the same votes proven (segments, aggregation, wrap) and settled through GnarkBatchVerifier")
	fmt.Fprintln(out)
	fmt.Fprintln(out, "| N votes | proofs | proving time | per vote | peak memory | settlement (gnark) | verification | per vote (gnark) | per vote (dev) | direct per vote | cheaper per vote |")
	fmt.Fprintln(out, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, r := range s.rows {
		p := r.proven
		fmt.Fprintf(out, "| %d | %d | %s | %s | %.1f GiB | %d | %d | %.0f | %.0f | %.0f | %.1f× |\n",
			r.n, p.proofs, p.prove.Round(time.Second), (p.prove / time.Duration(r.n)).Round(time.Second), float64(p.peakRSS)/(1<<30),
			p.settlement.Total, p.settlement.Verify, r.provenPerVote(), r.boosterPerVote(), r.directPerVote(), r.directPerVote()/r.provenPerVote())
	}
	fmt.Fprintln(out)
	fmt.Fprintln(out, "Peak memory is the process's peak resident memory so far (the batch prover's keys included); proving time is the proofs' alone.")
}

// svg draws gas per vote against N on log-log axes: direct L1 votes, the
// booster with the development verifier, and the Groth16 projection.
func (s *study) svg() string {
	const w, h, left, right, top, bottom = 720.0, 440.0, 80.0, 200.0, 40.0, 60.0
	minN, maxN := math.Inf(1), math.Inf(-1)
	minG, maxG := math.Inf(1), math.Inf(-1)
	for _, r := range s.rows {
		minN, maxN = math.Min(minN, float64(r.n)), math.Max(maxN, float64(r.n))
		for _, g := range []float64{r.directPerVote(), r.boosterPerVote(), r.projectedPerVote(), r.provenPerVote()} {
			if math.IsNaN(g) {
				continue
			}
			minG, maxG = math.Min(minG, g), math.Max(maxG, g)
		}
	}
	lo, hi := math.Floor(math.Log10(minG)), math.Ceil(math.Log10(maxG))
	nlo, nhi := math.Floor(math.Log10(minN)), math.Ceil(math.Log10(maxN))
	if nhi == nlo {
		nhi++
	}
	if hi == lo {
		hi++
	}
	x := func(n float64) float64 { return left + (math.Log10(n)-nlo)/(nhi-nlo)*(w-left-right) }
	y := func(g float64) float64 { return h - bottom - (math.Log10(g)-lo)/(hi-lo)*(h-top-bottom) }

	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" font-family="sans-serif" font-size="12">`+"\n", w, h)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(&b, `<text x="%.0f" y="22" font-size="15">L1 gas per vote: direct L1 votes vs one booster settlement</text>`+"\n", left)
	for e := lo; e <= hi; e++ {
		yy := y(math.Pow(10, e))
		fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="#ddd"/>`+"\n", left, w-right, yy, yy)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="end">%s</text>`+"\n", left-6, yy+4, humanize(math.Pow(10, e)))
	}
	for e := nlo; e <= nhi; e++ {
		xx := x(math.Pow(10, e))
		fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="#ddd"/>`+"\n", xx, xx, top, h-bottom)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">%s</text>`+"\n", xx, h-bottom+18, humanize(math.Pow(10, e)))
	}
	fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">votes per settlement (N)</text>`+"\n", (left+w-right)/2, h-16)
	fmt.Fprintf(&b, `<text transform="translate(18 %.1f) rotate(-90)" text-anchor="middle">L1 gas per vote</text>`+"\n", (top+h-bottom)/2)
	series := []struct {
		name, color, dash string
		value             func(row) float64
	}{
		{"direct L1 vote", "#c0392b", "", row.directPerVote},
		{"booster, dev verifier", "#2471a3", "", row.boosterPerVote},
		{"booster, Groth16 (projected)", "#2471a3", "6 4", row.projectedPerVote},
	}
	if len(s.rows) > 0 && s.rows[0].proven != nil {
		series = append(series, struct {
			name, color, dash string
			value             func(row) float64
		}{"booster, gnark verifier", "#1e8449", "", row.provenPerVote})
	}
	for i, se := range series {
		var pts []string
		for _, r := range s.rows {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(float64(r.n)), y(se.value(r))))
		}
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2" stroke-dasharray="%s" points="%s"/>`+"\n", se.color, se.dash, strings.Join(pts, " "))
		for _, p := range pts {
			xy := strings.Split(p, ",")
			fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="3" fill="%s"/>`+"\n", xy[0], xy[1], se.color)
		}
		ly := top + 20 + float64(i)*20
		fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="%s" stroke-width="2" stroke-dasharray="%s"/>`+"\n", w-right+12, w-right+36, ly, ly, se.color, se.dash)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f">%s</text>`+"\n", w-right+42, ly+4, se.name)
	}
	b.WriteString("</svg>\n")
	return b.String()
}

func humanize(v float64) string {
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%gM", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%gk", v/1e3)
	default:
		return fmt.Sprintf("%g", v)
	}
}

package aggregate

import (
	"fmt"
	"testing"
)

// BenchmarkAggregationConstraints compiles the aggregation circuit over
// the toy segment kind for several arities and reports its size and the
// marginal cost of one more segment slot (a BLS12-377 Groth16 check with
// one commitment and five public inputs, native on BW6-761), against
// arity 1 in the same run.
func BenchmarkAggregationConstraints(b *testing.B) {
	kind := toyKind(b)
	base := 0
	for _, arity := range []int{1, 2, 4, 8} {
		b.Run(fmt.Sprintf("arity=%d", arity), func(b *testing.B) {
			var n int
			for range b.N {
				cs, err := compileAggregation(arity, []SegmentKind{kind})
				if err != nil {
					b.Fatal(err)
				}
				n = cs.GetNbConstraints()
			}
			if arity == 1 {
				base = n
			}
			b.ReportMetric(float64(n), "constraints")
			b.ReportMetric(float64(n)/float64(arity), "constraints/slot")
			if arity > 1 && base > 0 {
				b.ReportMetric(float64(n-base)/float64(arity-1), "marginal/slot")
			}
		})
	}
}

package verifier

import (
	"fmt"
	"math/big"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/boosterkit/go-booster/solidity"
	"github.com/boosterkit/go-booster/verifier/trace"
)

// workloads are the real contract calls the prover benchmark proves.
var workloads = []struct {
	name, contract, method string
	storage                map[common.Hash]common.Hash
	args                   []any
}{
	{"PlainCounter.increment", "PlainCounter", "increment", map[common.Hash]common.Hash{{}: common.BigToHash(big.NewInt(41))}, nil},
	{"PlainCounter.add", "PlainCounter", "add", map[common.Hash]common.Hash{{}: common.BigToHash(big.NewInt(41))}, []any{big.NewInt(1000)}},
	{"Arith.run(4)", "Arith", "run", nil, []any{big.NewInt(4)}},
	{"Arith.run(13)", "Arith", "run", nil, []any{big.NewInt(13)}},
	{"Copier.head", "Copier", "head", nil, []any{[]byte("a bytes argument, copied to memory by ABI decoding")}},
	{"Copier.zeros(20)", "Copier", "zeros", nil, []any{big.NewInt(20)}},
	{"Ledger.transfer", "Ledger", "transfer", map[common.Hash]common.Hash{
		mappingSlot(common.BytesToHash(common.HexToAddress("0xca11").Bytes()), common.Hash{}): common.BigToHash(big.NewInt(100)),
	}, []any{common.HexToAddress("0xb0b"), big.NewInt(30)}},
	{"Token.transfer (ERC20, Transfer event)", "Token", "transfer", map[common.Hash]common.Hash{
		mappingSlot(common.BytesToHash(common.HexToAddress("0xca11").Bytes()), common.BigToHash(big.NewInt(1))): common.BigToHash(big.NewInt(100)),
	}, []any{common.HexToAddress("0xb0b"), big.NewInt(30)}},
}

// smallestShape is the first shape a trace fits.
func smallestShape(tr *trace.Trace) (Shape, error) {
	for _, s := range Shapes {
		if _, err := Assign(tr, s); err == nil {
			return s, nil
		}
	}
	return Shape{}, fmt.Errorf("%w: no shape fits %d steps", ErrCapacity, len(tr.Steps))
}

// peakHeap samples the live heap while f runs and returns the peak.
func peakHeap(f func()) uint64 {
	runtime.GC()
	var peak uint64
	var mu sync.Mutex
	done := make(chan struct{})
	go func() {
		var m runtime.MemStats
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&m)
			mu.Lock()
			peak = max(peak, m.HeapAlloc)
			mu.Unlock()
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	f()
	close(done)
	mu.Lock()
	defer mu.Unlock()
	return peak
}

// BenchmarkProve proves each workload on the smallest shape it fits and
// reports steps, R1CS constraints per step (over the whole shape and per
// step the call used), proving time per proof and per used step, the
// ratio of proving time to the call's traced execution on go-ethereum
// (the baseline, measured in the same run), and the peak live heap while
// proving. Keys are made once and cached on disk
// (GO_BOOSTER_KEYS or DefaultKeyDir); the 2^10 shape's setup takes a few
// minutes the first time.
//
//	go test -run XXX -bench Prove -benchtime 1x ./verifier
func BenchmarkProve(b *testing.B) {
	for _, wl := range workloads {
		b.Run(wl.name, func(b *testing.B) {
			a := solidity.MustLoad(wl.contract)
			in, err := a.ABI.Pack(wl.method, wl.args...)
			if err != nil {
				b.Fatal(err)
			}
			call := trace.Call{Code: a.DeployedBytecode, Input: in, Storage: wl.storage,
				Address: common.HexToAddress("0xc0de"), Caller: common.HexToAddress("0xca11")}
			tr, err := trace.Run(call)
			if err != nil {
				b.Fatal(err)
			}
			// The baseline: running the call on go-ethereum with the
			// recorder, in the same run.
			const runs = 50
			start := time.Now()
			for range runs {
				if _, err := trace.Run(call); err != nil {
					b.Fatal(err)
				}
			}
			execute := time.Since(start) / runs
			s, err := smallestShape(tr)
			if err != nil {
				b.Fatal(err)
			}
			keys, err := LoadOrSetup(os.Getenv("GO_BOOSTER_KEYS"), s)
			if err != nil {
				b.Fatal(err)
			}
			var proof *Proof
			var elapsed time.Duration
			var peak uint64
			b.ResetTimer()
			for range b.N {
				peak = max(peak, peakHeap(func() {
					start := time.Now()
					proof, err = keys.Prove(tr)
					elapsed = time.Since(start)
				}))
				if err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			if err := keys.Verify(proof, proof.Commitment); err != nil {
				b.Fatal(err)
			}
			n, steps := keys.Constraints(), len(tr.Steps)
			b.ReportMetric(float64(steps), "steps")
			b.ReportMetric(float64(n)/float64(s.Steps), "constraints/shape-step")
			b.ReportMetric(float64(n)/float64(steps), "constraints/used-step")
			b.ReportMetric(elapsed.Seconds(), "s/proof")
			b.ReportMetric(elapsed.Seconds()/float64(steps)*1e3, "ms/used-step")
			b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
			b.ReportMetric(float64(elapsed)/float64(execute), "prove/execute")
			b.Logf("%s: %d steps on shape of %d steps, %d constraints (%.0f per shape step, %.0f per used step), proof in %s (%.0f× the traced execution, %s), peak heap %d MiB",
				wl.name, steps, s.Steps, n, float64(n)/float64(s.Steps), float64(n)/float64(steps), elapsed.Round(time.Millisecond),
				float64(elapsed)/float64(execute), execute.Round(time.Microsecond), peak>>20)
		})
	}
}

// BenchmarkKeccakTable reports what the keccak table costs: the R1CS
// constraints of a small shape with 0, 1, 2 and 4 keccak entries, the
// marginal cost of an entry (one Keccak-f permutation with its padding,
// byte checks and bus tuples) and the fixed cost of the first (gnark's
// 8-bit lookup tables of std/math/uints, shared by all entries). The
// baseline is the same shape without a keccak table.
//
//	go test -run XXX -bench KeccakTable -benchtime 1x ./verifier
func BenchmarkKeccakTable(b *testing.B) {
	count := func(n int) int {
		s := keccakShape
		s.Keccak = n
		cs, err := Compile(s)
		if err != nil {
			b.Fatal(err)
		}
		return cs.GetNbConstraints()
	}
	for range b.N {
		base, one, two, four := count(0), count(1), count(2), count(4)
		perEntry := float64(four-one) / 3
		b.ReportMetric(float64(base), "constraints-without")
		b.ReportMetric(perEntry, "constraints/entry")
		b.ReportMetric(float64(one-base)-perEntry, "constraints-fixed")
		b.Logf("shape without keccak: %d constraints; with 1, 2, 4 entries: %d, %d, %d; %.0f per entry, %.0f fixed (byte tables), %.2f× the shape for one entry",
			base, one, two, four, perEntry, float64(one-base)-perEntry, float64(one)/float64(base))
	}
}

// BenchmarkProveTransactions proves whole transactions frame by frame,
// each frame on the smallest shape it fits, and reports per transaction
// its frames, steps on L2 and on L1, the R1CS constraints of the frames'
// shapes together (and per step), the proving time of all frames (and
// per step), the peak live heap, and the ratio of proving time to
// go-ethereum's execution of the same transaction with the recorder (the
// baseline, measured in the same run). The frames link (Transaction.Check)
// before they are proven. Keys are made once and cached (GO_BOOSTER_KEYS
// or DefaultKeyDir): the vote needs the 2^10 ERC20 shape, the vault's
// deposit the 2^12 shape too (its token frame hashes seven times).
//
//	go test -run XXX -bench ProveTransactions -benchtime 1x ./verifier
func BenchmarkProveTransactions(b *testing.B) {
	type workload struct {
		name string
		// run executes the transaction on go-ethereum with the recorder.
		run func() (*trace.Transaction, error)
	}
	vote, recordVote := voteCall(b), recordVoteCall(b, true)
	deposit, withdraw := vaultCall(b, "deposit", 30), vaultCall(b, "withdraw", 5)
	for _, wl := range []workload{
		{"BallotBox.vote with its L1CALL", func() (*trace.Transaction, error) {
			l2, err := trace.Run(vote)
			if err != nil {
				return nil, err
			}
			l1, err := trace.Run(recordVote)
			if err != nil {
				return nil, err
			}
			return &trace.Transaction{Frames: []trace.Frame{{Trace: l2, Parent: -1}, {Trace: l1, Parent: 0, L1: true}}}, nil
		}},
		{"Vault.withdraw (Token.transfer, balanceOf)", func() (*trace.Transaction, error) { return trace.RunTransaction(withdraw) }},
		{"Vault.deposit (Token.transferFrom, balanceOf)", func() (*trace.Transaction, error) { return trace.RunTransaction(deposit) }},
	} {
		b.Run(wl.name, func(b *testing.B) {
			tx, err := wl.run()
			if err != nil {
				b.Fatal(err)
			}
			if _, err := tx.Check(nil); err != nil {
				b.Fatal(err)
			}
			const runs = 20
			start := time.Now()
			for range runs {
				if _, err := wl.run(); err != nil {
					b.Fatal(err)
				}
			}
			execute := time.Since(start) / runs
			var l2Steps, l1Steps, constraints int
			var elapsed time.Duration
			var peak uint64
			for i, f := range tx.Frames {
				if len(f.Trace.Steps) == 0 {
					continue
				}
				s, err := smallestShape(f.Trace)
				if err != nil {
					b.Fatal(err)
				}
				keys, err := LoadOrSetup(os.Getenv("GO_BOOSTER_KEYS"), s)
				if err != nil {
					b.Fatal(err)
				}
				var proof *Proof
				var took time.Duration
				peak = max(peak, peakHeap(func() {
					start := time.Now()
					proof, err = keys.Prove(f.Trace)
					took = time.Since(start)
				}))
				if err != nil {
					b.Fatal(err)
				}
				if err := keys.Verify(proof, proof.Commitment); err != nil {
					b.Fatal(err)
				}
				if f.L1 {
					l1Steps += len(f.Trace.Steps)
				} else {
					l2Steps += len(f.Trace.Steps)
				}
				constraints += keys.Constraints()
				elapsed += took
				b.Logf("frame %d (%s, L1 %v): %d steps on %d, %d constraints, proof in %s", i, f.Trace.Address, f.L1,
					len(f.Trace.Steps), s.Steps, keys.Constraints(), took.Round(time.Millisecond))
			}
			steps := l2Steps + l1Steps
			b.ReportMetric(float64(l2Steps), "L2-steps")
			b.ReportMetric(float64(l1Steps), "L1-steps")
			b.ReportMetric(float64(constraints), "constraints")
			b.ReportMetric(float64(constraints)/float64(steps), "constraints/step")
			b.ReportMetric(elapsed.Seconds(), "s/proofs")
			b.ReportMetric(elapsed.Seconds()/float64(steps)*1e3, "ms/step")
			b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
			b.ReportMetric(float64(elapsed)/float64(execute), "prove/execute")
			b.Logf("%s: %d frames, %d L2 and %d L1 steps, %d constraints (%.0f a step), proofs in %s (%.0f× go-ethereum's %s), peak heap %d MiB",
				wl.name, len(tx.Frames), l2Steps, l1Steps, constraints, float64(constraints)/float64(steps), elapsed.Round(time.Millisecond),
				float64(elapsed)/float64(execute), execute.Round(time.Microsecond), peak>>20)
		})
	}
}

package verifier

import (
	"encoding/binary"
	"flag"
	"math/rand/v2"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"

	"github.com/boosterkit/go-booster/verifier/trace"
)

// fuzzOps are the opcodes random programs are built from: every supported
// ALU opcode and stack shuffles; aligned memory and copies come between.
var fuzzOps = []vm.OpCode{
	vm.ADD, vm.SUB, vm.MUL, vm.DIV, vm.SDIV, vm.MOD, vm.SMOD, vm.SIGNEXTEND,
	vm.LT, vm.GT, vm.SLT, vm.SGT, vm.EQ, vm.ISZERO, vm.AND, vm.OR, vm.XOR, vm.NOT,
	vm.BYTE, vm.SHL, vm.SHR, vm.SAR, vm.DUP1, vm.DUP2, vm.SWAP1, vm.SWAP2, vm.POP,
}

// randomProgram builds a straight-line program from fuzz input: pushes of
// input-derived words, then operations that keep at least three items on
// the stack, then the top is returned through aligned memory.
func randomProgram(data []byte) *program {
	p := newProgram()
	next := func() uint64 {
		if len(data) < 8 {
			data = append(data, make([]byte, 8)...)
		}
		v := binary.BigEndian.Uint64(data[:8])
		data = data[8:]
		return v
	}
	word := func() *uint256.Int {
		switch next() % 4 {
		case 0:
			return uint256.NewInt(next() % 300) // small: shifts, byte indexes
		case 1:
			return new(uint256.Int).Sub(new(uint256.Int), uint256.NewInt(next()%1000)) // negative
		default:
			return &uint256.Int{next(), next(), next(), next()}
		}
	}
	depth := 0
	copyBudget := uint64(12) // copied words, the shape's copy table
	for range 4 {
		p.push(word())
		depth++
	}
	for range 12 {
		if len(data) == 0 {
			break
		}
		op := fuzzOps[next()%uint64(len(fuzzOps))]
		switch {
		case op == vm.POP && depth <= 3:
			p.push(word())
			depth++
		case op == vm.POP:
			p.op(op)
			depth--
		case op == vm.DUP1 || op == vm.DUP2:
			p.op(op)
			depth++
		case op == vm.SWAP1 || op == vm.SWAP2 || op == vm.ISZERO || op == vm.NOT:
			p.op(op)
		default: // binary
			p.op(op)
			p.push(word()) // keep the depth
		}
		if next()%5 == 0 {
			p.pushU(32 * (next() % 4)).op(vm.MSTORE).push(word())
			p.pushU(32 * (next() % 4)).op(vm.MLOAD)
			depth++
		}
		if next()%6 == 0 {
			// A copy of up to 64 bytes from code or calldata (inside, across
			// the end or past it) to memory below 128, read back.
			dst, src, size := next()%64, next()%160, next()%65
			if words := (dst%32 + size + 31) / 32; words <= copyBudget {
				copyBudget -= words
				op := vm.CALLDATACOPY
				if next()%2 == 0 {
					op = vm.CODECOPY
				}
				p.pushU(size).pushU(src).pushU(dst).op(op)
				p.pushU(dst).op(vm.MLOAD)
				depth++
			}
		}
	}
	return p.returnTop()
}

// fuzzInput is the calldata random programs run with.
var fuzzInput = []byte("calldata for random programs: 40 bytes..")

// fuzzShape fits every random program.
var fuzzShape = Shape{Steps: 256, Code: 1024, Calldata: 48, Stack: 32, Memory: 6, Storage: 1, Return: 1, Add: 24, Mul: 48, Bit: 24, Splice: 24, Copy: 12}

// FuzzDifferential runs random straight-line programs on go-ethereum and
// checks the circuit accepts every trace, with gnark's test engine (which
// reports the failing constraint; slow: about 18 s an execution under
// coverage instrumentation). FuzzDifferentialSolver is the fast mode.
//
//	go test -run XXX -fuzz '^FuzzDifferential$' ./verifier
func FuzzDifferential(f *testing.F) {
	addFuzzSeeds(f)
	shape := fuzzShape
	f.Fuzz(func(t *testing.T, data []byte) {
		differential(t, data, func(w *Circuit) error { return solve(t, shape, w) })
	})
}

// FuzzDifferentialSolver is FuzzDifferential with the circuit of fuzzShape
// compiled once per fuzzing process and each program's full witness checked
// by gnark's constraint solver on the compiled R1CS instead of the test
// engine. Coverage guidance instruments gnark too, which makes each
// execution about 30 times slower than the solver runs natively (a few
// seconds); TestDifferentialSolver runs the same check uninstrumented on
// thousands of random programs.
//
//	go test -run XXX -fuzz FuzzDifferentialSolver ./verifier
func FuzzDifferentialSolver(f *testing.F) {
	addFuzzSeeds(f)
	cs, err := Compile(fuzzShape)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		differential(t, data, solvedBy(cs))
	})
}

var (
	differentialRuns = flag.Int("differential.runs", 100, "random programs TestDifferentialSolver checks")
	differentialSeed = flag.Uint64("differential.seed", 1, "seed of TestDifferentialSolver's programs")
)

// TestDifferentialSolver is the differential fuzzer's fast mode: random
// programs (FuzzDifferential's generator, on random input bytes from a
// seed), each traced on go-ethereum and checked by the constraint solver on
// the circuit of fuzzShape, compiled once; about 0.1 s a program on the
// 2-core machine. A failing program's input goes into FuzzDifferential's
// corpus as a regression test.
//
//	go test -run 'TestDifferentialSolver$' ./verifier -args -differential.runs 6000 -differential.seed 7
func TestDifferentialSolver(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the 256-step fuzz shape: skipped with -short")
	}
	cs, err := Compile(fuzzShape)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(*differentialSeed, 0))
	data := make([]byte, 400)
	ran := 0
	for range *differentialRuns {
		for k := range data {
			data[k] = byte(rng.Uint32())
		}
		t.Run("", func(t *testing.T) {
			differential(t, data, solvedBy(cs))
			ran++
		})
		if t.Failed() {
			t.Fatalf("input %x (seed %d): add it to FuzzDifferential's corpus", data, *differentialSeed)
		}
	}
	t.Logf("%d random programs accepted (seed %d)", ran, *differentialSeed)
}

// solvedBy checks a full witness with the constraint solver of cs.
func solvedBy(cs constraint.ConstraintSystem) func(*Circuit) error {
	return func(w *Circuit) error {
		wit, err := frontend.NewWitness(w, ecc.BN254.ScalarField())
		if err != nil {
			return err
		}
		return cs.IsSolved(wit)
	}
}

func addFuzzSeeds(f *testing.F) {
	f.Add([]byte("seed: a few words to start"))
	f.Add(make([]byte, 200))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24})
}

// differential traces the random program of data on go-ethereum, assigns
// it to fuzzShape and checks that solved accepts the witness.
func differential(t *testing.T, data []byte, solved func(*Circuit) error) {
	t.Helper()
	code := randomProgram(data).bytes()
	tr, err := trace.Run(trace.Call{Code: code, Input: fuzzInput})
	if err != nil {
		t.Skip(err) // an exceptional halt (stack underflow) is not a proof question
	}
	w, err := Assign(tr, fuzzShape)
	if err != nil {
		t.Fatalf("program %x: %v", code, err)
	}
	if err := solved(w); err != nil {
		t.Fatalf("program %x: the circuit refuses go-ethereum's trace: %v", code, err)
	}
}

// TestRandomPrograms runs FuzzDifferential's check on 40 programs from a
// fixed seed (the fuzzer itself is slow under coverage instrumentation).
func TestRandomPrograms(t *testing.T) {
	shape := fuzzShape
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 40 {
		data := make([]byte, 400)
		for k := range data {
			data[k] = byte(rng.Uint32())
		}
		code := randomProgram(data).bytes()
		tr, err := trace.Run(trace.Call{Code: code, Input: fuzzInput})
		if err != nil {
			t.Fatalf("program %d (%x): %v", i, code, err)
		}
		w, err := Assign(tr, shape)
		if err != nil {
			t.Fatalf("program %d (%x): %v", i, code, err)
		}
		if err := solve(t, shape, w); err != nil {
			t.Fatalf("program %d (%x): the circuit refuses go-ethereum's trace: %v", i, code, err)
		}
	}
}

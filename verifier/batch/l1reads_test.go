package batch

import (
	"fmt"
	"math/big"
	"slices"
	"strings"
	"testing"

	"github.com/consensys/gnark/frontend"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/holiman/uint256"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/precompiles"
	"github.com/boosterkit/go-booster/verifier"
	"github.com/boosterkit/go-booster/verifier/statetree"
	"github.com/boosterkit/go-booster/verifier/trace"
)

// readsCapacity is listsCapacity with frames that read the state.
var readsCapacity = func() Capacity {
	c := listsCapacity
	c.Frame.Reads = 2
	return c
}()

// readsBatch is l1Batch with l1Target running code (which touches no
// storage) and the L1 frame's trace passed through change.
func readsBatch(t *testing.T, code []byte, txs []*types.Transaction, change func(tr *trace.Trace)) (*Header, *L1Lists, []*trace.Transaction) {
	t.Helper()
	_, l1 := l1Batch(t)
	return readsBatchAt(t, l1.Block, code, txs, change)
}

// readsBatchAt is readsBatch pinned to block.
func readsBatchAt(t *testing.T, block *types.Header, code []byte, txs []*types.Transaction, change func(tr *trace.Trace)) (*Header, *L1Lists, []*trace.Transaction) {
	t.Helper()
	exec, _ := l1Batch(t)
	ctx := l1Context(block, big.NewInt(1337))
	tr, err := trace.Run(trace.Call{Code: code, Address: l1Target, Caller: precompiles.Alias(l1Caller), Context: &ctx})
	require.NoError(t, err)
	tr.Origin = alice
	change(tr)
	exec.Frames[1].Trace = tr
	lists := &L1Lists{Code: []CodeRead{{Contract: l1Target, CodeHash: crypto.Keccak256Hash(code)}, {Contract: l1Caller}}, Block: block}
	return headerFor(t, txs, lists), lists, []*trace.Transaction{exec}
}

// pushed makes step k of tr push v (the next step's top of stack) and
// read j of tr have v as its value: a frame that read v there,
// consistent in itself.
func pushed(tr *trace.Trace, k, j int, v uint256.Int) {
	st := &tr.Steps[k+1]
	st.Stack = append([]uint256.Int(nil), st.Stack...)
	st.Stack[len(st.Stack)-1] = v
	tr.Reads = append([]trace.StateRead(nil), tr.Reads...)
	tr.Reads[j].Value = v
}

// TestL1StateReads checks an L1 frame's state reads (SPEC §1: L1 code
// reads L1's state): EXTCODEHASH is the read set's code read of the
// account, EXTCODESIZE the size of the code its code segment proved. The
// honest batch solves; a frame that read another hash or size is refused
// by Witnesses and, built anyway, by the last end segment only;
// BLOCKHASH in an L1 frame of a block other than the pinned block's
// parent, before it and within 256 blocks, is refused by Witnesses and by
// the frame's own segment (TestL1BlockHash covers the others).
// TestL1Balances covers BALANCE and SELFBALANCE.
func TestL1StateReads(t *testing.T) {
	_, txs := signedBatch(t, []memCall{{l1Caller, nil}})
	// ADDRESS EXTCODEHASH POP ADDRESS EXTCODESIZE POP STOP
	code := common.FromHex("303f50303b5000")
	same := func(*trace.Trace) {}
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
		change func(tr *trace.Trace)
	}{
		{"another code hash", func(tr *trace.Trace) { pushed(tr, 1, 0, *uint256.NewInt(0xbad)) }},
		{"another code size", func(tr *trace.Trace) { pushed(tr, 4, 1, *uint256.NewInt(uint64(len(code)) + 1)) }},
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
	t.Run("the size of an account without code", func(t *testing.T) {
		// PUSH20 eoa EXTCODESIZE POP STOP: the read set's code read of
		// eoa has the hash of no code (an account that exists) or zero
		// (one that does not); the header segment writes the size zero.
		eoa := common.HexToAddress("0x00000000000000000000000000000000000e0a")
		code := append(append(common.FromHex("73"), eoa[:]...), common.FromHex("3b5000")...)
		for _, hash := range []common.Hash{types.EmptyCodeHash, {}} {
			_, l1, execs := readsBatch(t, code, txs, same)
			require.Equal(t, *uint256.NewInt(0), execs[0].Frames[1].Trace.Reads[0].Value)
			l1.Code = append(l1.Code, CodeRead{Contract: eoa, CodeHash: hash})
			h := headerFor(t, txs, l1)
			segs, err := witnessesFor(h, l1, txs, execs, readsCapacity)
			require.NoError(t, err)
			require.Equal(t, 1, segs[0].Assignment.(*headerSegment).CodeSizeUses[2])
			require.Empty(t, solveAll(t, readsCapacity, segs))
		}
		// A read set whose code read of eoa names code: refused by name,
		// and, taken for an account without code anyway, by the header
		// segment.
		_, l1, execs := readsBatch(t, code, txs, same)
		l1.Code = append(l1.Code, CodeRead{Contract: eoa, CodeHash: crypto.Keccak256Hash([]byte{0})})
		h := headerFor(t, txs, l1)
		_, err := witnessesFor(h, l1, txs, execs, readsCapacity)
		require.ErrorIs(t, err, verifier.ErrUnsupported)
		segs, err := faultyWitnesses(h, l1, txs, execs, readsCapacity, &faults{codeless: true})
		require.NoError(t, err)
		require.Equal(t, []int{0}, solveAll(t, readsCapacity, segs))
	})
	refused := []struct {
		name string
		code []byte
		op   vm.OpCode
	}{
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

// TestL1Balances checks an L1 frame's balance reads: BALANCE and
// SELFBALANCE push the read set's balance of the account (which settle
// checks against L1's), read from the header segment through the
// storage argument; a frame runs SELFBALANCE or not as its steps say
// (the segment counts them). The honest batch solves; a frame that read
// another balance, or one the read set does not name, is refused by
// Witnesses and, built anyway, by the last end segment only; a batch
// whose prover leaves out the SELFBALANCE's read is refused by the
// frame's own segment.
func TestL1Balances(t *testing.T) {
	_, txs := signedBatch(t, []memCall{{l1Caller, nil}})
	// ADDRESS BALANCE POP SELFBALANCE POP STOP
	code := common.FromHex("303150475000")
	balance := uint256.MustFromBig(new(big.Int).Lsh(big.NewInt(5), 130))
	other := *uint256.NewInt(6)
	// reading makes the frame read b with BALANCE and own with
	// SELFBALANCE.
	reading := func(b, own uint256.Int) func(tr *trace.Trace) {
		return func(tr *trace.Trace) {
			pushed(tr, 1, 0, b)
			st := &tr.Steps[4]
			st.Stack = append([]uint256.Int(nil), st.Stack...)
			st.Stack[len(st.Stack)-1] = own
			tr.Balance = own
		}
	}
	batch := func(t *testing.T, change func(tr *trace.Trace), reads []BalanceRead) (*Header, *L1Lists, []*trace.Transaction) {
		_, l1, execs := readsBatch(t, code, txs, change)
		l1.Balances = reads
		return headerFor(t, txs, l1), l1, execs
	}
	named := []BalanceRead{{Account: l1Target, Balance: balance.ToBig()}}
	t.Run("the read set's balance", func(t *testing.T) {
		h, l1, execs := batch(t, reading(*balance, *balance), named)
		segs, err := witnessesFor(h, l1, txs, execs, readsCapacity)
		require.NoError(t, err)
		require.Equal(t, []int{KindHeader, KindCode, KindCode, KindBlock, KindTransaction, KindFrame, KindFrame, KindEnd}, kindsOf(segs))
		require.Equal(t, []frontend.Variable{2, 0}, segs[0].Assignment.(*headerSegment).BalanceUses)
		require.Empty(t, solveAll(t, readsCapacity, segs))
	})
	wrong := []struct {
		name    string
		change  func(tr *trace.Trace)
		reads   []BalanceRead
		faults  faults
		refused func([]SegmentWitness) []int
	}{
		{"a BALANCE other than the read set's", reading(other, *balance), named, faults{lists: true}, lastEnd},
		{"a SELFBALANCE other than the read set's", reading(*balance, other), named, faults{lists: true}, lastEnd},
		{"a balance the read set does not name", reading(*balance, *balance), nil, faults{lists: true}, lastEnd},
		// The L1 frame's segment reads its balance for the SELFBALANCE
		// its steps run, whatever the prover claims.
		{"a SELFBALANCE's read left out", reading(*balance, *balance), named, faults{noSelfbalance: true}, func([]SegmentWitness) []int { return []int{6} }},
	}
	for _, tc := range wrong {
		t.Run(tc.name, func(t *testing.T) {
			h, l1, execs := batch(t, tc.change, tc.reads)
			if !tc.faults.noSelfbalance {
				_, err := witnessesFor(h, l1, txs, execs, readsCapacity)
				require.ErrorIs(t, err, ErrStatement)
			}
			segs, err := faultyWitnesses(h, l1, txs, execs, readsCapacity, &tc.faults)
			require.NoError(t, err)
			require.Equal(t, fmt.Sprint(tc.refused(segs)), fmt.Sprint(solveAll(t, readsCapacity, segs)))
		})
	}
}

// TestL2StateReads checks that an L2 frame's state reads, which the L2
// state tree cannot answer yet (balances, block hashes),
// are refused: by Witnesses, naming the opcode and pc, and, built
// anyway, by the frame's own segment.
func TestL2StateReads(t *testing.T) {
	for _, tc := range []struct {
		code []byte
		op   vm.OpCode
		pc   int
	}{
		{common.FromHex("30315000"), vm.BALANCE, 1},
		{common.FromHex("475000"), vm.SELFBALANCE, 0},
		{common.FromHex("6001405000"), vm.BLOCKHASH, 2},
	} {
		t.Run(tc.op.String(), func(t *testing.T) {
			h, txs := signedBatch(t, []memCall{{target, nil}})
			ctx := l2Context
			tr, err := trace.Run(trace.Call{Code: tc.code, Address: target, Caller: alice, Context: &ctx})
			require.NoError(t, err)
			execs := []*trace.Transaction{single(tr)}
			_, err = witnessesFor(h, noL1, txs, execs, readsCapacity)
			require.ErrorIs(t, err, verifier.ErrUnsupported)
			require.ErrorContains(t, err, fmt.Sprintf("%s at pc %d of %s in an L2 frame", tc.op, tc.pc, target))
			segs, err := faultyWitnesses(h, noL1, txs, execs, readsCapacity, &faults{unsupported: true})
			require.NoError(t, err)
			require.Equal(t, []int{KindHeader, KindTransaction, KindFrame, KindEnd}, kindsOf(segs))
			require.Equal(t, []int{2}, solveAll(t, readsCapacity, segs))
		})
	}
}

// TestL2CodeReads proves an L2 frame's EXTCODESIZE and EXTCODEHASH: of
// its own address and of a contract it then calls, each the size or the
// keccak hash of the code the first L2 frame of the batch at the address
// runs (which that frame writes to the storage argument; the hash, which
// a code segment proves for the code's digest, it reads first). A size
// or hash other than the code's, read and stored consistently by its
// frame, is refused by Witnesses and, built anyway, by the last end
// segment; a read of an address no frame of the batch runs at is
// refused by name.
func TestL2CodeReads(t *testing.T) {
	// reader stores EXTCODESIZE of addrB at slot 0, its own at slot 1
	// and EXTCODEHASH of addrB at slot 2, then calls addrB (keeper,
	// which reads its slot 0).
	b := "73" + strings.Repeat("00", 19) + "a2"
	reader := append(common.FromHex(b+"3b600055"+"303b600155"+b+"3f600255"), callCode(addrB, 0, false)...)
	w := &world{code: map[common.Address][]byte{addrA: reader, addrB: keeperCode}, storage: map[common.Address]map[common.Hash]common.Hash{}}
	h, txs := signedBatch(t, []memCall{{addrA, nil}})
	exec := w.run(t, addrA, nil)
	execs := []*trace.Transaction{exec}
	c := readsCapacity
	c.Frame.Reads, c.Slots = 3, 4
	segs, err := witnessesFor(h, noL1, txs, execs, c)
	require.NoError(t, err)
	require.Equal(t, []int{KindHeader, KindCode, KindTransaction, KindFrame, KindFrame, KindEnd, KindEnd}, kindsOf(segs))
	caller, callee := segs[3].Assignment.(*frameSegment), segs[4].Assignment.(*frameSegment)
	require.Equal(t, []any{1, 0}, []any{caller.SizeUses, caller.HashUses}, "the caller's own size")
	require.Equal(t, []any{1, 1}, []any{callee.SizeUses, callee.HashUses}, "the callee's size and hash, read by the caller")
	require.Empty(t, solveAll(t, c, segs))

	// forge has the caller's op read forged instead of real, and store
	// it at slot.
	forge := func(t *testing.T, op vm.OpCode, slot int64, real, forged uint256.Int) []*trace.Transaction {
		tr := *exec.Frames[0].Trace
		tr.Reads = slices.Clone(tr.Reads)
		tr.Steps = slices.Clone(tr.Steps)
		tr.Storage = slices.Clone(tr.Storage)
		j := slices.IndexFunc(tr.Reads, func(r trace.StateRead) bool { return r.Op == op })
		require.Equal(t, real, tr.Reads[j].Value)
		tr.Reads[j].Value = forged
		// The value is on the stack of the PUSH1 and the SSTORE after it.
		k := slices.IndexFunc(tr.Steps, func(st trace.Step) bool { return st.Op == op })
		n := 0
		for si := k + 1; si <= k+2; si++ {
			st := slices.Clone(tr.Steps[si].Stack)
			for i := range st {
				if st[i] == real {
					st[i] = forged
					n++
				}
			}
			tr.Steps[si].Stack = st
		}
		require.Equal(t, 2, n)
		for i := range tr.Storage {
			if tr.Storage[i].Key == common.BigToHash(big.NewInt(slot)) {
				tr.Storage[i].Final = forged.Bytes32()
			}
		}
		e := &trace.Transaction{Frames: slices.Clone(exec.Frames)}
		e.Frames[0].Trace = &tr
		return []*trace.Transaction{e}
	}
	t.Run("another size", func(t *testing.T) {
		execs := forge(t, vm.EXTCODESIZE, 0, *uint256.NewInt(uint64(len(keeperCode))), *uint256.NewInt(uint64(len(keeperCode) + 1)))
		requireRefusedAsBuilt(t, h, noL1, txs, execs, c, &faults{unsupported: true}, lastEnd)
	})
	t.Run("another hash", func(t *testing.T) {
		var real, forged uint256.Int
		real.SetBytes(crypto.Keccak256(keeperCode))
		forged.SetBytes(crypto.Keccak256(append(keeperCode, 0)))
		execs := forge(t, vm.EXTCODEHASH, 2, real, forged)
		requireRefusedAsBuilt(t, h, noL1, txs, execs, c, &faults{unsupported: true}, lastEnd)
	})
	// lone stores op of addrB at slot 0 and stops.
	lone := func(op string) []byte { return common.FromHex(b + op + "600055" + "00") }
	t.Run("an address no frame runs at", func(t *testing.T) {
		// EXTCODEHASH of an account without code, and EXTCODESIZE of one
		// with code that runs no frame.
		for _, tc := range []struct {
			op   string
			code map[common.Address][]byte
		}{{"3f", map[common.Address][]byte{addrA: lone("3f")}}, {"3b", map[common.Address][]byte{addrA: lone("3b"), addrB: keeperCode}}} {
			w := &world{code: tc.code, storage: map[common.Address]map[common.Hash]common.Hash{}}
			exec := w.run(t, addrA, nil)
			_, err := witnessesFor(h, noL1, txs, []*trace.Transaction{exec}, c)
			require.ErrorIs(t, err, verifier.ErrUnsupported)
			require.ErrorContains(t, err, " of "+addrB.Hex()+", at which no L2 frame")
		}
	})
	t.Run("the size of an account without code", func(t *testing.T) {
		// Proven from the L2 state tree, which holds no code there: an
		// end segment's code entry of digest zero writes the size.
		w := &world{code: map[common.Address][]byte{addrA: lone("3b")}, storage: map[common.Address]map[common.Hash]common.Hash{}}
		execs := []*trace.Transaction{w.run(t, addrA, nil)}
		require.Equal(t, *uint256.NewInt(0), execs[0].Frames[0].Trace.Reads[0].Value)
		segs, err := witnessesFor(h, noL1, txs, execs, c)
		require.NoError(t, err)
		end := segs[len(segs)-1].Assignment.(*endSegment)
		require.Equal(t, []any{1, 1}, []any{end.Codes[0].Uses, end.Codes[1].SizeUses}, "addrA's code, addrB's size")
		require.Empty(t, solveAll(t, c, segs))

		// The same read where the L2 state holds code at addrB: refused
		// by Witnesses and, built anyway, by the end segment that opens
		// the tree there.
		pre := statetree.New()
		for a, code := range map[common.Address][]byte{addrA: lone("3b"), addrB: keeperCode} {
			pre, err = pre.Set(L2CodeKey(a), CodeDigest(code))
			require.NoError(t, err)
		}
		hc := *h
		hc.ParentL2StateRoot, hc.L2StateRoot = pre.RootHash(), pre.RootHash()
		_, err = Witnesses(&hc, noL1, pre, txs, execs, c)
		require.ErrorIs(t, err, ErrStatement)
		require.ErrorContains(t, err, "EXTCODESIZE of "+addrB.Hex()+" as 0")
		segs, err = witnesses(&hc, noL1, pre, txs, execs, c, &faults{l2: true})
		require.NoError(t, err)
		require.Equal(t, lastEnd(segs), solveAll(t, c, segs))
	})
}

// TestL1BlockHash proves an L1 frame's BLOCKHASH (SPEC §1: the pinned
// L1 block's): of the pinned block's parent, its parent hash, which the
// block segment reads from the block's header; of the pinned block, a
// later one, or one more than 256 blocks before it, zero. The honest
// batches solve; a frame that read another parent hash is refused by
// Witnesses and, built anyway, by the last end segment; one that read a
// nonzero hash of a block out of range, by its own segment.
func TestL1BlockHash(t *testing.T) {
	_, txs := signedBatch(t, []memCall{{l1Caller, nil}})
	const number = 1000
	// The L1 frame runs on go-ethereum's runtime, whose block hashes are
	// the keccak256 of the number's decimal digits.
	hashOf := func(n uint64) common.Hash { return crypto.Keccak256Hash([]byte(new(big.Int).SetUint64(n).String())) }
	block := pinnedHeader(number, 1_700_000_000, 30_000_000, big.NewInt(7), nil)
	block.ParentHash = hashOf(number - 1)
	batchOf := func(t *testing.T, code []byte, change func(tr *trace.Trace)) (*Header, *L1Lists, []*trace.Transaction) {
		return readsBatchAt(t, block, code, txs, change)
	}
	// blockhash is PUSH2 n BLOCKHASH POP STOP.
	blockhash := func(n uint64) []byte { return []byte{0x61, byte(n >> 8), byte(n), 0x40, 0x50, 0x00} }
	same := func(*trace.Trace) {}
	for _, tc := range []struct {
		name string
		n    uint64
		want common.Hash
	}{
		{"the parent's", number - 1, hashOf(number - 1)},
		{"the pinned block's", number, common.Hash{}},
		{"a later block's", number + 1, common.Hash{}},
		{"a block 257 before", number - 257, common.Hash{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, l1, execs := batchOf(t, blockhash(tc.n), same)
			r := execs[0].Frames[1].Trace.Reads[0]
			require.Equal(t, vm.BLOCKHASH, r.Op)
			require.Equal(t, tc.want, common.Hash(r.Value.Bytes32()))
			segs, err := witnessesFor(h, l1, txs, execs, readsCapacity)
			require.NoError(t, err)
			parents := uint64(0)
			if tc.n == number-1 {
				parents = 1
			}
			require.Equal(t, parents, u64Of(segs[segmentsOf(segs, KindBlock)[0]].Assignment.(*blockSegment).ParentUses))
			require.Empty(t, solveAll(t, readsCapacity, segs))
		})
	}
	for _, tc := range []struct {
		name    string
		n       uint64
		refused func([]SegmentWitness) []int
	}{
		{"another parent hash", number - 1, lastEnd},
		{"a nonzero hash of the pinned block", number, func(segs []SegmentWitness) []int { return []int{frameSegmentAt(segs, l1Target)} }},
		{"a nonzero hash of a block 257 before", number - 257, func(segs []SegmentWitness) []int { return []int{frameSegmentAt(segs, l1Target)} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, l1, execs := batchOf(t, blockhash(tc.n), func(tr *trace.Trace) { pushed(tr, 1, 0, *uint256.NewInt(0xbad)) })
			_, err := witnessesFor(h, l1, txs, execs, readsCapacity)
			require.ErrorIs(t, err, ErrStatement)
			segs, err := faultyWitnesses(h, l1, txs, execs, readsCapacity, &faults{blockHash: true})
			require.NoError(t, err)
			require.Equal(t, fmt.Sprint(tc.refused(segs)), fmt.Sprint(solveAll(t, readsCapacity, segs)))
		})
	}
}

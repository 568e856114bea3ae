package batch

import (
	"fmt"
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bls12-377/fr"
	"github.com/consensys/gnark/frontend"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/verifier"
	"github.com/boosterkit/go-booster/verifier/trace"
	"github.com/boosterkit/go-booster/verifier/txsig"
)

// callShape is a small frame shape with one call and transient storage,
// for the storage argument's tests.
var callShape = verifier.Shape{Steps: 64, Code: 96, Calldata: 40, Stack: 16, Memory: 4, Storage: 4, Return: 2, Add: 8, Mul: 2, Bit: 2, Splice: 2,
	Transient: 2, Calls: 1, CallData: 1, CallReturn: 1}

// memCapacity holds the storage tests' batches: one slot per end
// segment, so that a batch of two slots has two.
var memCapacity = Capacity{Calldata: dataCap, Frame: callShape, Slots: 1, L1Slots: 1}

// Contracts of the storage tests.
var (
	// keeper stores the calldata size at slot 0, or without calldata
	// returns slot 0.
	keeperCode = common.FromHex("3615600a5736600055005b60005460005260206000f3")
	// revertIf4 stores the calldata size at slot 0 and reverts if it is 4.
	revertIf4Code = common.FromHex("3660005536600414600c57005b60006000fd")
	// pair stores the calldata size at slots 0 and 1.
	pairCode = common.FromHex("36600055366001550" + "0")
	// writer stores 1 at slot 0; failingWriter does and reverts.
	writerCode        = common.FromHex("600160005500")
	failingWriterCode = common.FromHex("600160005560006000fd")
	// tstorer stores 1 at transient slot 0.
	tstorerCode = common.FromHex("6001600" + "05d00")
)

var (
	alice     = aliceAddress()
	addrA     = common.HexToAddress("0x00000000000000000000000000000000000000a1")
	addrB     = common.HexToAddress("0x00000000000000000000000000000000000000a2")
	addrChild = common.HexToAddress("0x00000000000000000000000000000000000000a3")
)

// aliceAddress is the address of testKey's "alice".
func aliceAddress() common.Address {
	k, err := crypto.ToECDSA(crypto.Keccak256([]byte("batch test alice")))
	if err != nil {
		panic(err)
	}
	return crypto.PubkeyToAddress(k.PublicKey)
}

// callCode is code that calls to with argSize bytes of (zero) memory as
// input, ignores the outcome, and then stops, or reverts if revert.
func callCode(to common.Address, argSize byte, revert bool) []byte {
	code := []byte{0x60, 0, 0x60, 0, 0x60, argSize, 0x60, 0, 0x60, 0, 0x73}
	code = append(code, to[:]...)
	code = append(code, 0x5a, 0xf1, 0x50)
	if revert {
		return append(code, 0x60, 0, 0x60, 0, 0xfd)
	}
	return append(code, 0x00)
}

// callIfEmpty is code that, without calldata, calls to (as callCode) and
// otherwise stops.
func callIfEmpty(to common.Address) []byte {
	call := callCode(to, 0, false)
	dest := byte(4 + len(call))
	code := []byte{0x36, 0x60, dest, 0x57}
	code = append(code, call...)
	return append(code, 0x5b, 0x00)
}

// world is the L2 state of a storage test: code and storage by address.
type world struct {
	code    map[common.Address][]byte
	storage map[common.Address]map[common.Hash]common.Hash
}

// run traces a call from alice to to with data over w, and applies the
// slots it left changed to w.
func (w *world) run(t *testing.T, to common.Address, data []byte) *trace.Transaction {
	t.Helper()
	return w.runFrom(t, alice, to, data)
}

// runFrom is run with another sender.
func (w *world) runFrom(t *testing.T, from, to common.Address, data []byte) *trace.Transaction {
	t.Helper()
	ctx := l2Context
	others := map[common.Address][]byte{}
	for a, c := range w.code {
		if a != to {
			others[a] = c
		}
	}
	tx, err := trace.RunTransaction(trace.Call{Code: w.code[to], Storage: w.storage[to], Address: to, Caller: from, Input: data,
		Contracts: others, ContractStorage: w.storage, Context: &ctx})
	require.NoError(t, err)
	changed, err := tx.Check(nil)
	require.NoError(t, err)
	for _, c := range changed {
		if w.storage[c.Address] == nil {
			w.storage[c.Address] = map[common.Hash]common.Hash{}
		}
		w.storage[c.Address][c.Key] = c.Value
	}
	return tx
}

// memCall is one transaction of a storage test.
type memCall struct {
	to   common.Address
	data []byte
}

// signedBatch signs the calls from alice and returns them with the
// header of a batch holding them.
func signedBatch(t *testing.T, calls []memCall) (*Header, []*types.Transaction) {
	t.Helper()
	signer := types.LatestSignerForChainID(l2Chain)
	var txs []*types.Transaction
	for i, c := range calls {
		to := c.to
		txs = append(txs, types.MustSignNewTx(testKey(t, "alice"), signer, &types.DynamicFeeTx{ChainID: l2Chain, Nonce: uint64(i), GasTipCap: big.NewInt(0), GasFeeCap: big.NewInt(0), Gas: 100_000, To: &to, Data: c.data}))
	}
	sigs, err := Signatures(txs)
	require.NoError(t, err)
	return &Header{L1ChainID: big.NewInt(1337), ChainID: l2Chain, Number: 1, Transactions: TransactionsCommitment(testL2Block, sigs), L2Block: testL2Block, ReadsHash: noL1.ReadsHash(), WritesHash: noL1.WritesHash()}, txs
}

// solveAll solves every segment and returns the indices of those the
// circuits refuse.
func solveAll(t *testing.T, c Capacity, segs []SegmentWitness) []int {
	t.Helper()
	circuits, err := Circuits(c)
	require.NoError(t, err)
	var refused []int
	for i, s := range segs {
		if solveOn(circuits, s) != nil {
			refused = append(refused, i)
		}
	}
	return refused
}

// lastEnd is the index of the last segment.
func lastEnd(segs []SegmentWitness) []int { return []int{len(segs) - 1} }

// segmentsOf is the indices of the segments of kind k.
func segmentsOf(segs []SegmentWitness, k int) []int {
	var out []int
	for i, s := range segs {
		if s.Kind == k {
			out = append(out, i)
		}
	}
	return out
}

// kindsOf lists the segments' kinds.
func kindsOf(segs []SegmentWitness) []int {
	out := make([]int, len(segs))
	for i, s := range segs {
		out[i] = s.Kind
	}
	return out
}

// TestStorageAcrossSegments checks the storage argument on batches the
// constraint solver proves: each batch solves as built, and each fault
// (a batch the checks outside the circuit refuse, built anyway) is
// refused by the segment that names it, every other segment solving.
func TestStorageAcrossSegments(t *testing.T) {
	slot0 := common.Hash{}
	type scenario struct {
		name  string
		code  map[common.Address][]byte
		calls []memCall
		// execs, if set, replaces the traced executions (a fault needs
		// frames traced over other storage).
		execs func(t *testing.T, w *world, traced []*trace.Transaction) []*trace.Transaction
		// faults nil: the batch solves; else refused lists the segments
		// that must be refused.
		faults  *faults
		refused func(segs []SegmentWitness) []int
		// check, if set, looks at the honest segments.
		check func(t *testing.T, segs []SegmentWitness)
	}
	keeper := map[common.Address][]byte{addrA: keeperCode}
	keeperCalls := []memCall{{addrA, []byte{1, 2, 3, 4}}, {addrA, nil}}
	// keeperLies has the reading frame say slot 0 held 9 (and still does).
	keeperLies := func(t *testing.T, w *world, traced []*trace.Transaction) []*trace.Transaction {
		lie := &world{code: keeper, storage: map[common.Address]map[common.Hash]common.Hash{addrA: {slot0: common.BigToHash(big.NewInt(9))}}}
		return []*trace.Transaction{traced[0], lie.run(t, addrA, nil)}
	}
	pair := map[common.Address][]byte{addrA: pairCode}
	pairCalls := []memCall{{addrA, []byte{7}}}
	scenarios := []scenario{
		{name: "a slot written, then read", code: keeper, calls: keeperCalls, check: func(t *testing.T, segs []SegmentWitness) {
			// The storage slot's end entry, then the sender's nonce's.
			require.Equal(t, []int{KindHeader, KindTransaction, KindFrame, KindTransaction, KindFrame, KindEnd, KindEnd}, kindsOf(segs))
			e := segs[5].Assignment.(*endSegment).Slots[0]
			require.Equal(t, 1, e.Used)
			require.Equal(t, 0, e.Nonce)
			require.Zero(t, e.InitLo.(*big.Int).Sign())
			require.Equal(t, int64(4), e.FinalLo.(*big.Int).Int64())
			require.Equal(t, uint64(4), e.Time, "the transactions take times 1 and 3, their frames 2 and 4")
			n := segs[6].Assignment.(*endSegment).Slots[0]
			require.Equal(t, 1, n.Nonce)
			require.Equal(t, int64(2), n.FinalLo.(*big.Int).Int64(), "two transactions from nonce 0")
			require.Equal(t, uint64(3), n.Time)
		}},
		{name: "a frame reading a value the frames before did not leave", code: keeper, calls: keeperCalls, execs: keeperLies,
			faults: &faults{inconsistent: true}, refused: lastEnd},
		{name: "a frame reading its own write", code: keeper, calls: keeperCalls, execs: keeperLies,
			// The lying frame reads at its own time: its read and its
			// write cancel, the end reads what the first frame left, and
			// only the read time's bound is left.
			faults: &faults{inconsistent: true, readTime: func(now uint64, _ int, honest uint64) uint64 {
				if now == 4 {
					return now
				}
				return honest
			}, entry: func(_ slotKey, st *slotState) { st.value, st.time = common.BigToHash(big.NewInt(4)), 2 }}, refused: func([]SegmentWitness) []int { return []int{4} }},
		{name: "an end entry with another initial value", code: keeper, calls: keeperCalls,
			// Refused by the slot's end segment (the tree holds 0) and by
			// the last (the sum).
			faults:  &faults{l2: true, entry: func(_ slotKey, st *slotState) { st.initial = common.BigToHash(big.NewInt(1)) }},
			refused: func(segs []SegmentWitness) []int { return []int{len(segs) - 2, len(segs) - 1} }},
		{name: "an end entry with another final value", code: keeper, calls: keeperCalls,
			faults: &faults{entry: func(_ slotKey, st *slotState) { st.value = common.BigToHash(big.NewInt(5)) }}, refused: lastEnd},
		{name: "an end entry with another time", code: keeper, calls: keeperCalls,
			faults: &faults{entry: func(_ slotKey, st *slotState) { st.time = 1 }}, refused: lastEnd},
		{name: "an end entry left out", code: keeper, calls: keeperCalls,
			faults: &faults{keys: func([]slotKey) []slotKey { return nil }}, refused: lastEnd},
		{name: "challenges other than the hash chain's", code: keeper, calls: keeperCalls,
			faults: &faults{challenges: func(a, b fr.Element) (fr.Element, fr.Element) {
				var one fr.Element
				one.SetOne()
				a.Add(&a, &one)
				return a, b
			}}, refused: lastEnd},
		{name: "two slots in two end segments", code: pair, calls: pairCalls, check: func(t *testing.T, segs []SegmentWitness) {
			require.Equal(t, []int{KindHeader, KindTransaction, KindFrame, KindEnd, KindEnd, KindEnd}, kindsOf(segs))
			require.Equal(t, 0, segs[3].Assignment.(*endSegment).Final)
			require.NotZero(t, segs[3].Segment.Out.Sign())
		}},
		{name: "end entries out of order", code: pair, calls: pairCalls,
			// The sums still balance; the second end segment's slot is
			// below the first's.
			faults: &faults{keys: func(k []slotKey) []slotKey { return []slotKey{k[1], k[0]} }}, refused: lastEnd},
		{name: "a reverted frame's write undone", code: map[common.Address][]byte{addrA: revertIf4Code}, calls: []memCall{{addrA, []byte{1, 2, 3, 4}}, {addrA, []byte{1, 2}}},
			check: func(t *testing.T, segs []SegmentWitness) {
				e := storageEntry(t, segs)
				require.Zero(t, e.InitLo.(*big.Int).Sign())
				require.Equal(t, int64(2), e.FinalLo.(*big.Int).Int64())
			}},
		{name: "a reverted frame's write kept", code: map[common.Address][]byte{addrA: revertIf4Code}, calls: []memCall{{addrA, []byte{1, 2, 3, 4}}, {addrA, []byte{1, 2}}},
			execs: func(t *testing.T, w *world, traced []*trace.Transaction) []*trace.Transaction {
				kept := &world{code: w.code, storage: map[common.Address]map[common.Hash]common.Hash{addrA: {slot0: common.BigToHash(big.NewInt(4))}}}
				return []*trace.Transaction{traced[0], kept.run(t, addrA, []byte{1, 2})}
			},
			faults: &faults{keepReverted: true}, refused: func([]SegmentWitness) []int { return []int{2} }},
		{name: "a callee's write kept by its caller", code: map[common.Address][]byte{addrA: callCode(addrChild, 0, false), addrChild: writerCode}, calls: []memCall{{addrA, nil}},
			check: func(t *testing.T, segs []SegmentWitness) {
				e := storageEntry(t, segs)
				require.Equal(t, int64(1), e.FinalLo.(*big.Int).Int64())
			}},
		{name: "a callee that writes and reverts, below a caller that returns", code: map[common.Address][]byte{addrA: callCode(addrChild, 0, false), addrChild: failingWriterCode}, calls: []memCall{{addrA, nil}},
			check: func(t *testing.T, segs []SegmentWitness) {
				e := storageEntry(t, segs)
				require.Zero(t, e.FinalLo.(*big.Int).Sign())
			}},
		{name: "a callee that writes below a caller that reverts", code: map[common.Address][]byte{addrA: callCode(addrChild, 0, true), addrChild: writerCode}, calls: []memCall{{addrA, nil}},
			faults: &faults{unsupported: true}, refused: func([]SegmentWitness) []int { return []int{3} }},
		{name: "reentrancy", code: map[common.Address][]byte{addrA: callIfEmpty(addrB), addrB: callCode(addrA, 1, false)}, calls: []memCall{{addrA, nil}},
			faults: &faults{unsupported: true}, refused: func([]SegmentWitness) []int { return []int{4} }},
		{name: "transient storage", code: map[common.Address][]byte{addrA: tstorerCode}, calls: []memCall{{addrA, nil}},
			faults: &faults{unsupported: true}, refused: func([]SegmentWitness) []int { return []int{2} }},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			w := &world{code: sc.code, storage: map[common.Address]map[common.Hash]common.Hash{}}
			var execs []*trace.Transaction
			for _, c := range sc.calls {
				execs = append(execs, w.run(t, c.to, c.data))
			}
			if sc.execs != nil {
				execs = sc.execs(t, w, execs)
			}
			h, txs := signedBatch(t, sc.calls)
			withOutcomes(t, h, txs, execs)
			if f := sc.faults; f != nil && (f.inconsistent || f.keepReverted || f.unsupported) {
				_, err := witnessesFor(h, noL1, txs, execs, memCapacity)
				require.Error(t, err, "the checks outside the circuit accept the fault")
			}
			segs, err := faultyWitnesses(h, noL1, txs, execs, memCapacity, sc.faults)
			require.NoError(t, err)
			if sc.check != nil {
				sc.check(t, segs)
			}
			var want []int
			if sc.refused != nil {
				want = sc.refused(segs)
			}
			require.Equal(t, fmt.Sprint(want), fmt.Sprint(solveAll(t, memCapacity, segs)), "the segments refused")
		})
	}
}

// TestCallDepth checks MaxDepth: a chain of calls MaxDepth frames deep
// solves; one frame deeper is refused outside the circuit, and, built
// anyway, by the frame at MaxDepth that calls.
func TestCallDepth(t *testing.T) {
	chain := func(n int) (map[common.Address][]byte, common.Address) {
		code := map[common.Address][]byte{}
		addr := func(i int) common.Address { return common.BigToAddress(big.NewInt(int64(0xc00 + i))) }
		for i := range n - 1 {
			code[addr(i)] = callCode(addr(i+1), 0, false)
		}
		code[addr(n-1)] = writerCode
		return code, addr(0)
	}
	for _, n := range []int{MaxDepth, MaxDepth + 1} {
		t.Run(fmt.Sprintf("%d frames", n), func(t *testing.T) {
			code, top := chain(n)
			w := &world{code: code, storage: map[common.Address]map[common.Hash]common.Hash{}}
			execs := []*trace.Transaction{w.run(t, top, nil)}
			require.Len(t, execs[0].Frames, n)
			h, txs := signedBatch(t, []memCall{{top, nil}})
			segs, err := witnessesFor(h, noL1, txs, execs, memCapacity)
			if n <= MaxDepth {
				require.NoError(t, err)
				require.Empty(t, solveAll(t, memCapacity, segs))
				return
			}
			require.ErrorIs(t, err, verifier.ErrUnsupported)
			segs, err = faultyWitnesses(h, noL1, txs, execs, memCapacity, &faults{unsupported: true})
			require.NoError(t, err)
			// Segments: header, transaction, then frame i at 2 + i.
			require.Equal(t, []int{2 + MaxDepth - 1}, solveAll(t, memCapacity, segs))
		})
	}
}

var _ frontend.Circuit = (*endSegment)(nil)

// TestStaticFrameCallsWithoutValue checks that a static frame's calls
// carry no value: a frame that calls with value (and writes nothing),
// relabelled as static with the context and boundary such a frame would
// have, is refused; relabelled as what it is, it solves.
func TestStaticFrameCallsWithoutValue(t *testing.T) {
	// valueCaller calls addrChild with value 1 and stops.
	code := []byte{0x60, 0, 0x60, 0, 0x60, 0, 0x60, 0, 0x60, 1, 0x73}
	code = append(code, addrChild[:]...)
	code = append(code, 0x5a, 0xf1, 0x50, 0x00)
	w := &world{code: map[common.Address][]byte{addrA: code, addrChild: {0x00}}, storage: map[common.Address]map[common.Hash]common.Hash{}}
	signer := types.LatestSignerForChainID(l2Chain)
	to := addrA
	tx := types.MustSignNewTx(testKey(t, "alice"), signer, &types.DynamicFeeTx{ChainID: l2Chain, GasTipCap: big.NewInt(0), GasFeeCap: big.NewInt(0), Gas: 100_000, To: &to, Value: big.NewInt(1)})
	ctx := l2Context
	exec, err := trace.RunTransaction(trace.Call{Code: code, Address: addrA, Caller: alice, Value: big.NewInt(1), Contracts: map[common.Address][]byte{addrChild: w.code[addrChild]}, Context: &ctx})
	require.NoError(t, err)
	require.Len(t, exec.Frames, 2)
	require.True(t, exec.Frames[0].Trace.Calls[0].Success)
	txs := []*types.Transaction{tx}
	h := headerFor(t, txs, noL1)
	segs, err := witnessesFor(h, noL1, txs, []*trace.Transaction{exec}, memCapacity)
	require.NoError(t, err)
	circuits, err := Circuits(memCapacity)
	require.NoError(t, err)
	s := segs[2]
	a := s.Assignment.(*frameSegment)
	// What the segment hands on with its callee's context made static
	// too, as a static caller's would be.
	call := exec.Frames[0].Trace.Calls[0]
	child := push(entryOf(addrA, alice, nil, addrChild, big.NewInt(1), nil, entryFlags{static: true}, [2]fr.Element{}, u64Of(a.Tx), delegated{}, []fr.Element{ownerOf(false, addrA)}, dataCap),
		outcomeOf(call.Success, call.ReturnData, [2]fr.Element{}, outcomeWords(callShape)))
	staticOut := boundary(h.Hash(), l2Chain, h.Transactions, feOf(a.Acc), push(child, feOf(a.Rest)), memOf(segs[3].Assignment.(*frameSegment).Mem))
	plainOut := a.Out
	Relabel(s.Assignment, h, exec.Frames[0].Trace, false, true)
	a.Out = staticOut
	require.Error(t, solveOn(circuits, s))
	Relabel(s.Assignment, h, exec.Frames[0].Trace, false, false)
	a.Out = plainOut
	require.NoError(t, solveOn(circuits, s))
}

// TestCreationRefused checks that a transaction segment refuses a
// contract creation: the first transaction's segment with a creation's
// signature in it, and the running commitment and top context that
// signature gives.
func TestCreationRefused(t *testing.T) {
	h, txs := testBatch(t)
	segs, err := witnessesFor(h, noL1, txs, testFrames(t, txs), capacity)
	require.NoError(t, err)
	s := segs[1]
	a := s.Assignment.(*transactionSegment)
	signer := types.LatestSignerForChainID(l2Chain)
	create := types.MustSignNewTx(testKey(t, "alice"), signer, &types.DynamicFeeTx{ChainID: l2Chain, GasTipCap: big.NewInt(0), GasFeeCap: big.NewInt(0), Gas: 100_000, Data: []byte{0x00}})
	_, err = witnessesFor(headerFor(t, []*types.Transaction{create}, noL1), noL1, []*types.Transaction{create}, testFrames(t, []*types.Transaction{create}), capacity)
	require.ErrorIs(t, err, verifier.ErrUnsupported)
	w, _, err := txsig.Assign(create, capacity.Calldata)
	require.NoError(t, err)
	sigs, err := Signatures([]*types.Transaction{create})
	require.NoError(t, err)
	var zero fr.Element
	// Both transactions are alice's nonce 0: the argument's state after
	// either is the same.
	after := nonceMem(memOf(a.Mem), alice, 0, 0)
	top := push(entryOf(sigs[0].Sender, sigs[0].Sender, nil, common.Address{}, create.Value(), create.Data(), entryFlags{}, [2]fr.Element{}, txTimeOf(a), delegated{}, nil, dataCap), outcomeOfSegment(a))
	seed := testL2Block.seed()
	out := boundary(h.Hash(), l2Chain, h.Transactions, fold(seed, sigs[0]), push(top, zero), after)
	circuits, err := Circuits(capacity)
	require.NoError(t, err)
	// The control: the same arithmetic for the segment's own transaction
	// solves.
	own := push(entryOf(alice, alice, nil, target, txs[0].Value(), txs[0].Data(), entryFlags{}, [2]fr.Element{}, txTimeOf(a), delegated{}, nil, dataCap), outcomeOfSegment(a))
	a.Out = boundary(h.Hash(), l2Chain, h.Transactions, fold(seed, Signature{SigningHash: signer.Hash(txs[0]), Sender: alice}), push(own, zero), after)
	require.NoError(t, solveOn(circuits, s))
	a.Tx, a.Out = w, out
	require.Error(t, solveOn(circuits, s))
}

// storageEntry is the first storage slot's end entry (not a nonce's).
func storageEntry(t *testing.T, segs []SegmentWitness) slotEntry {
	t.Helper()
	for _, s := range segs {
		if a, ok := s.Assignment.(*endSegment); ok {
			for _, e := range a.Slots {
				if isOne(e.Used) && !isOne(e.Nonce) {
					return e
				}
			}
		}
	}
	t.Fatal("no storage slot in the end segments")
	return slotEntry{}
}

// nonceMem is the storage argument's state m after a transaction of
// sender with nonce, read from the write at readTime (a transaction not
// sent to L1CALL).
func nonceMem(m memState, sender common.Address, nonce, readTime uint64) memState {
	owner := nonceOwnerOf(sender)
	var t fr.Element
	t.SetUint64(1)
	t.Add(&t, &m.time)
	var fee fr.Element // testL2Block's base fee
	ts := []memTuple{tuple(false, owner, common.Hash{}, common.BigToHash(new(big.Int).SetUint64(nonce)), readTime),
		tuple(true, owner, common.Hash{}, common.BigToHash(new(big.Int).SetUint64(nonce+1)), t.Uint64()), baseFeeTuple(false, fee)}
	out := m
	out.time = t
	out.sum = sumOf(m.sum, &m.alpha, &m.beta, ts)
	out.acc = hashElements(m.acc, owner, fr.NewElement(nonce), t, fr.NewElement(readTime), fee, fr.Element{}) // not sent to L1CALL
	return out
}

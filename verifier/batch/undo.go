package batch

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bls12-377/fr"
	"github.com/consensys/gnark/frontend"
	"github.com/ethereum/go-ethereum/common"

	"github.com/boosterkit/go-booster/verifier"
	"github.com/boosterkit/go-booster/verifier/aggregate"
	"github.com/boosterkit/go-booster/verifier/trace"
)

// The undo journal (a capacity with Capacity.Undo).
//
// The EVM undoes the storage changes of a frame that reverts and of
// every frame below it, and an L1SANDBOXCALL's L1 frame's and its
// callees' even when it returns; until then the frames of that subtree
// see each other's changes. A frame whose changes a frame above it
// throws away this way is doomed, and its scope is the time of the
// nearest frame above it that throws them away (the scope's frame: one
// that reverts, or a sandbox's L1 frame), which every entry carries
// (frameSegment.Doomed) and the scope's frame sets for its callees.
//
// A doomed frame does not touch a slot's own tuples in the storage
// argument but shadow ones, under the slot's owner plus scope·2^198
// (scopedOwnerOf outside the circuit): the first access of the scope to a slot (a checkout)
// reads the slot's live tuple, the real one (owner) or that of an
// enclosing scope that checked it out before (its from scope, always
// below the scope: an enclosing scope's frame runs first), writes a memo
// of what it found (under the shadow owner plus 2^230, with the from
// scope as its time) and the value it leaves to the shadow; later
// accesses of the scope read and write the shadow. A slot has one live
// tuple at a time, so a frame cannot read a value the scope changed from
// anywhere but the shadow.
//
// The scope's frame pushes a marker on the pending stack below its
// callees' contexts: its time in place of a context (a frame's context
// is a Poseidon2 hash, below 2^32 with negligible probability, and an
// undo segment checks the time's range, so neither pops the other's);
// once the subtree has returned, the marker is on top and undo segments
// pop it: each reads, for slots the scope checked out, the memo and the
// shadow's last write, and writes the memo's value back to the from
// scope's tuple (or the real one) at its own time. A memo no undo
// segment reads leaves the storage argument's sum unbalanced, so no
// change of the subtree can stay. Owners of the storage argument's own
// slots are below 2^198, scopes below 2^32.

// two198 places a scope in a shadow owner, two230 marks a memo's.
var (
	two198 = new(big.Int).Lsh(big.NewInt(1), 198)
	two230 = new(big.Int).Lsh(big.NewInt(1), 230)
)

// frameJournal is a frame's part of the undo journal: whether it pushes
// its scope's marker and, per storage and transient slot, whether its
// access is its scope's checkout of the slot (First) and from which
// scope (From: 0 for the slot's own tuple).
type frameJournal struct {
	Marker                        frontend.Variable
	First, From                   []frontend.Variable
	TransientFirst, TransientFrom []frontend.Variable
}

// newFrameJournal is the empty journal of a frame of shape s in capacity
// c: one where c journals, none otherwise.
func newFrameJournal(c Capacity, s verifier.Shape) []frameJournal {
	if !c.journal() {
		return nil
	}
	return []frameJournal{{First: make([]frontend.Variable, s.Storage), From: make([]frontend.Variable, s.Storage),
		TransientFirst: make([]frontend.Variable, s.Transient), TransientFrom: make([]frontend.Variable, s.Transient)}}
}

// journalElements are the journal's values the storage argument's hash
// chain takes.
func journalElements(api frontend.API, j []frameJournal) []frontend.Variable {
	var vs []frontend.Variable
	for _, f := range j {
		for _, l := range [][]frontend.Variable{f.First, f.From, f.TransientFirst, f.TransientFrom} {
			vs = append(vs, packTimes(api, l)...)
		}
	}
	return vs
}

// journalAccess is the storage argument's terms of a journaling frame's
// access to slot sl under owner (see slotAccess), its scope being scope
// (0 where it is not doomed): from the slot's live tuple (its own, or
// where first, its checkout, the from scope's) and to the scope's
// shadow, with a memo where first. left is 1 where it leaves the slot's
// initial value (it reverts, or it is a sandbox's).
func (c *frameSegment) journalAccess(api frontend.API, owner frontend.Variable, sl *verifier.Slot, readTime, t, undo, scope, first, from frontend.Variable) frontend.Variable {
	m := c.Mem
	api.ToBinary(readTime, timeBits)
	api.ToBinary(api.Mul(sl.Used, api.Sub(t, readTime, 1)), timeBits)
	api.AssertIsEqual(api.Mul(c.Delegation.On, sl.Used, api.IsZero(api.Sub(readTime, c.Delegation.By))), 0)
	// A checkout only of a used slot, in a doomed frame, from a scope
	// below its own.
	api.AssertIsBoolean(first)
	api.AssertIsEqual(api.Mul(api.Sub(1, sl.Used), first), 0)
	api.AssertIsEqual(api.Mul(api.Sub(1, first), from), 0)
	api.ToBinary(from, timeBits)
	api.ToBinary(api.Mul(first, api.Sub(scope, from, 1)), timeBits)
	readOwner := api.Add(owner, api.Mul(api.Select(first, from, scope), two198))
	shadow := api.Add(owner, api.Mul(scope, two198))
	leftHi := api.Select(undo, sl.InitHi, sl.FinalHi)
	leftLo := api.Select(undo, sl.InitLo, sl.FinalLo)
	w := m.term(api, m.fingerprint(api, shadow, sl.KeyHi, sl.KeyLo, leftHi, leftLo, t))
	r := m.term(api, m.fingerprint(api, readOwner, sl.KeyHi, sl.KeyLo, sl.InitHi, sl.InitLo, readTime))
	memo := m.term(api, m.fingerprint(api, api.Add(shadow, two230), sl.KeyHi, sl.KeyLo, sl.InitHi, sl.InitLo, from))
	return api.Mul(sl.Used, api.Add(api.Sub(w, r), api.Mul(first, memo)))
}

// undoSegment restores, once the subtree of the frame whose time is
// Scope has returned, the slots that scope checked out (see the undo
// journal above): it pops the scope's marker and, where Again is 1,
// pushes it back for the next undo segment (a scope with more slots than
// one segment holds). Each used entry reads the memo (Owner, key, the
// value found, From) and the shadow's last write (its value and time,
// before the segment's), and writes the value found to the From scope's
// tuple (or the slot's own, From 0) at the segment's time.
type undoSegment struct {
	aggregate.SegmentInputs
	carried
	Scope, Rest, Again frontend.Variable
	Entries            []undoEntry
}

// undoEntry is one slot an undo segment restores.
type undoEntry struct {
	Used, Owner, KeyHi, KeyLo frontend.Variable
	// InitHi and InitLo are the value the scope found, From the scope it
	// found it in (0: the slot's own tuple), LastHi, LastLo and LastTime
	// the shadow's last write.
	InitHi, InitLo, From     frontend.Variable
	LastHi, LastLo, LastTime frontend.Variable
}

// newUndoSegment is the empty undo segment of n entries.
func newUndoSegment(n int) *undoSegment {
	return &undoSegment{Entries: make([]undoEntry, n)}
}

// Define implements frontend.Circuit.
func (c *undoSegment) Define(api frontend.API) error {
	if err := c.enter(api, &c.SegmentInputs); err != nil {
		return err
	}
	// The scope's marker is on top.
	api.ToBinary(c.Scope, timeBits)
	marker, err := hashVars(api, c.Scope, c.Rest)
	if err != nil {
		return err
	}
	api.AssertIsEqual(c.Pending, marker)
	api.AssertIsBoolean(c.Again)
	pending := api.Select(c.Again, marker, c.Rest)
	m := c.Mem
	t := api.Add(m.Time, 1)
	api.ToBinary(t, timeBits)
	sum := m.Sum
	vs := []frontend.Variable{m.Acc, c.Scope, t}
	for i := range c.Entries {
		e := &c.Entries[i]
		api.AssertIsBoolean(e.Used)
		api.ToBinary(api.Mul(e.Used, api.Sub(t, e.LastTime, 1)), timeBits)
		shadow := api.Add(e.Owner, api.Mul(c.Scope, two198))
		memo := m.term(api, m.fingerprint(api, api.Add(shadow, two230), e.KeyHi, e.KeyLo, e.InitHi, e.InitLo, e.From))
		last := m.term(api, m.fingerprint(api, shadow, e.KeyHi, e.KeyLo, e.LastHi, e.LastLo, e.LastTime))
		back := m.term(api, m.fingerprint(api, api.Add(e.Owner, api.Mul(e.From, two198)), e.KeyHi, e.KeyLo, e.InitHi, e.InitLo, t))
		sum = api.Add(sum, api.Mul(e.Used, api.Sub(back, api.Add(memo, last))))
		vs = append(vs, e.Used, e.Owner, e.KeyHi, e.KeyLo, e.InitHi, e.InitLo, e.From, e.LastHi, e.LastLo, e.LastTime)
	}
	acc, err := hashVars(api, vs...)
	if err != nil {
		return err
	}
	out, err := c.boundary(api, &c.SegmentInputs, c.Acc, pending, m.next(t, acc, sum))
	if err != nil {
		return err
	}
	api.AssertIsEqual(c.Out, out)
	return nil
}

// Outside the circuit.

// checkout is a scope's checkout of a slot: the value it found there and
// the scope it found it in (0: the slot's own tuple).
type checkout struct {
	key   slotKey
	found common.Hash
	from  uint64
}

// scopedOwnerOf is owner o in scope s (o itself for s 0), memo adding
// 2^230 (a memo's owner).
func scopedOwnerOf(o fr.Element, s uint64, memo bool) fr.Element {
	v := new(big.Int).Mul(new(big.Int).SetUint64(s), two198)
	if memo {
		v.Add(v, two230)
	}
	var e fr.Element
	e.SetBigInt(v)
	return *e.Add(&e, &o)
}

// markerOf is the pending stack's entry of scope s's marker.
func markerOf(s uint64) pending {
	return pending{ctx: fr.NewElement(s), marker: true, scope: s}
}

// undo pops the markers on top of stack, each with the undo segments
// (of n entries, kind kind) that restore what its scope checked out.
func (b *draftBatch) undo(stack *[]pending, n, kind int) {
	for len(*stack) > 0 && (*stack)[len(*stack)-1].marker {
		st := *stack
		s := st[len(st)-1].scope
		outs := b.checkouts[s]
		delete(b.checkouts, s)
		for {
			chunk := outs[:min(n, len(outs))]
			outs = outs[len(chunk):]
			again := len(outs) > 0
			before := pendingOf(st)
			seg, tuples := b.undoSegment(s, chunk, n, again, pendingOf(st[:len(st)-1]))
			if !again {
				st = st[:len(st)-1]
			}
			b.addAt(kind, seg, tuples, b.acc, before, st)
			if !again {
				break
			}
		}
		*stack = st
	}
}

// undoSegment assigns the undo segment of scope s over chunk (of n
// entries), rest the pending stack below the marker, and advances the
// storage argument, returning the segment and its tuples.
func (b *draftBatch) undoSegment(s uint64, chunk []checkout, n int, again bool, rest fr.Element) (*undoSegment, []memTuple) {
	t := b.mem.time
	t.Add(&t, new(fr.Element).SetOne())
	now := t.Uint64()
	seg := newUndoSegment(n)
	seg.Scope, seg.Rest, seg.Again = s, rest.BigInt(new(big.Int)), bitInt(again)
	es := []fr.Element{b.mem.acc, fr.NewElement(s), t}
	var tuples []memTuple
	for i := range seg.Entries {
		e := &seg.Entries[i]
		if i >= len(chunk) {
			*e = undoEntry{Used: 0, Owner: 0, KeyHi: 0, KeyLo: 0, InitHi: 0, InitLo: 0, From: 0, LastHi: 0, LastLo: 0, LastTime: 0}
			es = append(es, make([]fr.Element, 10)...)
			continue
		}
		co := chunk[i]
		st := b.state[co.key]
		o := co.key.owner()
		found := co.found
		if b.faults != nil && b.faults.undoFound != nil {
			found = b.faults.undoFound(co.key, found, st.value)
		}
		tuples = append(tuples, tuple(false, scopedOwnerOf(o, s, true), co.key.key, found, co.from),
			tuple(false, scopedOwnerOf(o, s, false), co.key.key, st.value, st.time),
			tuple(true, scopedOwnerOf(o, co.from, false), co.key.key, found, now))
		*e = undoEntry{Used: 1, Owner: o.BigInt(new(big.Int)), KeyHi: new(big.Int).SetBytes(co.key.key[:16]), KeyLo: new(big.Int).SetBytes(co.key.key[16:]),
			InitHi: new(big.Int).SetBytes(found[:16]), InitLo: new(big.Int).SetBytes(found[16:]), From: co.from,
			LastHi: new(big.Int).SetBytes(st.value[:16]), LastLo: new(big.Int).SetBytes(st.value[16:]), LastTime: st.time}
		es = append(es, fr.NewElement(1), o, elem(co.key.key[:16]), elem(co.key.key[16:]), elem(found[:16]), elem(found[16:]), fr.NewElement(co.from),
			elem(st.value[:16]), elem(st.value[16:]), fr.NewElement(st.time))
		st.value, st.time, st.scope = found, now, co.from
	}
	b.mem.acc = hashElements(es...)
	b.mem.time = t
	return seg, tuples
}

// journalAccess is access for a journaling capacity's frame in scope s
// (0 where it is not doomed, and for every frame of a capacity that does
// not journal): it reads the slot's live tuple and leaves its value to
// the scope's shadow (the slot's own tuple for scope 0), checking it out
// where the scope has not. It returns the read's time, whether it
// checked the slot out and from which scope, and the tuples.
func (b *draftBatch) journalAccess(k slotKey, sl trace.StorageSlot, start common.Hash, undo bool, s uint64, d delegated, now uint64, fault func(honest uint64) uint64) (uint64, bool, uint64, []memTuple, error) {
	st, seen := b.state[k]
	if !seen {
		st = &slotState{initial: start, value: start}
		b.state[k] = st
		b.order = append(b.order, k)
	}
	if st.value != sl.Initial && !b.faults.has(func(f *faults) bool { return f.inconsistent }) {
		return 0, false, 0, nil, fmt.Errorf("%w: slot %s starts at %s, the frames before left %s", ErrStatement, sl.Key, sl.Initial, st.value)
	}
	if d.on && st.time == d.by && !b.faults.has(func(f *faults) bool { return f.unsupported }) {
		return 0, false, 0, nil, fmt.Errorf("%w: slot %s, which the frame that DELEGATECALLed this one touches too", verifier.ErrUnsupported, sl.Key)
	}
	if st.scope > s {
		return 0, false, 0, nil, fmt.Errorf("%w: slot %s is checked out by scope %d, the frame's is %d", ErrStatement, sl.Key, st.scope, s)
	}
	left := sl.Final
	if undo {
		left = sl.Initial
	}
	read := st.time
	if fault != nil {
		read = fault(st.time)
	}
	o := k.owner()
	first, from := st.scope != s, st.scope
	if !first && b.faults != nil && b.faults.recheckout != nil {
		first, from = true, b.faults.recheckout(s)
	}
	readScope := s
	if first {
		readScope = from
	} else {
		from = 0
	}
	tuples := []memTuple{tuple(false, scopedOwnerOf(o, readScope, false), sl.Key, sl.Initial, read), tuple(true, scopedOwnerOf(o, s, false), sl.Key, left, now)}
	if first {
		tuples = append(tuples, tuple(true, scopedOwnerOf(o, s, true), sl.Key, sl.Initial, from))
		b.checkouts[s] = append(b.checkouts[s], checkout{key: k, found: sl.Initial, from: from})
	}
	st.value, st.time, st.scope = left, now, s
	return read, first, from, tuples, nil
}

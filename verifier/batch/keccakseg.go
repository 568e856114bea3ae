package batch

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/consensys/gnark-crypto/ecc/bls12-377/fr"
	"github.com/consensys/gnark/frontend"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/boosterkit/go-booster/verifier"
	"github.com/boosterkit/go-booster/verifier/aggregate"
	"github.com/boosterkit/go-booster/verifier/keccak"
)

// keccakInputBytes is a keccak segment entry's capacity: a frame's short
// keccak entry (one Keccak-f permutation).
const keccakInputBytes = 135

// keccakSegment hashes distinct KECCAK256 inputs of the batch's frames
// (those of a shape with verifier.Shape.KeccakClaims, which hash
// nothing themselves): for each entry, keccak256 of its first Len bytes
// (the bytes past Len are zero), written to the storage argument under
// the input's digest (codeDigest, as a code segment writes a code's
// hash) Uses times, once for each claim of a frame that reads it. So an
// input that several steps, frames or transactions hash is hashed once
// per batch. Entries hold up to 135 bytes (one Keccak-f permutation),
// Long entries longer inputs (as many permutations as the frame shapes'
// long keccak entries).
type keccakSegment struct {
	aggregate.SegmentInputs
	carried
	Entries, Long []keccakSegmentEntry
}

// keccakSegmentEntry is one input of a keccak segment.
type keccakSegmentEntry struct {
	Len, Uses frontend.Variable
	Bytes     []frontend.Variable
}

// newKeccakSegment is the empty keccak segment of n entries and m long
// ones of longBytes bytes each.
func newKeccakSegment(n, m, longBytes int) *keccakSegment {
	s := &keccakSegment{Entries: make([]keccakSegmentEntry, n), Long: make([]keccakSegmentEntry, m)}
	for i := range s.Entries {
		s.Entries[i].Bytes = make([]frontend.Variable, keccakInputBytes)
	}
	for i := range s.Long {
		s.Long[i].Bytes = make([]frontend.Variable, longBytes)
	}
	return s
}

// Define implements frontend.Circuit.
func (c *keccakSegment) Define(api frontend.API) error {
	if err := c.enter(api, &c.SegmentInputs); err != nil {
		return err
	}
	kh := keccak.New(api)
	m, sum, vs := c.start()
	for _, e := range append(slices.Clone(c.Entries), c.Long...) {
		// codeDigest checks Len against the capacity and the bytes past
		// it, keccakOf that the bytes are bytes.
		digest, err := codeDigest(api, e.Len, e.Bytes)
		if err != nil {
			return err
		}
		hash, err := keccakOf(api, kh, e.Bytes, e.Len)
		if err != nil {
			return err
		}
		sum = api.Add(sum, api.Mul(e.Uses, m.term(api, m.fingerprint(api, keccakOwner, digest, 0, hash[0], hash[1], 0))))
		vs = append(vs, e.Len, digest, hash[0], hash[1], e.Uses)
	}
	return c.finish(api, &c.SegmentInputs, sum, vs...)
}

// frameClaims adds the keccak claims of a frame (FrameOutcome.Keccak) to
// the storage argument's sum, each used one a read of its input's hash
// under its digest, and returns the sum and the values the argument's
// hash chain takes for them.
func frameClaims(api frontend.API, m memory, sum frontend.Variable, claims []verifier.KeccakClaim) (frontend.Variable, []frontend.Variable, error) {
	var vs []frontend.Variable
	for _, cl := range claims {
		digest, err := codeDigest(api, cl.Len, cl.Input)
		if err != nil {
			return nil, nil, err
		}
		sum = api.Sub(sum, api.Mul(cl.Used, m.term(api, m.fingerprint(api, keccakOwner, digest, 0, cl.Hash.Hi, cl.Hash.Lo, 0))))
		vs = append(vs, cl.Used, digest, cl.Hash.Hi, cl.Hash.Lo)
	}
	return sum, vs, nil
}

// emptyDigest is the digest of no bytes, an unused claim's.
var emptyDigest = digestOf(nil)

// keccakUse is one distinct KECCAK256 input of a batch and how many
// frame claims read its hash.
type keccakUse struct {
	input []byte
	uses  int
}

// keccakUses collects the batch's distinct KECCAK256 inputs, in first-use
// order: those of up to 135 bytes (short) and the longer ones apart.
type keccakUses struct {
	byInput     map[string]*keccakUse
	short, long []*keccakUse
}

// claims returns the storage argument's reads of a frame's keccak claims
// and the hash chain's values for them (all n entries, used first), and
// counts each input's use. A claimed hash that is not the input's is
// refused with ErrStatement unless forged is set.
func (k *keccakUses) claims(inputs []verifier.KeccakInput, n int, forged bool) ([]memTuple, []fr.Element, error) {
	if k.byInput == nil {
		k.byInput = map[string]*keccakUse{}
	}
	var tuples []memTuple
	var es []fr.Element
	for j := range n {
		if j >= len(inputs) {
			es = append(es, fr.Element{}, emptyDigest, fr.Element{}, fr.Element{})
			continue
		}
		in := inputs[j]
		if h := crypto.Keccak256Hash(in.Input); h != in.Hash && !forged {
			return nil, nil, fmt.Errorf("%w: a KECCAK256 of %d bytes pushed %s, their keccak256 is %s", ErrStatement, len(in.Input), in.Hash, h)
		}
		u, seen := k.byInput[string(in.Input)]
		if !seen {
			u = &keccakUse{input: bytes.Clone(in.Input)}
			k.byInput[string(in.Input)] = u
			if len(in.Input) <= keccakInputBytes {
				k.short = append(k.short, u)
			} else {
				k.long = append(k.long, u)
			}
		}
		u.uses++
		d := digestOf(in.Input)
		tuples = append(tuples, keccakTuple(false, d, in.Hash))
		es = append(es, fr.NewElement(1), d, elem(in.Hash[:16]), elem(in.Hash[16:]))
	}
	return tuples, es, nil
}

// segments adds the keccak segments of n entries and m long ones of
// longBytes bytes each that write every input's hash, as many times as
// it is read. It fails with verifier.ErrCapacity for a long input where
// the segments hold none that long.
func (k *keccakUses) segments(b *draftBatch, n, m, longBytes int) error {
	for _, u := range k.long {
		if len(u.input) > longBytes {
			return fmt.Errorf("%w: a KECCAK256 input of %d bytes, the keccak segments hold %d", verifier.ErrCapacity, len(u.input), longBytes)
		}
	}
	count := (len(k.short) + n - 1) / n
	if m > 0 {
		count = max(count, (len(k.long)+m-1)/m)
	}
	for i := range count {
		seg := newKeccakSegment(n, m, longBytes)
		var tuples []memTuple
		es := []fr.Element{b.mem.acc}
		fill := func(entries []keccakSegmentEntry, uses []*keccakUse) {
			for j := range entries {
				e := &entries[j]
				var in []byte
				reads := 0
				if j < len(uses) {
					in, reads = uses[j].input, uses[j].uses
					if fl := b.faults; fl != nil && fl.keccakUses != nil {
						reads = fl.keccakUses(reads)
					}
					if fl := b.faults; fl != nil && fl.keccakInput != nil {
						in = fl.keccakInput(in)
					}
				}
				e.Len, e.Uses = len(in), reads
				for p := range e.Bytes {
					e.Bytes[p] = 0
					if p < len(in) {
						e.Bytes[p] = in[p]
					}
				}
				h := crypto.Keccak256Hash(in)
				d := digestOf(in)
				for range reads {
					tuples = append(tuples, keccakTuple(true, d, h))
				}
				es = append(es, fr.NewElement(uint64(len(in))), d, elem(h[:16]), elem(h[16:]), fr.NewElement(uint64(reads)))
			}
		}
		fill(seg.Entries, window(k.short, i*n, n))
		fill(seg.Long, window(k.long, i*m, m))
		b.mem.acc = hashElements(es...)
		b.add(KindKeccak, seg, tuples, nil)
	}
	return nil
}

// window is up to n elements of s from i on.
func window[T any](s []T, i, n int) []T {
	if i >= len(s) {
		return nil
	}
	return s[i:min(i+n, len(s))]
}

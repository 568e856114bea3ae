package batch

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bls12-377/fr"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/lookup/logderivlookup"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/rlp"
	"github.com/holiman/uint256"

	"github.com/boosterkit/go-booster/verifier"
	"github.com/boosterkit/go-booster/verifier/aggregate"
	"github.com/boosterkit/go-booster/verifier/keccak"
	"github.com/boosterkit/go-booster/verifier/trace"
)

// DefaultL1Block is the block segment's capacity of L1 block header
// bytes (RLP) when Capacity.L1Block is zero: an Osaka header with 32
// bytes of extra data is about 620.
const DefaultL1Block = 768

// l1Block is the block segment's header capacity.
func (c Capacity) l1Block() int {
	if c.L1Block <= 0 {
		return DefaultL1Block
	}
	return c.L1Block
}

// The owners of the block entries of the storage argument (no address):
// the pinned L1 block's hash, which the header segment writes (key the L1
// chain id) and the block segment reads, the L1 frames' context, which
// the block segment writes and each L1 frame reads, and the L2 block's:
// its context digest (key 0), which the header segment writes and each
// L2 frame reads, and its base fee (key 1), which each transaction
// segment reads for its gas price.
var (
	blockOwner      = new(big.Int).Mul(big.NewInt(domBlock), two162)
	contextOwner    = new(big.Int).Mul(big.NewInt(domContext), two162)
	l2BlockOwner    = new(big.Int).Mul(big.NewInt(domL2Block), two162)
	parentHashOwner = new(big.Int).Mul(big.NewInt(domParentHash), two162)
)

// The indices of NUMBER's and PREVRANDAO's words among a frame's context
// words.
const (
	contextNumber     = verifier.ContextChainID - 3
	contextPrevrandao = verifier.ContextChainID - 2
)

// The fixed layout of an L1 block header's RLP up to its difficulty: the
// list's three-byte prefix (the header is 256 to 65,535 bytes), parent
// hash, ommers hash, coinbase, three roots, the bloom.
const (
	rlpCoinbase   = 3 + 33 + 33 + 1 // the coinbase's 20 bytes
	rlpDifficulty = 3 + 33 + 33 + 21 + 3*33 + 259
)

// blockSegment proves the L1 frames' block context (SPEC §1: the pinned
// L1 block's): it reads the pinned block's hash from the storage
// argument, where the header segment wrote it from the header with the
// L1 chain id (ChainID, as 128-bit halves), checks that the first Length
// bytes of Header (RLP) hash to it, takes from them the coinbase,
// timestamp, number, prevrandao (the mix digest: the difficulty must be
// zero), gas limit and base fee, and writes the context the L1 EVM runs
// in (with that chain id) to the argument Uses times, once for each L1
// frame of the batch, which reads it, and the block's parent hash (its
// first field) under the parent's number ParentUses times, once for each
// BLOCKHASH of the parent an L1 frame reads. An L1 frame's gas price,
// zero as the L1 EVM runs, comes with its entry (frameSegment.callee).
type blockSegment struct {
	aggregate.SegmentInputs
	carried
	ChainID                  [2]frontend.Variable
	Length, Uses, ParentUses frontend.Variable
	Header                   []frontend.Variable
}

// Define implements frontend.Circuit.
func (c *blockSegment) Define(api frontend.API) error {
	if err := c.enter(api, &c.SegmentInputs); err != nil {
		return err
	}
	kh := keccak.New(api)
	hash, err := keccakOf(api, kh, c.Header, c.Length)
	if err != nil {
		return err
	}
	ctx, err := parseHeader(api, c.Header, c.Length)
	if err != nil {
		return err
	}
	ctx[verifier.ContextChainID] = verifier.Word{Hi: c.ChainID[0], Lo: c.ChainID[1]}
	digest, err := contextDigest(api, ctx)
	if err != nil {
		return err
	}
	m := c.Mem
	sum := api.Sub(m.Sum, m.term(api, m.fingerprint(api, blockOwner, c.ChainID[0], c.ChainID[1], hash[0], hash[1], 0)))
	sum = api.Add(sum, api.Mul(c.Uses, m.term(api, m.fingerprint(api, contextOwner, 0, 0, digest, 0, 0))))
	// The parent hash: the header list's first field, a 32-byte string.
	api.AssertIsEqual(c.Header[3], 0xa0)
	parentHi, parentLo := bytesValue(api, c.Header[4:20]), bytesValue(api, c.Header[20:36])
	parent := api.Sub(ctx[contextNumber].Lo, 1)
	sum = api.Add(sum, api.Mul(c.ParentUses, m.term(api, m.fingerprint(api, parentHashOwner, 0, parent, parentHi, parentLo, 0))))
	return c.finish(api, &c.SegmentInputs, sum, m.Acc, c.ChainID[0], c.ChainID[1], hash[0], hash[1], c.Length, c.Uses, digest, c.ParentUses)
}

// contextWords is the number of context words a frame's context digest
// covers: COINBASE to BASEFEE (not GASPRICE, which is the transaction's
// and comes with a frame's entry, nor the balance).
const contextWords = verifier.ContextChainID + 2

// contextDigest is the Poseidon2 hash of a frame's context words,
// COINBASE to BASEFEE, as limbs.
func contextDigest(api frontend.API, ctx []verifier.Word) (frontend.Variable, error) {
	vs := make([]frontend.Variable, 0, 2*contextWords)
	for _, w := range ctx[:contextWords] {
		vs = append(vs, w.Hi, w.Lo)
	}
	return hashVars(api, vs...)
}

// parseHeader takes the block context from an L1 block header's RLP
// (the first length bytes of b, which keccakOf checked are bytes): the
// coinbase at its fixed place, then, walking the fields from the
// difficulty (which must be zero), the number, gas limit, gas used,
// timestamp, extra data, mix digest (prevrandao), nonce and base fee. It
// returns the context words in the EVM circuit's order, chain id and gas
// price zero.
func parseHeader(api frontend.API, b []frontend.Variable, length frontend.Variable) ([]verifier.Word, error) {
	if len(b) < rlpDifficulty+1 {
		return nil, fmt.Errorf("batch: an L1 block header capacity of %d bytes, below the %d up to its difficulty", len(b), rlpDifficulty+1)
	}
	t := logderivlookup.New(api)
	for _, v := range b {
		t.Insert(v)
	}
	at := func(i frontend.Variable) frontend.Variable { return t.Lookup(i)[0] }
	// Every byte past the header is zero, so that a field the header does
	// not have (the base fee before London) reads as zero.
	api.ToBinary(api.Sub(len(b), length), 16)
	var past frontend.Variable = 0
	for i, v := range b {
		past = api.Add(past, api.IsZero(api.Sub(length, i)))
		api.AssertIsEqual(api.Mul(past, v), 0)
	}
	// The list: 0xf9 and the payload's length in two bytes.
	api.AssertIsEqual(b[0], 0xf9)
	api.AssertIsEqual(length, api.Add(3, api.Mul(b[1], 256), b[2]))
	// A zero difficulty (after the merge): PREVRANDAO is the mix digest.
	api.AssertIsEqual(b[rlpDifficulty], 0x80)
	// field reads the string at o of at most n bytes (a single byte below
	// 0x80 is itself) and returns its bytes right-aligned in n, and the
	// offset past it.
	field := func(o frontend.Variable, n int) ([]frontend.Variable, frontend.Variable) {
		p := at(o)
		bits := api.ToBinary(p, 8)
		single := api.Sub(1, bits[7])
		// The length: 1 for a single byte, p − 0x80 for a short string.
		l := api.Add(single, api.Mul(api.Sub(1, single), api.Sub(p, 0x80)))
		api.ToBinary(api.Sub(n, l), 8) // at most n bytes (no long string)
		start := api.Sub(api.Add(o, 1), single)
		eq := make([]frontend.Variable, n+1)
		for j := range eq {
			eq[j] = api.IsZero(api.Sub(l, j))
		}
		out := make([]frontend.Variable, n)
		var mask frontend.Variable = 0
		for k := range n {
			// Byte k of the right-aligned value is the string's byte
			// k − (n − l), where k ≥ n − l.
			mask = api.Add(mask, eq[n-k])
			idx := api.Mul(mask, api.Add(start, k-n, l))
			out[k] = api.Mul(mask, at(idx))
		}
		return out, api.Add(start, l)
	}
	// skip is the offset past the string at o of at most n bytes.
	skip := func(o frontend.Variable, n int) frontend.Variable {
		p := at(o)
		bits := api.ToBinary(p, 8)
		single := api.Sub(1, bits[7])
		l := api.Add(single, api.Mul(api.Sub(1, single), api.Sub(p, 0x80)))
		api.ToBinary(api.Sub(n, l), 8)
		return api.Add(o, 1, api.Mul(api.Sub(1, single), api.Sub(p, 0x80)))
	}
	value := func(bs []frontend.Variable) verifier.Word {
		if len(bs) <= 16 {
			return verifier.Word{Hi: 0, Lo: bytesValue(api, bs)}
		}
		return verifier.Word{Hi: bytesValue(api, bs[:len(bs)-16]), Lo: bytesValue(api, bs[len(bs)-16:])}
	}
	o := frontend.Variable(rlpDifficulty + 1)
	number, o := field(o, 8)
	gasLimit, o := field(o, 8)
	o = skip(o, 8) // gas used
	timestamp, o := field(o, 8)
	o = skip(o, 55) // extra data
	mix, o := field(o, 32)
	o = skip(o, 8) // nonce
	baseFee, _ := field(o, 32)
	ctx := make([]verifier.Word, contextWords)
	ctx[0] = value(b[rlpCoinbase : rlpCoinbase+20])
	ctx[1], ctx[2], ctx[3], ctx[4] = value(timestamp), value(number), value(mix), value(gasLimit)
	ctx[verifier.ContextChainID] = verifier.Word{Hi: 0, Lo: 0}
	ctx[verifier.ContextChainID+1] = value(baseFee)
	return ctx, nil
}

// l1Context is the block context of the L1 frames of a batch pinned to
// block on the L1 chain chainID (SPEC §1), as the L1 EVM gives it.
func l1Context(block *types.Header, chainID *big.Int) trace.Context {
	c := trace.Context{Coinbase: block.Coinbase, Timestamp: block.Time, Number: block.Number.Uint64(), PrevRandao: block.MixDigest, GasLimit: block.GasLimit}
	c.ChainID.SetFromBig(chainID)
	if block.BaseFee != nil {
		c.BaseFee.SetFromBig(block.BaseFee)
	}
	return c
}

// checkBlock checks the pinned L1 block of header h: its hash and number
// are the header's, its difficulty zero, its RLP within n bytes. It
// returns the RLP.
func checkBlock(h *Header, block *types.Header, n int) ([]byte, error) {
	switch {
	case block == nil:
		return nil, fmt.Errorf("%w: the batch runs L1 frames, and the L1 lists have no L1 block header", ErrStatement)
	case block.Hash() != h.L1BlockHash:
		return nil, fmt.Errorf("%w: the L1 block header given hashes to %s, the header's L1 block hash is %s", ErrStatement, block.Hash(), h.L1BlockHash)
	case block.Number == nil || !block.Number.IsUint64() || block.Number.Uint64() != h.L1BlockNumber:
		return nil, fmt.Errorf("%w: the L1 block header given is of block %v, the header's is %d", ErrStatement, block.Number, h.L1BlockNumber)
	case block.Difficulty != nil && block.Difficulty.Sign() != 0:
		return nil, fmt.Errorf("batch: %w: an L1 block with a difficulty (before the merge)", verifier.ErrUnsupported)
	}
	enc, err := rlp.EncodeToBytes(block)
	if err != nil {
		return nil, fmt.Errorf("batch: encode the L1 block header: %w", err)
	}
	if len(enc) > n {
		return nil, fmt.Errorf("%w: an L1 block header of %d bytes, the block segment holds %d", verifier.ErrCapacity, len(enc), n)
	}
	return enc, nil
}

// blockOps are the opcodes that push an L1 frame's block context.
var blockOps = map[vm.OpCode]func(c *trace.Context) uint256.Int{
	vm.COINBASE:   func(c *trace.Context) uint256.Int { return *new(uint256.Int).SetBytes(c.Coinbase[:]) },
	vm.TIMESTAMP:  func(c *trace.Context) uint256.Int { return *uint256.NewInt(c.Timestamp) },
	vm.NUMBER:     func(c *trace.Context) uint256.Int { return *uint256.NewInt(c.Number) },
	vm.PREVRANDAO: func(c *trace.Context) uint256.Int { return *new(uint256.Int).SetBytes(c.PrevRandao[:]) },
	vm.GASLIMIT:   func(c *trace.Context) uint256.Int { return *uint256.NewInt(c.GasLimit) },
	vm.CHAINID:    func(c *trace.Context) uint256.Int { return c.ChainID },
	vm.BASEFEE:    func(c *trace.Context) uint256.Int { return c.BaseFee },
	vm.GASPRICE:   func(c *trace.Context) uint256.Int { return c.GasPrice },
}

// contextOps are the opcodes of the context words, in the EVM circuit's
// order.
var contextOps = [contextWords]vm.OpCode{vm.COINBASE, vm.TIMESTAMP, vm.NUMBER, vm.PREVRANDAO, vm.GASLIMIT, vm.CHAINID, vm.BASEFEE}

// inContext returns tr with its Context replaced by ctx, after checking
// that every block value tr's steps read (the words a recorder knows) is
// ctx's; whose names the context in the error.
func inContext(tr *trace.Trace, ctx trace.Context, whose string) (*trace.Trace, error) {
	for _, st := range tr.Steps {
		if get, ok := blockOps[st.Op]; ok {
			if got, want := get(&tr.Context), get(&ctx); !got.Eq(&want) {
				return nil, fmt.Errorf("%w: the frame at %s reads %s = %s at pc %d, %s is %s", ErrStatement, tr.Address, st.Op, got.Hex(), st.PC, whose, want.Hex())
			}
		}
	}
	out := *tr
	out.Context = ctx
	return &out, nil
}

// block assigns the block segment for the RLP enc of the pinned L1 block
// on chain chainID, whose context is ctx, read by uses L1 frames, for a
// capacity of n bytes.
func (b *draftBatch) block(enc []byte, ctx trace.Context, chainID *big.Int, uses, parentUses, n int) (*blockSegment, []memTuple) {
	seg := &blockSegment{Length: len(enc), Uses: uses, ParentUses: parentUses, Header: make([]frontend.Variable, n)}
	for i := range seg.Header {
		seg.Header[i] = 0
		if i < len(enc) {
			seg.Header[i] = enc[i]
		}
	}
	id := common.BigToHash(chainID)
	seg.ChainID = [2]frontend.Variable{new(big.Int).SetBytes(id[:16]), new(big.Int).SetBytes(id[16:])}
	hash := crypto.Keccak256Hash(enc)
	digest := contextDigestOf(ctx)
	var bo, co fr.Element
	bo.SetBigInt(blockOwner)
	co.SetBigInt(contextOwner)
	tuples := []memTuple{{owner: bo, keyHi: elem(id[:16]), keyLo: elem(id[16:]), valHi: elem(hash[:16]), valLo: elem(hash[16:])}}
	for range uses {
		tuples = append(tuples, memTuple{write: true, owner: co, valHi: digest})
	}
	// The parent hash: the RLP list's first field (a 32-byte string).
	parent := parentHashTuple(ctx.Number-1, common.BytesToHash(enc[4:36]))
	parent.write = true
	for range parentUses {
		tuples = append(tuples, parent)
	}
	b.mem.acc = hashElements(b.mem.acc, elem(id[:16]), elem(id[16:]), elem(hash[:16]), elem(hash[16:]), fr.NewElement(uint64(len(enc))), fr.NewElement(uint64(uses)), digest, fr.NewElement(uint64(parentUses)))
	return seg, tuples
}

// parentHashTuple is an L1 frame's read of the pinned block's parent
// hash, of block n.
func parentHashTuple(n uint64, hash common.Hash) memTuple {
	var o fr.Element
	o.SetBigInt(parentHashOwner)
	return memTuple{owner: o, keyLo: fr.NewElement(n), valHi: elem(hash[:16]), valLo: elem(hash[16:])}
}

// l1BlockHashes checks the L1 frames' BLOCKHASH reads against the
// pinned block: that of its parent must be its parent hash
// (ErrStatement otherwise, unless fl says blockHash), that of the block
// itself, a later one or one more than 256 blocks before it zero, and
// any other is refused with verifier.ErrUnsupported (the segments know
// no older hash), as the transaction's error. It returns how many read
// the parent's.
func l1BlockHashes(executions []*trace.Transaction, block *types.Header, fl *faults) (int, error) {
	var parents int
	num := block.Number.Uint64()
	for i, f := range codeFrames(executions) {
		if !f.L1 {
			continue
		}
		for _, r := range f.Trace.Reads {
			if r.Op != vm.BLOCKHASH {
				continue
			}
			switch n := r.Key; {
			case isParentOf(&n, num):
				if common.Hash(r.Value.Bytes32()) != block.ParentHash && !fl.has(func(f *faults) bool { return f.blockHash }) {
					return 0, fmt.Errorf("%w: the L1 frame at %s reads BLOCKHASH(%d) = %x, the pinned block's parent hash is %s", ErrStatement, f.Trace.Address, n.Uint64(), r.Value.Bytes32(), block.ParentHash)
				}
				parents++
			case !n.IsUint64() || n.Uint64() >= num || num-n.Uint64() > 256:
				if !r.Value.IsZero() && !fl.has(func(f *faults) bool { return f.blockHash }) {
					return 0, fmt.Errorf("%w: the L1 frame at %s reads BLOCKHASH(%s) = %s, out of range", ErrStatement, f.Trace.Address, n.Dec(), r.Value.Hex())
				}
			case !fl.has(func(f *faults) bool { return f.unsupported }):
				return 0, &TransactionError{Index: i, Err: fmt.Errorf("%w: BLOCKHASH(%d) in the L1 frame at %s: only the pinned block's parent's hash is proven", verifier.ErrUnsupported, n.Uint64(), f.Trace.Address)}
			}
		}
	}
	return parents, nil
}

// isParentOf reports whether block number n is the parent of block
// number of (the one whose hash the block segment writes for BLOCKHASH).
func isParentOf(n *uint256.Int, of uint64) bool {
	return n.IsUint64() && n.Uint64()+1 == of
}

// contextDigestOf is contextDigest outside the circuit.
func contextDigestOf(c trace.Context) fr.Element {
	words := []uint256.Int{}
	for _, op := range contextOps {
		words = append(words, blockOps[op](&c))
	}
	es := make([]fr.Element, 0, 2*len(words))
	for _, w := range words {
		b := w.Bytes32()
		es = append(es, elem(b[:16]), elem(b[16:]))
	}
	return hashElements(es...)
}

// contextTuple is an L1 frame's read of its context from the block
// segment.
func contextTuple(c trace.Context) memTuple {
	var co fr.Element
	co.SetBigInt(contextOwner)
	return memTuple{owner: co, valHi: contextDigestOf(c)}
}

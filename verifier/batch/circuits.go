package batch

import (
	"fmt"
	"math/big"
	"slices"

	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/hash/poseidon2"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"

	"github.com/boosterkit/go-booster/precompiles"
	"github.com/boosterkit/go-booster/verifier"
	"github.com/boosterkit/go-booster/verifier/aggregate"
	"github.com/boosterkit/go-booster/verifier/keccak"
	"github.com/boosterkit/go-booster/verifier/statetree"
	"github.com/boosterkit/go-booster/verifier/txsig"
)

// Segment kinds, as indices into the aggregation circuit's kinds.
const (
	KindHeader = iota
	KindTransaction
	KindFrame
	KindEnd
	KindCode
	KindBlock
	// KindKeccak hashes the KECCAK256 inputs of frames whose shape has
	// verifier.Shape.KeccakClaims; a capacity whose frame shape has none
	// has no such segments, and its kinds after KindBlock are those of
	// Capacity.Frames and Capacity.Transactions (Capacity.KindName names
	// every kind of a capacity).
	KindKeccak
	nbKinds
)

// kindNames are the segment kinds' names, in kind order.
var kindNames = [nbKinds]string{"header", "transaction", "frame", "end", "code", "block", "keccak"}

// KindName is the name of segment kind k of capacity c: "header",
// "frame", ..., "keccak", "frame N" for the frame kind of c.Frames[N-1]
// and "transaction N" for the transaction kind of c.Transactions[N-1];
// "kind k" for a kind c does not have.
func (c Capacity) KindName(k int) string {
	if i := k - c.firstExtraFrameKind(); i >= 0 && i < len(c.Frames) {
		return fmt.Sprintf("frame %d", i+1)
	}
	if i := k - c.TransactionKind(0); i >= 0 && i < len(c.Transactions) {
		return fmt.Sprintf("transaction %d", i+1)
	}
	if c.Ecrecover > 0 && k == c.EcrecoverKind() {
		return "ecrecover"
	}
	if c.Sha256 > 0 && k == c.Sha256Kind() {
		return "sha256"
	}
	if c.Undo > 0 && k == c.UndoKind() {
		return "undo"
	}
	if k < 0 || k >= c.firstExtraFrameKind() {
		return fmt.Sprintf("kind %d", k)
	}
	return kindNames[k]
}

// firstExtraFrameKind is the kind of c.Frames[0]: the kinds of c.Frames
// follow KindBlock, or KindKeccak where the frames have KeccakClaims.
func (c Capacity) firstExtraFrameKind() int {
	if c.Frame.KeccakClaims {
		return KindKeccak + 1
	}
	return KindBlock + 1
}

// FrameKind is the segment kind of c.Frames[i], or KindFrame (c.Frame's)
// where i is -1.
func (c Capacity) FrameKind(i int) int {
	if i < 0 {
		return KindFrame
	}
	return c.firstExtraFrameKind() + i
}

// TransactionKind is the segment kind of c.Transactions[i] (they follow
// the kinds of c.Frames), or KindTransaction where i is -1.
func (c Capacity) TransactionKind(i int) int {
	if i < 0 {
		return KindTransaction
	}
	return c.firstExtraFrameKind() + len(c.Frames) + i
}

// EcrecoverKind is the segment kind of the ecrecover segments (it follows
// the kinds of c.Transactions), which capacities with Ecrecover entries
// have.
func (c Capacity) EcrecoverKind() int {
	return c.firstExtraFrameKind() + len(c.Frames) + len(c.Transactions)
}

// Sha256Kind is the segment kind of the sha256 segments (it follows the
// ecrecover kind, or the kinds of c.Transactions where c has no
// ecrecover segments), which capacities with Sha256 entries have.
func (c Capacity) Sha256Kind() int {
	if c.Ecrecover > 0 {
		return c.EcrecoverKind() + 1
	}
	return c.EcrecoverKind()
}

// UndoKind is the segment kind of the undo segments (it follows the
// sha256 kind, or the kinds before it where c has no sha256 segments),
// which capacities with Undo entries have.
func (c Capacity) UndoKind() int {
	if c.Sha256 > 0 {
		return c.Sha256Kind() + 1
	}
	return c.Sha256Kind()
}

// journal reports whether c journals the storage of frames whose
// changes a frame above them throws away (Capacity.Undo).
func (c Capacity) journal() bool { return c.Undo > 0 }

// sha256Of is sha256Words where c has sha256 segments, and 0 where it
// has none.
func (c Capacity) sha256Of() int {
	if c.Sha256 > 0 {
		return c.sha256Words()
	}
	return 0
}

// sha256Words is a sha256 segment entry's capacity of input words: the
// most a call of any frame shape passes.
func (c Capacity) sha256Words() int {
	n := c.Frame.CallData
	for _, s := range c.Frames {
		n = max(n, s.CallData)
	}
	return max(n, 1)
}

// transactionKind is the kind and calldata capacity of the transaction
// segment that proves a transaction of n bytes of calldata.
func (c Capacity) transactionKind(n int) (kind, dataCap int) {
	for i, d := range c.Transactions {
		if n <= d {
			return c.TransactionKind(i), d
		}
	}
	return KindTransaction, c.Calldata
}

// IsFrameKind reports whether segments of kind k prove a frame.
func (c Capacity) IsFrameKind(k int) bool {
	i := k - c.firstExtraFrameKind()
	return k == KindFrame || (i >= 0 && i < len(c.Frames))
}

// frameShapes are the frame shapes in the order a frame tries them:
// c.Frames, then c.Frame; frameKinds their kinds.
func (c Capacity) frameShapes() ([]verifier.Shape, []int) {
	shapes := append(slices.Clone(c.Frames), c.Frame)
	kinds := make([]int, len(shapes))
	for i := range c.Frames {
		kinds[i] = c.FrameKind(i)
	}
	kinds[len(c.Frames)] = KindFrame
	return shapes, kinds
}

// check refuses frame shapes that disagree on KeccakClaims and
// transaction capacities that are not below Calldata.
func (c Capacity) check() error {
	for _, s := range c.Frames {
		if s.KeccakClaims != c.Frame.KeccakClaims {
			return fmt.Errorf("%w: frame shapes %s and %s: keccak claims in one and not in the other", verifier.ErrCapacity, s.Name(), c.Frame.Name())
		}
	}
	for _, n := range c.Transactions {
		if n < 0 || n >= c.Calldata {
			return fmt.Errorf("%w: a transaction segment of %d bytes of calldata, where the contexts carry %d (it must be below)", verifier.ErrCapacity, n, c.Calldata)
		}
	}
	if c.Ecrecover < 0 || c.Sha256 < 0 || c.Undo < 0 {
		return fmt.Errorf("%w: an ecrecover segment of %d inputs, a sha256 segment of %d, an undo segment of %d slots", verifier.ErrCapacity, c.Ecrecover, c.Sha256, c.Undo)
	}
	return nil
}

// codeCap is the code segments' capacity: the largest frame shape's code.
func (c Capacity) codeCap() int {
	n := c.Frame.Code
	for _, s := range c.Frames {
		n = max(n, s.Code)
	}
	return n
}

// outcomeWords is how many return words the contexts carry: the most any
// frame shape returns or any call keeps.
func (c Capacity) outcomeWords() int {
	n := outcomeWords(c.Frame)
	for _, s := range c.Frames {
		n = max(n, outcomeWords(s))
	}
	return n
}

// Capacity is what one batch prover's segment circuits hold: transactions
// of up to Calldata bytes of calldata, frames of Frame's shape, end
// segments of Slots storage slots each (DefaultSlots if zero; a batch has
// as many end segments as the slots it touches need), and a read set and
// a write list of up to L1Slots L1 storage slots each
// (DefaultL1Slots if zero), and up to CodeReads code reads
// (DefaultCodeReads if zero).
type Capacity struct {
	Calldata  int
	Frame     verifier.Shape
	Slots     int
	L1Slots   int
	CodeReads int
	// L2Codes is how many L2 accounts' code digests an end segment
	// proves against the L2 state tree (DefaultL2Codes if zero): one per
	// L2 account the batch's frames run, so a batch has enough end
	// segments for its slots and its L2 accounts.
	L2Codes int
	// L1Block is the block segment's capacity of L1 block header bytes
	// (DefaultL1Block if zero).
	L1Block int
	// BalanceReads is the header segment's capacity of the read set's
	// balance reads (DefaultBalanceReads if zero).
	BalanceReads int
	// KeccakInputs is a keccak segment's capacity of distinct KECCAK256
	// inputs of up to 135 bytes (DefaultKeccakInputs if zero), where the
	// frame shape has KeccakClaims; KeccakLongInputs its capacity of
	// longer ones (DefaultKeccakLongInputs if zero), where a frame shape
	// has long keccak entries too, each as long as the longest of those.
	KeccakInputs, KeccakLongInputs int
	// Frames are further frame shapes, each a frame segment kind of its
	// own (FrameKind): a frame is proven in the first of them that holds
	// it, and in Frame if none does, so that small frames do not pay for
	// a large shape's rows and tables. Each must agree with Frame on
	// KeccakClaims. Code segments hold the largest shape's code.
	Frames []verifier.Shape
	// Transactions are further calldata capacities of transaction
	// segments, each below Calldata and a transaction segment kind of its
	// own (TransactionKind): a transaction is proven in the first of them
	// that holds its calldata, and in the Calldata one if none does, so
	// that a short transaction does not hash a long one's signing
	// payload capacity (the contexts still carry Calldata bytes).
	Transactions []int
	// Ecrecover is an ecrecover segment's capacity of distinct inputs of
	// the ecrecover precompile (0x01), a segment kind of its own
	// (EcrecoverKind); zero (the default) has none, and a batch whose
	// frames call 0x01 is refused.
	Ecrecover int
	// Sha256 is a sha256 segment's capacity of distinct inputs of the
	// sha256 precompile (0x02), each as long as the longest input a
	// frame shape's calls pass, a segment kind of its own (Sha256Kind);
	// zero (the default) has none, and a batch whose frames call 0x02
	// is refused.
	Sha256 int
	// Undo is an undo segment's capacity of slots, a segment kind of its
	// own (UndoKind), which journals the storage of frames whose changes
	// a frame above them throws away: where it is nonzero, a frame below
	// a frame that reverts, or below an L1SANDBOXCALL's L1 frame, may
	// change storage (and transient storage), the frames after it in
	// that subtree see its changes, and an undo segment restores what
	// the subtree found once it has returned (see undoSegment). Zero
	// (the default) has none, and such a frame that changes a slot is
	// refused.
	Undo int
}

// DefaultKeccakInputs is a keccak segment's capacity of inputs when
// Capacity.KeccakInputs is zero.
const DefaultKeccakInputs = 8

// DefaultKeccakLongInputs is a keccak segment's capacity of long inputs
// when Capacity.KeccakLongInputs is zero.
const DefaultKeccakLongInputs = 1

// keccakLong is the keccak segments' capacity of long inputs and their
// length: none where no frame shape has long keccak entries.
func (c Capacity) keccakLong() (n, bytes int) {
	blocks := 0
	for _, s := range append(slices.Clone(c.Frames), c.Frame) {
		if s.KeccakLong > 0 {
			blocks = max(blocks, s.KeccakBlocks)
		}
	}
	if !c.Frame.KeccakClaims || blocks == 0 {
		return 0, 0
	}
	n = c.KeccakLongInputs
	if n <= 0 {
		n = DefaultKeccakLongInputs
	}
	return n, 136*blocks - 1
}

// keccakInputs is the keccak segments' input capacity.
func (c Capacity) keccakInputs() int {
	if c.KeccakInputs <= 0 {
		return DefaultKeccakInputs
	}
	return c.KeccakInputs
}

// DefaultBalanceReads is the header segment's capacity of balance reads
// when Capacity.BalanceReads is zero.
const DefaultBalanceReads = 2

// balanceReads is the header segment's balance read capacity.
func (c Capacity) balanceReads() int {
	if c.BalanceReads <= 0 {
		return DefaultBalanceReads
	}
	return c.BalanceReads
}

// DefaultL2Codes is an end segment's L2 code capacity when
// Capacity.L2Codes is zero.
const DefaultL2Codes = 2

// l2Codes is the end segments' L2 code capacity.
func (c Capacity) l2Codes() int {
	if c.L2Codes <= 0 {
		return DefaultL2Codes
	}
	return c.L2Codes
}

// DefaultCodeReads is the header segment's capacity of code reads when
// Capacity.CodeReads is zero.
const DefaultCodeReads = 8

// codeReads is the header segment's code read capacity.
func (c Capacity) codeReads() int {
	if c.CodeReads <= 0 {
		return DefaultCodeReads
	}
	return c.CodeReads
}

// DefaultL1Slots is the header segment's capacity of read set and write
// list entries when Capacity.L1Slots is zero.
const DefaultL1Slots = 8

// l1Slots is the header segment's list capacity.
func (c Capacity) l1Slots() int {
	if c.L1Slots <= 0 {
		return DefaultL1Slots
	}
	return c.L1Slots
}

// DefaultSlots is an end segment's slot capacity when Capacity.Slots is
// zero.
const DefaultSlots = 8

// slots is the end segments' slot capacity.
func (c Capacity) slots() int {
	if c.Slots <= 0 {
		return DefaultSlots
	}
	return c.Slots
}

// MaxDepth is how deep a batch's frames may nest: a transaction's top
// frame is at depth 1, and a frame at depth MaxDepth may make no call
// that enters a frame. Each context keeps the layer and address of the
// frames above it, so that a frame segment refuses to run where one of
// them still runs (reentrancy, which the storage argument cannot follow).
const MaxDepth = 8

// headerSegment proves the header behind the batch commitment, and opens
// its read set and write list (L1Lists): the read set's NReads storage
// reads and the write list's NWrites writes, as 96-byte records (contract,
// slot, value), hash to the header's ReadsHash (with the code and balance
// reads' hashes) and WritesHash, and each record is read from the storage
// argument, where the end segments write what the frames read from and
// left in each L1 slot.
type headerSegment struct {
	aggregate.SegmentInputs
	Words [NbHeaderWords][32]frontend.Variable
	// Alpha and Beta are the storage argument's challenges, which the
	// last end segment checks.
	Alpha, Beta     frontend.Variable
	Reads, Writes   [][recordBytes]frontend.Variable
	NReads, NWrites frontend.Variable
	// Balance are the read set's NBalance balance reads, each its ABI
	// words (account, balance), and BalanceUses[j] how many L1 frames'
	// SELFBALANCE and BALANCE read balance j.
	Balance     [][64]frontend.Variable
	NBalance    frontend.Variable
	BalanceUses []frontend.Variable
	// Code are the read set's NCode code reads, each its ABI words
	// (account, code hash), and CodeUses[j] how many code segments
	// check code j.
	Code     [][64]frontend.Variable
	NCode    frontend.Variable
	CodeUses []frontend.Variable
	// CodeSizeUses[j] is how many L1 frames' EXTCODESIZE read the size of
	// code read j's account, which has no code (hash zero, or keccak256
	// of no bytes): zero, which the segment writes.
	CodeSizeUses []frontend.Variable
	// BlockUses is how many block segments read the pinned L1 block's
	// hash (words 6, with the L1 chain id, word 0): one where the batch
	// runs L1 frames. L2Frames is how many L2 frames read the L2 block's
	// context digest, L2Txs how many transaction segments its base fee.
	BlockUses, L2Frames, L2Txs frontend.Variable
	// L2Time, L2Coinbase (32- and 128-bit halves), L2GasLimit and
	// L2BaseFee are the L2 block's (L2Block): the transactions
	// commitment starts from their hash, and with the header's number
	// (word 3), L2 chain id (word 2) and a PREVRANDAO of zero they are
	// the context every L2 frame reads.
	L2Time, L2GasLimit, L2BaseFee frontend.Variable
	L2Coinbase                    [2]frontend.Variable
}

// recordBytes is the size of a read set or write list record.
const recordBytes = 96

// The storage argument's list domains: an L1 slot's owner plus
// domain·2^162 names its entry in the read set or the write list, an L1
// account's its code read or its code's digest.
const (
	domReads    = 1
	domWrites   = 2
	domCodeRead = 3
	domCode     = 4
	// domNonce is an L2 account's nonce's owner domain: its slotOwner
	// plus domNonce·2^162, key zero.
	domNonce = 5
	// domKeccak is the owner domain of a code's keccak hash: owner
	// domKeccak·2^162 (no address), key the code's digest, value its
	// keccak256, which the code segments write and the frames whose
	// L1CALLs SPEC §1's alias rule decides read.
	domKeccak = 6
	// domBlock is the owner domain of the pinned L1 block's hash (key
	// the L1 chain id), domContext that of the L1 frames' block context
	// (value its digest): see blockSegment.
	domBlock   = 7
	domContext = 8
	// domL2Block is the owner domain of the L2 block's context digest
	// (key 0), which the header segment writes and each L2 frame reads,
	// and of its base fee (key 1), which each transaction segment reads.
	domL2Block = 9
	// domCodeSize is an account's code size's owner domain (its
	// slotOwner plus domCodeSize·2^162, value the size): an L1 account's
	// its code segment writes and the L1 frames' EXTCODESIZE reads; an L2
	// account's its first frame of the batch writes and the L2 frames'
	// EXTCODESIZE reads.
	domCodeSize = 10
	// domBalance is an L1 account's balance read's owner domain (its
	// list owner plus domBalance·2^162, value the balance), which the
	// header segment writes from the read set and the L1 frames'
	// SELFBALANCE and BALANCE read.
	domBalance = 11
	// domTransient is an L2 account's transient slots' owner domain: its
	// slotOwner plus domTransient·2^162 plus the time of the
	// transaction segment of the frames that touch them times 2^166
	// (transientOwner), so each transaction's transient storage starts
	// at zero.
	domTransient = 12
	// domParentHash is the owner domain of the pinned L1 block's parent
	// hash (key the parent's number, value the hash), which the block
	// segment writes and the L1 frames' BLOCKHASH of that block reads.
	domParentHash = 15
)

// two166 places a transaction's time in a transient slot's owner.
var two166 = new(big.Int).Lsh(big.NewInt(1), 166)

// transientOwner is the owner of the transient slots of the L2 account
// at address in the transaction whose segment's time is tx.
func transientOwner(api frontend.API, address, tx frontend.Variable) frontend.Variable {
	return api.Add(domainOwner(api, 0, domTransient, address), api.Mul(tx, two166))
}

var two162 = new(big.Int).Lsh(big.NewInt(1), 162)

// keccakOwner is the owner of every code keccak entry.
var keccakOwner = new(big.Int).Mul(big.NewInt(domKeccak), two162)

// listOwner is the owner of an L1 slot's read set or write list entry.
func listOwner(api frontend.API, dom int, address frontend.Variable) frontend.Variable {
	return domainOwner(api, 1, dom, address)
}

// domainOwner is an account's owner in domain dom of the storage
// argument: its slotOwner on layer l1 plus dom·2^162 (domainOwnerOf
// outside the circuit).
func domainOwner(api frontend.API, l1 frontend.Variable, dom int, address frontend.Variable) frontend.Variable {
	return api.Add(slotOwner(api, l1, address), new(big.Int).Mul(big.NewInt(int64(dom)), two162))
}

// keccakOf is keccak256 (this module's lookup gadget) of the first length
// bytes of b (all of b if length is nil), which it checks are bytes, as
// big-endian halves.
func keccakOf(api frontend.API, kh *keccak.Hasher, b []frontend.Variable, length frontend.Variable) ([2]frontend.Variable, error) {
	if length == nil {
		length = len(b)
	}
	sum, err := kh.Sum(b, length)
	if err != nil {
		return [2]frontend.Variable{}, fmt.Errorf("batch: keccak: %w", err)
	}
	return [2]frontend.Variable{bytesValue(api, sum[:16]), bytesValue(api, sum[16:])}, nil
}

// lists opens the read set and the write list and returns the storage
// argument's state after their records.
func (c *headerSegment) lists(api frontend.API, kh *keccak.Hasher) (memory, error) {
	m := memory{Alpha: c.Alpha, Beta: c.Beta, Time: 0, Acc: 0, Sum: 0, LastOwner: 0, LastHi: 0, LastLo: 0}
	word := func(w [32]frontend.Variable) [2]frontend.Variable {
		return [2]frontend.Variable{bytesValue(api, w[:16]), bytesValue(api, w[16:])}
	}
	flat := func(rs [][recordBytes]frontend.Variable) []frontend.Variable {
		var out []frontend.Variable
		for _, r := range rs {
			out = append(out, r[:]...)
		}
		return out
	}
	storage, err := keccakOf(api, kh, flat(c.Reads), api.Mul(c.NReads, recordBytes))
	if err != nil {
		return memory{}, err
	}
	code, err := pairsKeccak(api, kh, c.Code, c.NCode)
	if err != nil {
		return memory{}, err
	}
	balance, err := pairsKeccak(api, kh, c.Balance, c.NBalance)
	if err != nil {
		return memory{}, err
	}
	var readsPre []frontend.Variable
	for _, h := range [][2]frontend.Variable{storage, code, balance} {
		readsPre = append(readsPre, halfBytes(api, h[0])...)
		readsPre = append(readsPre, halfBytes(api, h[1])...)
	}
	reads, err := keccakOf(api, kh, readsPre, nil)
	if err != nil {
		return memory{}, err
	}
	writes, err := keccakOf(api, kh, flat(c.Writes), api.Mul(c.NWrites, recordBytes))
	if err != nil {
		return memory{}, err
	}
	for i, h := range [][2]frontend.Variable{reads, writes} {
		w := word(c.Words[9+i])
		api.AssertIsEqual(h[0], w[0])
		api.AssertIsEqual(h[1], w[1])
	}
	vs := []frontend.Variable{c.NReads, c.NWrites}
	sum := m.Sum
	for _, l := range []struct {
		dom     int
		records [][recordBytes]frontend.Variable
		n       frontend.Variable
	}{{domReads, c.Reads, c.NReads}, {domWrites, c.Writes, c.NWrites}} {
		api.ToBinary(api.Sub(len(l.records), l.n), 16)
		var used frontend.Variable = 1
		for j, r := range l.records {
			used = api.Mul(used, api.Sub(1, api.IsZero(api.Sub(l.n, j))))
			// The contract word is a 160-bit address.
			for _, b := range r[:12] {
				api.AssertIsEqual(b, 0)
			}
			address := bytesValue(api, r[12:32])
			keyHi, keyLo := bytesValue(api, r[32:48]), bytesValue(api, r[48:64])
			valHi, valLo := bytesValue(api, r[64:80]), bytesValue(api, r[80:96])
			fp := m.fingerprint(api, listOwner(api, l.dom, address), keyHi, keyLo, valHi, valLo, 0)
			sum = api.Sub(sum, api.Mul(used, m.term(api, fp)))
			vs = append(vs, address, keyHi, keyLo, valHi, valLo)
		}
	}
	// Each code read is written as many times as code segments check it,
	// each balance read as many times as L1 frames read it.
	sum, vs = m.writePairs(api, sum, vs, c.Code, c.NCode, c.CodeUses, domCodeRead, true)
	sum, vs = m.writePairs(api, sum, vs, c.Balance, c.NBalance, c.BalanceUses, domBalance, false)
	sum, vs = m.codelessSizes(api, sum, vs, c.Code, c.NCode, c.CodeSizeUses)
	// The pinned L1 block's hash, for the block segment.
	chain, block := word(c.Words[0]), word(c.Words[6])
	sum = api.Add(sum, api.Mul(c.BlockUses, m.term(api, m.fingerprint(api, blockOwner, chain[0], chain[1], block[0], block[1], 0))))
	// The L2 block's context, for the L2 frames, and its base fee, for
	// the transaction segments.
	digest, err := c.l2Context(api, word(c.Words[2]), word(c.Words[3]))
	if err != nil {
		return memory{}, err
	}
	sum = api.Add(sum, api.Mul(c.L2Frames, m.term(api, m.fingerprint(api, l2BlockOwner, 0, 0, digest, 0, 0))))
	sum = api.Add(sum, api.Mul(c.L2Txs, m.term(api, m.fingerprint(api, l2BlockOwner, 0, 1, 0, c.L2BaseFee, 0))))
	vs = append(vs, c.BlockUses, c.L2Frames, c.L2Txs, digest, c.L2BaseFee)
	acc, err := hashVars(api, vs...)
	if err != nil {
		return memory{}, err
	}
	m.Acc, m.Sum = acc, sum
	return m, nil
}

// l2Context checks the L2 block's values are within their widths (the
// base fee below 2^128) and returns the digest of the context an L2
// frame runs in (contextDigest): its coinbase, time, the batch's number
// (number, halves), a PREVRANDAO of zero, its gas limit, the L2 chain id
// (chain, halves) and its base fee.
func (c *headerSegment) l2Context(api frontend.API, chain, number [2]frontend.Variable) (frontend.Variable, error) {
	api.ToBinary(c.L2Time, 64)
	api.ToBinary(c.L2GasLimit, 64)
	api.ToBinary(c.L2BaseFee, 128)
	api.ToBinary(c.L2Coinbase[0], 32)
	api.ToBinary(c.L2Coinbase[1], 128)
	ctx := make([]verifier.Word, contextWords)
	ctx[0] = verifier.Word{Hi: c.L2Coinbase[0], Lo: c.L2Coinbase[1]}
	ctx[1] = verifier.Word{Hi: 0, Lo: c.L2Time}
	ctx[contextNumber] = verifier.Word{Hi: number[0], Lo: number[1]}
	ctx[contextPrevrandao] = verifier.Word{Hi: 0, Lo: 0}
	ctx[contextPrevrandao+1] = verifier.Word{Hi: 0, Lo: c.L2GasLimit}
	ctx[verifier.ContextChainID] = verifier.Word{Hi: chain[0], Lo: chain[1]}
	ctx[verifier.ContextChainID+1] = verifier.Word{Hi: 0, Lo: c.L2BaseFee}
	return contextDigest(api, ctx)
}

// l2Seed is L2Block.seed in the circuit: the transactions commitment's
// start.
func (c *headerSegment) l2Seed(api frontend.API) (frontend.Variable, error) {
	coinbase := api.Add(api.Mul(c.L2Coinbase[0], two128), c.L2Coinbase[1])
	return hashVars(api, c.L2Time, coinbase, c.L2GasLimit, 0, c.L2BaseFee)
}

// writePairs adds to the storage argument's sum writes of the first n
// of records, two-word records (a 160-bit account, a word): record j
// uses[j] times, under the account's list owner of domain dom, its word's
// halves as the key (asKey) or as the value. It returns the sum, and vs
// (the hash chain's values) with n and each record's.
func (m memory) writePairs(api frontend.API, sum frontend.Variable, vs []frontend.Variable, records [][64]frontend.Variable, n frontend.Variable, uses []frontend.Variable, dom int, asKey bool) (frontend.Variable, []frontend.Variable) {
	vs = append(vs, n)
	var used frontend.Variable = 1
	for j, r := range records {
		used = api.Mul(used, api.Sub(1, api.IsZero(api.Sub(n, j))))
		for _, b := range r[:12] {
			api.AssertIsEqual(b, 0)
		}
		address := bytesValue(api, r[12:32])
		hi, lo := bytesValue(api, r[32:48]), bytesValue(api, r[48:64])
		keyHi, keyLo, valHi, valLo := frontend.Variable(0), frontend.Variable(0), hi, lo
		if asKey {
			keyHi, keyLo, valHi, valLo = hi, lo, 0, 0
		}
		fp := m.fingerprint(api, listOwner(api, dom, address), keyHi, keyLo, valHi, valLo, 0)
		sum = api.Add(sum, api.Mul(used, uses[j], m.term(api, fp)))
		vs = append(vs, address, hi, lo, uses[j])
	}
	return sum, vs
}

// emptyCodeHash is keccak256 of no bytes, an account without code's code
// hash, in halves.
var emptyCodeHash = halvesOf(types.EmptyCodeHash)

// codelessSizes writes, for each of the first n code reads (account,
// code hash) whose hash is zero or keccak256 of no bytes, the account's
// code size zero sizeUses[j] times, once for each L1 frame's EXTCODESIZE
// of it.
func (m memory) codelessSizes(api frontend.API, sum frontend.Variable, vs []frontend.Variable, records [][64]frontend.Variable, n frontend.Variable, sizeUses []frontend.Variable) (frontend.Variable, []frontend.Variable) {
	var used frontend.Variable = 1
	for j, r := range records {
		used = api.Mul(used, api.Sub(1, api.IsZero(api.Sub(n, j))))
		api.AssertIsEqual(api.Mul(api.Sub(1, used), sizeUses[j]), 0)
		address := bytesValue(api, r[12:32])
		hi, lo := bytesValue(api, r[32:48]), bytesValue(api, r[48:64])
		none := api.Mul(api.IsZero(hi), api.IsZero(lo))
		empty := api.Mul(api.IsZero(api.Sub(hi, emptyCodeHash[0])), api.IsZero(api.Sub(lo, emptyCodeHash[1])))
		api.AssertIsEqual(api.Mul(sizeUses[j], api.Sub(1, none, empty)), 0)
		fp := m.fingerprint(api, listOwner(api, domCodeSize, address), 0, 0, 0, 0, 0)
		sum = api.Add(sum, api.Mul(sizeUses[j], m.term(api, fp)))
		vs = append(vs, sizeUses[j])
	}
	return sum, vs
}

// pairsKeccak is keccak256 of abi.encode of the first n of records, a
// dynamic array of two-word static structs (L1Lists.CodeReadsHash): the
// offset word 0x20, the length word, then the records.
func pairsKeccak(api frontend.API, kh *keccak.Hasher, records [][64]frontend.Variable, n frontend.Variable) ([2]frontend.Variable, error) {
	api.ToBinary(api.Sub(len(records), n), 16)
	pre := make([]frontend.Variable, 64, 64+64*len(records))
	for i := range pre {
		pre[i] = 0
	}
	pre[31] = 32
	bits := api.ToBinary(n, 16)
	pre[62], pre[63] = api.FromBinary(bits[8:]...), api.FromBinary(bits[:8]...)
	for _, r := range records {
		pre = append(pre, r[:]...)
	}
	return keccakOf(api, kh, pre, api.Add(64, api.Mul(n, 64)))
}

// codeSegment proves a code's keccak256 hash and digest (codeDigest):
// keccak256 of its first CodeLen bytes is Hash, every byte past CodeLen
// is zero. It writes (digest, hash) to the storage argument HashUses
// times, once for each frame whose L1CALLs SPEC §1's alias rule decides
// by the hash of the code it runs. Where Account is 1 the code is an L1
// account's, as the L1 frames at Address run it: the segment reads the
// read set's code read (Address, hash), which settle checks against live
// L1 code, and writes the digest Uses times, once for each L1 frame at
// the account, which reads it. Where Account is 0 the code is an L2
// contract's, hashed only for the alias rule (Uses is 0).
type codeSegment struct {
	aggregate.SegmentInputs
	carried
	Address, CodeLen, Uses frontend.Variable
	Account, HashUses      frontend.Variable
	// SizeUses is how many EXTCODESIZE reads of the L1 frames read the
	// code's size (an account's code only).
	SizeUses frontend.Variable
	Code     []frontend.Variable
}

// Define implements frontend.Circuit.
func (c *codeSegment) Define(api frontend.API) error {
	if err := c.enter(api, &c.SegmentInputs); err != nil {
		return err
	}
	api.ToBinary(c.Address, 160)
	api.AssertIsBoolean(c.Account)
	api.AssertIsEqual(api.Mul(api.Sub(1, c.Account), api.Add(c.Uses, c.SizeUses)), 0)
	// codeDigest asserts that the bytes past CodeLen are zero.
	kh := keccak.New(api)
	hash, err := keccakOf(api, kh, c.Code, c.CodeLen)
	if err != nil {
		return err
	}
	digest, err := codeDigest(api, c.CodeLen, c.Code)
	if err != nil {
		return err
	}
	m := c.Mem
	owner := func(dom int) frontend.Variable { return listOwner(api, dom, c.Address) }
	sum := api.Add(m.Sum, api.Mul(c.Uses, m.term(api, m.fingerprint(api, owner(domCode), digest, 0, 0, 0, 0))))
	sum = api.Sub(sum, api.Mul(c.Account, m.term(api, m.fingerprint(api, owner(domCodeRead), hash[0], hash[1], 0, 0, 0))))
	sum = api.Add(sum, api.Mul(c.HashUses, m.term(api, m.fingerprint(api, keccakOwner, digest, 0, hash[0], hash[1], 0))))
	sum = api.Add(sum, api.Mul(c.SizeUses, m.term(api, m.fingerprint(api, owner(domCodeSize), 0, 0, 0, c.CodeLen, 0))))
	return c.finish(api, &c.SegmentInputs, sum, m.Acc, c.Address, c.CodeLen, digest, hash[0], hash[1], c.Uses, c.Account, c.HashUses, c.SizeUses)
}

// codeDigest is CodeDigest in the circuit, for a code of codeLen bytes
// held in a capacity of len(code) bytes: it asserts that codeLen is
// within the capacity and that every byte past it is zero, and hashes
// the elements up to the one that holds the last byte, so the digest
// does not depend on the capacity.
func codeDigest(api frontend.API, codeLen frontend.Variable, code []frontend.Variable) (frontend.Variable, error) {
	api.ToBinary(api.Sub(len(code), codeLen), 16)
	h, err := poseidon2.New(api)
	if err != nil {
		return nil, fmt.Errorf("batch: poseidon2: %w", err)
	}
	// past is 1 from byte codeLen on.
	past := assertZeroPast(api, codeLen, code)
	h.Write(codeLen)
	digest := h.State()[0]
	for i := 0; i < len(code); i += 31 {
		chunk := code[i:min(i+31, len(code))]
		v := api.Mul(bytesValue(api, chunk), new(big.Int).Lsh(big.NewInt(1), uint(8*(31-len(chunk)))))
		h.Write(v)
		// The element is hashed if its first byte is code.
		digest = api.Select(past[i], digest, h.State()[0])
	}
	return digest, nil
}

// halfBytes is a 128-bit value's 16 bytes, big-endian.
func halfBytes(api frontend.API, v frontend.Variable) []frontend.Variable {
	bits := api.ToBinary(v, 128)
	out := make([]frontend.Variable, 16)
	for k := range 16 {
		out[15-k] = api.FromBinary(bits[8*k : 8*k+8]...)
	}
	return out
}

// Define implements frontend.Circuit.
func (c *headerSegment) Define(api frontend.API) error {
	api.AssertIsEqual(c.Index, 0)
	api.AssertIsEqual(c.In, 0)
	kh := keccak.New(api)
	var words []frontend.Variable
	for _, w := range c.Words {
		words = append(words, w[:]...)
	}
	hash, err := keccakOf(api, kh, words, nil)
	if err != nil {
		return err
	}
	api.AssertIsEqual(hash[0], c.BatchHi)
	api.AssertIsEqual(hash[1], c.BatchLo)
	// The L2 chain id is a 64-bit word.
	for _, b := range c.Words[2][:24] {
		api.AssertIsEqual(b, 0)
	}
	chainID := bytesValue(api, c.Words[2][24:])
	txs := c.Words[7]
	mem, err := c.lists(api, kh)
	if err != nil {
		return err
	}
	// The L2 state: the end segments start from the root the batch
	// starts from (its parent's, which the booster contract checks) and
	// the last checks the root they leave is the header's. The parent
	// root's word is a field element's canonical bytes.
	half := func(w [32]frontend.Variable) (frontend.Variable, frontend.Variable) {
		return bytesValue(api, w[:16]), bytesValue(api, w[16:])
	}
	parentHi, parentLo := half(c.Words[11])
	parent := api.Add(api.Mul(parentHi, two128), parentLo)
	assertHalves(api, parent, parentHi, parentLo, 1)
	mem.L2Root = parent
	mem.L2NewHi, mem.L2NewLo = half(c.Words[8])
	// The transactions commitment starts from the L2 block's values.
	seed, err := c.l2Seed(api)
	if err != nil {
		return err
	}
	out, err := boundaryVar(api, c.BatchHi, c.BatchLo, chainID, bytesValue(api, txs[:16]), bytesValue(api, txs[16:]), seed, 0, mem)
	if err != nil {
		return err
	}
	api.AssertIsEqual(c.Out, out)
	return nil
}

// transactionSegment proves one transaction's signature, folds it and
// its outcome (whether its top frame reverted) into the running
// commitment and leaves the context its execution must have on the
// pending stack.
type transactionSegment struct {
	aggregate.SegmentInputs
	carried
	Tx txsig.Tx
	// Success, RetLen and Ret are the top frame's outcome (frameOutcome:
	// whether it succeeded, its return data's length and words), which
	// its frame segment proves.
	Success, RetLen frontend.Variable
	Ret             []verifier.Word
	// Logs are the log chains' values the top frame hands back (L2,
	// then L1: the digests of the transaction's logs, LogsDigest), which
	// the transactions commitment binds.
	Logs [2]frontend.Variable
	// NonceReadTime is the time of the write the sender's nonce is read
	// from (0: the L2 state's, which an end entry writes).
	NonceReadTime frontend.Variable
	// BaseFee is the L2 block's base fee, which the header segment
	// wrote to the storage argument: the transaction's gas price is
	// its fee cap (legacy and access-list transactions) or the least of
	// its fee cap and the base fee plus its tip (dynamic-fee ones).
	BaseFee frontend.Variable
	// dataCap is the contexts' calldata capacity (Capacity.Calldata),
	// which Tx's may be below.
	dataCap int `gnark:"-"`
}

// carried is what the header hands on through the boundaries: the L2
// chain id, the header's transactions commitment and the running one,
// and the pending stack: the hash chain of the contexts of the frames
// still to be proven, 0 when none is (each context the hash of its
// frameEntry and frameOutcome; the next frame segment proves the top
// one), and the storage argument's state (memory).
type carried struct {
	ChainID, TxsHi, TxsLo, Acc, Pending frontend.Variable
	Mem                                 memory
}

// finish ends a segment that adds entries to the storage argument
// without advancing its time: the argument's hash chain takes vs, its
// sum becomes sum, and the boundary the segment hands on must be its
// Out.
func (c *carried) finish(api frontend.API, s *aggregate.SegmentInputs, sum frontend.Variable, vs ...frontend.Variable) error {
	acc, err := hashVars(api, vs...)
	if err != nil {
		return err
	}
	out, err := c.boundary(api, s, c.Acc, c.Pending, c.Mem.next(c.Mem.Time, acc, sum))
	if err != nil {
		return err
	}
	api.AssertIsEqual(s.Out, out)
	return nil
}

// start is the storage argument's state the segment starts from, its
// running sum and the hash chain's values so far (the chain's last).
func (c *carried) start() (memory, frontend.Variable, []frontend.Variable) {
	return c.Mem, c.Mem.Sum, []frontend.Variable{c.Mem.Acc}
}

// enter asserts that the segment starts where the one before it ended: its
// input boundary is the carried values'.
func (c *carried) enter(api frontend.API, s *aggregate.SegmentInputs) error {
	in, err := c.boundary(api, s, c.Acc, c.Pending, c.Mem)
	if err != nil {
		return err
	}
	api.AssertIsEqual(s.In, in)
	return nil
}

// boundary is the boundary of the carried values with acc as the running
// commitment, pending as the pending stack and mem as the storage
// argument's state.
func (c *carried) boundary(api frontend.API, s *aggregate.SegmentInputs, acc, pending frontend.Variable, mem memory) (frontend.Variable, error) {
	return boundaryVar(api, s.BatchHi, s.BatchLo, c.ChainID, c.TxsHi, c.TxsLo, acc, pending, mem)
}

// Define implements frontend.Circuit.
func (c *transactionSegment) Define(api frontend.API) error {
	if err := c.enter(api, &c.SegmentInputs); err != nil {
		return err
	}
	// The transaction before this one has been executed in full.
	api.AssertIsEqual(c.Pending, 0)
	s, err := txsig.Verify(api, &c.Tx)
	if err != nil {
		return err
	}
	api.AssertIsEqual(s.ChainID, c.ChainID)
	// Contract creation is not proven yet.
	api.AssertIsEqual(s.Create, 0)
	// The receipt's status: the top frame's outcome, which its frame
	// segment proves.
	api.AssertIsBoolean(c.Success)
	outcome, err := frameOutcome(api, c.Success, c.RetLen, c.Logs, c.Ret, len(c.Ret))
	if err != nil {
		return err
	}
	acc, err := hashVars(api, c.Acc, s.HashHi, s.HashLo, s.Sender, api.Sub(1, c.Success), c.Logs[0], c.Logs[1])
	if err != nil {
		return err
	}
	// The sender's nonce is the one the storage argument holds for it
	// (the L2 state tree's, or what the sender's last transaction left),
	// and the next one is left there: the transaction takes the next
	// time. EIP-2681: the next nonce is below 2^64.
	m := c.Mem
	t := api.Add(m.Time, 1)
	api.ToBinary(t, timeBits)
	api.ToBinary(c.NonceReadTime, timeBits)
	api.ToBinary(api.Sub(t, c.NonceReadTime, 1), timeBits)
	next := api.Add(s.Nonce, 1)
	api.ToBinary(next, 64)
	owner := api.Add(slotOwner(api, 0, s.Sender), new(big.Int).Mul(big.NewInt(domNonce), two162))
	sum := api.Add(m.Sum, m.term(api, m.fingerprint(api, owner, 0, 0, 0, next, t)))
	sum = api.Sub(sum, m.term(api, m.fingerprint(api, owner, 0, 0, 0, s.Nonce, c.NonceReadTime)))
	// The L2 block's base fee, for the gas price.
	sum = api.Sub(sum, m.term(api, m.fingerprint(api, l2BlockOwner, 0, 1, 0, c.BaseFee, 0)))
	// EIP-3607: the sender of a transaction sent to L1CALL, which enters
	// its L1 frame unaliased (SPEC §1), has no L2 code: it reads the code
	// size of zero that an end segment writes for an account the L2
	// state tree holds no code for.
	isL1Call := api.IsZero(api.Sub(s.To, l1CallAddress))
	sum = api.Sub(sum, api.Mul(isL1Call, m.term(api, m.fingerprint(api, domainOwner(api, 0, domCodeSize, s.Sender), 0, 0, 0, 0, 0))))
	memAcc, err := hashVars(api, m.Acc, owner, s.Nonce, t, c.NonceReadTime, c.BaseFee, isL1Call)
	if err != nil {
		return err
	}
	mem := m.next(t, memAcc, sum)
	price := gasPrice(api, c.Tx.DynamicFee, s.GasFeeCap, s.GasTipCap, c.BaseFee)
	// The top frame: an L2 frame called by the sender (also the
	// origin), with the transaction's gas price, at the recipient, with
	// the transaction's value and calldata, ending as the commitment
	// says. A transaction to L1CALL enters the L1 frame of its target
	// (the calldata's first 20 bytes) with the rest of the calldata, no
	// value and the L1 EVM's gas price of zero, called by the sender
	// unaliased (SPEC §1: a transaction's sender has no L2 code), and ends
	// as that frame does: the precompile returns what it returns. Its
	// calldata holds the target and it sends no value: otherwise the
	// precompile refuses it (L1CallInvalidInput, checked first, or
	// L1CallValueNotAllowed), and the transaction enters no frame and
	// fails with the error (directRefusal).
	refused := directRefusal(api, isL1Call, c.Tx.DataLen, s.Value, c.Success, c.RetLen, c.Ret, c.Logs)
	dataLen := api.Sub(c.Tx.DataLen, api.Mul(isL1Call, 20))
	api.ToBinary(api.Mul(api.Sub(1, refused), dataLen), 16)
	// The calldata as the contexts carry it: the context capacity's
	// bytes, zero past the transaction segment's own.
	at := func(i int) frontend.Variable {
		if i < len(c.Tx.Data) {
			return c.Tx.Data[i]
		}
		return 0
	}
	data := make([]frontend.Variable, max(c.dataCap, len(c.Tx.Data)))
	for i := range data {
		data[i] = api.Select(isL1Call, at(i+20), at(i))
	}
	var address frontend.Variable = s.To
	if len(c.Tx.Data) >= 20 {
		address = api.Select(isL1Call, bytesValue(api, c.Tx.Data[:20]), s.To)
	} else {
		api.AssertIsEqual(isL1Call, 0)
	}
	entry, err := frameEntry(api, s.Sender, s.Sender, [2]frontend.Variable{0, api.Mul(api.Sub(1, isL1Call), price)}, address, s.Value, dataLen, data, isL1Call, 0, 0, 0, 0, [2]frontend.Variable{0, 0}, t, delegation{On: 0, Code: address, By: 0, L1Code: 0}, noAncestors())
	if err != nil {
		return err
	}
	ctx, err := hashVars(api, entry, outcome)
	if err != nil {
		return err
	}
	pending, err := hashVars(api, ctx, 0)
	if err != nil {
		return err
	}
	pending = api.Select(refused, 0, pending)
	out, err := c.boundary(api, &c.SegmentInputs, acc, pending, mem)
	if err != nil {
		return err
	}
	api.AssertIsEqual(c.Out, out)
	return nil
}

// gasPrice is a transaction's effective gas price under the base fee
// baseFee (below 2^128, which the header segment checks), as go-ethereum
// charges it: the fee cap of a legacy or access-list transaction (its
// gas price), and for a dynamic-fee one (dynamic 1) the least of its fee
// cap and the base fee plus its tip. It asserts what makes the
// transaction valid in an L2 block of that base fee: the fee cap is at
// least the base fee and the tip at most the fee cap; and that both are
// below 2^128 (halves, high first).
func gasPrice(api frontend.API, dynamic frontend.Variable, feeCap, tip [2]frontend.Variable, baseFee frontend.Variable) frontend.Variable {
	api.AssertIsEqual(feeCap[0], 0)
	api.AssertIsEqual(tip[0], 0)
	api.ToBinary(api.Sub(feeCap[1], baseFee), 128)
	api.ToBinary(api.Sub(feeCap[1], tip[1]), 128)
	// bits[129] is 1 where feeCap ≥ baseFee + tip (both below 2^129).
	offered := api.Add(baseFee, tip[1])
	bits := api.ToBinary(api.Add(api.Sub(feeCap[1], offered), new(big.Int).Lsh(big.NewInt(1), 129)), 130)
	least := api.Select(bits[129], offered, feeCap[1])
	return api.Select(dynamic, least, feeCap[1])
}

// noAncestors is a top frame's ancestry: none.
func noAncestors() []frontend.Variable {
	out := make([]frontend.Variable, MaxDepth-1)
	for i := range out {
		out[i] = 0
	}
	return out
}

// frameSegment proves one call frame's execution (the EVM circuit's
// FrameWitness) and takes its context off the pending stack: the frame's
// caller, origin, address, value and calldata, its layer (L2 frames run
// with the batch's chain id), whether it is static (then it changes no
// state and calls with no value) and its outcome (success and return
// data) must be the first pending context's. It then pushes the contexts
// of the frames its calls enter, first call on top: a CALL or STATICCALL
// enters a frame of the same layer at the address called, called by this
// frame's address with the call's value and input, static if this frame
// or the call is; a CALL into L1CALL (from an L2 frame that is not
// static) enters an L1 frame at the target the input's first 20 bytes
// name, with the rest as calldata, no value, this frame's address as
// caller, plus SPEC §1's alias unless the frame's code is the code at its
// address on L1. Each callee's outcome is the call's success and return
// data. A DELEGATECALL from an L2 frame that a DELEGATECALL did not
// enter enters a frame at this frame's address, with its caller and
// value, that runs the code at the address called (its delegation:
// that code's digest is read under that address) and reads no slot this
// frame wrote (its read times are not this frame's time): this frame
// proves its slots from start to end, so the two must touch disjoint
// slots, and sibling frames delegated to in turn see each other's
// writes in order.
//
// The alias rule: a frame that makes an L1CALL reads (SenderCode 1) the
// read set's code read for its address, L1CodeHash (zero where no account
// is there, the empty code's hash where one without code is), and the
// keccak256 hash of its own code, CodeHash, which a code segment wrote
// for the code's digest; the sender is aliased where the two differ.
//
// The frame's storage goes through the batch's storage argument (see
// memory): it reads each slot's initial value as the frames before it
// left it, and leaves its final value, or its initial value where the
// frame reverts or a frame above it does (Doomed). A doomed frame that
// does not revert itself must leave every slot as it found it, unless
// the capacity journals (Journal: see undo.go). Its
// transient slots go the same way, under an owner that names its
// transaction (transientOwner: each transaction's start at zero), in
// an L2 frame of a shape with TransientCarried; other frames use none.
type frameSegment struct {
	aggregate.SegmentInputs
	carried
	// Rest is the pending stack below this frame's context; L1 is 1 for a
	// frame of L1 code, Static 1 for a static frame, Doomed 1 for a frame
	// whose writes a frame above it undoes by reverting, Sandbox 1 for
	// the L1 frame an L1SANDBOXCALL entered, whose writes and L1 logs
	// (and its callees') are undone when it returns, even on success.
	Rest, L1, Static, Doomed, Sandbox frontend.Variable
	// ReadOnly is 1 for an L1 frame below an L1CALL made in a static
	// context, which the L1 EVM runs as not static but refuses any
	// SSTORE of (L1CallStaticViolation): it runs none.
	ReadOnly frontend.Variable
	// SenderCode is 1 where the frame reads its address's L1 code read
	// (L1CodeHash) and its code's keccak256 hash (CodeHash), as halves,
	// to decide SPEC §1's alias of its L1CALLs' sender.
	SenderCode           frontend.Variable
	L1CodeHash, CodeHash [2]frontend.Variable
	// Ancestors are the slotOwner values of the frames above this one,
	// nearest first, zero past the top.
	Ancestors []frontend.Variable
	// SizeUses is how many EXTCODESIZE reads of the batch's L2 frames
	// read this L2 frame's code size (all of those of its address, in
	// the first frame of the batch at the address; zero in the others).
	SizeUses frontend.Variable
	// HashUses is how many EXTCODEHASH reads of the batch's L2 frames
	// read this L2 frame's code hash (as SizeUses); the frame reads
	// CodeHash for it as for the alias rule.
	HashUses frontend.Variable
	// ReadTimes[j] is the time of the write Frame.Storage[j]'s initial
	// value was read from.
	ReadTimes []frontend.Variable
	// LogsIn are the log chains' values the frame is entered with (L2,
	// then L1), CallLogs[i] those the callee of call entry i hands back.
	LogsIn   [2]frontend.Variable
	CallLogs [][2]frontend.Variable
	// Tx is the time of the frame's transaction's segment, which its
	// entry carries and its transient slots' owner names.
	Tx frontend.Variable
	// Delegation is how the frame was entered (a DELEGATECALL: the code
	// it runs is Code's, over its address's storage, and none of the
	// slots it reads was last written by the delegating frame).
	Delegation delegation
	// TransientReadTimes[j] is the time of the write
	// Frame.Transient[j]'s initial value was read from.
	TransientReadTimes []frontend.Variable
	// Journal is the frame's part of the undo journal, in a capacity
	// that has one (Capacity.Undo; empty otherwise): there Doomed is the
	// frame's scope, the time of the nearest frame above it that throws
	// its changes away (0 for none), and the frame's slots go through
	// shadows of its scope (see undo.go) instead of being refused.
	Journal []frameJournal
	Frame   verifier.FrameWitness
	// dataCap is the calldata capacity of the contexts (the transaction
	// segments'), words the return words they carry (Capacity's
	// outcomeWords).
	dataCap int `gnark:"-"`
	words   int `gnark:"-"`
	// ecrecover is whether the capacity has ecrecover segments: then the
	// segment proves calls of 0x01 by their claims (ecrecoverCall).
	ecrecover bool `gnark:"-"`
	// sha256Words, where the capacity has sha256 segments, is their
	// entries' input words: then the segment proves calls of 0x02 by
	// their claims (sha256Call). Zero where it has none.
	sha256Words int `gnark:"-"`
}

// l1CallAddress is L1CALL's address (precompiles.L1CallAddress),
// l1SandboxCallAddress L1SANDBOXCALL's, l1DelegateCallAddress
// L1DELEGATECALL's and aliasOffset SPEC §1's alias
// offset, as field elements; identityAddress is the identity
// precompile's (0x04).
var (
	l1CallAddress         = new(big.Int).SetBytes(precompiles.L1CallAddress[:])
	l1SandboxCallAddress  = new(big.Int).SetBytes(precompiles.L1SandboxCallAddress[:])
	l1DelegateCallAddress = new(big.Int).SetBytes(precompiles.L1DelegateCallAddress[:])
	aliasOffset           = new(big.Int).SetBytes(precompiles.AliasOffset[:])
	identityAddress       = big.NewInt(4)
)

// identityCall proves, where identity is 1, a call of the identity
// precompile (0x04): it sends no value, and it returns its input (its
// return data's length is the input's and its words the input's, which
// must fit the entry's return words), or fails with no return data (out
// of gas: gas is not proven).
func identityCall(api frontend.API, call *verifier.CallEntry, identity frontend.Variable) {
	api.AssertIsEqual(api.Mul(identity, call.Value.Hi), 0)
	api.AssertIsEqual(api.Mul(identity, call.Value.Lo), 0)
	ok := api.Mul(identity, call.Success)
	api.AssertIsEqual(api.Mul(ok, api.Sub(call.RetLen, call.Len)), 0)
	api.AssertIsEqual(api.Mul(identity, api.Sub(1, call.Success), call.RetLen), 0)
	for k := range call.Ret {
		var hi, lo frontend.Variable = 0, 0
		if k < len(call.Data) {
			hi, lo = call.Data[k].Hi, call.Data[k].Lo
		}
		api.AssertIsEqual(api.Mul(ok, api.Sub(call.Ret[k].Hi, hi)), 0)
		api.AssertIsEqual(api.Mul(ok, api.Sub(call.Ret[k].Lo, lo)), 0)
	}
	if len(call.Ret) < len(call.Data) {
		api.ToBinary(api.Mul(ok, api.Sub(32*len(call.Ret), call.Len)), 16)
	}
}

// Define implements frontend.Circuit.
func (c *frameSegment) Define(api frontend.API) error {
	if err := c.enter(api, &c.SegmentInputs); err != nil {
		return err
	}
	f := &c.Frame
	outcome, err := f.Constrain(api)
	if err != nil {
		return err
	}
	addr := func(w verifier.Word) frontend.Variable { return api.Add(api.Mul(w.Hi, two128), w.Lo) }
	// The frame's addresses are 160-bit words.
	for _, w := range []verifier.Word{f.Caller, f.Origin, f.Address} {
		api.ToBinary(w.Hi, 32)
		api.ToBinary(w.Lo, 128)
	}
	// An L2 frame runs in the L2 block's context, which it reads from
	// the header segment (the batch's chain id and number, a PREVRANDAO
	// of zero, the L2 block's time, coinbase, gas limit and base fee);
	// an L1 frame in the pinned L1 block's, which it reads from the block
	// segment (see storage). Its gas price is its entry's.
	api.AssertIsBoolean(c.L1)
	api.AssertIsBoolean(c.Static)
	if c.Journal != nil {
		// Doomed is the frame's scope (see undo.go): a time.
		api.ToBinary(c.Doomed, timeBits)
	} else {
		api.AssertIsBoolean(c.Doomed)
	}
	// Only an L1 frame is a sandbox's, or read-only; a read-only one
	// runs no SSTORE.
	api.AssertIsBoolean(c.Sandbox)
	api.AssertIsEqual(api.Mul(c.Sandbox, api.Sub(1, c.L1)), 0)
	api.AssertIsBoolean(c.ReadOnly)
	api.AssertIsEqual(api.Mul(c.ReadOnly, api.Sub(1, c.L1)), 0)
	api.AssertIsEqual(api.Mul(c.ReadOnly, outcome.Stores), 0)
	// A static frame changes no state.
	api.AssertIsEqual(api.Mul(c.Static, outcome.Writes), 0)
	// The calldata as the contexts hash it: the transaction capacity's
	// bytes, zero past the frame's own, its length within both.
	data := make([]frontend.Variable, c.dataCap)
	for i := range data {
		data[i] = 0
		if i < len(f.Calldata) {
			data[i] = f.Calldata[i]
		}
	}
	for _, b := range f.Calldata[min(c.dataCap, len(f.Calldata)):] {
		api.AssertIsEqual(b, 0)
	}
	api.ToBinary(api.Sub(min(c.dataCap, len(f.Calldata)), f.CalldataLen), 16)
	price := f.Context[verifier.ContextChainID+2]
	entry, err := frameEntry(api, addr(f.Caller), addr(f.Origin), [2]frontend.Variable{price.Hi, price.Lo}, addr(f.Address), [2]frontend.Variable{f.Value.Hi, f.Value.Lo}, f.CalldataLen, data, c.L1, c.Static, c.Doomed, c.Sandbox, c.ReadOnly, c.LogsIn, c.Tx, c.Delegation, c.Ancestors)
	if err != nil {
		return err
	}
	// A DELEGATECALL's frame runs another address's code (Code) over
	// the storage of the L2 frame that made it (By its time); any other
	// frame its own address's code.
	d := c.Delegation
	api.AssertIsBoolean(d.On)
	api.AssertIsEqual(api.Mul(api.Sub(1, d.On), api.Sub(d.Code, addr(f.Address))), 0)
	api.AssertIsEqual(api.Mul(api.Sub(1, d.On), d.By), 0)
	api.AssertIsEqual(api.Mul(d.On, c.L1), 0)
	api.AssertIsBoolean(d.L1Code)
	api.AssertIsEqual(api.Mul(api.Sub(1, d.On), d.L1Code), 0)
	api.ToBinary(d.Code, 160)
	// No frame above this one runs at its address on its layer, but
	// the one that delegated to it, just above.
	owner := slotOwner(api, c.L1, addr(f.Address))
	for i, a := range c.Ancestors {
		if i == 0 {
			api.AssertIsEqual(api.Mul(api.Sub(1, d.On), api.IsZero(api.Sub(owner, a))), 0)
			continue
		}
		api.AssertIsDifferent(owner, a)
	}
	mem, alias, err := c.storage(api, outcome, owner, addr(f.Address))
	if err != nil {
		return err
	}
	// The callees' ancestry: this frame, then its own, which must leave
	// room (the depth limit) where a call entered a frame.
	ancestry := append([]frontend.Variable{owner}, c.Ancestors[:len(c.Ancestors)-1]...)
	room := c.Ancestors[len(c.Ancestors)-1]
	undo := c.undo(api, outcome)
	// The addresses called (each popped word's low 160 bits), and which
	// calls enter a frame: every used one but a call of the identity
	// precompile, which the segment proves itself (identityCall).
	// Where the capacity has ecrecover or sha256 segments, a call of the
	// ecrecover (0x01) or sha256 (0x02) precompile enters no frame
	// either: the segment reads its claim (ecrecoverCall, sha256Call).
	tos := make([]frontend.Variable, len(f.Calls))
	enters := make([]frontend.Variable, len(f.Calls))
	for j := range f.Calls {
		call := &f.Calls[j]
		toHi := api.ToBinary(call.To.Hi, 128)
		api.ToBinary(call.To.Lo, 128)
		tos[j] = api.Add(api.Mul(api.FromBinary(toHi[:32]...), two128), call.To.Lo)
		direct := api.Mul(call.Used, api.Sub(1, call.Delegate))
		identity := api.Mul(direct, api.IsZero(api.Sub(tos[j], identityAddress)))
		identityCall(api, call, identity)
		// A booster precompile's refusal enters no frame either.
		refused := precompileRefusal(api, call, tos[j], direct)
		enters[j] = api.Sub(call.Used, identity, refused)
		if c.ecrecover {
			ecrecover := api.Mul(direct, api.IsZero(api.Sub(tos[j], ecrecoverAddress)))
			claim, err := ecrecoverCall(api, mem, call, ecrecover)
			if err != nil {
				return err
			}
			mem.Sum = api.Sub(mem.Sum, claim)
			enters[j] = api.Sub(enters[j], ecrecover)
		}
		if c.sha256Words > 0 {
			sha := api.Mul(direct, api.IsZero(api.Sub(tos[j], sha256Address)))
			claim, err := sha256Call(api, mem, call, sha, c.sha256Words)
			if err != nil {
				return err
			}
			mem.Sum = api.Sub(mem.Sum, claim)
			enters[j] = api.Sub(enters[j], sha)
		}
	}
	// The logs: the frame's folded in between its calls; a frame that
	// reverts, or a sandbox's, hands back the values it was entered with.
	callLogs, end, err := c.logChains(api, addr(f.Address), enters)
	if err != nil {
		return err
	}
	discard := api.Add(outcome.Reverted, api.Mul(api.Sub(1, outcome.Reverted), c.Sandbox))
	var logs [2]frontend.Variable
	for l := range logs {
		logs[l] = api.Select(discard, c.LogsIn[l], end[l])
	}
	out, err := frameOutcome(api, api.Sub(1, outcome.Reverted), f.RetLen, logs, f.Return, c.words)
	if err != nil {
		return err
	}
	ctx, err := hashVars(api, entry, out)
	if err != nil {
		return err
	}
	pending, err := hashVars(api, ctx, c.Rest)
	if err != nil {
		return err
	}
	api.AssertIsEqual(c.Pending, pending)

	// The callees, last call first so that the first is on top.
	next := c.Rest
	t := api.Add(c.Mem.Time, 1)
	if c.Journal != nil {
		// Where the frame throws its callees' changes away, it is their
		// scope (and may push its marker below them); otherwise they are
		// in its own.
		self := c.selfUndo(api, outcome)
		undo = api.Select(self, t, c.Doomed)
		j := c.Journal[0]
		api.AssertIsBoolean(j.Marker)
		api.AssertIsEqual(api.Mul(j.Marker, api.Sub(1, self)), 0)
		marker, err := hashVars(api, t, c.Rest)
		if err != nil {
			return err
		}
		next = api.Select(j.Marker, marker, c.Rest)
	}
	for j := len(f.Calls) - 1; j >= 0; j-- {
		api.AssertIsEqual(api.Mul(enters[j], room), 0)
		ctx, err := c.callee(api, &f.Calls[j], tos[j], enters[j], alias, addr, undo, ancestry, callLogs[j], c.CallLogs[j], t)
		if err != nil {
			return err
		}
		pushed, err := hashVars(api, ctx, next)
		if err != nil {
			return err
		}
		next = api.Select(enters[j], pushed, next)
	}
	out2, err := c.boundary(api, &c.SegmentInputs, c.Acc, next, mem)
	if err != nil {
		return err
	}
	api.AssertIsEqual(c.Out, out2)
	return nil
}

// storage adds the frame's slots, its code's digest and, where
// SenderCode is 1, the reads the alias rule decides by to the storage
// argument at the next time and returns the argument's state after them
// and whether the frame's L1CALLs' sender is aliased. owner is the
// frame's slotOwner, address its address.
func (c *frameSegment) storage(api frontend.API, outcome verifier.FrameOutcome, owner, address frontend.Variable) (memory, frontend.Variable, error) {
	f, m := &c.Frame, c.Mem
	t := api.Add(m.Time, 1)
	api.ToBinary(t, timeBits)
	// The frame's writes stay unless it or a frame above it reverts, or
	// it is a sandbox's.
	undo := c.undo(api, outcome)
	// Doomed and returning: its writes would be seen by the frames after
	// it until the revert above, which the argument does not follow
	// unless the capacity journals them (see undo.go).
	var unchanged frontend.Variable
	if c.Journal == nil {
		unchanged = api.Mul(c.Doomed, api.Sub(1, outcome.Reverted))
	} else {
		undo = c.selfUndo(api, outcome)
	}
	access := func(owner frontend.Variable, sl *verifier.Slot, readTime frontend.Variable, first, from []frontend.Variable, j int) frontend.Variable {
		if c.Journal == nil {
			return c.slotAccess(api, owner, sl, readTime, t, undo, unchanged)
		}
		return c.journalAccess(api, owner, sl, readTime, t, undo, c.Doomed, first[j], from[j])
	}
	var journal frameJournal
	if c.Journal != nil {
		journal = c.Journal[0]
	}
	sum := m.Sum
	for j := range f.Storage {
		sum = api.Add(sum, access(owner, &f.Storage[j], c.ReadTimes[j], journal.First, journal.From, j))
	}
	// Transient storage: an L2 frame of a shape with TransientCarried
	// reads each slot as the frames of its transaction before it left
	// it (zero at the transaction's start: the end segments write it so)
	// and leaves it as it does storage; other frames use none.
	var transient []frontend.Variable
	carried := f.Shape().TransientCarried
	owner2 := transientOwner(api, address, c.Tx)
	for j := range f.Transient {
		sl := &f.Transient[j]
		if !carried {
			api.AssertIsEqual(sl.Used, 0)
			continue
		}
		api.AssertIsEqual(api.Mul(c.L1, sl.Used), 0)
		sum = api.Add(sum, access(owner2, sl, c.TransientReadTimes[j], journal.TransientFirst, journal.TransientFrom, j))
		// The frame's commitment leaves the list out: the chain takes it.
		transient = append(transient, sl.Used, sl.KeyHi, sl.KeyLo, sl.InitHi, sl.InitLo, sl.FinalHi, sl.FinalLo, c.TransientReadTimes[j])
	}
	// A frame reads its code's digest, which a code segment (an L1
	// frame's: the read set's code) or an end segment (an L2 frame's:
	// the L2 state tree's) wrote for its address.
	digest, err := codeDigest(api, f.CodeLen, f.Code)
	if err != nil {
		return memory{}, nil, err
	}
	// (a DELEGATECALL's frame: the code at its Code address, an
	// L1DELEGATECALL's: the L1 account's, which a code segment wrote).
	codeOwner := domainOwner(api, api.Add(c.L1, c.Delegation.L1Code), domCode, c.Delegation.Code)
	code := m.term(api, m.fingerprint(api, codeOwner, digest, 0, 0, 0, 0))
	sum = api.Sub(sum, code)
	// SPEC §1's alias rule: the L1 code read for the frame's address (an
	// L1 account's: layer 1), and the keccak hash of the frame's code.
	api.AssertIsBoolean(c.SenderCode)
	l1Code := m.term(api, m.fingerprint(api, listOwner(api, domCodeRead, address), c.L1CodeHash[0], c.L1CodeHash[1], 0, 0, 0))
	ownHash := m.term(api, m.fingerprint(api, keccakOwner, digest, 0, c.CodeHash[0], c.CodeHash[1], 0))
	// It reads its code's hash for the rule, or where an L2 frame's
	// EXTCODEHASH reads it (HashUses): once either way.
	readsOwn := api.Sub(1, api.Mul(api.Sub(1, c.SenderCode), api.IsZero(c.HashUses)))
	sum = api.Sub(sum, api.Add(api.Mul(c.SenderCode, l1Code), api.Mul(readsOwn, ownHash)))
	// An L1 frame runs in the pinned L1 block's context, which the block
	// segment wrote, an L2 frame in the L2 block's, which the header
	// segment wrote.
	ctx, err := contextDigest(api, f.Context[:])
	if err != nil {
		return memory{}, nil, err
	}
	sum = api.Sub(sum, m.term(api, m.fingerprint(api, api.Select(c.L1, contextOwner, l2BlockOwner), 0, 0, ctx, 0, 0)))
	// An L1 frame's state reads: EXTCODEHASH reads the read set's code
	// read of the account, EXTCODESIZE the size its code segment proved,
	// BALANCE the read set's balance read of the account; BLOCKHASH is
	// refused. An L2 frame's EXTCODESIZE and EXTCODEHASH read the size
	// and keccak hash of the code the first L2 frame of the batch at the
	// account runs (its CodeLen, and the hash a code segment proved for
	// its code's digest, which is the L2 state tree's code there); its
	// other state reads are refused (the L2 state tree holds no balances
	// yet).
	l2 := api.Sub(1, c.L1)
	number := f.Context[contextNumber]
	for j := range f.Reads {
		r := &f.Reads[j]
		isSize := api.Mul(r.Used, api.IsZero(r.Kind))
		isHash := api.Mul(r.Used, api.IsZero(api.Sub(r.Kind, 1)))
		isBalance := api.Mul(r.Used, api.IsZero(api.Sub(r.Kind, 2)))
		isBlockhash := api.Mul(r.Used, api.IsZero(api.Sub(r.Kind, 3)))
		api.AssertIsEqual(api.Mul(c.L1, api.Sub(r.Used, isSize, isHash, isBalance, isBlockhash)), 0)
		sum = api.Sub(sum, l1Blockhash(api, m, r, number, api.Mul(c.L1, isBlockhash)))
		api.AssertIsEqual(api.Mul(l2, api.Sub(r.Used, isSize, isHash)), 0)
		hi := api.ToBinary(r.Key.Hi, 128)
		account := api.Add(api.Mul(api.FromBinary(hi[:32]...), two128), r.Key.Lo)
		hashOwner := domainOwner(api, c.L1, domCodeRead, account)
		hash := m.term(api, m.fingerprint(api, hashOwner, r.Value.Hi, r.Value.Lo, 0, 0, 0))
		sizeOwner := domainOwner(api, c.L1, domCodeSize, account)
		size := m.term(api, m.fingerprint(api, sizeOwner, 0, 0, r.Value.Hi, r.Value.Lo, 0))
		balance := m.term(api, m.fingerprint(api, listOwner(api, domBalance, account), 0, 0, r.Value.Hi, r.Value.Lo, 0))
		sum = api.Sub(sum, api.Add(api.Mul(isSize, size), api.Mul(isHash, hash), api.Mul(c.L1, isBalance, balance)))
	}
	// An L2 frame writes its code's size and hash for the EXTCODESIZE and
	// EXTCODEHASH reads of its address.
	api.AssertIsEqual(api.Mul(api.Add(c.L1, c.Delegation.On), c.SizeUses), 0)
	api.AssertIsEqual(api.Mul(api.Add(c.L1, c.Delegation.On), c.HashUses), 0)
	ownSize := domainOwner(api, 0, domCodeSize, address)
	sum = api.Add(sum, api.Mul(c.SizeUses, m.term(api, m.fingerprint(api, ownSize, 0, 0, 0, f.CodeLen, 0))))
	ownHashOwner := domainOwner(api, 0, domCodeRead, address)
	sum = api.Add(sum, api.Mul(c.HashUses, m.term(api, m.fingerprint(api, ownHashOwner, c.CodeHash[0], c.CodeHash[1], 0, 0, 0))))
	// An L1 frame that runs SELFBALANCE reads its balance (the word the
	// opcode pushes) from the read set's balance read of its address; an
	// L2 frame runs none (its balance is not in the L2 state tree yet).
	var selfbalances frontend.Variable = 0
	for _, row := range f.Rows {
		selfbalances = api.Add(selfbalances, api.Mul(row.Active, api.IsZero(api.Sub(row.Op, int(vm.SELFBALANCE)))))
	}
	api.AssertIsEqual(api.Mul(api.Sub(1, c.L1), selfbalances), 0)
	own := f.Context[len(f.Context)-1]
	self := m.term(api, m.fingerprint(api, listOwner(api, domBalance, address), 0, 0, own.Hi, own.Lo, 0))
	sum = api.Sub(sum, api.Mul(c.L1, api.Sub(1, api.IsZero(selfbalances)), self))
	same := api.Mul(api.IsZero(api.Sub(c.L1CodeHash[0], c.CodeHash[0])), api.IsZero(api.Sub(c.L1CodeHash[1], c.CodeHash[1])))
	alias := api.Mul(c.SenderCode, api.Sub(1, same))
	vs := append([]frontend.Variable{m.Acc, outcome.Commitment, owner, c.Doomed, c.Sandbox, t}, packTimes(api, c.ReadTimes)...)
	vs = append(vs, c.SenderCode, c.L1CodeHash[0], c.L1CodeHash[1], c.CodeHash[0], c.CodeHash[1], c.SizeUses, c.HashUses, c.Tx, c.Delegation.On, c.Delegation.Code, c.Delegation.By, c.Delegation.L1Code)
	vs = append(vs, transient...)
	vs = append(vs, journalElements(api, c.Journal)...)
	// The KECCAK256 hashes a frame of a shape with KeccakClaims pushed,
	// which a keccak segment wrote.
	sum, claims, err := frameClaims(api, m, sum, outcome.Keccak)
	if err != nil {
		return memory{}, nil, err
	}
	vs = append(vs, claims...)
	acc, err := hashVars(api, vs...)
	if err != nil {
		return memory{}, nil, err
	}
	return m.next(t, acc, sum), alias, nil
}

// l1Blockhash proves, where on is 1, an L1 frame's BLOCKHASH read r,
// the pinned block's number being number (below 2^64, the block
// segment's), and returns the storage argument's term of what it reads:
// the parent's hash (of block number − 1), which the block segment
// wrote; or nothing where the block asked for is the pinned one or
// later, or more than 256 blocks before it, whose hash the EVM gives as
// zero. Any other block's is refused. Where on is 0 it returns zero.
func l1Blockhash(api frontend.API, m memory, r *verifier.StateEntry, number verifier.Word, on frontend.Variable) frontend.Variable {
	keyHiZero := api.IsZero(r.Key.Hi)
	isParent := api.Mul(keyHiZero, api.IsZero(api.Sub(api.Add(r.Key.Lo, 1), number.Lo)))
	// later: the key is the pinned block's number or more (both limbs
	// below 2^128, so the differences below are within their bits).
	ge := api.ToBinary(api.Add(api.Mul(on, api.Sub(r.Key.Lo, number.Lo)), two128), 129)[128]
	later := api.Sub(1, api.Mul(keyHiZero, api.Sub(1, ge)))
	// older: the pinned block's number is the key's plus 257 or more.
	old := api.ToBinary(api.Add(api.Mul(on, api.Sub(number.Lo, r.Key.Lo, 257)), two129), 130)[129]
	older := api.Mul(keyHiZero, old)
	zero := api.Sub(api.Add(later, older), api.Mul(later, older))
	api.AssertIsEqual(api.Mul(on, api.Sub(1, isParent, zero)), 0)
	api.AssertIsEqual(api.Mul(on, zero, r.Value.Hi), 0)
	api.AssertIsEqual(api.Mul(on, zero, r.Value.Lo), 0)
	return api.Mul(on, isParent, m.term(api, m.fingerprint(api, parentHashOwner, 0, r.Key.Lo, r.Value.Hi, r.Value.Lo, 0)))
}

// undo is 1 where the frame's writes do not stay: it reverts, a frame
// above it reverts (Doomed), or it is the L1 frame of an L1SANDBOXCALL
// (Sandbox), whose changes are thrown away when it returns.
func (c *frameSegment) undo(api frontend.API, outcome verifier.FrameOutcome) frontend.Variable {
	either := api.Sub(api.Add(c.Doomed, outcome.Reverted), api.Mul(c.Doomed, outcome.Reverted))
	return api.Sub(api.Add(either, c.Sandbox), api.Mul(either, c.Sandbox))
}

// selfUndo is 1 where the frame throws its own changes away: it
// reverts, or it is the L1 frame of an L1SANDBOXCALL.
func (c *frameSegment) selfUndo(api frontend.API, outcome verifier.FrameOutcome) frontend.Variable {
	return api.Sub(api.Add(outcome.Reverted, c.Sandbox), api.Mul(outcome.Reverted, c.Sandbox))
}

// slotAccess is the storage argument's terms of the frame's access to
// slot sl (storage or transient) under owner, zero for an unused slot:
// the read of its initial value from the write at readTime, which came
// before the frame's time t (and, for a DELEGATECALL's frame, is not the
// delegating frame's), and the write at t of what the frame leaves
// there: its final value, or its initial one where undo. Where
// unchanged, the frame must leave the slot as it found it.
func (c *frameSegment) slotAccess(api frontend.API, owner frontend.Variable, sl *verifier.Slot, readTime, t, undo, unchanged frontend.Variable) frontend.Variable {
	m := c.Mem
	api.AssertIsEqual(api.Mul(unchanged, sl.Used, api.Sub(sl.FinalHi, sl.InitHi)), 0)
	api.AssertIsEqual(api.Mul(unchanged, sl.Used, api.Sub(sl.FinalLo, sl.InitLo)), 0)
	api.ToBinary(readTime, timeBits)
	api.ToBinary(api.Mul(sl.Used, api.Sub(t, readTime, 1)), timeBits)
	api.AssertIsEqual(api.Mul(c.Delegation.On, sl.Used, api.IsZero(api.Sub(readTime, c.Delegation.By))), 0)
	leftHi := api.Select(undo, sl.InitHi, sl.FinalHi)
	leftLo := api.Select(undo, sl.InitLo, sl.FinalLo)
	w := m.term(api, m.fingerprint(api, owner, sl.KeyHi, sl.KeyLo, leftHi, leftLo, t))
	r := m.term(api, m.fingerprint(api, owner, sl.KeyHi, sl.KeyLo, sl.InitHi, sl.InitLo, readTime))
	return api.Mul(sl.Used, api.Sub(w, r))
}

// callee is the context of the frame a call entry enters (meaningful for
// a used entry that enters a frame; the constraints hold for an unused
// one, whose fields are zero, and for a call of the identity
// precompile). to is the address called, enters 1 where the call enters
// a frame, aliased whether the frame's L1CALLs' sender is aliased.
func (c *frameSegment) callee(api frontend.API, call *verifier.CallEntry, to, enters, aliased frontend.Variable, addr func(verifier.Word) frontend.Variable, doomed frontend.Variable, ancestry []frontend.Variable, logsIn, logsOut [2]frontend.Variable, now frontend.Variable) (frontend.Variable, error) {
	f := &c.Frame
	used := call.Used
	// A DELEGATECALL runs the code at the address called over this
	// frame's storage, with its caller and value; from an L2 frame that
	// was not entered by one.
	delegate := api.Mul(used, call.Delegate)
	api.AssertIsEqual(api.Mul(delegate, api.Add(c.L1, c.Delegation.On)), 0)
	isL1Call := api.Mul(used, api.IsZero(api.Sub(to, l1CallAddress)))
	isSandbox := api.Mul(used, api.IsZero(api.Sub(to, l1SandboxCallAddress)))
	// isL1 is 1 for either precompile: both enter an L1 frame of the
	// target their input names, with the rest of the input, no value and
	// the alias rule's sender.
	isL1 := api.Add(isL1Call, isSandbox)
	// Both from an L2 frame, static or not, their L1 frames never
	// static. L1CALL's is read-only where the call is static (SPEC §1:
	// in a static context it may read, and a write refuses it with
	// L1CallStaticViolation: a frame proven to run no SSTORE is one the
	// L1 EVM ran to the same end), and so are its callees;
	// L1SANDBOXCALL's never is (its changes are thrown away).
	api.AssertIsEqual(api.Mul(isL1, c.L1), 0)
	// An L1 frame's sender is decided by the alias rule's reads, from a
	// frame that runs its own address's code.
	api.AssertIsEqual(api.Mul(isL1, enters, api.Sub(1, c.SenderCode)), 0)
	api.AssertIsEqual(api.Mul(isL1, api.Add(c.Delegation.On, call.Delegate)), 0)
	// L1DELEGATECALL runs the code of the L1 account its input names
	// over this frame's storage, as this frame (like DELEGATECALL: its
	// caller and value), on the rest of the input, in the L2 block's
	// context; by CALL or STATICCALL from an L2 frame a DELEGATECALL
	// did not enter.
	isL1Delegate := api.Mul(used, api.IsZero(api.Sub(to, l1DelegateCallAddress)))
	api.AssertIsEqual(api.Mul(isL1Delegate, api.Add(c.L1, c.Delegation.On, call.Delegate)), 0)
	// No precompile takes value: with value it refuses
	// (L1CallValueNotAllowed, precompileRefusal) and enters no frame.
	api.AssertIsEqual(api.Mul(enters, api.Add(isL1, isL1Delegate), call.Value.Hi), 0)
	api.AssertIsEqual(api.Mul(enters, api.Add(isL1, isL1Delegate), call.Value.Lo), 0)
	// delegating: the callee runs in this frame's context.
	delegating := api.Add(delegate, isL1Delegate)
	// skipping: its calldata is the input after the target's 20 bytes.
	skipping := api.Add(isL1, isL1Delegate)
	alias := api.Mul(isL1, aliased)
	either := api.Sub(api.Add(c.Static, call.Static), api.Mul(c.Static, call.Static))
	static := api.Mul(api.Sub(1, isL1), either)
	readOnly := api.Add(api.Mul(isL1Call, either), api.Mul(api.Sub(1, isL1), c.ReadOnly))
	// A static frame calls with no value.
	api.AssertIsEqual(api.Mul(c.Static, used, api.Sub(1, api.IsZero(call.Value.Hi))), 0)
	api.AssertIsEqual(api.Mul(c.Static, used, api.Sub(1, api.IsZero(call.Value.Lo))), 0)

	// The input's bytes, big-endian, from its public words (zero past
	// Len).
	var in []frontend.Variable
	for _, w := range call.Data {
		for _, limb := range []frontend.Variable{w.Hi, w.Lo} {
			bits := api.ToBinary(limb, 128)
			for k := 15; k >= 0; k-- {
				in = append(in, api.FromBinary(bits[8*k:8*k+8]...))
			}
		}
	}
	// The callee's calldata: the input, or for L1CALL and L1SANDBOXCALL
	// the input after the target (an input shorter than the target is
	// the precompile's refusal, which has no L1 frame), within the
	// capacity.
	skip := api.Mul(skipping, 20)
	dataLen := api.Sub(call.Len, skip)
	api.ToBinary(api.Mul(enters, api.Sub(c.dataCap, dataLen)), 16)
	api.ToBinary(api.Mul(enters, dataLen), 16)
	at := func(i int) frontend.Variable {
		if i < len(in) {
			return in[i]
		}
		return 0
	}
	data := make([]frontend.Variable, c.dataCap)
	for i := range data {
		data[i] = api.Select(skipping, at(20+i), at(i))
	}
	// The sender, aliased modulo 2^160, and the target, for L1CALL and
	// L1SANDBOXCALL.
	sum := api.ToBinary(api.Add(addr(f.Address), api.Mul(alias, aliasOffset)), 161)
	sender := api.Select(delegating, addr(f.Caller), api.FromBinary(sum[:160]...))
	target := bytesValue(api, in[:20])
	address := api.Select(isL1, target, api.Select(delegating, addr(f.Address), to))
	value := [2]frontend.Variable{call.Value.Hi, call.Value.Lo}
	value[0] = api.Select(delegating, f.Value.Hi, value[0])
	value[1] = api.Select(delegating, f.Value.Lo, value[1])
	code := api.Select(isL1Delegate, target, api.Select(delegate, to, address))
	d := delegation{On: delegating, Code: code, By: api.Mul(delegating, now), L1Code: isL1Delegate}
	layer := api.Select(isL1, 1, c.L1)
	// The callee runs with this frame's gas price, an L1 frame with the
	// L1 EVM's, zero.
	own := f.Context[verifier.ContextChainID+2]
	price := [2]frontend.Variable{api.Mul(api.Sub(1, isL1), own.Hi), api.Mul(api.Sub(1, isL1), own.Lo)}
	entry, err := frameEntry(api, sender, addr(f.Origin), price, address, value, dataLen, data, layer, static, doomed, isSandbox, readOnly, logsIn, c.Tx, d, ancestry)
	if err != nil {
		return nil, err
	}
	out, err := frameOutcome(api, call.Success, call.RetLen, logsOut, call.Ret, c.words)
	if err != nil {
		return nil, err
	}
	return hashVars(api, entry, out)
}

// frameEntry hashes what a frame is entered with: caller and origin
// (160-bit values), the gas price GASPRICE pushes (the transaction's, on
// L2; 128-bit halves), address, value (halves), calldata length, its
// layer (1 for L1), whether it is static, whether a frame above it
// reverts, whether it is an L1SANDBOXCALL's L1 frame, whether it is
// read-only (below a static L1CALL), the log chains' values it starts
// from (L2, then L1; see
// LogsDigest), the time of its transaction's segment (which names the
// transaction's transient storage), its delegation (whether a
// DELEGATECALL entered it, the address of the code it runs and the time
// of the frame that delegated), the slotOwner values of the frames above it (MaxDepth − 1,
// nearest first, zero past the top), and the calldata bytes, zero-padded
// and packed 31 to an element.
func frameEntry(api frontend.API, caller, origin frontend.Variable, price [2]frontend.Variable, address frontend.Variable, value [2]frontend.Variable, dataLen frontend.Variable, data []frontend.Variable, l1, static, doomed, sandbox, readOnly frontend.Variable, logs [2]frontend.Variable, tx frontend.Variable, d delegation, ancestors []frontend.Variable) (frontend.Variable, error) {
	vs := []frontend.Variable{caller, origin, price[0], price[1], address, value[0], value[1], dataLen, l1, static, doomed, sandbox, readOnly, logs[0], logs[1], tx, d.On, d.Code, d.By, d.L1Code}
	vs = append(vs, ancestors...)
	for i := 0; i < len(data); i += 31 {
		vs = append(vs, bytesValue(api, data[i:min(i+31, len(data))]))
	}
	return hashVars(api, vs...)
}

// delegation is how a frame was entered: On is 1 for a DELEGATECALL or
// an L1DELEGATECALL, which runs the code at Code (L1Code 1: the L1
// account's, for L1DELEGATECALL) over the storage of the frame that
// made it, whose time is By; otherwise On, By and L1Code are 0 and Code
// is the frame's address.
type delegation struct {
	On, Code, By, L1Code frontend.Variable
}

// frameOutcome hashes how a frame ended: success, the return data's
// length, the log chains' values it hands back (L2, then L1) and the
// return data's words (128-bit halves, zero past the data), n of them.
func frameOutcome(api frontend.API, success, retLen frontend.Variable, logs [2]frontend.Variable, ret []verifier.Word, n int) (frontend.Variable, error) {
	vs := []frontend.Variable{success, retLen, logs[0], logs[1]}
	for k := range n {
		if k < len(ret) {
			vs = append(vs, ret[k].Hi, ret[k].Lo)
		} else {
			vs = append(vs, 0, 0)
		}
	}
	return hashVars(api, vs...)
}

// outcomeWords is how many return words an outcome hash takes in shape s:
// as many as a frame returns or a call keeps, whichever is more.
func outcomeWords(s verifier.Shape) int { return max(s.Return, s.CallReturn) }

// endSegment adds Slots to the storage argument: each slot the batch
// touched, once, in increasing order of layer, address and key across
// the end segments, with its value before the batch (written at time 0)
// and after it (read at the time of its last write). The last end
// segment (Final) checks that the storage argument's sum is zero under
// the challenges its hash chain gives, that the running commitment
// equals the header's, and ends the batch (Out 0). Every end segment
// requires that nothing is pending.
type endSegment struct {
	aggregate.SegmentInputs
	carried
	Final frontend.Variable
	Slots []slotEntry
	Codes []l2CodeEntry
}

// l2CodeEntry is an L2 account's code digest, which an end segment
// proves against the L2 state tree (under L2CodeKey) and writes to the
// storage argument Uses times, once for each L2 frame at the account,
// which reads it. For an account without code (digest zero: the tree
// holds none) it writes the code size zero SizeUses times, once for each
// EXTCODESIZE of the account an L2 frame reads.
type l2CodeEntry struct {
	Used, Address, Digest, Uses, SizeUses frontend.Variable
	Siblings                              [statetree.Depth]frontend.Variable
}

// Define implements frontend.Circuit.
func (c *endSegment) Define(api frontend.API) error {
	if err := c.enter(api, &c.SegmentInputs); err != nil {
		return err
	}
	// Every frame the transactions entered has been proven.
	api.AssertIsEqual(c.Pending, 0)
	api.AssertIsBoolean(c.Final)
	m := c.Mem
	sum := m.Sum
	pOwner, pHi, pLo := m.LastOwner, m.LastHi, m.LastLo
	vs := []frontend.Variable{m.Acc}
	var prevUsed frontend.Variable = 1
	u, err := statetree.NewUpdater(api)
	if err != nil {
		return err
	}
	root := m.L2Root
	for j := range c.Slots {
		e := &c.Slots[j]
		api.AssertIsBoolean(e.Used)
		api.AssertIsBoolean(e.L1)
		api.AssertIsEqual(api.Mul(e.Used, api.Sub(1, prevUsed)), 0)
		prevUsed = e.Used
		api.ToBinary(e.Address, 160)
		for _, v := range []frontend.Variable{e.KeyHi, e.KeyLo, e.InitHi, e.InitLo, e.FinalHi, e.FinalLo} {
			api.ToBinary(v, 128)
		}
		api.ToBinary(e.Time, timeBits)
		// A nonce entry is an L2 account's nonce, key zero.
		api.AssertIsBoolean(e.Nonce)
		api.AssertIsEqual(api.Mul(e.Nonce, e.L1), 0)
		api.AssertIsEqual(api.Mul(e.Nonce, e.KeyHi), 0)
		api.AssertIsEqual(api.Mul(e.Nonce, e.KeyLo), 0)
		// A transient entry is an L2 account's transient slot in one
		// transaction, zero before it.
		api.AssertIsBoolean(e.Transient)
		api.AssertIsEqual(api.Mul(e.Transient, api.Add(e.L1, e.Nonce)), 0)
		api.AssertIsEqual(api.Mul(e.Transient, e.InitHi), 0)
		api.AssertIsEqual(api.Mul(e.Transient, e.InitLo), 0)
		api.AssertIsEqual(api.Mul(api.Sub(1, e.Transient), e.Tx), 0)
		api.ToBinary(e.Tx, timeBits)
		owner := api.Add(slotOwner(api, e.L1, e.Address), api.Mul(e.Nonce, new(big.Int).Mul(big.NewInt(domNonce), two162)),
			api.Mul(e.Transient, new(big.Int).Mul(big.NewInt(domTransient), two162)), api.Mul(e.Tx, two166))
		assertAfter(api, e.Used, pOwner, pHi, pLo, owner, e.KeyHi, e.KeyLo)
		w := m.term(api, m.fingerprint(api, owner, e.KeyHi, e.KeyLo, e.InitHi, e.InitLo, 0))
		r := m.term(api, m.fingerprint(api, owner, e.KeyHi, e.KeyLo, e.FinalHi, e.FinalLo, e.Time))
		sum = api.Add(sum, api.Mul(e.Used, api.Sub(w, r)))
		// An L1 slot is in the read set with its value before the
		// batch, and, if the batch changed it, in the write list with
		// its value after.
		l1 := api.Mul(e.Used, e.L1)
		same := api.Mul(api.IsZero(api.Sub(e.FinalHi, e.InitHi)), api.IsZero(api.Sub(e.FinalLo, e.InitLo)))
		rd := m.term(api, m.fingerprint(api, listOwner(api, domReads, e.Address), e.KeyHi, e.KeyLo, e.InitHi, e.InitLo, 0))
		wr := m.term(api, m.fingerprint(api, listOwner(api, domWrites, e.Address), e.KeyHi, e.KeyLo, e.FinalHi, e.FinalLo, 0))
		sum = api.Add(sum, api.Mul(l1, rd), api.Mul(l1, api.Sub(1, same), wr))
		// An L2 slot's value before the batch is the L2 state tree's, and
		// its value after goes into the tree.
		key, err := hashVars(api, owner, e.KeyHi, e.KeyLo)
		if err != nil {
			return err
		}
		root = u.Update(root, &statetree.Entry{Key: key, BeforeHi: e.InitHi, BeforeLo: e.InitLo, AfterHi: e.FinalHi, AfterLo: e.FinalLo, Siblings: e.Siblings},
			api.Sub(e.Used, l1, api.Mul(e.Used, e.Transient)))
		pOwner = api.Select(e.Used, owner, pOwner)
		pHi = api.Select(e.Used, e.KeyHi, pHi)
		pLo = api.Select(e.Used, e.KeyLo, pLo)
		vs = append(vs, e.Used, owner, e.KeyHi, e.KeyLo, e.InitHi, e.InitLo, e.FinalHi, e.FinalLo, e.Time)
	}
	// The L2 accounts' code digests, each the tree's, for the L2 frames.
	for j := range c.Codes {
		e := &c.Codes[j]
		api.AssertIsBoolean(e.Used)
		api.ToBinary(e.Address, 160)
		owner := api.Add(slotOwner(api, 0, e.Address), new(big.Int).Mul(big.NewInt(domCode), two162))
		key, err := hashVars(api, owner, 0, 0)
		if err != nil {
			return err
		}
		bits := api.ToBinary(e.Digest)
		hi, lo := api.FromBinary(bits[128:]...), api.FromBinary(bits[:128]...)
		root = u.Update(root, &statetree.Entry{Key: key, BeforeHi: hi, BeforeLo: lo, AfterHi: hi, AfterLo: lo, Siblings: e.Siblings}, e.Used)
		sum = api.Add(sum, api.Mul(e.Used, e.Uses, m.term(api, m.fingerprint(api, owner, e.Digest, 0, 0, 0, 0))))
		// An account without code has code size zero.
		api.AssertIsEqual(api.Mul(e.SizeUses, e.Digest), 0)
		sizeOwner := domainOwner(api, 0, domCodeSize, e.Address)
		sum = api.Add(sum, api.Mul(e.Used, e.SizeUses, m.term(api, m.fingerprint(api, sizeOwner, 0, 0, 0, 0, 0))))
		vs = append(vs, e.Used, e.Address, e.Digest, e.Uses, e.SizeUses)
	}
	acc, err := hashVars(api, vs...)
	if err != nil {
		return err
	}
	// The last: the challenges are the chain's, the sum is zero, and
	// the running commitment is the header's (canonical bits: the
	// commitment is the field element's 32 bytes).
	alpha, err := hashVars(api, acc, 1)
	if err != nil {
		return err
	}
	beta, err := hashVars(api, acc, 2)
	if err != nil {
		return err
	}
	api.AssertIsEqual(api.Mul(c.Final, api.Sub(alpha, m.Alpha)), 0)
	api.AssertIsEqual(api.Mul(c.Final, api.Sub(beta, m.Beta)), 0)
	api.AssertIsEqual(api.Mul(c.Final, sum), 0)
	assertHalves(api, c.Acc, c.TxsHi, c.TxsLo, c.Final)
	// and the L2 state root the end segments leave is the header's.
	assertHalves(api, root, m.L2NewHi, m.L2NewLo, c.Final)
	next := m.next(m.Time, acc, sum)
	next.LastOwner, next.LastHi, next.LastLo, next.L2Root = pOwner, pHi, pLo, root
	out, err := c.boundary(api, &c.SegmentInputs, c.Acc, 0, next)
	if err != nil {
		return err
	}
	api.AssertIsEqual(c.Out, api.Select(c.Final, 0, out))
	// The aggregation circuit switches between segment keys of one
	// layout: one commitment each, to private variables only.
	cm, err := api.(frontend.Committer).Commit(c.Acc, c.ChainID)
	if err != nil {
		return fmt.Errorf("batch: commit: %w", err)
	}
	api.AssertIsDifferent(cm, 0)
	return nil
}

// assertHalves asserts, where enabled is 1, that hi and lo are the top
// and the low 128 bits of v's canonical 32 bytes (so that a 32-byte word
// read as hi·2^128 + lo is v and below the modulus).
func assertHalves(api frontend.API, v, hi, lo, enabled frontend.Variable) {
	bits := api.ToBinary(v)
	api.AssertIsEqual(api.Mul(enabled, api.Sub(api.FromBinary(bits[128:]...), hi)), 0)
	api.AssertIsEqual(api.Mul(enabled, api.Sub(api.FromBinary(bits[:128]...), lo)), 0)
}

// boundaryVar is boundary in the circuit.
func boundaryVar(api frontend.API, batchHi, batchLo, chainID, txsHi, txsLo, acc, pending frontend.Variable, mem memory) (frontend.Variable, error) {
	return hashVars(api, append([]frontend.Variable{batchHi, batchLo, chainID, txsHi, txsLo, acc, pending}, mem.elements()...)...)
}

var two128 = new(big.Int).Lsh(big.NewInt(1), 128)

// two129 offsets a difference of two values below 2^129 to a
// nonnegative one.
var two129 = new(big.Int).Lsh(big.NewInt(1), 129)

func hashVars(api frontend.API, vs ...frontend.Variable) (frontend.Variable, error) {
	h, err := poseidon2.New(api)
	if err != nil {
		return nil, fmt.Errorf("batch: poseidon2: %w", err)
	}
	h.Write(vs...)
	return h.Sum(), nil
}

// bytesValue is the big-endian value of at most 31 bytes.
func bytesValue(api frontend.API, b []frontend.Variable) frontend.Variable {
	var r frontend.Variable = 0
	for _, v := range b {
		r = api.Add(api.Mul(r, 256), v)
	}
	return r
}

// Circuits returns the segment circuits of capacity c, empty, in kind
// order (KindHeader, KindTransaction, KindFrame, KindEnd, KindCode,
// KindBlock, KindKeccak where the frame shape has KeccakClaims, then the
// kinds of c.Frames and of c.Transactions), for compiling.
func Circuits(c Capacity) ([]frontend.Circuit, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	frame, err := frameCircuit(c, c.Frame)
	if err != nil {
		return nil, err
	}
	extra := make([]frontend.Circuit, len(c.Frames))
	for i, s := range c.Frames {
		if extra[i], err = frameCircuit(c, s); err != nil {
			return nil, err
		}
	}
	out := []frontend.Circuit{&headerSegment{Reads: make([][recordBytes]frontend.Variable, c.l1Slots()), Writes: make([][recordBytes]frontend.Variable, c.l1Slots()),
		Code: make([][64]frontend.Variable, c.codeReads()), CodeUses: make([]frontend.Variable, c.codeReads()), CodeSizeUses: make([]frontend.Variable, c.codeReads()),
		Balance: make([][64]frontend.Variable, c.balanceReads()), BalanceUses: make([]frontend.Variable, c.balanceReads())},
		&transactionSegment{Tx: txsig.NewTx(c.Calldata), Ret: make([]verifier.Word, c.outcomeWords()), dataCap: c.Calldata},
		frame,
		&endSegment{Slots: make([]slotEntry, c.slots()), Codes: make([]l2CodeEntry, c.l2Codes())}, &codeSegment{Code: make([]frontend.Variable, c.codeCap())},
		&blockSegment{Header: make([]frontend.Variable, c.l1Block())}}
	if c.Frame.KeccakClaims {
		m, longBytes := c.keccakLong()
		out = append(out, newKeccakSegment(c.keccakInputs(), m, longBytes))
	}
	out = append(out, extra...)
	for _, n := range c.Transactions {
		out = append(out, &transactionSegment{Tx: txsig.NewTx(n), Ret: make([]verifier.Word, c.outcomeWords()), dataCap: c.Calldata})
	}
	if c.Ecrecover > 0 {
		out = append(out, newEcrecoverSegment(c.Ecrecover))
	}
	if c.Sha256 > 0 {
		out = append(out, newSha256Segment(c.Sha256, c.sha256Words()))
	}
	if c.journal() {
		out = append(out, newUndoSegment(c.Undo))
	}
	return out, nil
}

// frameCircuit is the empty frame segment of shape s in capacity c.
func frameCircuit(c Capacity, s verifier.Shape) (*frameSegment, error) {
	f, err := verifier.NewFrameWitness(s)
	if err != nil {
		return nil, fmt.Errorf("batch: frame shape: %w", err)
	}
	return &frameSegment{Frame: *f, Ancestors: make([]frontend.Variable, MaxDepth-1),
		ReadTimes: make([]frontend.Variable, s.Storage), CallLogs: make([][2]frontend.Variable, s.Calls), TransientReadTimes: make([]frontend.Variable, s.Transient), dataCap: c.Calldata, words: c.outcomeWords(), ecrecover: c.Ecrecover > 0, sha256Words: c.sha256Of(),
		Journal: newFrameJournal(c, s)}, nil
}

package batch

import (
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bls12-377/fr"
	"github.com/consensys/gnark-crypto/ecc/bls12-377/fr/poseidon2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/boosterkit/go-booster/verifier/trace"
)

// NbHeaderWords is the number of 32-byte words of a batch header.
const NbHeaderWords = 12

// Header is what the L1 booster contract hashes into a batch's
// commitment (Booster.batchHash), in its order: the L1 chain id and the
// booster contract, the L2 chain id, the batch number, the parent
// commitment, the pinned L1 block's number and hash, the transactions
// commitment, the L2 state root after the batch, the hashes of the read
// set's and the write list's ABI encodings, and the L2 state root before
// the batch (the parent's, or the genesis state's: the booster contract
// keeps it and checks it). It also holds the L2 block's values that the
// transactions commitment binds (L2Block), which are not words.
type Header struct {
	L1ChainID     *big.Int
	Contract      common.Address
	ChainID       *big.Int
	Number        uint64
	Parent        common.Hash
	L1BlockNumber uint64
	L1BlockHash   common.Hash
	Transactions  common.Hash
	L2StateRoot   common.Hash
	ReadsHash     common.Hash
	WritesHash    common.Hash
	// ParentL2StateRoot is the L2 state root before the batch.
	ParentL2StateRoot common.Hash
	// L2Block is the rest of the L2 block the transactions run in. It
	// is not a word: the transactions commitment starts from its digest
	// (TransactionsCommitment), so the commitment binds it.
	L2Block L2Block
}

// L2Block is what an L2 block's frames read of it beyond the header's
// words (its number is the batch number, its chain id the L2 chain's,
// and it has no PREVRANDAO): its time, the coinbase the L2 fees go to,
// its gas limit and its base fee (nil for zero, below 2^128 for a batch
// the segments prove). TIMESTAMP, COINBASE, GASLIMIT and BASEFEE push
// these in every L2 frame, and GASPRICE the transaction's effective gas
// price under this base fee.
type L2Block struct {
	Time     uint64
	Coinbase common.Address
	GasLimit uint64
	BaseFee  *big.Int
}

// seed is the transactions commitment's starting value: the Poseidon2
// hash of the time, the coinbase, the gas limit and the base fee's
// 128-bit halves.
func (b L2Block) seed() fr.Element {
	fee := common.BigToHash(orZero(b.BaseFee))
	return hashElements(fr.NewElement(b.Time), elem(b.Coinbase[:]), fr.NewElement(b.GasLimit), elem(fee[:16]), elem(fee[16:]))
}

// context is the block context an L2 frame of a batch on chain chainID
// with number runs in, with a gas price of price.
func (b L2Block) context(chainID *big.Int, number uint64, price *big.Int) trace.Context {
	c := trace.Context{Coinbase: b.Coinbase, Timestamp: b.Time, Number: number, GasLimit: b.GasLimit}
	c.ChainID.SetFromBig(orZero(chainID))
	c.BaseFee.SetFromBig(orZero(b.BaseFee))
	c.GasPrice.SetFromBig(orZero(price))
	return c
}

// Words is the header's ABI encoding: every field is static, so each is
// one 32-byte word, left-padded.
func (h *Header) Words() [NbHeaderWords]common.Hash {
	return [NbHeaderWords]common.Hash{
		common.BigToHash(orZero(h.L1ChainID)), common.BytesToHash(h.Contract.Bytes()), common.BigToHash(orZero(h.ChainID)),
		common.BigToHash(new(big.Int).SetUint64(h.Number)), h.Parent, common.BigToHash(new(big.Int).SetUint64(h.L1BlockNumber)),
		h.L1BlockHash, h.Transactions, h.L2StateRoot, h.ReadsHash, h.WritesHash, h.ParentL2StateRoot,
	}
}

// Hash is the batch commitment: keccak256 of the header's words.
func (h *Header) Hash() common.Hash {
	w := h.Words()
	buf := make([]byte, 0, 32*NbHeaderWords)
	for _, x := range w {
		buf = append(buf, x[:]...)
	}
	return crypto.Keccak256Hash(buf)
}

func orZero(v *big.Int) *big.Int {
	if v == nil {
		return new(big.Int)
	}
	return v
}

// Signature is what the transactions commitment keeps of one transaction:
// its signing hash, its sender, whether it reverted and its logs.
type Signature struct {
	SigningHash common.Hash
	Sender      common.Address
	// Reverted is whether the transaction's execution reverted (its
	// receipt's status is 0): the commitment binds each transaction's
	// outcome with it. Signatures leaves it false.
	Reverted bool
	// Logs is LogsDigest of the logs its L2 code emitted (its receipt's
	// Logs), L1Logs of those L1 code emitted through L1CALL (the
	// booster's L1Logs): the commitment binds each log, in order.
	// Signatures leaves them zero, the digest of no logs.
	Logs, L1Logs common.Hash
}

// TransactionsCommitment folds the L2 block block and the transactions'
// signing hashes, senders, outcomes and logs, in order, into one value:
// starting from the Poseidon2 hash of the block's time, coinbase, gas
// limit and base fee (its 128-bit halves), each step is the Poseidon2
// (BLS12-377, Merkle–Damgård) hash of the value so far, the signing
// hash's two 128-bit halves, the sender, 1 if the transaction
// reverted (0 if not) and its two log digests (Signature.Logs, then
// Signature.L1Logs, as field elements). The header segment computes the start
// and the transaction segments the steps in the circuit, where keccak
// would cost a hundred thousand constraints a step and Poseidon2 a few
// hundred.
func TransactionsCommitment(block L2Block, sigs []Signature) common.Hash {
	acc := block.seed()
	for _, s := range sigs {
		acc = fold(acc, s)
	}
	b := acc.Bytes()
	return common.Hash(b)
}

// fold is one step of TransactionsCommitment.
func fold(acc fr.Element, s Signature) fr.Element {
	return hashElements(acc, elem(s.SigningHash[:16]), elem(s.SigningHash[16:]), elem(s.Sender.Bytes()), bitOf(s.Reverted), elem(s.Logs[:]), elem(s.L1Logs[:]))
}

// boundary is what one segment hands the next: the Poseidon2 hash of the
// batch commitment's halves, the L2 chain id, the header's transactions
// commitment's halves, the running commitment, the pending stack and the
// storage argument's state.
func boundary(batch common.Hash, chainID *big.Int, txs common.Hash, acc, pending fr.Element, mem memState) *big.Int {
	var c fr.Element
	c.SetBigInt(chainID)
	h := hashElements(append([]fr.Element{elem(batch[:16]), elem(batch[16:]), c, elem(txs[:16]), elem(txs[16:]), acc, pending}, mem.elements()...)...)
	return h.BigInt(new(big.Int))
}

// entryFlags are a frame entry's flags: its layer, whether it is static,
// a sandbox's or read-only, and doomed (0 or 1, or in a journaling
// capacity its scope: see undo.go).
type entryFlags struct {
	l1, static, sandbox, readOnly bool
	doomed                        uint64
}

// entryOf is frameEntry outside the circuit, for calldata zero-padded to
// dataCap bytes; ancestors has at most MaxDepth − 1 owners (zeros past
// them), price is the gas price (nil for zero).
func entryOf(caller, origin common.Address, price *big.Int, address common.Address, value *big.Int, data []byte, f entryFlags, logs [2]fr.Element, tx uint64, d delegated, ancestors []fr.Element, dataCap int) fr.Element {
	v, p := common.BigToHash(value), common.BigToHash(orZero(price))
	code := d.codeOf(address)
	es := []fr.Element{elem(caller[:]), elem(origin[:]), elem(p[:16]), elem(p[16:]), elem(address[:]), elem(v[:16]), elem(v[16:]), elem(big.NewInt(int64(len(data))).Bytes()), bitOf(f.l1), bitOf(f.static), fr.NewElement(f.doomed), bitOf(f.sandbox), bitOf(f.readOnly), logs[0], logs[1], fr.NewElement(tx),
		bitOf(d.on), elem(code[:]), fr.NewElement(d.by), bitOf(d.l1Code)}
	es = append(es, ancestry(ancestors)...)
	padded := make([]byte, dataCap)
	copy(padded, data)
	for i := 0; i < dataCap; i += 31 {
		es = append(es, elem(padded[i:min(i+31, dataCap)]))
	}
	return hashElements(es...)
}

// delegated is delegation outside the circuit: on for a frame a
// DELEGATECALL entered, which runs the code at code over the storage of
// the frame at time by (code is the frame's address otherwise).
type delegated struct {
	on   bool
	code common.Address
	by   uint64
	// l1Code is set for an L1DELEGATECALL's frame: code is an L1
	// account's.
	l1Code bool
}

// codeOf is the account whose code a frame at address entered so runs:
// code for a DELEGATECALL, address otherwise.
func (d delegated) codeOf(address common.Address) common.Address {
	if d.on {
		return d.code
	}
	return address
}

// outcomeOf is frameOutcome outside the circuit: n words of return data.
func outcomeOf(success bool, ret []byte, logs [2]fr.Element, n int) fr.Element {
	var ok fr.Element
	if success {
		ok.SetOne()
	}
	es := []fr.Element{ok, elem(big.NewInt(int64(len(ret))).Bytes()), logs[0], logs[1]}
	padded := make([]byte, 32*n)
	copy(padded, ret)
	for k := range 2 * n {
		es = append(es, elem(padded[16*k:16*k+16]))
	}
	return hashElements(es...)
}

// push is the pending stack with ctx on top of rest.
func push(ctx, rest fr.Element) fr.Element { return hashElements(ctx, rest) }

// elem is a big-endian value of at most 31 bytes as a field element.
func elem(b []byte) fr.Element {
	var e fr.Element
	e.SetBigInt(new(big.Int).SetBytes(b))
	return e
}

func hashElements(es ...fr.Element) fr.Element {
	h := poseidon2.NewMerkleDamgardHasher()
	for i := range es {
		b := es[i].Bytes()
		h.Write(b[:])
	}
	var out fr.Element
	out.SetBytes(h.Sum(nil))
	return out
}

// L2StorageKey is the L2 state tree's key (verifier/statetree) of an L2
// account's storage slot: the Poseidon2 hash of the slot's owner as the
// storage argument names it (1 + address) and the slot's 128-bit halves.
func L2StorageKey(addr common.Address, slot common.Hash) fr.Element {
	return hashElements(ownerOf(false, addr), elem(slot[:16]), elem(slot[16:]))
}

// L2CodeKey is the L2 state tree's key of an L2 account's code digest
// (CodeDigest): the Poseidon2 hash of the owner under which a frame at
// the account reads its code's digest (1 + address + 4·2^162) and two
// zeros.
func L2CodeKey(addr common.Address) fr.Element {
	return hashElements(codeOwnerOf(false, addr), fr.Element{}, fr.Element{})
}

// L2NonceKey is the L2 state tree's key of an L2 account's nonce (a
// 32-byte word, zero for none): the Poseidon2 hash of the owner under
// which a transaction segment reads its sender's nonce (1 + address +
// 5·2^162) and two zeros.
func L2NonceKey(addr common.Address) fr.Element {
	return hashElements(nonceOwnerOf(addr), fr.Element{}, fr.Element{})
}

// nonceOwnerOf is the owner of an L2 account's nonce in the storage
// argument.
func nonceOwnerOf(addr common.Address) fr.Element { return domainOwnerOf(false, domNonce, addr) }

// codeOwnerOf is the owner under which a frame of the layer at addr
// reads its code's digest: its slotOwner plus domCode·2^162.
func codeOwnerOf(l1 bool, addr common.Address) fr.Element {
	o := ownerOf(l1, addr)
	var d fr.Element
	d.SetBigInt(new(big.Int).Mul(big.NewInt(domCode), two162))
	o.Add(&o, &d)
	return o
}

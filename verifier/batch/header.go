package batch

import (
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bls12-377/fr"
	"github.com/consensys/gnark-crypto/ecc/bls12-377/fr/poseidon2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
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
// keeps it and checks it).
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
// its signing hash and its sender.
type Signature struct {
	SigningHash common.Hash
	Sender      common.Address
}

// TransactionsCommitment folds the transactions' signing hashes and
// senders, in order, into one value: starting from zero, each step is the
// Poseidon2 (BLS12-377, Merkle–Damgård) hash of the value so far, the
// signing hash's two 128-bit halves and the sender. The transaction
// segments compute the same in the circuit, where keccak would cost a
// hundred thousand constraints a step and Poseidon2 a few hundred.
func TransactionsCommitment(sigs []Signature) common.Hash {
	var acc fr.Element
	for _, s := range sigs {
		acc = fold(acc, s)
	}
	b := acc.Bytes()
	return common.Hash(b)
}

// fold is one step of TransactionsCommitment.
func fold(acc fr.Element, s Signature) fr.Element {
	return hashElements(acc, elem(s.SigningHash[:16]), elem(s.SigningHash[16:]), elem(s.Sender.Bytes()))
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

// entryOf is frameEntry outside the circuit, for calldata zero-padded to
// dataCap bytes; ancestors has at most MaxDepth − 1 owners (zeros past
// them).
func entryOf(caller, origin, address common.Address, value *big.Int, data []byte, l1, static, doomed bool, ancestors []fr.Element, dataCap int) fr.Element {
	v := common.BigToHash(value)
	es := []fr.Element{elem(caller[:]), elem(origin[:]), elem(address[:]), elem(v[:16]), elem(v[16:]), elem(big.NewInt(int64(len(data))).Bytes()), bitOf(l1), bitOf(static), bitOf(doomed)}
	es = append(es, ancestry(ancestors)...)
	padded := make([]byte, dataCap)
	copy(padded, data)
	for i := 0; i < dataCap; i += 31 {
		es = append(es, elem(padded[i:min(i+31, dataCap)]))
	}
	return hashElements(es...)
}

// outcomeOf is frameOutcome outside the circuit: n words of return data.
func outcomeOf(success bool, ret []byte, n int) fr.Element {
	var ok fr.Element
	if success {
		ok.SetOne()
	}
	es := []fr.Element{ok, elem(big.NewInt(int64(len(ret))).Bytes())}
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
func nonceOwnerOf(addr common.Address) fr.Element {
	o := ownerOf(false, addr)
	var d fr.Element
	d.SetBigInt(new(big.Int).Mul(big.NewInt(domNonce), two162))
	o.Add(&o, &d)
	return o
}

// codeOwnerOf is the owner under which a frame of the layer at addr
// reads its code's digest: its slotOwner plus domCode·2^162.
func codeOwnerOf(l1 bool, addr common.Address) fr.Element {
	o := ownerOf(l1, addr)
	var d fr.Element
	d.SetBigInt(new(big.Int).Mul(big.NewInt(domCode), two162))
	o.Add(&o, &d)
	return o
}

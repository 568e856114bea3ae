package batch

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"iter"
	"math/big"
	"slices"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bls12-377/fr"
	"github.com/consensys/gnark/frontend"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/holiman/uint256"

	"github.com/boosterkit/go-booster/precompiles"
	"github.com/boosterkit/go-booster/verifier"
	"github.com/boosterkit/go-booster/verifier/aggregate"
	"github.com/boosterkit/go-booster/verifier/statetree"
	"github.com/boosterkit/go-booster/verifier/trace"
	"github.com/boosterkit/go-booster/verifier/txsig"
)

// ErrStatement means a header and transactions that do not make a batch
// statement: a transactions commitment or chain id the transactions do
// not have, or a transaction without a valid signature.
var ErrStatement = errors.New("batch: header and transactions disagree")

// TransactionError is an error of Witnesses (and Prover.Check) that one
// transaction of the batch causes: one the segments cannot prove
// (verifier.ErrUnsupported: contract creation, an opcode the circuit
// does not take), one that fits no shape (verifier.ErrCapacity), or
// one whose execution disagrees with it. Index is its position in the
// batch. A batch without it may still be provable: the booster's
// prover leaves such a transaction out (booster.ErrUnprovable).
type TransactionError struct {
	Index int
	Hash  common.Hash
	Err   error
}

func (e *TransactionError) Error() string {
	return fmt.Sprintf("batch: transaction %d (%s): %v", e.Index, e.Hash, e.Err)
}

// Unwrap returns the transaction's own error.
func (e *TransactionError) Unwrap() error { return e.Err }

// named fills in the hash of the transaction a *TransactionError in err
// names by its index, and returns err.
func named(err error, txs []*types.Transaction) error {
	var te *TransactionError
	if errors.As(err, &te) && te.Index < len(txs) {
		te.Hash = txs[te.Index].Hash()
	}
	return err
}

// txError returns err as the error of transaction i.
func txError(i int, tx *types.Transaction, err error) error {
	return &TransactionError{Index: i, Hash: tx.Hash(), Err: err}
}

// Signatures returns the signing hash and sender of each transaction,
// as TransactionsCommitment takes them (Reverted left false: the
// receipts say which reverted).
func Signatures(txs []*types.Transaction) ([]Signature, error) {
	out := make([]Signature, len(txs))
	for i, tx := range txs {
		signer := types.LatestSignerForChainID(tx.ChainId())
		from, err := types.Sender(signer, tx)
		if err != nil {
			return nil, fmt.Errorf("%w: transaction %d (%s): %w", ErrStatement, i, tx.Hash(), err)
		}
		out[i] = Signature{SigningHash: signer.Hash(tx), Sender: from}
	}
	return out, nil
}

// SegmentWitness is one segment of a batch: its kind, its circuit's
// assignment and its public values.
type SegmentWitness struct {
	Kind       int
	Assignment frontend.Circuit
	Segment    aggregate.Segment
}

// Witnesses returns the segments of the batch with header h, the L1 lists
// l1 its ReadsHash and WritesHash commit to and the applied transactions
// txs, in order, for segment circuits of capacity c: the header (with the
// lists), then for each transaction its signature and the frames of
// executions[i] that run code (its L2 frames and the L1 frames below its
// L1CALLs, in the order they were entered, as a trace.TxRecorder on
// the booster records them, each in the first frame shape of c that
// holds it), then the keccak segments (where c's frame shapes have
// KeccakClaims), then the end segments, with every storage
// slot the frames touched; l2 is the L2 state tree before the batch
// (the header's ParentL2StateRoot is its root), which gives each L2
// slot's path. It fails with ErrStatement where the header,
// transactions and frames disagree (a top frame entered by another
// caller, at another address, with another value or calldata than its
// transaction; a frame that is not the one its caller's call entered; a
// frame that starts a slot at another value than the frames before it
// left; an L2 state whose root is not the header's parent root, an L2
// slot the frames start at another value than the L2 state holds, or an
// L2 state root after the batch other than the header's; a KECCAK256
// whose pushed word is not its input's keccak256 hash; lists that do
// not hash to the header's, or a read set other than
// the L1 slots the frames touched with their values before the batch, or
// a write list other than those the batch changed with their values
// after), with verifier.ErrCapacity for lists longer than c.L1Slots,
// for a frame no frame shape of c holds and for frame shapes that
// disagree on KeccakClaims, and with an error wrapping verifier.ErrUnsupported for what the
// segments cannot prove (contract creation, a transaction sent to a
// precompile other than L1CALL, or to L1CALL that the precompile
// refuses without its error (out of gas), a call of
// an account without code or of a precompile other than L1CALL,
// L1SANDBOXCALL, L1DELEGATECALL and identity, a booster precompile's
// call the precompile refused other than for its input or its value
// (which the segments prove: precompileRefusal), reentrancy, calls deeper
// than MaxDepth, transient storage in an L1 frame or in a frame shape
// without TransientCarried, in a capacity without undo segments
// (Capacity.Undo) a frame that changes storage below a frame that
// reverts or below an L1SANDBOXCALL's L1 frame, BLOCKHASH in
// an L1 frame of a block before the pinned block's parent and within 256
// blocks of it, BALANCE, SELFBALANCE or BLOCKHASH in an L2 frame,
// EXTCODESIZE or EXTCODEHASH of an address no L2 frame of the batch runs
// at, an L1 block before the merge). Where the batch runs L1
// frames, l1.Block must be the pinned L1 block's header (ErrStatement
// otherwise, and for an L1 frame that read a block value other than
// that block's, or a block hash other than the EVM's with that block,
// or a balance other than the read set's, or an L1CALL
// whose L1 frame's caller is not the one SPEC §1's alias rule gives).
// Every L2 frame must run in the header's L2 block (Header.L2Block) with
// its transaction's gas price, and each transaction's outcome must be
// the one the transactions commitment binds (ErrStatement otherwise).
// An error one transaction causes (what its frames run, its calldata,
// code too large for the shapes) is a *TransactionError naming it.
func Witnesses(h *Header, l1 *L1Lists, l2 *statetree.Tree, txs []*types.Transaction, executions []*trace.Transaction, c Capacity) ([]SegmentWitness, error) {
	return witnesses(h, l1, l2, txs, executions, c, nil)
}

// faults make witnesses build the segments of a batch its checks would
// refuse, for the package's tests to show that the circuits refuse them
// too. Production code passes nil.
type faults struct {
	// inconsistent skips the check that a frame starts each slot where
	// the frames before it left it; keepReverted keeps a reverted frame's
	// writes; unsupported skips the refusals of reentrancy, transient
	// storage and doomed frames that change storage.
	inconsistent, keepReverted, unsupported bool
	// readTime, if set, gives the read time of slot j of the frame at
	// time now in place of the honest one.
	readTime func(now uint64, j int, honest uint64) uint64
	// transientReadTime, if set, gives the read time of transient slot j
	// of the frame at time now in place of the honest one.
	transientReadTime func(now uint64, j int, honest uint64) uint64
	// txTime, if set, gives the time transaction i's frames name (their
	// entries' and their transient slots') in place of its segment's.
	txTime func(i int, honest uint64) uint64
	// identity skips the check of the identity precompile's calls.
	identity bool
	// keys, if set, replaces the end segments' slot list; entry changes
	// an entry's values.
	keys  func([]slotKey) []slotKey
	entry func(slotKey, *slotState)
	// challenges, if set, replaces the challenges.
	challenges func(alpha, beta fr.Element) (fr.Element, fr.Element)
	// lists skips the check of the L1 lists against the frames' slots,
	// code the check of the L1 frames' code against the code reads.
	lists, code bool
	// l1Context keeps each L1 frame's own context instead of the pinned
	// L1 block's; block, if set, is the L1 block header the block
	// segment opens and the L1 frames run in, whatever the header's L1
	// block hash.
	l1Context bool
	block     *types.Header
	// l2Block keeps each L2 frame's own context instead of the L2
	// block's; commitment skips the check of the header's transactions
	// commitment; gasPrice, if set, gives transaction i's gas price
	// (nil: the honest one) without checking its fees.
	l2Block, commitment bool
	gasPrice            func(i int) *big.Int
	// noSelfbalance leaves out the L1 frames' reads of their balance for
	// SELFBALANCE (as a prover claiming they ran none would).
	noSelfbalance bool
	// foreignEntry keeps a frame whose entry is not the context its caller's
	// call pushed (its segment then pops the caller's).
	foreignEntry bool
	// sandboxKept takes an L1SANDBOXCALL's L1 frame for an L1CALL's
	// (entered as one, its writes and logs kept); sandboxWrites keeps
	// its writes and sandboxLogs its logs, its entry a sandbox's.
	sandboxKept, sandboxWrites, sandboxLogs bool
	// l1CallNotStatic enters a static L1CALL's L1 frame as not
	// read-only;
	// l1CallValue enters an L1CALL's L1 frame with the value the call
	// sent (which the precompile refuses).
	l1CallNotStatic, l1CallValue bool
	// undoFound, if set, gives the value an undo segment writes back to
	// slot k in place of the value its scope found (last: the value the
	// scope left); noMarker pushes no scope's marker (and so runs no undo
	// segment).
	undoFound func(k slotKey, found, last common.Hash) common.Hash
	noMarker  bool
	// recheckout, if set, has a frame's access to a slot its scope s
	// checked out check it out again, from the scope it returns.
	recheckout func(s uint64) uint64
	// refusal skips the check of a booster precompile's refusal.
	refusal bool
	// l1DelegateAsL2 takes an L1DELEGATECALL's frame for a DELEGATECALL
	// of the target's L2 code.
	l1DelegateAsL2 bool
	// blockHash skips the check of the L1 frames' BLOCKHASH values.
	blockHash bool
	// alias makes a frame making an L1CALL claim the code hash that
	// gives its L1 frames' caller by the alias rule, whatever its code's;
	// noSenderCode makes the frames making L1CALLs read nothing for the
	// rule (SenderCode 0: their L1CALLs' sender then unaliased).
	alias, noSenderCode bool
	// l2 skips the checks of the L2 state against the header and the
	// frames; with l2Build the L2 state before the batch is built from
	// the frames' first values instead (the tree given is ignored), and
	// pre and post are set to the trees before and after.
	l2, l2Build bool
	pre, post   *statetree.Tree
	// l2Pre, if set, changes the L2 state l2Build builds.
	l2Pre func(*statetree.Tree) (*statetree.Tree, error)
	// logFold, if set, folds the logs of frame k of transaction i into
	// the chains in place of chainLog (the log chains the contexts and
	// the transactions commitment then carry).
	logFold func(i, k int, acc fr.Element, address common.Address, l trace.Log) fr.Element
	// logsFirst folds each frame's logs before its calls; keepRevertedLogs
	// keeps the logs of a frame that reverted.
	logsFirst, keepRevertedLogs bool
	// l2CodeDigest, if set, replaces the code digest an end segment
	// proves for an L2 account.
	l2CodeDigest func(common.Address, common.Hash) common.Hash
	// keccakClaims keeps a frame's KECCAK256 claims that are not their
	// inputs' keccak256 hashes.
	keccakClaims bool
	// keccakUses, if set, gives how many times a keccak segment writes
	// an input's hash read n times; keccakInput, if set, replaces the
	// input a keccak segment hashes.
	keccakUses  func(n int) int
	keccakInput func([]byte) []byte
	// ecrecover skips the check of the ecrecover precompile's calls;
	// ecrecoverUses, if set, gives how many times an ecrecover segment
	// writes a claim read n times; ecrecoverFail, if set, gives an
	// ecrecover segment entry's Fail in place of the honest one.
	ecrecover     bool
	ecrecoverUses func(n int) int
	// codeless takes an L1 frame's EXTCODESIZE of zero of an account no
	// L1 frame runs for the size of its code read, whatever the read's
	// code hash.
	codeless bool
	// sha256 skips the check of the sha256 precompile's calls;
	// sha256Uses, if set, gives how many times a sha256 segment writes
	// a claim read n times.
	sha256        bool
	sha256Uses    func(n int) int
	ecrecoverFail func(input [32 * ecrecoverInputWords]byte, fail int) int
}

func (f *faults) has(pick func(*faults) bool) bool { return f != nil && pick(f) }

// witnesses is Witnesses with faults.
func witnesses(h *Header, l1 *L1Lists, l2 *statetree.Tree, txs []*types.Transaction, executions []*trace.Transaction, c Capacity, fl *faults) ([]SegmentWitness, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	if l1 == nil {
		return nil, fmt.Errorf("%w: no L1 lists", ErrStatement)
	}
	if got := l1.ReadsHash(); got != h.ReadsHash {
		return nil, fmt.Errorf("%w: the read set hashes to %s, the header's ReadsHash is %s", ErrStatement, got, h.ReadsHash)
	}
	if got := l1.WritesHash(); got != h.WritesHash {
		return nil, fmt.Errorf("%w: the write list hashes to %s, the header's WritesHash is %s", ErrStatement, got, h.WritesHash)
	}
	if n := c.l1Slots(); len(l1.Reads) > n || len(l1.Writes) > n {
		return nil, fmt.Errorf("%w: a read set of %d slots and a write list of %d, the header segment holds %d each", verifier.ErrCapacity, len(l1.Reads), len(l1.Writes), n)
	}
	if n := c.balanceReads(); len(l1.Balances) > n {
		return nil, fmt.Errorf("%w: %d balance reads, the header segment holds %d", verifier.ErrCapacity, len(l1.Balances), n)
	}
	if n := c.codeReads(); len(l1.Code) > n {
		return nil, fmt.Errorf("%w: %d code reads, the header segment holds %d", verifier.ErrCapacity, len(l1.Code), n)
	}
	sizeReads, hashReads, codeless, err := l2CodeReads(executions, fl.has(func(f *faults) bool { return f.unsupported }))
	if err != nil {
		return nil, named(err, txs)
	}
	codes, uses, codeSizes, senders, err := l1Codes(l1, executions, c, hashReads, fl)
	if err != nil {
		return nil, named(err, txs)
	}
	// The L1 frames run in the pinned L1 block's context.
	var block []byte
	var pinned trace.Context
	var parentReads int
	if n := l1Frames(executions); n > 0 {
		if h.L1ChainID == nil {
			return nil, fmt.Errorf("%w: no L1 chain id", ErrStatement)
		}
		given := l1.Block
		if fl != nil && fl.block != nil {
			given = fl.block
			h := *h
			h.L1BlockHash, h.L1BlockNumber = given.Hash(), given.Number.Uint64()
			if block, err = checkBlock(&h, given, c.l1Block()); err != nil {
				return nil, err
			}
		} else if block, err = checkBlock(h, given, c.l1Block()); err != nil {
			return nil, err
		}
		pinned = l1Context(given, h.L1ChainID)
		if !fl.has(func(f *faults) bool { return f.l1Context }) {
			if executions, err = inPinnedContext(executions, pinned); err != nil {
				return nil, err
			}
		}
		if parentReads, err = l1BlockHashes(executions, given, fl); err != nil {
			return nil, named(err, txs)
		}
	}
	if h.ChainID == nil || !h.ChainID.IsUint64() {
		return nil, fmt.Errorf("%w: L2 chain id %v is not a 64-bit value", ErrStatement, h.ChainID)
	}
	if len(executions) != len(txs) {
		return nil, fmt.Errorf("%w: %d transactions, %d executions", ErrStatement, len(txs), len(executions))
	}
	sigs, err := Signatures(txs)
	if err != nil {
		return nil, err
	}
	if fee := h.L2Block.BaseFee; fee != nil && (fee.Sign() < 0 || fee.BitLen() > 128) {
		return nil, fmt.Errorf("batch: %w: an L2 base fee of %v wei (the segments take one below 2^128)", verifier.ErrUnsupported, fee)
	}
	// Each transaction's outcome is its top frame's, its logs the
	// chains its frames hand back.
	chains, tops := make([][]logChains, len(txs)), make([]int, len(txs))
	for i, e := range executions {
		if e == nil || len(e.Frames) == 0 {
			continue
		}
		sigs[i].Reverted = e.Frames[0].Trace.Reverted
		tops[i] = topFrame(txs[i], e)
		if chains[i], err = chainsOf(e, tops[i], fl.chainFaults(i)); err != nil {
			return nil, txError(i, txs[i], err)
		}
		out := chains[i][tops[i]].Out
		sigs[i].Logs, sigs[i].L1Logs = hashOfElement(out[0]), hashOfElement(out[1])
	}
	if cm := TransactionsCommitment(h.L2Block, sigs); cm != h.Transactions && !fl.has(func(f *faults) bool { return f.commitment }) {
		return nil, fmt.Errorf("%w: the header's transactions commitment %s, the L2 block's and transactions' %s", ErrStatement, h.Transactions, cm)
	}
	// Each transaction's gas price, and its L2 frames in the L2 block's
	// context with it.
	prices := make([]*big.Int, len(txs))
	for i, tx := range txs {
		if fl != nil && fl.gasPrice != nil {
			if prices[i] = fl.gasPrice(i); prices[i] != nil {
				continue
			}
		}
		if prices[i], err = effectiveGasPrice(tx, orZero(h.L2Block.BaseFee)); err != nil {
			return nil, txError(i, tx, err)
		}
	}
	if !fl.has(func(f *faults) bool { return f.l2Block }) {
		if executions, err = inL2Block(executions, h, prices); err != nil {
			return nil, err
		}
	}
	words := c.outcomeWords()

	// The first pass assigns each segment and follows the pending stack,
	// the running commitment and the storage argument's hash chain; the
	// second, once the chain gives the challenges, the argument's sums
	// and the boundaries.
	b := draftBatch{state: map[slotKey]*slotState{}, checkouts: map[uint64][]checkout{}, faults: fl, l2: l2, l2Code: map[common.Address]*l2CodeUse{}, acc: h.L2Block.seed(),
		sizeReads: sizeReads, hashReads: hashReads, sized: map[common.Address]bool{}, codeless: codeless}
	var parent fr.Element
	if err := parent.SetBytesCanonical(h.ParentL2StateRoot[:]); err != nil {
		if !fl.has(func(f *faults) bool { return f.l2 }) {
			return nil, fmt.Errorf("%w: the parent L2 state root %s is not a field element", ErrStatement, h.ParentL2StateRoot)
		}
		parent.SetBytes(h.ParentL2StateRoot[:]) // reduced
	}
	if !fl.has(func(f *faults) bool { return f.l2 || f.l2Build }) {
		if l2 == nil {
			return nil, fmt.Errorf("%w: no L2 state", ErrStatement)
		}
		if got := l2.RootHash(); got != h.ParentL2StateRoot {
			return nil, fmt.Errorf("%w: the L2 state given has root %s, the header's parent L2 state root is %s", ErrStatement, got, h.ParentL2StateRoot)
		}
	}
	var newRoot = h.L2StateRoot
	b.mem.l2Root, b.mem.l2NewHi, b.mem.l2NewLo = parent, elem(newRoot[:16]), elem(newRoot[16:])
	var stack []pending // top last
	head := &headerSegment{}
	for i, w := range h.Words() {
		for j, v := range w {
			head.Words[i][j] = v
		}
	}
	balances, err := balanceUses(l1, executions, fl)
	if err != nil {
		return nil, err
	}
	b.add(KindHeader, head, b.lists(head, l1, c, uses, codeSizes, balances, h, block != nil, framesOf(executions, false), len(txs)), stack)
	for _, code := range codes {
		b.add(KindCode, b.code(code, c.codeCap()), code.tuples(), stack)
	}
	if block != nil {
		seg, tuples := b.block(block, pinned, h.L1ChainID, l1Frames(executions), parentReads, c.l1Block())
		b.add(KindBlock, seg, tuples, stack)
	}
	for i, tx := range txs {
		if tx.ChainId().Cmp(h.ChainID) != 0 {
			return nil, fmt.Errorf("%w: transaction %d is for chain %v, the batch for %v", ErrStatement, i, tx.ChainId(), h.ChainID)
		}
		if tx.To() == nil {
			return nil, txError(i, tx, fmt.Errorf("%w: contract creation", verifier.ErrUnsupported))
		}
		direct := *tx.To() == precompiles.L1CallAddress
		if isPrecompile(*tx.To()) && !direct {
			return nil, txError(i, tx, fmt.Errorf("%w: a transaction sent to the precompile at %s (call it from a contract, or send it to L1CALL)", verifier.ErrUnsupported, tx.To()))
		}
		// A transaction to L1CALL that the precompile refuses runs no
		// frame: its segment proves the refusal.
		var refusal []byte
		if direct {
			refusal = l1CallRefusal(tx)
		}
		txKind, txCap := c.transactionKind(len(tx.Data()))
		w, _, err := txsig.Assign(tx, txCap)
		if err != nil {
			return nil, txError(i, tx, err)
		}
		e := executions[i]
		if e == nil || len(e.Frames) == 0 || e.Frames[0].Parent != -1 {
			return nil, fmt.Errorf("%w: transaction %d has no top frame", ErrStatement, i)
		}
		top := e.Frames[0].Trace
		switch {
		case top.Caller != sigs[i].Sender || top.Origin != sigs[i].Sender:
			return nil, fmt.Errorf("%w: transaction %d is sent by %s, its frame called by %s from %s", ErrStatement, i, sigs[i].Sender, top.Caller, top.Origin)
		case top.Address != *tx.To():
			return nil, fmt.Errorf("%w: transaction %d is to %s, its frame runs at %s", ErrStatement, i, tx.To(), top.Address)
		case top.Value.ToBig().Cmp(tx.Value()) != 0:
			return nil, fmt.Errorf("%w: transaction %d sends %v wei, its frame has %v", ErrStatement, i, tx.Value(), top.Value.ToBig())
		case !bytes.Equal(top.Calldata, tx.Data()):
			return nil, fmt.Errorf("%w: transaction %d's calldata is not its frame's", ErrStatement, i)
		case len(top.Code) == 0 && !direct:
			return nil, txError(i, tx, fmt.Errorf("%w: a transaction to %s, which has no code", verifier.ErrUnsupported, top.Address))
		}
		if refusal != nil && !fl.has(func(f *faults) bool { return f.refusal }) {
			if err := checkL1CallRefusal(e, refusal, words); err != nil {
				return nil, txError(i, tx, err)
			}
		}
		before := b.acc
		b.acc = fold(b.acc, sigs[i])
		fee := orZero(h.L2Block.BaseFee)
		readTime, tuples, err := b.nonce(sigs[i].Sender, tx.Nonce(), fee, direct)
		if err != nil {
			return nil, txError(i, tx, err)
		}
		// The transaction segment's time names its transaction.
		txTime := b.mem.time.Uint64()
		if fl != nil && fl.txTime != nil {
			txTime = fl.txTime(i, txTime)
		}
		logs := chains[i][tops[i]].Out
		outcome := outcomeOf(!top.Reverted, top.ReturnData, logs, words)
		entry := entryOf(sigs[i].Sender, sigs[i].Sender, prices[i], *tx.To(), tx.Value(), tx.Data(), entryFlags{}, [2]fr.Element{}, txTime, delegated{}, nil, c.Calldata)
		if direct && refusal == nil {
			if entry, err = directL1Call(tx, sigs[i].Sender, e, txTime, c.Calldata, fl.has(func(f *faults) bool { return f.foreignEntry })); err != nil {
				return nil, txError(i, tx, err)
			}
		}
		pendingBefore := pendingOf(stack)
		if refusal == nil {
			stack = append(stack, pending{ctx: push(entry, outcome), tx: txTime})
		}
		b.addAt(txKind, &transactionSegment{Tx: w, Success: bitInt(!top.Reverted), RetLen: len(top.ReturnData), Ret: returnWords(top.ReturnData, words), Logs: chainValues(logs),
			NonceReadTime: readTime, BaseFee: new(big.Int).Set(fee)}, tuples, before, pendingBefore, stack)

		for k, f := range e.Frames {
			if len(f.Trace.Code) == 0 {
				continue // a precompile's own frame
			}
			pendingBefore := pendingOf(stack)
			seg, err := frameWitness(e, k, &stack, c, words, senders, chains[i], b.mem.time.Uint64()+1, fl)
			if err != nil {
				return nil, txError(i, tx, fmt.Errorf("frame %d: %w", k, err))
			}
			// The stack below the frame's context.
			rest := pendingOf(stack[:len(stack)-seg.pushed])
			seg.Rest = rest.BigInt(new(big.Int))
			tuples, err := b.frame(f, seg, c)
			if err != nil {
				return nil, txError(i, tx, fmt.Errorf("frame %d: %w", k, err))
			}
			b.addAt(seg.kind, seg.frameSegment, tuples, b.acc, pendingBefore, stack)
			if c.journal() {
				b.undo(&stack, c.Undo, c.UndoKind())
			}
		}
	}
	if len(stack) != 0 {
		return nil, fmt.Errorf("%w: %d entered frames have no trace", ErrStatement, len(stack))
	}
	if !fl.has(func(f *faults) bool { return f.lists }) {
		if err := b.checkLists(l1); err != nil {
			return nil, err
		}
	}
	m, longBytes := c.keccakLong()
	if err := b.keccak.segments(&b, c.keccakInputs(), m, longBytes); err != nil {
		return nil, err
	}
	if c.Ecrecover > 0 {
		b.ecrecover.segments(&b, c.Ecrecover, c.EcrecoverKind())
	}
	if c.Sha256 > 0 {
		b.sha256.segments(&b, c.Sha256, c.sha256Words(), c.Sha256Kind())
	}
	if err := b.ends(c.slots(), c.l2Codes()); err != nil {
		return nil, err
	}
	if fl.has(func(f *faults) bool { return f.l2Build }) {
		fl.post = b.l2
	} else if got := b.l2.RootHash(); !fl.has(func(f *faults) bool { return f.l2 }) && got != h.L2StateRoot {
		return nil, fmt.Errorf("%w: the batch leaves L2 state root %s, the header says %s", ErrStatement, got, h.L2StateRoot)
	}
	return b.finish(h), nil
}

// slotKey names a storage slot of the batch: its layer, address and key.
type slotKey struct {
	l1   bool
	addr common.Address
	key  common.Hash
	// nonce names the L2 account's nonce (key zero) instead of a slot.
	nonce bool
	// transient names a transient slot of the transaction whose segment
	// has time tx.
	transient bool
	tx        uint64
}

// owner is the slot's owner in the storage argument.
func (k slotKey) owner() fr.Element {
	switch {
	case k.nonce:
		return nonceOwnerOf(k.addr)
	case k.transient:
		o := domainOwnerOf(false, domTransient, k.addr)
		var t fr.Element
		t.SetBigInt(new(big.Int).Mul(new(big.Int).SetUint64(k.tx), two166))
		return *o.Add(&o, &t)
	}
	return ownerOf(k.l1, k.addr)
}

// inTree reports whether the slot is in the L2 state tree: an L2 slot or
// nonce (not an L1 slot, nor a transient one).
func (k slotKey) inTree() bool { return !k.l1 && !k.transient }

// treeKey is an L2 slot's key in the L2 state tree.
func (k slotKey) treeKey() fr.Element {
	if k.nonce {
		return L2NonceKey(k.addr)
	}
	return L2StorageKey(k.addr, k.key)
}

// rank orders the owners: L2 slots, L1 slots, L2 nonces, transient
// slots.
func (k slotKey) rank() int {
	switch {
	case k.transient:
		return 3
	case k.nonce:
		return 2
	case k.l1:
		return 1
	}
	return 0
}

// slotState is a slot as the frames so far left it: its value before the
// batch, its value now and the time of its last write.
type slotState struct {
	initial, value common.Hash
	time           uint64
	// scope is the scope whose shadow holds the slot's live tuple (0:
	// its own tuple; see undo.go).
	scope uint64
}

// memState is the storage argument's part of a boundary, outside the
// circuit.
type memState struct {
	alpha, beta, time, acc, sum fr.Element
	lastOwner, lastHi, lastLo   fr.Element
	l2Root, l2NewHi, l2NewLo    fr.Element
}

func (m *memState) elements() []fr.Element {
	return []fr.Element{m.alpha, m.beta, m.time, m.acc, m.sum, m.lastOwner, m.lastHi, m.lastLo, m.l2Root, m.l2NewHi, m.l2NewLo}
}

// values is m as circuit values.
func (m *memState) values() memory {
	v := func(e fr.Element) *big.Int { return e.BigInt(new(big.Int)) }
	return memory{Alpha: v(m.alpha), Beta: v(m.beta), Time: v(m.time), Acc: v(m.acc), Sum: v(m.sum), LastOwner: v(m.lastOwner), LastHi: v(m.lastHi), LastLo: v(m.lastLo),
		L2Root: v(m.l2Root), L2NewHi: v(m.l2NewHi), L2NewLo: v(m.l2NewLo)}
}

// draft is a segment of the first pass: its kind and assignment, the
// running commitment and pending stack before and after it, the storage
// argument's state before and after it (sums left for the second pass)
// and its tuples.
type draft struct {
	kind               int
	assign             frontend.Circuit
	acc, pending       fr.Element
	accOut, pendingOut fr.Element
	mem, memOut        memState
	tuples             []memTuple
}

// draftBatch is the first pass's state.
type draftBatch struct {
	drafts []draft
	acc    fr.Element
	mem    memState
	state  map[slotKey]*slotState
	order  []slotKey
	faults *faults
	// checkouts are the slots each open scope checked out, in order
	// (see undo.go).
	checkouts map[uint64][]checkout
	// l2 is the L2 state tree as the end segments so far leave it.
	l2 *statetree.Tree
	// l2Code is the code each L2 account the frames run has, and how
	// many frames run it, in first-run order.
	l2Code      map[common.Address]*l2CodeUse
	l2CodeOrder []common.Address
	// keccak holds the frames' KECCAK256 inputs (KeccakClaims).
	keccak keccakUses
	// ecrecover holds the frames' inputs of the ecrecover precompile
	// (Capacity.Ecrecover).
	ecrecover ecrecoverUses
	// sha256 holds the frames' inputs of the sha256 precompile
	// (Capacity.Sha256).
	sha256 sha256Uses
	// sizeReads and hashReads count the L2 frames' EXTCODESIZE and
	// EXTCODEHASH reads of each L2 address, which the first frame at the
	// address writes (sized marks the addresses whose first frame is
	// assigned).
	sizeReads, hashReads map[common.Address]int
	sized                map[common.Address]bool
	// codeless are the L2 accounts without code whose EXTCODESIZE L2
	// frames read, which the end segments prove from the L2 state tree.
	codeless []codelessReads
}

// l2CodeUse is an L2 account's code and the number of frames that run it.
type l2CodeUse struct {
	code []byte
	uses int
}

// add appends a segment that leaves the running commitment as it is and
// the pending stack as stack.
func (b *draftBatch) add(kind int, a frontend.Circuit, tuples []memTuple, stack []pending) {
	p := pendingOf(stack)
	b.addAt(kind, a, tuples, b.acc, p, stack)
}

// addAt appends a segment that starts from running commitment acc and
// pending stack hash p, and ends at b.acc, stack and b.mem (the
// argument's state the caller has advanced).
func (b *draftBatch) addAt(kind int, a frontend.Circuit, tuples []memTuple, acc, p fr.Element, stack []pending) {
	before := b.mem
	if n := len(b.drafts); n > 0 {
		before = b.drafts[n-1].memOut
	}
	b.drafts = append(b.drafts, draft{kind: kind, assign: a, acc: acc, pending: p, accOut: b.acc, pendingOut: pendingOf(stack), mem: before, memOut: b.mem, tuples: tuples})
}

// nonce advances the storage argument over a transaction of sender with
// nonce: at the next time it reads the sender's nonce and writes the
// next, and it reads the L2 block's base fee, fee, and, for a
// transaction sent to L1CALL (direct), the sender's code size of zero.
// It returns the time of the write it reads.
func (b *draftBatch) nonce(sender common.Address, nonce uint64, fee *big.Int, direct bool) (uint64, []memTuple, error) {
	if nonce == ^uint64(0) {
		return 0, nil, fmt.Errorf("%w: nonce %d has no next (EIP-2681)", ErrStatement, nonce)
	}
	t := b.mem.time
	t.Add(&t, new(fr.Element).SetOne())
	now := t.Uint64()
	k := slotKey{addr: sender, nonce: true}
	n := common.BigToHash(new(big.Int).SetUint64(nonce))
	st, seen := b.state[k]
	if !seen {
		st = &slotState{initial: n, value: n}
		b.state[k] = st
		b.order = append(b.order, k)
	}
	if st.value != n && !b.faults.has(func(f *faults) bool { return f.inconsistent }) {
		return 0, nil, fmt.Errorf("%w: %s sends nonce %d, its transactions before left %s", ErrStatement, sender, nonce, st.value.Big())
	}
	next := common.BigToHash(new(big.Int).SetUint64(nonce + 1))
	owner := k.owner()
	read := st.time
	var feeE fr.Element
	feeE.SetBigInt(fee)
	tuples := []memTuple{tuple(false, owner, common.Hash{}, n, read), tuple(true, owner, common.Hash{}, next, now), baseFeeTuple(false, feeE)}
	if direct {
		// EIP-3607: the sender of a transaction sent to L1CALL, which
		// enters its L1 frame unaliased, has no L2 code: it reads the
		// code size zero an end segment writes for an account the L2
		// state holds no code for.
		tuples = append(tuples, memTuple{owner: l2SizeOwnerOf(sender)})
		b.codeless = readCodeless(b.codeless, sender)
	}
	st.value, st.time = next, now
	b.mem.time = t
	b.mem.acc = hashElements(b.mem.acc, owner, fr.NewElement(nonce), t, fr.NewElement(read), feeE, bitOf(direct))
	return read, tuples, nil
}

// frame advances the storage argument over frame f (its segment seg):
// the next time, each slot's read and write, the hash chain.
func (b *draftBatch) frame(f trace.Frame, seg pendingFrame, c Capacity) ([]memTuple, error) {
	tr := f.Trace
	// The EXTCODESIZE and EXTCODEHASH reads of its address this frame
	// answers: all of them where it is the first L2 frame there.
	var sizeUses, hashUses int
	t := b.mem.time
	t.Add(&t, new(fr.Element).SetOne())
	now := t.Uint64()
	undo := (seg.popped.doomed || tr.Reverted) && !b.faults.has(func(f *faults) bool { return f.keepReverted })
	if seg.popped.sandbox && !b.faults.has(func(f *faults) bool { return f.sandboxWrites }) {
		undo = true
	}
	owner := ownerOf(f.L1, tr.Address)
	times := make([]uint64, seg.shape.Storage)
	var tuples []memTuple
	// In a journaling capacity, a frame leaves its initial values where
	// it throws its own changes away, and its slots go through its
	// scope's shadows (see undo.go).
	journal := seg.Journal != nil
	if journal {
		undo = (tr.Reverted && !b.faults.has(func(f *faults) bool { return f.keepReverted })) ||
			(seg.popped.sandbox && !b.faults.has(func(f *faults) bool { return f.sandboxWrites }))
	}
	access := func(k slotKey, sl trace.StorageSlot, start common.Hash, fault func(uint64) uint64, first, from []uint64, j int) (uint64, []memTuple, error) {
		if !journal {
			return b.access(k, sl, start, undo, seg.popped.d, now, fault)
		}
		read, checkout, scope, ts, err := b.journalAccess(k, sl, start, undo, seg.popped.scope, seg.popped.d, now, fault)
		first[j], from[j] = uint64(bitInt(checkout)), scope
		return read, ts, err
	}
	// The journal's checkout flags and from scopes (First, From,
	// TransientFirst, TransientFrom), zero for unused slots.
	var journalLists [4][]uint64
	if journal {
		journalLists = [4][]uint64{make([]uint64, seg.shape.Storage), make([]uint64, seg.shape.Storage), make([]uint64, seg.shape.Transient), make([]uint64, seg.shape.Transient)}
	}
	for j, sl := range tr.Storage {
		var fault func(uint64) uint64
		if b.faults != nil && b.faults.readTime != nil {
			fault = func(honest uint64) uint64 { return b.faults.readTime(now, j, honest) }
		}
		read, ts, err := access(slotKey{l1: f.L1, addr: tr.Address, key: sl.Key}, sl, sl.Initial, fault, journalLists[0], journalLists[1], j)
		if err != nil {
			return nil, fmt.Errorf("the frame at %s: %w", tr.Address, err)
		}
		times[j] = read
		tuples = append(tuples, ts...)
	}
	for j := range times {
		seg.ReadTimes[j] = times[j]
	}
	// Transient storage, as storage under the transaction's owner (where
	// the shape carries it; the frame segment refuses it otherwise).
	var transient []fr.Element
	if seg.shape.TransientCarried {
		tx := seg.popped.tx
		for j := range seg.TransientReadTimes {
			if j >= len(tr.Transient) {
				transient = append(transient, make([]fr.Element, 8)...)
				continue
			}
			sl := tr.Transient[j]
			var fault func(uint64) uint64
			if b.faults != nil && b.faults.transientReadTime != nil {
				fault = func(honest uint64) uint64 { return b.faults.transientReadTime(now, j, honest) }
			}
			// A transaction's transient slot starts at zero.
			read, ts, err := access(slotKey{addr: tr.Address, key: sl.Key, transient: true, tx: tx}, sl, common.Hash{}, fault, journalLists[2], journalLists[3], j)
			if err != nil {
				return nil, fmt.Errorf("the frame at %s: transient %w", tr.Address, err)
			}
			seg.TransientReadTimes[j] = read
			tuples = append(tuples, ts...)
			transient = append(transient, fr.NewElement(1), elem(sl.Key[:16]), elem(sl.Key[16:]), elem(sl.Initial[:16]), elem(sl.Initial[16:]),
				elem(sl.Final[:16]), elem(sl.Final[16:]), fr.NewElement(read))
		}
	}
	// Its code's digest, under the account its code is from (for a frame
	// a DELEGATECALL entered, the address called; for an
	// L1DELEGATECALL's, the L1 account its input names).
	code := seg.popped.d.codeOf(tr.Address)
	tuples = append(tuples, memTuple{owner: codeOwnerOf(f.L1 || seg.popped.d.l1Code, code), keyHi: digestOf(tr.Code)})
	if f.L1 {
		tuples = append(tuples, contextTuple(tr.Context))
		for _, r := range tr.Reads {
			a := common.Address(r.Key.Bytes20())
			v := r.Value.Bytes32()
			switch r.Op {
			case vm.EXTCODEHASH:
				tuples = append(tuples, memTuple{owner: listOwnerOf(domCodeRead, a), keyHi: elem(v[:16]), keyLo: elem(v[16:])})
			case vm.EXTCODESIZE:
				tuples = append(tuples, memTuple{owner: listOwnerOf(domCodeSize, a), valHi: elem(v[:16]), valLo: elem(v[16:])})
			case vm.BALANCE:
				tuples = append(tuples, balanceTuple(false, a, r.Value.ToBig()))
			case vm.BLOCKHASH:
				// The parent's hash, which the block segment wrote; the
				// zero of a block out of range reads nothing.
				if n := r.Key; isParentOf(&n, tr.Context.Number) {
					tuples = append(tuples, parentHashTuple(n.Uint64(), common.Hash(r.Value.Bytes32())))
				}
			}
		}
		if runsSelfbalance(tr) && !b.faults.has(func(f *faults) bool { return f.noSelfbalance }) {
			tuples = append(tuples, balanceTuple(false, tr.Address, tr.Balance.ToBig()))
		}
	} else {
		tuples = append(tuples, l2BlockTuple(false, contextDigestOf(tr.Context)))
		for _, r := range tr.Reads {
			v := r.Value.Bytes32()
			switch a := common.Address(r.Key.Bytes20()); r.Op {
			case vm.EXTCODESIZE:
				tuples = append(tuples, memTuple{owner: l2SizeOwnerOf(a), valHi: elem(v[:16]), valLo: elem(v[16:])})
			case vm.EXTCODEHASH:
				tuples = append(tuples, memTuple{owner: l2HashOwnerOf(a), keyHi: elem(v[:16]), keyLo: elem(v[16:])})
			}
		}
		if !b.sized[tr.Address] && !seg.popped.d.on {
			b.sized[tr.Address] = true
			sizeUses, hashUses = b.sizeReads[tr.Address], b.hashReads[tr.Address]
		}
	}
	seg.SizeUses, seg.HashUses = sizeUses, hashUses
	for range sizeUses {
		tuples = append(tuples, memTuple{write: true, owner: l2SizeOwnerOf(tr.Address), valLo: fr.NewElement(uint64(len(tr.Code)))})
	}
	if !f.L1 && !seg.popped.d.l1Code {
		u, seen := b.l2Code[code]
		if !seen {
			b.l2CodeOrder = append(b.l2CodeOrder, code)
			u = &l2CodeUse{code: tr.Code}
			b.l2Code[code] = u
		}
		if !bytes.Equal(u.code, tr.Code) {
			return nil, fmt.Errorf("%w: two L2 frames run other code from %s", ErrStatement, code)
		}
		u.uses++
	}
	seg.Doomed = seg.popped.doomedValue(seg.Journal != nil)
	seg.Sandbox = bitOf(seg.popped.sandbox)
	seg.ReadOnly = bitOf(seg.popped.readOnly)
	for j := range seg.Ancestors {
		seg.Ancestors[j] = seg.popped.ancestors[j].BigInt(new(big.Int))
	}
	cm, err := verifier.PublicOf(tr).CommitmentOn(ecc.BLS12_377, seg.shape)
	if err != nil {
		return nil, err
	}
	var cmE fr.Element
	cmE.SetBigInt(cm)
	// The alias rule's reads: the code read of the frame's address, its
	// code's keccak hash.
	var sc senderCode
	if seg.sender != nil {
		sc = *seg.sender
		tuples = append(tuples, memTuple{owner: listOwnerOf(domCodeRead, tr.Address), keyHi: elem(sc.l1Hash[:16]), keyLo: elem(sc.l1Hash[16:])},
			keccakTuple(false, digestOf(tr.Code), sc.hash))
	} else if hashUses > 0 {
		// The code's hash, for the EXTCODEHASH reads it writes.
		sc.hash = crypto.Keccak256Hash(tr.Code)
		seg.CodeHash = [2]frontend.Variable{new(big.Int).SetBytes(sc.hash[:16]), new(big.Int).SetBytes(sc.hash[16:])}
		tuples = append(tuples, keccakTuple(false, digestOf(tr.Code), sc.hash))
	}
	// The EXTCODEHASH reads' hash, which the frame read just above.
	for range hashUses {
		tuples = append(tuples, memTuple{write: true, owner: l2HashOwnerOf(tr.Address), keyHi: elem(sc.hash[:16]), keyLo: elem(sc.hash[16:])})
	}
	es := append([]fr.Element{b.mem.acc, cmE, owner, fr.NewElement(seg.popped.doomedValue(journal)), bitOf(seg.popped.sandbox), t}, packTimesOf(times)...)
	es = append(es, bitOf(seg.sender != nil), elem(sc.l1Hash[:16]), elem(sc.l1Hash[16:]), elem(sc.hash[:16]), elem(sc.hash[16:]), fr.NewElement(uint64(sizeUses)), fr.NewElement(uint64(hashUses)), fr.NewElement(seg.popped.tx),
		bitOf(seg.popped.d.on), elem(code[:]), fr.NewElement(seg.popped.d.by), bitOf(seg.popped.d.l1Code))
	es = append(es, transient...)
	if journal {
		j := &seg.Journal[0]
		for i, out := range [4][]frontend.Variable{j.First, j.From, j.TransientFirst, j.TransientFrom} {
			for k, v := range journalLists[i] {
				out[k] = v
			}
			es = append(es, packTimesOf(journalLists[i])...)
		}
	}
	if seg.shape.KeccakClaims {
		short, long := seg.Frame.KeccakInputs()
		forged := b.faults.has(func(f *faults) bool { return f.keccakClaims })
		for _, l := range []struct {
			inputs []verifier.KeccakInput
			n      int
		}{{short, seg.shape.Keccak}, {long, seg.shape.KeccakLong}} {
			reads, claims, err := b.keccak.claims(l.inputs, l.n, forged)
			if err != nil {
				return nil, err
			}
			tuples = append(tuples, reads...)
			es = append(es, claims...)
		}
	}
	// The claims of its calls of the ecrecover precompile that
	// returned, which an ecrecover segment writes.
	for _, call := range tr.Calls {
		if call.Op == vm.DELEGATECALL || !call.Success {
			continue
		}
		switch {
		case c.Ecrecover > 0 && call.Callee() == ecrecoverPrecompile:
			tuples = append(tuples, b.ecrecover.claim(ecrecoverInput(call.Input), call.ReturnData))
		case c.Sha256 > 0 && call.Callee() == sha256Precompile:
			tuples = append(tuples, b.sha256.claim(call.Input, c.sha256Words(), call.ReturnData))
		}
	}
	b.mem.acc = hashElements(es...)
	b.mem.time = t
	return tuples, nil
}

// access follows the frame at time now over slot sl, keyed k (start,
// the slot's value before the batch where the batch has not touched it
// yet): the frame must start it where the frames before it left it and,
// where a DELEGATECALL entered the frame (d), not from the delegating
// frame's write; it leaves its final value, or its initial one where
// undo. It returns the time the initial value is read from (fault, if
// set, a test's, replacing it) and the read and write tuples. (It is
// journalAccess outside any scope.)
func (b *draftBatch) access(k slotKey, sl trace.StorageSlot, start common.Hash, undo bool, d delegated, now uint64, fault func(honest uint64) uint64) (uint64, []memTuple, error) {
	read, _, _, tuples, err := b.journalAccess(k, sl, start, undo, 0, d, now, fault)
	return read, tuples, err
}

// lists assigns the header segment's L1 lists (n records each) and
// returns their reads of the storage argument, starting its hash chain.
func (b *draftBatch) lists(head *headerSegment, l1 *L1Lists, c Capacity, uses, sizeUses, balanceUses []int, h *Header, block bool, l2Frames, l2Txs int) []memTuple {
	n, nCode := c.l1Slots(), c.codeReads()
	head.NReads, head.NWrites, head.NCode, head.NBalance = len(l1.Reads), len(l1.Writes), len(l1.Code), len(l1.Balances)
	es := []fr.Element{fr.NewElement(uint64(len(l1.Reads))), fr.NewElement(uint64(len(l1.Writes)))}
	var tuples []memTuple
	for _, l := range []struct {
		dom     int
		records []L1Slot
		out     *[][recordBytes]frontend.Variable
	}{{domReads, l1.Reads, &head.Reads}, {domWrites, l1.Writes, &head.Writes}} {
		*l.out = make([][recordBytes]frontend.Variable, n)
		for j := range n {
			var r L1Slot
			if j < len(l.records) {
				r = l.records[j]
				tuples = append(tuples, tuple(false, listOwnerOf(l.dom, r.Contract), r.Slot, r.Value, 0))
			}
			rec := (*l.out)[j][:]
			copy(rec, bytesOf(common.LeftPadBytes(r.Contract[:], 32)))
			copy(rec[32:], bytesOf(r.Slot[:]))
			copy(rec[64:], bytesOf(r.Value[:]))
			es = append(es, elem(r.Contract[:]), elem(r.Slot[:16]), elem(r.Slot[16:]), elem(r.Value[:16]), elem(r.Value[16:]))
		}
	}
	// Each code read, as many times as code segments check it, and each
	// balance read, as many times as the L1 frames read it.
	code := make([]pairRecord, len(l1.Code))
	for j, r := range l1.Code {
		code[j] = pairRecord{r.Contract, r.CodeHash, uses[j]}
	}
	var codeTuples, balanceTuples []memTuple
	head.Code, head.CodeUses, codeTuples, es = writePairs(code, nCode, es, func(r pairRecord) memTuple {
		return memTuple{write: true, owner: listOwnerOf(domCodeRead, r.account), keyHi: elem(r.word[:16]), keyLo: elem(r.word[16:])}
	})
	balance := make([]pairRecord, len(l1.Balances))
	for j, r := range l1.Balances {
		balance[j] = pairRecord{r.Account, common.BigToHash(orZero(r.Balance)), balanceUses[j]}
	}
	head.Balance, head.BalanceUses, balanceTuples, es = writePairs(balance, c.balanceReads(), es, func(r pairRecord) memTuple {
		return balanceTuple(true, r.account, r.word.Big())
	})
	tuples = append(tuples, codeTuples...)
	tuples = append(tuples, balanceTuples...)
	// The size, zero, of each code read's account without code, as many
	// times as the L1 frames read it.
	head.CodeSizeUses = make([]frontend.Variable, nCode)
	for j := range nCode {
		n := 0
		if j < len(sizeUses) {
			n = sizeUses[j]
		}
		head.CodeSizeUses[j] = n
		for range n {
			tuples = append(tuples, memTuple{write: true, owner: listOwnerOf(domCodeSize, l1.Code[j].Contract)})
		}
		es = append(es, fr.NewElement(uint64(n)))
	}
	// The pinned L1 block's hash, for the block segment.
	head.BlockUses = bitInt(block)
	if block {
		id := common.BigToHash(h.L1ChainID)
		var owner fr.Element
		owner.SetBigInt(blockOwner)
		tuples = append(tuples, memTuple{write: true, owner: owner, keyHi: elem(id[:16]), keyLo: elem(id[16:]), valHi: elem(h.L1BlockHash[:16]), valLo: elem(h.L1BlockHash[16:])})
	}
	// The L2 block's context, for the L2 frames, and its base fee, for
	// the transactions' gas prices.
	l2 := h.L2Block
	coinbase := new(big.Int).SetBytes(l2.Coinbase[:])
	fee := orZero(l2.BaseFee)
	head.L2Frames, head.L2Txs = l2Frames, l2Txs
	head.L2Time, head.L2GasLimit, head.L2BaseFee = l2.Time, l2.GasLimit, new(big.Int).Set(fee)
	head.L2Coinbase = [2]frontend.Variable{new(big.Int).Rsh(coinbase, 128), new(big.Int).And(coinbase, mask128)}
	digest := contextDigestOf(l2.context(h.ChainID, h.Number, nil))
	var feeE fr.Element
	feeE.SetBigInt(fee)
	for range l2Frames {
		tuples = append(tuples, l2BlockTuple(true, digest))
	}
	for range l2Txs {
		tuples = append(tuples, baseFeeTuple(true, feeE))
	}
	es = append(es, bitOf(block), fr.NewElement(uint64(l2Frames)), fr.NewElement(uint64(l2Txs)), digest, feeE)
	b.mem.acc = hashElements(es...)
	return tuples
}

// returnWords is return data as n words of an outcome (outcomeOf):
// zero-padded, cut at n words.
func returnWords(ret []byte, n int) []verifier.Word {
	padded := make([]byte, 32*n)
	copy(padded, ret)
	out := make([]verifier.Word, n)
	for k := range out {
		out[k] = verifier.Word{Hi: new(big.Int).SetBytes(padded[32*k : 32*k+16]), Lo: new(big.Int).SetBytes(padded[32*k+16 : 32*k+32])}
	}
	return out
}

// pairRecord is a record of a header list of two-word records (code
// reads, balance reads): an account, a word, and how many segments read
// it.
type pairRecord struct {
	account common.Address
	word    common.Hash
	uses    int
}

// writePairs assigns a header list of n two-word records (memory's
// writePairs): the records' ABI words and uses, zero past them, each
// record's write, uses times, as tuple gives it, and es (the hash chain's
// values) with the count and each record's.
func writePairs(records []pairRecord, n int, es []fr.Element, tuple func(pairRecord) memTuple) ([][64]frontend.Variable, []frontend.Variable, []memTuple, []fr.Element) {
	words := make([][64]frontend.Variable, n)
	uses := make([]frontend.Variable, n)
	var tuples []memTuple
	es = append(es, fr.NewElement(uint64(len(records))))
	for j := range n {
		var r pairRecord
		if j < len(records) {
			r = records[j]
			for range r.uses {
				tuples = append(tuples, tuple(r))
			}
		}
		copy(words[j][:], bytesOf(common.LeftPadBytes(r.account[:], 32)))
		copy(words[j][32:], bytesOf(r.word[:]))
		uses[j] = r.uses
		es = append(es, elem(r.account[:]), elem(r.word[:16]), elem(r.word[16:]), fr.NewElement(uint64(r.uses)))
	}
	return words, uses, tuples, es
}

// mask128 is 2^128 − 1.
var mask128 = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 128), big.NewInt(1))

// l2BlockTuple is the storage argument's entry of the L2 block's context
// digest, which the L2 frames read.
func l2BlockTuple(write bool, digest fr.Element) memTuple {
	var owner fr.Element
	owner.SetBigInt(l2BlockOwner)
	return memTuple{write: write, owner: owner, valHi: digest}
}

// baseFeeTuple is the storage argument's entry of the L2 block's base
// fee, which the transaction segments read.
func baseFeeTuple(write bool, fee fr.Element) memTuple {
	var owner fr.Element
	owner.SetBigInt(l2BlockOwner)
	return memTuple{write: write, owner: owner, keyLo: fr.NewElement(1), valLo: fee}
}

// effectiveGasPrice is the gas price tx pays in an L2 block of base fee
// baseFee, as go-ethereum charges it (and the transaction segment
// computes it): its gas price, or for a dynamic-fee transaction the
// least of its fee cap and the base fee plus its tip. A fee cap below
// the base fee or a tip above the fee cap is ErrStatement (no block of
// that base fee holds the transaction); a fee cap or tip of 2^128 wei or
// more is verifier.ErrUnsupported.
func effectiveGasPrice(tx *types.Transaction, baseFee *big.Int) (*big.Int, error) {
	feeCap, tip := tx.GasFeeCap(), tx.GasTipCap()
	switch {
	case feeCap.BitLen() > 128 || tip.BitLen() > 128:
		return nil, fmt.Errorf("%w: a fee cap of %v wei and a tip of %v (the segments take them below 2^128)", verifier.ErrUnsupported, feeCap, tip)
	case feeCap.Cmp(baseFee) < 0:
		return nil, fmt.Errorf("%w: a fee cap of %v wei, below the L2 base fee %v", ErrStatement, feeCap, baseFee)
	case tx.Type() == types.DynamicFeeTxType && tip.Cmp(feeCap) > 0:
		return nil, fmt.Errorf("%w: a tip of %v wei above the fee cap %v", ErrStatement, tip, feeCap)
	}
	// go-ethereum's tip under the base fee: the least of the tip and what
	// the fee cap leaves above the base fee (a legacy or access-list
	// transaction's tip is its gas price).
	return new(big.Int).Add(baseFee, tx.EffectiveGasTipValue(baseFee)), nil
}

// inL2Block returns the executions with every L2 frame in the L2 block's
// context (h.L2Block, with the header's chain id and number and no
// PREVRANDAO) and its transaction's gas price, prices[i], after checking
// that every block value the frame's steps read is that context's
// (ErrStatement otherwise).
func inL2Block(executions []*trace.Transaction, h *Header, prices []*big.Int) ([]*trace.Transaction, error) {
	out := make([]*trace.Transaction, len(executions))
	for i, e := range executions {
		if e == nil || i >= len(prices) {
			out[i] = e
			continue
		}
		ctx := h.L2Block.context(h.ChainID, h.Number, prices[i])
		c := &trace.Transaction{Frames: slices.Clone(e.Frames)}
		for k, f := range c.Frames {
			if f.L1 || len(f.Trace.Code) == 0 {
				continue
			}
			tr, err := inContext(f.Trace, ctx, "the L2 block's")
			if err != nil {
				return nil, fmt.Errorf("batch: transaction %d frame %d: %w", i, k, err)
			}
			c.Frames[k].Trace = tr
		}
		out[i] = c
	}
	return out, nil
}

// l1Frames counts the executions' L1 frames that run code.
func l1Frames(executions []*trace.Transaction) int { return framesOf(executions, true) }

// framesOf counts the executions' frames of one layer that run code.
func framesOf(executions []*trace.Transaction, l1 bool) int {
	n := 0
	for _, f := range codeFrames(executions) {
		if f.L1 == l1 {
			n++
		}
	}
	return n
}

// codeFrames yields the executions' frames that run code, in order,
// each with its transaction's index.
func codeFrames(executions []*trace.Transaction) iter.Seq2[int, trace.Frame] {
	return func(yield func(int, trace.Frame) bool) {
		for i, e := range executions {
			if e == nil {
				continue
			}
			for _, f := range e.Frames {
				if len(f.Trace.Code) > 0 && !yield(i, f) {
					return
				}
			}
		}
	}
}

// inPinnedContext is executions with each L1 frame in the pinned L1
// block's context (inContext), the executions given left as they are.
func inPinnedContext(executions []*trace.Transaction, pinned trace.Context) ([]*trace.Transaction, error) {
	out := make([]*trace.Transaction, len(executions))
	for i, e := range executions {
		if e == nil {
			continue
		}
		c := &trace.Transaction{Frames: slices.Clone(e.Frames)}
		for k, f := range c.Frames {
			if !f.L1 || len(f.Trace.Code) == 0 {
				continue
			}
			tr, err := inContext(f.Trace, pinned, "the pinned L1 block's")
			if err != nil {
				return nil, fmt.Errorf("batch: transaction %d frame %d: %w", i, k, err)
			}
			c.Frames[k].Trace = tr
		}
		out[i] = c
	}
	return out, nil
}

// balanceUses counts, for each of the read set's balance reads, the L1
// frames' reads of it: the SELFBALANCE of a frame at the account (the
// balance it pushes) and each BALANCE of the account. A read the balance
// reads do not name, or name with another balance, is ErrStatement (not
// counted, with the lists fault).
func balanceUses(l1 *L1Lists, executions []*trace.Transaction, fl *faults) ([]int, error) {
	uses := make([]int, len(l1.Balances))
	unchecked := fl.has(func(f *faults) bool { return f.lists })
	read := func(at, a common.Address, v *uint256.Int, op vm.OpCode) error {
		j := slices.IndexFunc(l1.Balances, func(b BalanceRead) bool { return b.Account == a })
		switch {
		case j >= 0 && orZero(l1.Balances[j].Balance).Cmp(v.ToBig()) == 0:
			uses[j]++
		case !unchecked:
			return fmt.Errorf("%w: the L1 frame at %s reads %s of %s = %s, which the read set's balance reads do not name", ErrStatement, at, op, a, v.Dec())
		}
		return nil
	}
	for _, f := range codeFrames(executions) {
		if !f.L1 {
			continue
		}
		tr := f.Trace
		if runsSelfbalance(tr) && !fl.has(func(f *faults) bool { return f.noSelfbalance }) {
			if err := read(tr.Address, tr.Address, &tr.Balance, vm.SELFBALANCE); err != nil {
				return nil, err
			}
		}
		for _, r := range tr.Reads {
			if r.Op == vm.BALANCE {
				if err := read(tr.Address, common.Address(r.Key.Bytes20()), &r.Value, vm.BALANCE); err != nil {
					return nil, err
				}
			}
		}
	}
	return uses, nil
}

// runsSelfbalance reports whether tr runs SELFBALANCE.
func runsSelfbalance(tr *trace.Trace) bool {
	return slices.ContainsFunc(tr.Steps, func(st trace.Step) bool { return st.Op == vm.SELFBALANCE })
}

// balanceTuple is the storage argument's entry of an L1 account's balance
// read.
func balanceTuple(write bool, a common.Address, balance *big.Int) memTuple {
	v := common.BigToHash(orZero(balance))
	return memTuple{write: write, owner: listOwnerOf(domBalance, a), valHi: elem(v[:16]), valLo: elem(v[16:])}
}

// l1Code is a code the batch's segments hash: an L1 account's code that
// the batch's L1 frames run (account, with uses of them), or an L2
// contract's code hashed only for SPEC §1's alias rule; hashUses frames
// read its keccak256 hash for the rule.
type l1Code struct {
	addr     common.Address
	code     []byte
	account  bool
	uses     int
	hashUses int
	// sizeUses is how many of the L1 frames' EXTCODESIZE reads read the
	// account code's size.
	sizeUses int
}

// senderCode is what the alias rule decides an L2 address's L1CALLs'
// sender by: the read set's code hash for the address on L1 (zero where
// no account is there) and the keccak256 hash of the code its L2 frames
// run.
type senderCode struct {
	l1Hash, hash common.Hash
}

// aliased reports whether the rule aliases the sender.
func (s senderCode) aliased() bool { return s.l1Hash != s.hash }

// makesL1Call reports whether a frame calls L1CALL or L1SANDBOXCALL
// with a call the precompile does not refuse (refusedCall), whose L1
// frames take the alias rule's sender.
func makesL1Call(tr *trace.Trace, fl *faults) bool {
	// (The l1CallValue fault enters an L1 frame for a call with value.)
	withValue := fl.has(func(f *faults) bool { return f.l1CallValue })
	return slices.ContainsFunc(tr.Calls, func(c trace.FrameCall) bool { return enteringL1(c.Callee()) && (!refusedCall(c) || withValue) })
}

// l1Codes lists the codes the batch's code segments hash: the code of
// each L1 account the executions' L1 frames (and L1DELEGATECALLs'
// frames) run, in the order first run,
// then the code of each L2 frame that makes an L1CALL, where no account
// code is the same. It returns with them, for each of l1's code reads,
// how many of the segments read it (code hash and account: each L1
// account's code segment once, each frame making an L1CALL once for its
// own address), and the alias rule's inputs for each such frame's
// address. It fails with ErrStatement where two frames run other code at
// one account, a frame's code is not the code the read set names, or the
// read set names no code for the address of a frame making an L1CALL
// (unless fl says code), and with verifier.ErrCapacity for code longer
// than c's frames hold.
func l1Codes(l1 *L1Lists, executions []*trace.Transaction, c Capacity, hashReads map[common.Address]int, fl *faults) ([]l1Code, []int, []int, map[common.Address]senderCode, error) {
	unchecked := fl.has(func(f *faults) bool { return f.code })
	withheld := fl.has(func(f *faults) bool { return f.noSenderCode })
	var codes []l1Code
	at := map[common.Address]int{}
	for i, f := range codeFrames(executions) {
		tr := f.Trace
		if !f.L1 && (!f.L1Code || fl.has(func(f *faults) bool { return f.l1DelegateAsL2 })) {
			continue
		}
		// An L1 frame runs its address's code, an L1DELEGATECALL's
		// frame the code of the L1 account its input names.
		addr := tr.Address
		if f.L1Code {
			addr = tr.CodeAddress
		}
		if len(tr.Code) > c.codeCap() {
			return nil, nil, nil, nil, &TransactionError{Index: i, Err: fmt.Errorf("%w: %d bytes of L1 code at %s, the frames hold %d", verifier.ErrCapacity, len(tr.Code), addr, c.codeCap())}
		}
		i, seen := at[addr]
		if !seen {
			i = len(codes)
			at[addr] = i
			codes = append(codes, l1Code{addr: addr, code: tr.Code, account: true})
		}
		if !bytes.Equal(codes[i].code, tr.Code) {
			return nil, nil, nil, nil, fmt.Errorf("%w: two L1 frames run other code at %s", ErrStatement, addr)
		}
		codes[i].uses++
	}
	uses, sizeUses := make([]int, len(l1.Code)), make([]int, len(l1.Code))
	for _, code := range codes {
		h := crypto.Keccak256Hash(code.code)
		j := slices.Index(l1.Code, CodeRead{Contract: code.addr, CodeHash: h})
		switch {
		case j >= 0:
			uses[j]++
		case !unchecked:
			return nil, nil, nil, nil, fmt.Errorf("%w: the L1 frames at %s run code of hash %s, which the read set's code reads do not name", ErrStatement, code.addr, h)
		}
	}
	// The L1 frames' state reads: EXTCODEHASH against the code reads,
	// EXTCODESIZE against an account code's size.
	for i, f := range codeFrames(executions) {
		if !f.L1 {
			continue
		}
		for _, r := range f.Trace.Reads {
			a := common.Address(r.Key.Bytes20())
			switch r.Op {
			case vm.EXTCODEHASH:
				v := common.Hash(r.Value.Bytes32())
				j := slices.Index(l1.Code, CodeRead{Contract: a, CodeHash: v})
				switch {
				case j >= 0:
					uses[j]++
				case v == (common.Hash{}):
					return nil, nil, nil, nil, &TransactionError{Index: i, Err: fmt.Errorf("%w: EXTCODEHASH of %s, an empty L1 account, in the L1 frame at %s", verifier.ErrUnsupported, a, f.Trace.Address)}
				case !unchecked:
					return nil, nil, nil, nil, fmt.Errorf("%w: the L1 frame at %s reads EXTCODEHASH of %s = %s, which the read set's code reads do not name", ErrStatement, f.Trace.Address, a, v)
				}
			case vm.EXTCODESIZE:
				i, seen := at[a]
				j := slices.IndexFunc(l1.Code, func(cr CodeRead) bool {
					return cr.Contract == a && (cr.CodeHash == common.Hash{} || cr.CodeHash == types.EmptyCodeHash || fl.has(func(f *faults) bool { return f.codeless }))
				})
				switch {
				case !seen && j >= 0 && r.Value.IsZero():
					// An account without code, as the read set says.
					sizeUses[j]++
					continue
				case !seen:
					return nil, nil, nil, nil, &TransactionError{Index: i, Err: fmt.Errorf("%w: EXTCODESIZE of %s, whose code no L1 frame of the batch runs, in the L1 frame at %s", verifier.ErrUnsupported, a, f.Trace.Address)}
				case !r.Value.Eq(uint256.NewInt(uint64(len(codes[i].code)))) && !unchecked:
					return nil, nil, nil, nil, fmt.Errorf("%w: the L1 frame at %s reads EXTCODESIZE of %s = %s, its code is %d bytes", ErrStatement, f.Trace.Address, a, r.Value.Dec(), len(codes[i].code))
				}
				codes[i].sizeUses++
			case vm.BALANCE:
				// balanceUses checks it against the balance reads.
			case vm.BLOCKHASH:
				// l1BlockHashes checks it against the pinned block.
			default:
				if !fl.has(func(f *faults) bool { return f.unsupported }) {
					return nil, nil, nil, nil, &TransactionError{Index: i, Err: fmt.Errorf("%w: %s in the L1 frame at %s (an L1 block hash)", verifier.ErrUnsupported, r.Op, f.Trace.Address)}
				}
			}
		}
	}
	senders := map[common.Address]senderCode{}
	for i, f := range codeFrames(executions) {
		tr := f.Trace
		if f.L1 || !makesL1Call(tr, fl) || withheld || codeAt(tr) != tr.Address {
			continue // (a frame a DELEGATECALL entered makes no L1CALL: frameWitness)
		}
		if len(tr.Code) > c.codeCap() {
			return nil, nil, nil, nil, &TransactionError{Index: i, Err: fmt.Errorf("%w: %d bytes of L2 code at %s, the frames hold %d", verifier.ErrCapacity, len(tr.Code), tr.Address, c.codeCap())}
		}
		codes = hashUse(codes, tr.Code)
		j := slices.IndexFunc(l1.Code, func(r CodeRead) bool { return r.Contract == tr.Address })
		s := senderCode{hash: crypto.Keccak256Hash(tr.Code)}
		switch {
		case j >= 0:
			uses[j]++
			s.l1Hash = l1.Code[j].CodeHash
		case !unchecked:
			return nil, nil, nil, nil, fmt.Errorf("%w: the frame at %s makes an L1CALL, and the read set names no L1 code for its address", ErrStatement, tr.Address)
		}
		senders[tr.Address] = s
	}
	// The first L2 frame at each address whose EXTCODEHASH an L2 frame
	// reads reads its code's hash too (once, with the alias rule's).
	first := map[common.Address]bool{}
	for i, f := range codeFrames(executions) {
		tr := f.Trace
		if f.L1 || first[tr.Address] || codeAt(tr) != tr.Address {
			continue
		}
		first[tr.Address] = true
		if hashReads[tr.Address] == 0 || (makesL1Call(tr, fl) && !withheld) {
			continue
		}
		if len(tr.Code) > c.codeCap() {
			return nil, nil, nil, nil, &TransactionError{Index: i, Err: fmt.Errorf("%w: %d bytes of L2 code at %s, the frames hold %d", verifier.ErrCapacity, len(tr.Code), tr.Address, c.codeCap())}
		}
		codes = hashUse(codes, tr.Code)
	}
	return codes, uses, sizeUses, senders, nil
}

// hashUse counts one more read of the keccak hash of L2 code, which a
// code segment proves: the segment of the same code if codes has one,
// else a new hash-only segment.
func hashUse(codes []l1Code, code []byte) []l1Code {
	i := slices.IndexFunc(codes, func(c l1Code) bool { return bytes.Equal(c.code, code) })
	if i < 0 {
		i = len(codes)
		codes = append(codes, l1Code{code: code})
	}
	codes[i].hashUses++
	return codes
}

// code assigns the code segment of code, for frames of capacity n bytes.
func (b *draftBatch) code(code l1Code, n int) *codeSegment {
	seg := &codeSegment{Address: new(big.Int).SetBytes(code.addr[:]), CodeLen: len(code.code), Uses: code.uses,
		Account: bitInt(code.account), HashUses: code.hashUses, SizeUses: code.sizeUses, Code: make([]frontend.Variable, n)}
	for i := range seg.Code {
		seg.Code[i] = 0
		if i < len(code.code) {
			seg.Code[i] = code.code[i]
		}
	}
	h := crypto.Keccak256Hash(code.code)
	b.mem.acc = hashElements(b.mem.acc, elem(code.addr[:]), fr.NewElement(uint64(len(code.code))), digestOf(code.code), elem(h[:16]), elem(h[16:]),
		fr.NewElement(uint64(code.uses)), bitOf(code.account), fr.NewElement(uint64(code.hashUses)), fr.NewElement(uint64(code.sizeUses)))
	return seg
}

// tuples are the code segment's terms: its digest written once per use,
// its code read read (an account's code), its keccak hash written once
// per frame the alias rule reads it for.
func (code l1Code) tuples() []memTuple {
	var out []memTuple
	d := digestOf(code.code)
	for range code.uses {
		out = append(out, memTuple{write: true, owner: listOwnerOf(domCode, code.addr), keyHi: d})
	}
	h := crypto.Keccak256Hash(code.code)
	if code.account {
		out = append(out, memTuple{owner: listOwnerOf(domCodeRead, code.addr), keyHi: elem(h[:16]), keyLo: elem(h[16:])})
	}
	for range code.hashUses {
		out = append(out, keccakTuple(true, d, h))
	}
	for range code.sizeUses {
		out = append(out, memTuple{write: true, owner: listOwnerOf(domCodeSize, code.addr), valLo: fr.NewElement(uint64(len(code.code)))})
	}
	return out
}

// keccakTuple is a code keccak entry of the storage argument: digest
// d's code has keccak256 hash h.
func keccakTuple(write bool, d fr.Element, h common.Hash) memTuple {
	var owner fr.Element
	owner.SetBigInt(keccakOwner)
	return memTuple{write: write, owner: owner, keyHi: d, valHi: elem(h[:16]), valLo: elem(h[16:])}
}

// digestOf is CodeDigest as a field element.
func digestOf(code []byte) fr.Element {
	d := CodeDigest(code)
	var e fr.Element
	e.SetBytes(d[:])
	return e
}

// CodeDigest is the digest of code that the segments compute and the L2
// state tree holds for an L2 account's code (under L2CodeKey): the
// Poseidon2 hash of its length and its bytes, 31 to an element, the last
// zero-padded, as the 32 bytes of the field element.
func CodeDigest(code []byte) common.Hash {
	es := []fr.Element{fr.NewElement(uint64(len(code)))}
	for i := 0; i < len(code); i += 31 {
		chunk := make([]byte, 31)
		copy(chunk, code[i:])
		es = append(es, elem(chunk))
	}
	d := hashElements(es...)
	return common.Hash(d.Bytes())
}

// bytesOf is bs as circuit values.
func bytesOf(bs []byte) []frontend.Variable {
	out := make([]frontend.Variable, len(bs))
	for i, v := range bs {
		out[i] = v
	}
	return out
}

// l2SizeOwnerOf is the owner of an L2 account's code size (domCodeSize).
func l2SizeOwnerOf(addr common.Address) fr.Element { return domainOwnerOf(false, domCodeSize, addr) }

// l2HashOwnerOf is the owner of an L2 account's code hash (domCodeRead
// on layer 2).
func l2HashOwnerOf(addr common.Address) fr.Element { return domainOwnerOf(false, domCodeRead, addr) }

// domainOwnerOf is an account's owner in domain dom of the storage
// argument: its slotOwner on its layer plus dom·2^162.
func domainOwnerOf(l1 bool, dom int, addr common.Address) fr.Element {
	o := ownerOf(l1, addr)
	var d fr.Element
	d.SetBigInt(new(big.Int).Mul(big.NewInt(int64(dom)), two162))
	o.Add(&o, &d)
	return o
}

// l2CodeReads counts the L2 frames' EXTCODESIZE and EXTCODEHASH reads of
// each address. Each must read the size or keccak hash of the code an L2
// frame of the batch runs at the address, whose first frame there
// proves it: where none runs there (an account without code, or one the
// batch does not call) the read is refused with verifier.ErrUnsupported,
// and another value with ErrStatement (unless unchecked).
func l2CodeReads(executions []*trace.Transaction, unchecked bool) (sizes, hashes map[common.Address]int, codeless []codelessReads, err error) {
	code := map[common.Address][]byte{}
	for _, f := range codeFrames(executions) {
		// The frames that run their own address's code answer.
		if _, seen := code[f.Trace.Address]; !f.L1 && !seen && codeAt(f.Trace) == f.Trace.Address {
			code[f.Trace.Address] = f.Trace.Code
		}
	}
	sizes, hashes = map[common.Address]int{}, map[common.Address]int{}
	for k, f := range codeFrames(executions) {
		if f.L1 {
			continue
		}
		for _, r := range f.Trace.Reads {
			if r.Op != vm.EXTCODESIZE && r.Op != vm.EXTCODEHASH {
				continue
			}
			a := common.Address(r.Key.Bytes20())
			c, runs := code[a]
			switch {
			case !runs && r.Op == vm.EXTCODESIZE && r.Value.IsZero():
				// An account without code: the L2 state tree holds no
				// code for it (an end segment proves it).
				codeless = readCodeless(codeless, a)
				continue
			case !runs:
				return nil, nil, nil, &TransactionError{Index: k, Err: fmt.Errorf("%w: %s of %s, at which no L2 frame of the batch runs, in the L2 frame at %s (only EXTCODESIZE of an account without code is proven without one)", verifier.ErrUnsupported, r.Op, a, f.Trace.Address)}
			}
			if r.Op == vm.EXTCODESIZE {
				if !r.Value.Eq(uint256.NewInt(uint64(len(c)))) && !unchecked {
					return nil, nil, nil, fmt.Errorf("%w: the L2 frame at %s reads EXTCODESIZE of %s = %s, the code run there is %d bytes", ErrStatement, f.Trace.Address, a, r.Value.Dec(), len(c))
				}
				sizes[a]++
				continue
			}
			if h := crypto.Keccak256Hash(c); common.Hash(r.Value.Bytes32()) != h && !unchecked {
				return nil, nil, nil, fmt.Errorf("%w: the L2 frame at %s reads EXTCODEHASH of %s = %s, the code run there hashes to %s", ErrStatement, f.Trace.Address, a, common.Hash(r.Value.Bytes32()), h)
			}
			hashes[a]++
		}
	}
	return sizes, hashes, codeless, nil
}

// readCodeless is list with one more read of addr's code size of zero.
func readCodeless(list []codelessReads, addr common.Address) []codelessReads {
	i := slices.IndexFunc(list, func(c codelessReads) bool { return c.addr == addr })
	if i < 0 {
		i = len(list)
		list = append(list, codelessReads{addr: addr})
	}
	list[i].reads++
	return list
}

// codelessReads is an L2 account without code, at which no L2 frame of
// the batch runs, and how many EXTCODESIZE reads of it L2 frames make.
type codelessReads struct {
	addr  common.Address
	reads int
}

// listOwnerOf is listOwner outside the circuit.
func listOwnerOf(dom int, addr common.Address) fr.Element { return domainOwnerOf(true, dom, addr) }

// checkLists checks the L1 lists against the L1 slots the frames
// touched: the read set is each with its value before the batch, the
// write list each the batch changed with its value after, as sets.
func (b *draftBatch) checkLists(l1 *L1Lists) error {
	reads, writes := map[L1Slot]int{}, map[L1Slot]int{}
	for _, k := range b.order {
		if !k.l1 {
			continue
		}
		st := b.state[k]
		reads[L1Slot{k.addr, k.key, st.initial}]++
		if st.value != st.initial {
			writes[L1Slot{k.addr, k.key, st.value}]++
		}
	}
	for _, l := range []struct {
		name    string
		records []L1Slot
		want    map[L1Slot]int
	}{{"read set", l1.Reads, reads}, {"write list", l1.Writes, writes}} {
		for _, r := range l.records {
			if l.want[r] == 0 {
				return fmt.Errorf("%w: the %s holds slot %s of %s = %s, which the frames did not leave so", ErrStatement, l.name, r.Slot, r.Contract, r.Value)
			}
			l.want[r]--
		}
		for r, n := range l.want {
			if n > 0 {
				return fmt.Errorf("%w: the %s lacks slot %s of %s = %s", ErrStatement, l.name, r.Slot, r.Contract, r.Value)
			}
		}
	}
	return nil
}

// ends appends the end segments, slots per segment: every slot the
// frames touched, sorted by layer, address and key.
func (b *draftBatch) ends(slots, codes int) error {
	keys := slices.Clone(b.order)
	slices.SortFunc(keys, func(x, y slotKey) int {
		switch {
		case x.rank() != y.rank():
			return x.rank() - y.rank()
		case x.tx != y.tx:
			return cmp.Compare(x.tx, y.tx)
		case x.addr != y.addr:
			return bytes.Compare(x.addr[:], y.addr[:])
		}
		return bytes.Compare(x.key[:], y.key[:])
	})
	if b.faults != nil && b.faults.keys != nil {
		keys = b.faults.keys(keys)
	}
	if b.faults.has(func(f *faults) bool { return f.l2Build }) {
		pre := statetree.New()
		for _, k := range keys {
			if k.inTree() {
				var err error
				if pre, err = pre.Set(k.treeKey(), b.state[k].initial); err != nil {
					return err
				}
			}
		}
		for _, addr := range b.l2CodeOrder {
			var err error
			if pre, err = pre.Set(L2CodeKey(addr), CodeDigest(b.l2Code[addr].code)); err != nil {
				return err
			}
		}
		if b.faults.l2Pre != nil {
			var err error
			if pre, err = b.faults.l2Pre(pre); err != nil {
				return err
			}
		}
		b.l2, b.faults.pre = pre, pre
	}
	// The code entries: each L2 account the frames run, then each
	// account without code whose size they read.
	type codeEntry struct {
		addr     common.Address
		codeless int // EXTCODESIZE reads of an account without code
	}
	var accounts []codeEntry
	for _, a := range b.l2CodeOrder {
		accounts = append(accounts, codeEntry{addr: a})
	}
	for _, c := range b.codeless {
		accounts = append(accounts, codeEntry{addr: c.addr, codeless: c.reads})
	}
	trusted := b.faults.has(func(f *faults) bool { return f.l2 })
	for first := true; first || len(keys) > 0 || len(accounts) > 0; first = false {
		n, nc := min(slots, len(keys)), min(codes, len(accounts))
		seg := &endSegment{Final: bitInt(n == len(keys) && nc == len(accounts)), Slots: make([]slotEntry, slots), Codes: make([]l2CodeEntry, codes)}
		var tuples []memTuple
		es := []fr.Element{b.mem.acc}
		for j := range seg.Slots {
			if j >= n {
				seg.Slots[j] = slotEntry{Used: 0, L1: 0, Nonce: 0, Transient: 0, Tx: 0, Address: 0, KeyHi: 0, KeyLo: 0, InitHi: 0, InitLo: 0, FinalHi: 0, FinalLo: 0, Time: 0}
				for i := range seg.Slots[j].Siblings {
					seg.Slots[j].Siblings[i] = 0
				}
				es = append(es, fr.Element{}, fr.NewElement(1), fr.Element{}, fr.Element{}, fr.Element{}, fr.Element{}, fr.Element{}, fr.Element{}, fr.Element{})
				continue
			}
			k := keys[j]
			st := *b.state[k]
			if b.faults != nil && b.faults.entry != nil && !k.nonce {
				b.faults.entry(k, &st)
			}
			owner := k.owner()
			big := func(b []byte) *big.Int { return new(big.Int).SetBytes(b) }
			seg.Slots[j] = slotEntry{Used: 1, L1: bitInt(k.l1), Nonce: bitInt(k.nonce), Transient: bitInt(k.transient), Tx: k.tx, Address: big(k.addr[:]), KeyHi: big(k.key[:16]), KeyLo: big(k.key[16:]),
				InitHi: big(st.initial[:16]), InitLo: big(st.initial[16:]), FinalHi: big(st.value[:16]), FinalLo: big(st.value[16:]), Time: st.time}
			for i := range seg.Slots[j].Siblings {
				seg.Slots[j].Siblings[i] = 0
			}
			if k.inTree() {
				key := k.treeKey()
				if got := b.l2.Get(key); got != st.initial && !trusted {
					if k.nonce {
						return fmt.Errorf("%w: %s sends nonce %s, the L2 state holds %s", ErrStatement, k.addr, st.initial.Big(), got.Big())
					}
					return fmt.Errorf("%w: L2 slot %s of %s: the frames find %s, the L2 state holds %s", ErrStatement, k.key, k.addr, st.initial, got)
				}
				p := b.l2.Prove(key)
				for i := range p.Siblings {
					seg.Slots[j].Siblings[i] = p.Siblings[i]
				}
				next, err := b.l2.Set(key, st.value)
				if err != nil && !trusted {
					return fmt.Errorf("%w: L2 slot %s of %s: %w", ErrStatement, k.key, k.addr, err)
				}
				if err == nil {
					b.l2 = next
				}
			}
			tuples = append(tuples, tuple(true, owner, k.key, st.initial, 0), tuple(false, owner, k.key, st.value, st.time))
			if k.l1 {
				tuples = append(tuples, tuple(true, listOwnerOf(domReads, k.addr), k.key, st.initial, 0))
				if st.value != st.initial {
					tuples = append(tuples, tuple(true, listOwnerOf(domWrites, k.addr), k.key, st.value, 0))
				}
			}
			es = append(es, fr.NewElement(1), owner, elem(k.key[:16]), elem(k.key[16:]), elem(st.initial[:16]), elem(st.initial[16:]), elem(st.value[:16]), elem(st.value[16:]), fr.NewElement(st.time))
			b.mem.lastOwner, b.mem.lastHi, b.mem.lastLo = owner, elem(k.key[:16]), elem(k.key[16:])
		}
		keys = keys[n:]
		for j := range seg.Codes {
			e := &seg.Codes[j]
			e.Used, e.Address, e.Digest, e.Uses, e.SizeUses = 0, 0, 0, 0, 0
			for i := range e.Siblings {
				e.Siblings[i] = 0
			}
			if j >= nc {
				es = append(es, fr.Element{}, fr.Element{}, fr.Element{}, fr.Element{}, fr.Element{})
				continue
			}
			addr := accounts[j].addr
			var digest common.Hash
			uses := 0
			if u := b.l2Code[addr]; accounts[j].codeless == 0 {
				digest, uses = CodeDigest(u.code), u.uses
			}
			if b.faults != nil && b.faults.l2CodeDigest != nil {
				digest = b.faults.l2CodeDigest(addr, digest)
			}
			key := L2CodeKey(addr)
			if got := b.l2.Get(key); got != digest && !trusted {
				if accounts[j].codeless > 0 {
					return fmt.Errorf("%w: the L2 frames read EXTCODESIZE of %s as 0, the L2 state holds code of digest %s there", ErrStatement, addr, got)
				}
				return fmt.Errorf("%w: the L2 frames at %s run code of digest %s, the L2 state holds %s", ErrStatement, addr, digest, got)
			}
			p := b.l2.Prove(key)
			for i := range p.Siblings {
				e.Siblings[i] = p.Siblings[i]
			}
			var d fr.Element
			d.SetBytes(digest[:])
			owner := codeOwnerOf(false, addr)
			e.Used, e.Address, e.Digest, e.Uses, e.SizeUses = 1, new(big.Int).SetBytes(addr[:]), d, uses, accounts[j].codeless
			for range uses {
				tuples = append(tuples, memTuple{write: true, owner: owner, keyHi: d})
			}
			for range accounts[j].codeless {
				tuples = append(tuples, memTuple{write: true, owner: l2SizeOwnerOf(addr)})
			}
			es = append(es, fr.NewElement(1), elem(addr[:]), d, fr.NewElement(uint64(uses)), fr.NewElement(uint64(accounts[j].codeless)))
		}
		accounts = accounts[nc:]
		b.mem.acc = hashElements(es...)
		b.mem.l2Root = b.l2.Root()
		b.add(KindEnd, seg, tuples, nil)
	}
	return nil
}

// finish is the second pass: the challenges from the hash chain, then
// each segment's sums, boundaries and inputs.
func (b *draftBatch) finish(h *Header) []SegmentWitness {
	batch := h.Hash()
	txsHi, txsLo := new(big.Int).SetBytes(h.Transactions[:16]), new(big.Int).SetBytes(h.Transactions[16:])
	alpha, beta := challenges(b.mem.acc)
	if b.faults != nil && b.faults.challenges != nil {
		alpha, beta = b.faults.challenges(alpha, beta)
	}
	var sum fr.Element
	segs := make([]SegmentWitness, len(b.drafts))
	var in *big.Int = new(big.Int)
	for i := range b.drafts {
		d := &b.drafts[i]
		d.mem.alpha, d.mem.beta, d.mem.sum = alpha, beta, sum
		sum = sumOf(sum, &alpha, &beta, d.tuples)
		d.memOut.alpha, d.memOut.beta, d.memOut.sum = alpha, beta, sum
		out := new(big.Int)
		if i < len(b.drafts)-1 {
			out = boundary(batch, h.ChainID, h.Transactions, d.accOut, d.pendingOut, d.memOut)
		}
		seg := aggregate.Segment{Batch: batch, Index: uint64(i), In: in, Out: out}
		cr := carried{ChainID: h.ChainID, TxsHi: txsHi, TxsLo: txsLo, Acc: d.acc.BigInt(new(big.Int)), Pending: d.pending.BigInt(new(big.Int)), Mem: d.mem.values()}
		switch a := d.assign.(type) {
		case *headerSegment:
			a.SegmentInputs = seg.Inputs()
			a.Alpha, a.Beta = alpha.BigInt(new(big.Int)), beta.BigInt(new(big.Int))
		case *transactionSegment:
			a.SegmentInputs, a.carried = seg.Inputs(), cr
		case *frameSegment:
			a.SegmentInputs, a.carried = seg.Inputs(), cr
		case *endSegment:
			a.SegmentInputs, a.carried = seg.Inputs(), cr
		case *codeSegment:
			a.SegmentInputs, a.carried = seg.Inputs(), cr
		case *blockSegment:
			a.SegmentInputs, a.carried = seg.Inputs(), cr
		case *keccakSegment:
			a.SegmentInputs, a.carried = seg.Inputs(), cr
		case *ecrecoverSegment:
			a.SegmentInputs, a.carried = seg.Inputs(), cr
		case *sha256Segment:
			a.SegmentInputs, a.carried = seg.Inputs(), cr
		case *undoSegment:
			a.SegmentInputs, a.carried = seg.Inputs(), cr
		}
		segs[i] = SegmentWitness{Kind: d.kind, Assignment: d.assign, Segment: seg}
		in = out
	}
	return segs
}

// tuple is a read or write of the storage argument.
func tuple(write bool, owner fr.Element, key, value common.Hash, t uint64) memTuple {
	return memTuple{write: write, owner: owner, keyHi: elem(key[:16]), keyLo: elem(key[16:]), valHi: elem(value[:16]), valLo: elem(value[16:]), time: fr.NewElement(t)}
}

// ownerOf is slotOwner outside the circuit.
func ownerOf(l1 bool, addr common.Address) fr.Element {
	v := new(big.Int).SetBytes(addr[:])
	if l1 {
		v.Add(v, two160)
	}
	v.Add(v, big.NewInt(1))
	var e fr.Element
	e.SetBigInt(v)
	return e
}

// bitInt is 1 for true.
func bitInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// bitOf is 1 for true.
func bitOf(b bool) fr.Element {
	if b {
		return fr.NewElement(1)
	}
	return fr.Element{}
}

// pending is a context on the pending stack: whether it is a static
// frame's, whether a frame above it reverts, and the slotOwner values of
// the frames above it (MaxDepth − 1, nearest first, zero past the top).
type pending struct {
	ctx    fr.Element
	static bool
	doomed bool
	// sandbox is set for the L1 frame an L1SANDBOXCALL enters,
	// readOnly for an L1 frame below an L1CALL in a static context.
	sandbox, readOnly bool
	ancestors         []fr.Element
	// scope is, in a journaling capacity, the frame's scope (see
	// undo.go; 0 where it is not doomed); marker is set for a scope's
	// marker, whose ctx is the scope.
	scope  uint64
	marker bool
	// tx is the time of the transaction segment the frame's transaction
	// has, d how it was entered.
	tx uint64
	d  delegated
}

// doomedValue is the value p's entry carries for doomed: its scope in a
// journaling capacity, 1 or 0 otherwise.
func (p pending) doomedValue(journal bool) uint64 {
	if journal {
		return p.scope
	}
	return uint64(bitInt(p.doomed))
}

// subtreeTouches reports whether a frame below e.Frames[k] touches a
// storage or transient slot.
func subtreeTouches(e *trace.Transaction, k int) bool {
	for i := k + 1; i < len(e.Frames); i++ {
		for p := e.Frames[i].Parent; p >= 0; p = e.Frames[p].Parent {
			if p == k {
				if tr := e.Frames[i].Trace; len(tr.Storage)+len(tr.Transient) > 0 {
					return true
				}
				break
			}
		}
	}
	return false
}

// pendingOf is the hash chain of a pending stack (top last).
func pendingOf(st []pending) fr.Element {
	var p fr.Element
	for _, e := range st {
		p = push(e.ctx, p)
	}
	return p
}

// assignFrame assigns tr in the first of c's frame shapes that holds it
// (Capacity.Frames, then Frame) and returns the witness, the shape and
// its segment kind; where none holds it, Frame's refusal.
func assignFrame(tr *trace.Trace, c Capacity) (*verifier.Circuit, verifier.Shape, int, error) {
	shapes, kinds := c.frameShapes()
	var err error
	for i, s := range shapes {
		var fw *verifier.Circuit
		if fw, err = verifier.Assign(tr, s); err == nil {
			return fw, s, kinds[i], nil
		}
	}
	return nil, c.Frame, KindFrame, err // Frame's, the last tried
}

// directL1Call is the context a transaction sent to L1CALL pushes (the
// L1 frame of its target, entered by the sender unaliased, with the rest
// of the calldata, no value and a gas price of zero), checked against
// its execution: the precompile's frame must have entered exactly that
// L1 frame, which runs code, and ended as it did. The transaction is one
// the precompile does not refuse (l1CallRefusal, which the caller
// checks). It fails with verifier.ErrUnsupported for a target without
// code, and with
// ErrStatement where the execution is not that (unless foreign, a test's
// fault).
func directL1Call(tx *types.Transaction, sender common.Address, e *trace.Transaction, txTime uint64, dataCap int, foreign bool) (fr.Element, error) {
	data := tx.Data()
	target := common.BytesToAddress(data[:20])
	var l1 *trace.Trace
	for _, f := range e.Frames[1:] {
		if f.Parent == 0 {
			if l1 != nil || !f.L1 {
				return fr.Element{}, fmt.Errorf("%w: the precompile's frame entered frames other than one L1 frame", ErrStatement)
			}
			l1 = f.Trace
		}
	}
	top := e.Frames[0].Trace
	switch {
	case l1 == nil || len(l1.Code) == 0:
		return fr.Element{}, fmt.Errorf("%w: a transaction to L1CALL whose target %s runs no code", verifier.ErrUnsupported, target)
	case (l1.Address != target || l1.Caller != sender || !bytes.Equal(l1.Calldata, data[20:]) || !l1.Value.IsZero()) && !foreign:
		return fr.Element{}, fmt.Errorf("%w: the L1 frame of a transaction to L1CALL runs at %s called by %s, the transaction's target is %s and sender %s", ErrStatement, l1.Address, l1.Caller, target, sender)
	case l1.Reverted != top.Reverted || !bytes.Equal(l1.ReturnData, top.ReturnData):
		return fr.Element{}, fmt.Errorf("%w: a transaction to L1CALL that did not end as its L1 frame did (the precompile's own failure is not proven)", verifier.ErrUnsupported)
	}
	return entryOf(sender, sender, new(big.Int), target, new(big.Int), data[20:], entryFlags{l1: true}, [2]fr.Element{}, txTime, delegated{}, nil, dataCap), nil
}

// delegationValues is d as circuit values, for a frame at address.
func delegationValues(d delegated, address common.Address) delegation {
	code := d.codeOf(address)
	return delegation{On: bitInt(d.on), Code: new(big.Int).SetBytes(code[:]), By: d.by, L1Code: bitInt(d.l1Code)}
}

// codeAt is the account whose code tr runs (trace.Trace.CodeAddress,
// or its address where the trace has none).
func codeAt(tr *trace.Trace) common.Address {
	if tr.CodeAddress == (common.Address{}) {
		return tr.Address
	}
	return tr.CodeAddress
}

// identityPrecompile is the identity precompile's address (0x04).
var identityPrecompile = common.BytesToAddress([]byte{4})

// identityOutcome checks a call of the identity precompile as a frame
// segment proves it (identityCall): no value, and the input returned, or
// a failure without return data, within the shape's return words.
func identityOutcome(call trace.FrameCall, s verifier.Shape) error {
	switch {
	case !call.Value.IsZero():
		return fmt.Errorf("%w: a call of the identity precompile with value (balances are not proven)", verifier.ErrUnsupported)
	case call.Success && !bytes.Equal(call.ReturnData, call.Input), !call.Success && len(call.ReturnData) > 0:
		return fmt.Errorf("%w: a call of the identity precompile that did not return its input", ErrStatement)
	case call.Success && len(call.Input) > 32*s.CallReturn:
		return fmt.Errorf("%w: the identity precompile returns %d bytes, shape %s keeps %d words of a call's return data", verifier.ErrCapacity, len(call.Input), s.Name(), s.CallReturn)
	}
	return nil
}

// topFrame is the index of the frame the transaction segment of tx
// enters in its execution e: the transaction's own, or for a
// transaction sent to L1CALL the L1 frame below it (the first; 0 where
// there is none, which directL1Call refuses).
func topFrame(tx *types.Transaction, e *trace.Transaction) int {
	if tx.To() == nil || *tx.To() != precompiles.L1CallAddress {
		return 0
	}
	for k, f := range e.Frames {
		if f.Parent == 0 && f.L1 && len(f.Trace.Code) > 0 {
			return k
		}
	}
	return 0
}

// l1CallRefusal is the error data of the precompile's refusal of a
// transaction sent to L1CALL, which enters no L1 frame: calldata shorter
// than the target (L1CallInvalidInput), or value (L1CallValueNotAllowed);
// nil for none.
func l1CallRefusal(tx *types.Transaction) []byte {
	return refusalData(tx.Data(), tx.Value().Sign() == 0)
}

// checkL1CallRefusal checks the execution e of a transaction sent to
// L1CALL that the precompile refuses (want its error data), as its
// transaction segment proves it: no L1 frame ran, and the transaction
// failed with the error. A failure without it (out of gas before the
// refusal: gas is not proven) is refused with verifier.ErrUnsupported,
// and so are capacities whose contexts keep no return word.
func checkL1CallRefusal(e *trace.Transaction, want []byte, words int) error {
	top := e.Frames[0].Trace
	switch {
	case slices.ContainsFunc(e.Frames, func(f trace.Frame) bool { return f.L1 }):
		return fmt.Errorf("%w: the precompile refuses the transaction to L1CALL, yet an L1 frame ran", ErrStatement)
	case words == 0:
		return fmt.Errorf("%w: a transaction to L1CALL that the precompile refuses, and the contexts keep no return word", verifier.ErrCapacity)
	case !top.Reverted || !bytes.Equal(top.ReturnData, want):
		return fmt.Errorf("%w: a transaction to L1CALL that the precompile refuses, which did not fail with its error %x (out of gas is not proven)", verifier.ErrUnsupported, want)
	}
	return nil
}

// pendingFrame is a frame segment being assigned: popped is the context
// it took off the stack, pushed how many callee contexts it left there,
// sender the alias rule's inputs it reads (nil where it makes no L1CALL).
type pendingFrame struct {
	*frameSegment
	popped pending
	pushed int
	sender *senderCode
	// shape and kind are the frame shape it is proven in and its kind.
	shape verifier.Shape
	kind  int
}

// frameWitness assigns the frame segment of e.Frames[k]: it pops the
// frame's context off stack (which must be on top) and pushes its
// callees', first call on top. senders holds the alias rule's inputs for
// the addresses of the frames making L1CALLs, chains the transaction's
// log chains (chainsOf), now the time the frame's segment takes.
func frameWitness(e *trace.Transaction, k int, stack *[]pending, c Capacity, words int, senders map[common.Address]senderCode, chains []logChains, now uint64, fl *faults) (pendingFrame, error) {
	unsupported := fl.has(func(f *faults) bool { return f.unsupported })
	f := e.Frames[k]
	tr := f.Trace
	if len(tr.Calldata) > c.Calldata {
		return pendingFrame{}, fmt.Errorf("%w: %d bytes of calldata, the segments hold %d", verifier.ErrCapacity, len(tr.Calldata), c.Calldata)
	}
	st := *stack
	if len(st) == 0 {
		return pendingFrame{}, fmt.Errorf("%w: the frame at %s was not entered by a call", ErrStatement, tr.Address)
	}
	top := st[len(st)-1]
	ancestors := ancestry(top.ancestors)
	journal := c.journal()
	ctx := push(entryOf(tr.Caller, tr.Origin, tr.Context.GasPrice.ToBig(), tr.Address, tr.Value.ToBig(), tr.Calldata, entryFlags{l1: f.L1, static: top.static, doomed: top.doomedValue(journal), sandbox: top.sandbox, readOnly: top.readOnly}, chains[k].In, top.tx, top.d, ancestors, c.Calldata), outcomeOf(!tr.Reverted, tr.ReturnData, chains[k].Out, words))
	if top.ctx != ctx && !fl.has(func(f *faults) bool { return f.foreignEntry }) {
		return pendingFrame{}, fmt.Errorf("%w: the frame at %s is not the one the calls before it entered", ErrStatement, tr.Address)
	}
	owner := ownerOf(f.L1, tr.Address)
	above := ancestors
	if top.d.on {
		above = ancestors[1:] // the frame that delegated runs there
	}
	if slices.Contains(above, owner) && !unsupported {
		return pendingFrame{}, fmt.Errorf("%w: reentrancy: the frame at %s runs while a frame above it runs there", verifier.ErrUnsupported, tr.Address)
	}
	if top.doomed && !tr.Reverted && !unsupported && !journal {
		for _, sl := range append(slices.Clone(tr.Storage), tr.Transient...) {
			if sl.Final != sl.Initial {
				return pendingFrame{}, fmt.Errorf("%w: the frame at %s changes slot %s, and a frame above it throws its changes away (it reverts, or it is an L1SANDBOXCALL's L1 frame; a capacity with undo segments, Capacity.Undo, proves it)", verifier.ErrUnsupported, tr.Address, sl.Key)
			}
		}
	}
	for _, step := range tr.Steps {
		if (step.Op == vm.TLOAD || step.Op == vm.TSTORE) && f.L1 && !unsupported {
			return pendingFrame{}, fmt.Errorf("%w: transient storage in an L1 frame (%s at pc %d of %s)", verifier.ErrUnsupported, step.Op, step.PC, tr.Address)
		}
		if top.readOnly && step.Op == vm.SSTORE && !unsupported {
			// The L1 EVM refuses it (L1CallStaticViolation) and stops.
			return pendingFrame{}, fmt.Errorf("%w: %s at pc %d of %s, an L1 frame below a static L1CALL", verifier.ErrUnsupported, step.Op, step.PC, tr.Address)
		}
		if !f.L1 && l2StateRead(step.Op) && !unsupported {
			return pendingFrame{}, fmt.Errorf("%w: %s at pc %d of %s in an L2 frame (the L2 state tree holds no balances yet)", verifier.ErrUnsupported, step.Op, step.PC, tr.Address)
		}
	}
	st = st[:len(st)-1]
	fw, shape, kind, err := assignFrame(tr, c)
	if err != nil {
		return pendingFrame{}, err
	}
	seg := &frameSegment{Frame: fw.FrameWitness, L1: bitInt(f.L1), Static: bitInt(top.static), SenderCode: 0, SizeUses: 0, HashUses: 0,
		L1CodeHash: [2]frontend.Variable{0, 0}, CodeHash: [2]frontend.Variable{0, 0},
		Ancestors: make([]frontend.Variable, MaxDepth-1), ReadTimes: make([]frontend.Variable, shape.Storage), dataCap: c.Calldata, words: words,
		LogsIn: chainValues(chains[k].In), CallLogs: make([][2]frontend.Variable, shape.Calls), Tx: top.tx, TransientReadTimes: make([]frontend.Variable, shape.Transient),
		Delegation: delegationValues(top.d, tr.Address)}
	if len(tr.Transient) > 0 && !shape.TransientCarried && !unsupported {
		return pendingFrame{}, fmt.Errorf("%w: transient storage at %s in frame shape %s, which does not carry it from frame to frame (verifier.Shape.TransientCarried)", verifier.ErrUnsupported, tr.Address, shape.Name())
	}
	// An unused call entry hands back what the frame's logs left.
	for j := range seg.CallLogs {
		seg.CallLogs[j] = chainValues(chains[k].End)
	}
	for j := range seg.TransientReadTimes {
		seg.TransientReadTimes[j] = 0
	}
	sc, reads := senders[tr.Address], !f.L1 && makesL1Call(tr, fl) && !fl.has(func(f *faults) bool { return f.noSenderCode })
	if reads {
		// The alias rule's inputs, as the callees below need them (the
		// fault claims the hash the L1 frame's caller needs).
		if fl.has(func(f *faults) bool { return f.alias }) {
			for j, call := range tr.Calls {
				child := slices.IndexFunc(e.Frames, func(g trace.Frame) bool { return g.Parent == k && g.Call == j && g.L1 })
				if !enteringL1(call.Callee()) || child < 0 {
					continue
				}
				switch caller := e.Frames[child].Trace.Caller; {
				case caller == tr.Address && sc.aliased():
					sc.hash = sc.l1Hash
				case caller != tr.Address && !sc.aliased():
					sc.hash[0] ^= 1
				}
			}
		}
		seg.SenderCode = 1
		seg.L1CodeHash = [2]frontend.Variable{new(big.Int).SetBytes(sc.l1Hash[:16]), new(big.Int).SetBytes(sc.l1Hash[16:])}
		seg.CodeHash = [2]frontend.Variable{new(big.Int).SetBytes(sc.hash[:16]), new(big.Int).SetBytes(sc.hash[16:])}
	}
	// The callees' ancestry: this frame, then the frames above it.
	below := append([]fr.Element{owner}, ancestors[:MaxDepth-2]...)
	doomed := top.doomed || tr.Reverted || top.sandbox
	// In a journaling capacity, the callees' scope: this frame where it
	// throws their changes away, its own otherwise.
	scope := top.scope
	if journal && (tr.Reverted || top.sandbox) {
		scope = now
	}
	flags := func(l1, static, sandbox, readOnly bool) entryFlags {
		fl := entryFlags{l1: l1, static: static, sandbox: sandbox, readOnly: readOnly, doomed: uint64(bitInt(doomed))}
		if journal {
			fl.doomed = scope
		}
		return fl
	}
	var callees []pending
	for j, call := range tr.Calls {
		static := top.static || call.Op == vm.STATICCALL
		// An L1SANDBOXCALL's L1 frame is never static, and its changes
		// are thrown away when it returns (SPEC §1).
		sandbox := call.Callee() == precompiles.L1SandboxCallAddress && !fl.has(func(f *faults) bool { return f.sandboxKept })
		// An L1CALL's L1 frame is read-only where the call is static
		// (and its callees are), never static.
		readOnly := top.readOnly
		if enteringL1(call.Callee()) {
			readOnly = call.Callee() == precompiles.L1CallAddress && static && !fl.has(func(f *faults) bool { return f.l1CallNotStatic })
			static = false
		}
		child := calleeFrame(e, k, j)
		if c.Ecrecover > 0 && call.Callee() == ecrecoverPrecompile && call.Op != vm.DELEGATECALL {
			// The segment reads the call's claim, which an ecrecover
			// segment writes: nothing to push.
			if err := checkEcrecoverCall(call, shape); err != nil && !fl.has(func(f *faults) bool { return f.ecrecover }) {
				return pendingFrame{}, fmt.Errorf("%w at call %d", err, j)
			}
			seg.CallLogs[j] = chainValues(chains[k].At[j])
			continue
		}
		if c.Sha256 > 0 && call.Callee() == sha256Precompile && call.Op != vm.DELEGATECALL {
			if err := checkSha256Call(call); err != nil && !fl.has(func(f *faults) bool { return f.sha256 }) {
				return pendingFrame{}, fmt.Errorf("%w at call %d", err, j)
			}
			seg.CallLogs[j] = chainValues(chains[k].At[j])
			continue
		}
		if call.Callee() == identityPrecompile && call.Op != vm.DELEGATECALL {
			// The segment proves the call itself: nothing to push.
			if err := identityOutcome(call, shape); err != nil && !fl.has(func(f *faults) bool { return f.identity }) {
				return pendingFrame{}, fmt.Errorf("%w at call %d", err, j)
			}
			seg.CallLogs[j] = chainValues(chains[k].At[j])
			continue
		}
		if refusedCall(call) && !f.L1 && !top.d.on && !fl.has(func(f *faults) bool { return f.l1CallValue }) {
			// The precompile refused it: the segment proves the call
			// itself, nothing to push.
			if err := checkRefusal(call, shape); err != nil && !fl.has(func(f *faults) bool { return f.refusal }) {
				return pendingFrame{}, fmt.Errorf("%w at call %d", err, j)
			}
			seg.CallLogs[j] = chainValues(chains[k].At[j])
			continue
		}
		switch {
		case call.Op == vm.DELEGATECALL && (f.L1 || top.d.on):
			return pendingFrame{}, fmt.Errorf("%w: DELEGATECALL to %s at call %d from an L1 frame or from a frame a DELEGATECALL entered", verifier.ErrUnsupported, call.Callee(), j)
		case call.Callee() == precompiles.L1CallAddress && (top.d.on || call.Op == vm.DELEGATECALL):
			return pendingFrame{}, fmt.Errorf("%w: an L1CALL from a frame a DELEGATECALL entered, or by DELEGATECALL, at call %d", verifier.ErrUnsupported, j)
		case call.Callee() == precompiles.L1CallAddress && f.L1:
			return pendingFrame{}, fmt.Errorf("%w: an L1CALL from an L1 frame at call %d", verifier.ErrUnsupported, j)
		case call.Callee() == precompiles.L1DelegateCallAddress && (f.L1 || top.d.on || call.Op == vm.DELEGATECALL):
			return pendingFrame{}, fmt.Errorf("%w: an L1DELEGATECALL from an L1 frame or a frame a DELEGATECALL entered, or by DELEGATECALL, at call %d", verifier.ErrUnsupported, j)
		case call.Callee() == precompiles.L1SandboxCallAddress && (f.L1 || top.d.on || call.Op == vm.DELEGATECALL):
			return pendingFrame{}, fmt.Errorf("%w: an L1SANDBOXCALL from an L1 frame or a frame a DELEGATECALL entered, or by DELEGATECALL, at call %d", verifier.ErrUnsupported, j)
		case child < 0:
			return pendingFrame{}, fmt.Errorf("%w: %s to %s at call %d ran no code (an account without code, a precompile's refusal, or a precompile other than L1CALL, identity and, in a capacity with Ecrecover or Sha256, ecrecover or sha256)", verifier.ErrUnsupported, call.Op, call.Callee(), j)
		case !ancestors[MaxDepth-2].IsZero() && !unsupported:
			return pendingFrame{}, fmt.Errorf("%w: a call at depth %d (call %d): the segments follow calls %d deep", verifier.ErrUnsupported, MaxDepth, j, MaxDepth)
		}
		callee := e.Frames[child].Trace
		var entry fr.Element
		var d delegated
		if enteringL1(call.Callee()) {
			withValue := fl.has(func(f *faults) bool { return f.l1CallValue })
			if len(call.Input) < 20 || !e.Frames[child].L1 || (call.Value.Sign() != 0 && !withValue) {
				return pendingFrame{}, fmt.Errorf("%w: the %s call %d ran no L1 frame", verifier.ErrUnsupported, precompileName(call.Callee()), j)
			}
			// SPEC §1: aliased where the frame's code is not the code at
			// its address on L1.
			sender := tr.Address
			if sc.aliased() {
				sender = precompiles.Alias(sender)
			}
			if callee.Caller != sender {
				return pendingFrame{}, fmt.Errorf("%w: the %s call %d enters an L1 frame called by %s, the alias rule's sender is %s", ErrStatement, precompileName(call.Callee()), j, callee.Caller, sender)
			}
			value := new(big.Int)
			if withValue {
				value = call.Value.ToBig()
			}
			entry = entryOf(sender, tr.Origin, nil, common.BytesToAddress(call.Input[:20]), value, call.Input[20:], flags(true, static, sandbox, readOnly), chains[child].In, top.tx, delegated{}, below, c.Calldata)
		} else if call.Callee() == precompiles.L1DelegateCallAddress {
			// The L1 code runs over this frame's storage, as this frame,
			// on the input after the target (SPEC §1).
			if len(call.Input) < 20 || !e.Frames[child].L1Code || call.Value.Sign() != 0 {
				return pendingFrame{}, fmt.Errorf("%w: the L1DELEGATECALL call %d ran no L1 code", verifier.ErrUnsupported, j)
			}
			if len(call.Input)-20 > c.Calldata {
				return pendingFrame{}, fmt.Errorf("%w: %d bytes of input at call %d, the segments hold %d", verifier.ErrCapacity, len(call.Input)-20, j, c.Calldata)
			}
			d = delegated{on: true, code: common.BytesToAddress(call.Input[:20]), by: now, l1Code: !fl.has(func(f *faults) bool { return f.l1DelegateAsL2 })}
			entry = entryOf(tr.Caller, tr.Origin, tr.Context.GasPrice.ToBig(), tr.Address, tr.Value.ToBig(), call.Input[20:], flags(false, static, false, false), chains[child].In, top.tx, d, below, c.Calldata)
		} else {
			if len(call.Input) > c.Calldata {
				return pendingFrame{}, fmt.Errorf("%w: %d bytes of input at call %d, the segments hold %d", verifier.ErrCapacity, len(call.Input), j, c.Calldata)
			}
			caller, address, value := tr.Address, call.Callee(), call.Value.ToBig()
			if call.Op == vm.DELEGATECALL {
				// The callee runs its code over this frame's storage,
				// as this frame: its caller, its address and its value.
				caller, address, value, d = tr.Caller, tr.Address, tr.Value.ToBig(), delegated{on: true, code: call.Callee(), by: now}
			}
			entry = entryOf(caller, tr.Origin, tr.Context.GasPrice.ToBig(), address, value, call.Input, flags(f.L1, static, false, readOnly), chains[child].In, top.tx, d, below, c.Calldata)
		}
		seg.CallLogs[j] = chainValues(chains[child].Out)
		callees = append(callees, pending{ctx: push(entry, outcomeOf(call.Success, call.ReturnData, chains[child].Out, words)), static: static, doomed: doomed, scope: scope, sandbox: sandbox, readOnly: readOnly, ancestors: below, tx: top.tx, d: d})
	}
	// Its scope's marker, below the callees, where their changes are
	// thrown away and they touch storage.
	seg.Journal = newFrameJournal(c, shape)
	marker := journal && scope == now && len(callees) > 0 && subtreeTouches(e, k) && !fl.has(func(f *faults) bool { return f.noMarker })
	if marker {
		st = append(st, markerOf(now))
		seg.Journal[0].Marker = 1
	} else if journal {
		seg.Journal[0].Marker = 0
	}
	for j := len(callees) - 1; j >= 0; j-- {
		st = append(st, callees[j])
	}
	*stack = st
	pf := pendingFrame{frameSegment: seg, popped: pending{ctx: top.ctx, static: top.static, doomed: top.doomed, scope: top.scope, sandbox: top.sandbox, readOnly: top.readOnly, ancestors: ancestors, tx: top.tx, d: top.d}, pushed: len(callees) + bitInt(marker), shape: shape, kind: kind}
	if reads {
		pf.sender = &sc
	}
	return pf, nil
}

// l2StateRead reports whether op reads L2 account state the segments do
// not prove: a balance (BALANCE, SELFBALANCE) or a block hash
// (BLOCKHASH). (EXTCODESIZE and EXTCODEHASH are proven for an account
// an L2 frame of the batch runs at: l2CodeReads.)
func l2StateRead(op vm.OpCode) bool {
	switch op {
	case vm.BALANCE, vm.SELFBALANCE, vm.BLOCKHASH:
		return true
	}
	return false
}

// ancestry is a context's ancestors, MaxDepth − 1 of them (a top frame's
// none: zeros).
func ancestry(a []fr.Element) []fr.Element {
	out := make([]fr.Element, MaxDepth-1)
	copy(out, a)
	return out
}

// enteringL1 reports whether a call of to from an L2 frame enters an L1
// frame the segments prove: to is L1CALL or L1SANDBOXCALL.
func enteringL1(to common.Address) bool {
	return to == precompiles.L1CallAddress || to == precompiles.L1SandboxCallAddress
}

// precompileName names the booster precompile at to, for errors.
func precompileName(to common.Address) string {
	switch to {
	case precompiles.L1CallAddress:
		return "L1CALL"
	case precompiles.L1SandboxCallAddress:
		return "L1SANDBOXCALL"
	case precompiles.L1DelegateCallAddress:
		return "L1DELEGATECALL"
	}
	return to.Hex()
}

// isPrecompile reports whether addr is one of the booster's precompiles or
// Ethereum's (Osaka): a frame there runs no code a frame segment could
// prove.
func isPrecompile(addr common.Address) bool {
	return slices.Contains(precompiles.Addresses(), addr) || slices.Contains(vm.PrecompiledAddressesOsaka, addr)
}

package booster

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"sync"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/boosterkit/go-booster/solidity/bindings"
	"github.com/boosterkit/go-booster/verifier/batch"
)

// Errors of settlement.
var (
	// ErrSettlementReverted means the L1 booster contract refused the
	// settlement; the error names its custom error (a stale read, a batch
	// out of order, a bad proof...).
	ErrSettlementReverted = errors.New("booster: settlement reverted")
	// ErrNoBackend means Settle was given a nil backend or transactor.
	ErrNoBackend = errors.New("booster: nil backend or transactor")
	// ErrNotSettlement means a receipt holds no BatchSettled event.
	ErrNotSettlement = errors.New("booster: not a settlement")
	// ErrNoProver means Settle was given a nil prover.
	ErrNoProver = errors.New("booster: nil prover")
	// ErrInvalidBatch means a batch that ExecuteBatch did not produce: nil,
	// or missing its blocks or chain ids.
	ErrInvalidBatch = errors.New("booster: invalid batch")
	// ErrWrongContract means the batch was executed for another L1 booster
	// contract than the one Settle was asked to settle it on (or for none:
	// WithL1Contract was not given).
	ErrWrongContract = errors.New("booster: batch executed for another booster contract")
	// ErrL1BlockTooOld means the pinned L1 block will be out of the booster
	// contract's reach (8191 blocks, EIP-2935) by the time a settlement
	// sent now is included; nothing was sent. Execute the batch again on a
	// newer block.
	ErrL1BlockTooOld = errors.New("booster: pinned L1 block too old to settle")
	// ErrSettlementTooLarge means the settlement transaction exceeds an L1
	// limit: the per-transaction gas cap or the transaction size; the
	// error says which. Nothing was sent.
	ErrSettlementTooLarge = errors.New("booster: settlement exceeds an L1 limit")
)

// settlementABI is the booster contract's ABI and the argument lists of its
// batch commitment, parsed once.
var settlementABI = sync.OnceValues(func() (*commitmentArgs, error) {
	parsed, err := bindings.BoosterMetaData.ParseABI()
	if err != nil {
		return nil, err
	}
	m, ok := parsed.Methods["batchHash"]
	if !ok || len(m.Inputs) != 1 || len(m.Inputs[0].Type.TupleElems) != 11 {
		return nil, errors.New("booster: bindings lack batchHash(Batch)")
	}
	elems := m.Inputs[0].Type.TupleElems
	arg := func(t abi.Type) abi.Argument { return abi.Argument{Type: t} }
	return &commitmentArgs{
		abi:      parsed,
		balances: abi.Arguments{arg(*elems[9])},
	}, nil
})

type commitmentArgs struct {
	abi      *abi.ABI
	balances abi.Arguments
}

// TransactionsCommitment is the commitment to the batch's L2 block and
// applied transactions that its header binds: batch.TransactionsCommitment
// of the L2 block's time, coinbase, gas limit and base fee and of each
// transaction's signing hash, sender, outcome (its receipt's status) and
// logs (batch.LogsDigest of its receipt's Logs and of its L1Logs), in
// order (a Poseidon2 fold the batch proof recomputes from the block
// context its L2 frames run in, the signatures it checks and the
// outcomes and logs of the frames it proves). It is zero if the batch has no
// L2 block, a receipt per transaction, or a transaction's signature does
// not recover, which a batch ExecuteBatch made cannot hold; Commitment
// reports those cases as ErrInvalidBatch.
func (b *Batch) TransactionsCommitment() common.Hash {
	c, _ := b.transactionsCommitment()
	return c
}

func (b *Batch) transactionsCommitment() (common.Hash, error) {
	block, err := b.l2Block()
	if err != nil {
		return common.Hash{}, err
	}
	sigs, err := batch.Signatures(b.Transactions)
	if err != nil {
		return common.Hash{}, fmt.Errorf("%w: %w", ErrInvalidBatch, err)
	}
	if len(b.Receipts) != len(sigs) {
		return common.Hash{}, fmt.Errorf("%w: %d receipts for %d transactions", ErrInvalidBatch, len(b.Receipts), len(sigs))
	}
	for i, r := range b.Receipts {
		sigs[i].Reverted = r.Status != types.ReceiptStatusSuccessful
		sigs[i].Logs, sigs[i].L1Logs = batch.LogsDigest(r.Logs), batch.LogsDigest(r.L1Logs)
	}
	return batch.TransactionsCommitment(block, sigs), nil
}

// l2Block is what the batch proof takes of the sealed L2 block beyond
// the header's words.
func (b *Batch) l2Block() (batch.L2Block, error) {
	if b.L2Block == nil {
		return batch.L2Block{}, fmt.Errorf("%w: no L2 block", ErrInvalidBatch)
	}
	h := b.L2Block
	block := batch.L2Block{Time: h.Time, Coinbase: h.Coinbase, GasLimit: h.GasLimit}
	if h.BaseFee != nil {
		block.BaseFee = new(big.Int).Set(h.BaseFee)
	}
	return block, nil
}

// Settlement returns the batch as the L1 booster contract's settle takes
// it: header, read set grouped per contract, and write list per contract
// in first-write order.
func (b *Batch) Settlement() bindings.BoosterBatch {
	s := bindings.BoosterBatch{
		Number:            b.Number(),
		Parent:            b.Parent,
		L1BlockNumber:     b.L1Block.Number.Uint64(),
		L1BlockHash:       b.L1Block.Hash(),
		Transactions:      b.TransactionsCommitment(),
		L2StateRoot:       b.L2StateRoot,
		ParentL2StateRoot: b.ParentL2StateRoot,
		StorageReads:      []bindings.BoosterStorageReads{},
		CodeReads:         []bindings.BoosterCodeRead{},
		BalanceReads:      []bindings.BoosterBalanceRead{},
		Updates:           []bindings.BoosterContractUpdate{},
	}
	if b.Reads != nil {
		for _, r := range b.Reads.Storage {
			n := len(s.StorageReads)
			if n == 0 || s.StorageReads[n-1].Account != r.Contract {
				s.StorageReads = append(s.StorageReads, bindings.BoosterStorageReads{Account: r.Contract})
				n++
			}
			g := &s.StorageReads[n-1]
			g.Slots = append(g.Slots, r.Slot)
			g.Values = append(g.Values, r.Value)
		}
		for _, r := range b.Reads.Code {
			s.CodeReads = append(s.CodeReads, bindings.BoosterCodeRead{Account: r.Account, CodeHash: r.CodeHash})
		}
		for _, r := range b.Reads.Balances {
			s.BalanceReads = append(s.BalanceReads, bindings.BoosterBalanceRead{Account: r.Account, Balance: r.Balance.ToBig()})
		}
	}
	for _, u := range b.Updates() {
		changes := make([]bindings.StateChange, len(u.Changes))
		for i, c := range u.Changes {
			changes[i] = bindings.StateChange{Slot: c.Slot, Value: c.Value}
		}
		s.Updates = append(s.Updates, bindings.BoosterContractUpdate{Target: u.Contract, Changes: changes})
	}
	return s
}

// Commitment is the batch commitment the proof binds and the L1 booster
// contract checks (its batchHash): keccak256 of the ABI encoding of the L1
// chain id, the booster contract's address, the L2 chain id, batch number, parent commitment, pinned L1 block number and
// hash, transactions commitment, L2 state root, the hashes of the read
// set and of the write list, and the L2 state root before the batch. The next batch names it as its parent.
func (b *Batch) Commitment() (common.Hash, error) {
	if b.L1ChainID == nil || b.ChainID == nil {
		return common.Hash{}, fmt.Errorf("%w: no chain id", ErrInvalidBatch)
	}
	if _, err := b.transactionsCommitment(); err != nil {
		return common.Hash{}, err
	}
	return commitment(b.L1ChainID, b.Contract, b.ChainID, b.Settlement())
}

func commitment(l1ChainID *big.Int, contract common.Address, chainID *big.Int, s bindings.BoosterBatch) (common.Hash, error) {
	h, err := header(l1ChainID, contract, chainID, s)
	if err != nil {
		return common.Hash{}, err
	}
	return h.Hash(), nil
}

// Header returns the batch's header, the twelve words its commitment
// hashes (batch.Header), which the batch proof's header segment checks.
func (b *Batch) Header() (*batch.Header, error) {
	if _, err := b.Commitment(); err != nil {
		return nil, err
	}
	h, err := header(b.L1ChainID, b.Contract, b.ChainID, b.Settlement())
	if err != nil {
		return nil, err
	}
	if h.L2Block, err = b.l2Block(); err != nil {
		return nil, err
	}
	return h, nil
}

func header(l1ChainID *big.Int, contract common.Address, chainID *big.Int, s bindings.BoosterBatch) (*batch.Header, error) {
	lists, err := l1Lists(s)
	if err != nil {
		return nil, err
	}
	return &batch.Header{
		L1ChainID: l1ChainID, Contract: contract, ChainID: chainID, Number: s.Number, Parent: s.Parent,
		L1BlockNumber: s.L1BlockNumber, L1BlockHash: s.L1BlockHash, Transactions: s.Transactions, L2StateRoot: s.L2StateRoot,
		ReadsHash: lists.ReadsHash(), WritesHash: lists.WritesHash(), ParentL2StateRoot: s.ParentL2StateRoot,
	}, nil
}

// L1Lists returns the read set and write list as the batch proof opens
// them (batch.L1Lists): the header's ReadsHash and WritesHash are theirs;
// with them the pinned L1 block's header, whose values the L1 frames
// read.
func (b *Batch) L1Lists() (*batch.L1Lists, error) {
	if _, err := b.Commitment(); err != nil {
		return nil, err
	}
	l, err := l1Lists(b.Settlement())
	if err != nil {
		return nil, err
	}
	l.Block = types.CopyHeader(b.L1Block)
	return l, nil
}

// l1Lists flattens a settlement's read set and write list.
func l1Lists(s bindings.BoosterBatch) (*batch.L1Lists, error) {
	args, err := settlementABI()
	if err != nil {
		return nil, err
	}
	balances, err := args.balances.Pack(s.BalanceReads)
	if err != nil {
		return nil, fmt.Errorf("booster: encode balance reads: %w", err)
	}
	l := &batch.L1Lists{}
	for _, b := range s.BalanceReads {
		l.Balances = append(l.Balances, batch.BalanceRead{Account: b.Account, Balance: b.Balance})
	}
	// The batch proof hashes the balance reads as the contract's ABI
	// encodes them.
	if got, want := l.BalanceReadsHash(), crypto.Keccak256Hash(balances); got != want {
		return nil, fmt.Errorf("booster: balance reads hash to %s, their ABI encoding to %s", got, want)
	}
	for _, c := range s.CodeReads {
		l.Code = append(l.Code, batch.CodeRead{Contract: c.Account, CodeHash: c.CodeHash})
	}
	for _, r := range s.StorageReads {
		if len(r.Slots) != len(r.Values) {
			return nil, fmt.Errorf("%w: %d slots and %d values read from %s", ErrInvalidBatch, len(r.Slots), len(r.Values), r.Account)
		}
		for i := range r.Slots {
			l.Reads = append(l.Reads, batch.L1Slot{Contract: r.Account, Slot: r.Slots[i], Value: r.Values[i]})
		}
	}
	for _, u := range s.Updates {
		for _, c := range u.Changes {
			l.Writes = append(l.Writes, batch.L1Slot{Contract: u.Target, Slot: c.Slot, Value: c.Value})
		}
	}
	return l, nil
}

// SettlementCalldata returns the calldata of the one L1 call that settles
// the batch: settle(batch, proof) on the booster contract.
func (b *Batch) SettlementCalldata(proof []byte) ([]byte, error) {
	data, err := bindings.NewBooster().TryPackSettle(b.Settlement(), proof)
	if err != nil {
		return nil, fmt.Errorf("booster: encode settle: %w", err)
	}
	return data, nil
}

// Prover makes the proof of a batch that the L1 booster contract's
// verifier checks against the batch commitment.
type Prover interface {
	Prove(ctx context.Context, batch *Batch) ([]byte, error)
}

// devDomain is DevBatchVerifier.DOMAIN.
var devDomain = crypto.Keccak256Hash([]byte("go-booster DevBatchVerifier v1"))

// NewDevProver returns the Prover for a DevBatchVerifier deployed at
// verifier on the L1 chain l1ChainID with key's address as its signer.
// DEVELOPMENT ONLY: its "proof" is a signature of the batch commitment,
// which proves nothing about execution; whoever holds key can settle any
// write list.
func NewDevProver(key *ecdsa.PrivateKey, l1ChainID *big.Int, verifier common.Address) Prover {
	return &devProver{key: key, chainID: new(big.Int).Set(l1ChainID), verifier: verifier}
}

type devProver struct {
	key      *ecdsa.PrivateKey
	chainID  *big.Int
	verifier common.Address
}

func (p *devProver) Prove(_ context.Context, batch *Batch) ([]byte, error) {
	h, err := batch.Commitment()
	if err != nil {
		return nil, err
	}
	return p.sign(h)
}

func (p *devProver) sign(batchHash common.Hash) ([]byte, error) {
	args, err := abi.Arguments{{Type: mustType("bytes32")}, {Type: mustType("uint256")}, {Type: mustType("address")}, {Type: mustType("bytes32")}}.
		Pack(devDomain, p.chainID, p.verifier, batchHash)
	if err != nil {
		return nil, fmt.Errorf("booster: dev digest: %w", err)
	}
	sig, err := crypto.Sign(crypto.Keccak256(args), p.key)
	if err != nil {
		return nil, fmt.Errorf("booster: dev signature: %w", err)
	}
	sig[64] += 27
	return sig, nil
}

func mustType(name string) abi.Type {
	t, err := abi.NewType(name, "", nil)
	if err != nil {
		panic(err)
	}
	return t
}

// Settle proves the batch with prover and sends the L1 transaction that
// settles it on the booster contract at boosterContract, through any
// bind.ContractBackend (an ethclient, the simulated backend's client). It
// returns the sent transaction without waiting for it to be mined.
//
// Settle sends only what it expects to land; otherwise it returns an error
// and sends nothing:
//   - a batch executed for another booster contract, or for none
//     (ErrWrongContract);
//   - a pinned block that will be more than 8191 blocks old in the next
//     block (ErrL1BlockTooOld);
//   - a settlement above the transaction size or the per-transaction gas
//     cap (ErrSettlementTooLarge, naming the limit);
//   - a batch the contract would refuse (gas estimation reverts): the
//     error is a *RevertError wrapping ErrSettlementReverted, naming the
//     contract's custom error.
//
// The gas limit is the estimate plus a margin (an eighth, and 25,000),
// capped at the gas cap: between estimation and inclusion the block-hash
// check can move from BLOCKHASH to the dearer EIP-2935 history call. A
// GasLimit set in opts is used as it is.
//
// The contract checks the pinned L1 block's hash with BLOCKHASH (or the
// EIP-2935 history), which knows only blocks older than the current one,
// and gas is estimated against the chain head: settle once the head has
// moved past the pinned block (on a simulated backend, Commit once).
func Settle(ctx context.Context, backend bind.ContractBackend, opts *bind.TransactOpts, boosterContract common.Address, batch *Batch, prover Prover) (*types.Transaction, error) {
	if backend == nil || opts == nil {
		return nil, ErrNoBackend
	}
	head, err := backend.HeaderByNumber(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("booster: L1 head: %w", err)
	}
	data, limits, err := settleCall(ctx, head, Settlement{Contract: boosterContract, Batch: batch, Prover: prover})
	if err != nil {
		return nil, err
	}
	return send(ctx, backend, opts, boosterContract, data, limits)
}

// Settlement is one batch to settle on its rollup's booster contract.
type Settlement struct {
	Contract common.Address
	Batch    *Batch
	Prover   Prover
}

// SettleAll settles the batches of chained rollups in one L1 transaction,
// through the ChainSettler contract at settler (solidity/src): each batch
// on its own booster contract, in the order given, all or nothing. Give a
// rollup chained after another (pinned to its Batch.L1State) after it.
// Each batch is checked as Settle checks it, and the whole transaction
// against the limits of the first batch; a refusal is a *RevertError
// named SettlementFailed whose Inner is the refused batch's own error.
func SettleAll(ctx context.Context, backend bind.ContractBackend, opts *bind.TransactOpts, settler common.Address, settlements ...Settlement) (*types.Transaction, error) {
	if backend == nil || opts == nil {
		return nil, ErrNoBackend
	}
	if len(settlements) == 0 {
		return nil, fmt.Errorf("%w: nothing to settle", ErrInvalidBatch)
	}
	head, err := backend.HeaderByNumber(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("booster: L1 head: %w", err)
	}
	contracts := make([]common.Address, len(settlements))
	calls := make([][]byte, len(settlements))
	var limits SettlementLimits
	for i, st := range settlements {
		data, l, err := settleCall(ctx, head, st)
		if err != nil {
			return nil, fmt.Errorf("booster: settlement %d: %w", i, err)
		}
		if i == 0 {
			limits = l
		}
		contracts[i], calls[i] = st.Contract, data
	}
	data, err := bindings.NewChainSettler().TryPackSettleAll(contracts, calls)
	if err != nil {
		return nil, fmt.Errorf("booster: encode settleAll: %w", err)
	}
	return send(ctx, backend, opts, settler, data, limits)
}

// settleCall checks one settlement, proves its batch and returns the
// settle(batch, proof) calldata with the limits it must fit.
func settleCall(ctx context.Context, head *types.Header, st Settlement) ([]byte, SettlementLimits, error) {
	batch := st.Batch
	switch {
	case st.Prover == nil:
		return nil, SettlementLimits{}, ErrNoProver
	case batch == nil || batch.L1Block == nil || batch.L1Block.Number == nil || batch.L2Block == nil || batch.L2Block.Number == nil || batch.ChainID == nil || batch.L1ChainID == nil:
		return nil, SettlementLimits{}, fmt.Errorf("%w: not a batch from ExecuteBatch", ErrInvalidBatch)
	case batch.Contract == (common.Address{}):
		return nil, SettlementLimits{}, fmt.Errorf("%w: the booster had no L1 contract (WithL1Contract)", ErrWrongContract)
	case batch.Contract != st.Contract:
		return nil, SettlementLimits{}, fmt.Errorf("%w: executed for %s, settling on %s", ErrWrongContract, batch.Contract, st.Contract)
	}
	limits := batch.limits
	if limits == (SettlementLimits{}) {
		limits = DefaultSettlementLimits
	}
	pinned := batch.L1Block.Number.Uint64()
	if next := head.Number.Uint64() + 1; next > pinned && next-pinned > historyServeWindow {
		return nil, limits, fmt.Errorf("%w: block %d will be %d blocks old in block %d, the contract reaches back %d", ErrL1BlockTooOld, pinned, next-pinned, next, historyServeWindow)
	}
	proof, err := st.Prover.Prove(ctx, batch)
	if err != nil {
		return nil, limits, fmt.Errorf("booster: prove batch %d: %w", batch.Number(), err)
	}
	data, err := batch.SettlementCalldata(proof)
	return data, limits, err
}

// send checks the transaction's size, estimates its gas with the margin
// and sends it.
func send(ctx context.Context, backend bind.ContractBackend, opts *bind.TransactOpts, to common.Address, data []byte, limits SettlementLimits) (*types.Transaction, error) {
	if size := uint64(len(data)) + txEnvelope; limits.Size != 0 && size > limits.Size {
		return nil, fmt.Errorf("%w: about %d bytes, above the L1 transaction size limit of %d", ErrSettlementTooLarge, size, limits.Size)
	}
	txOpts := *opts
	if txOpts.Context == nil {
		txOpts.Context = ctx
	}
	var err error
	if txOpts.GasLimit == 0 {
		if txOpts.GasLimit, err = settlementGas(ctx, backend, opts.From, to, data, limits.Gas); err != nil {
			return nil, err
		}
	}
	tx, err := bind.Transact(bind.NewBoundContract(to, abi.ABI{}, backend, backend, backend), &txOpts, data)
	if err != nil {
		return nil, DecodeSettlementError(err)
	}
	return tx, nil
}

// historyServeWindow is how far back the booster contract finds block
// hashes (EIP-2935).
const historyServeWindow = 8191

// settlementGas estimates the settlement and adds the margin. When the
// estimate fails, a call with far more gas than the cap tells a
// settlement that is merely too big from one the contract refuses.
func settlementGas(ctx context.Context, backend bind.ContractBackend, from, contract common.Address, data []byte, gasCap uint64) (uint64, error) {
	msg := ethereum.CallMsg{From: from, To: &contract, Data: data}
	est, err := backend.EstimateGas(ctx, msg)
	if err != nil {
		if gasCap != 0 {
			roomy := msg
			roomy.Gas = 4 * gasCap
			if _, callErr := backend.CallContract(ctx, roomy, nil); callErr == nil {
				return 0, fmt.Errorf("%w: the settlement needs more gas than the L1 per-transaction gas cap of %d (EIP-7825)", ErrSettlementTooLarge, gasCap)
			}
		}
		return 0, DecodeSettlementError(err)
	}
	if gasCap != 0 && est > gasCap {
		return 0, fmt.Errorf("%w: the settlement needs %d gas, above the L1 per-transaction gas cap of %d (EIP-7825)", ErrSettlementTooLarge, est, gasCap)
	}
	limit := est + est/8 + 25_000
	if gasCap != 0 && limit > gasCap {
		limit = gasCap
	}
	return limit, nil
}

// RevertError is a refusal of the booster contract, decoded from its
// revert data. It wraps ErrSettlementReverted.
type RevertError struct {
	// Name is the custom error (StaleStorageRead, UpdateFailed, ...), Args
	// its arguments as go-ethereum's ABI decoder returns them.
	Name string
	Args []any
	// Description is the error with its arguments, and for UpdateFailed
	// the target's own error, in words.
	Description string
	// Inner is, for SettlementFailed (SettleAll), the refused batch's own
	// error.
	Inner *RevertError
}

func (e *RevertError) Error() string {
	return ErrSettlementReverted.Error() + ": " + e.Description
}

func (e *RevertError) Unwrap() error { return ErrSettlementReverted }

// Account returns the L1 contract the refusal is about, for the errors
// that name one contract the batch touched (UpdateFailed,
// UpdateTargetHasNoCode, ReadUnverifiable).
func (e *RevertError) Account() (common.Address, bool) {
	switch e.Name {
	case "UpdateFailed", "UpdateTargetHasNoCode", "ReadUnverifiable":
		if len(e.Args) > 0 {
			a, ok := e.Args[0].(common.Address)
			return a, ok
		}
	}
	return common.Address{}, false
}

// DecodeSettlementError turns an error carrying the booster contract's
// revert data (from gas estimation or eth_call) into a *RevertError that
// wraps ErrSettlementReverted and names the custom error and its
// arguments; revert data that is no custom error of the contract still
// wraps ErrSettlementReverted. Errors without revert data are returned
// unchanged.
func DecodeSettlementError(err error) error {
	var de rpc.DataError
	if !errors.As(err, &de) {
		return err
	}
	var data []byte
	switch d := de.ErrorData().(type) {
	case string:
		data, _ = hexutil.Decode(d)
	case []byte:
		data = d
	}
	if len(data) < 4 {
		return fmt.Errorf("%w: %w", ErrSettlementReverted, err)
	}
	return revertError(data)
}

func revertError(data []byte) *RevertError {
	name, args, desc := describeRevert(data)
	e := &RevertError{Name: name, Args: args, Description: desc}
	if name == "SettlementFailed" && len(args) == 3 {
		if reason, ok := args[2].([]byte); ok {
			e.Inner = revertError(reason)
		}
	}
	return e
}

// DescribeRevert names the booster contract's custom error in revert data,
// with its arguments; for UpdateFailed it also names the target's own
// error (NotBooster, say). Data that is none of these is returned in hex.
func DescribeRevert(data []byte) string {
	_, _, desc := describeRevert(data)
	return desc
}

func describeRevert(data []byte) (string, []any, string) {
	args, err := settlementABI()
	if err != nil {
		return "", nil, hexutil.Encode(data)
	}
	name, vals, ok := decodeError(args.abi, data)
	if !ok {
		if settler, err := bindings.ChainSettlerMetaData.ParseABI(); err == nil {
			if name, vals, ok := decodeError(settler, data); ok {
				if name == "SettlementFailed" && len(vals) == 3 {
					reason, _ := vals[2].([]byte)
					return name, vals, fmt.Sprintf("SettlementFailed(%v, %v: %s)", vals[0], vals[1], DescribeRevert(reason))
				}
				return name, vals, fmt.Sprintf("%s%v", name, vals)
			}
		}
		return "", nil, hexutil.Encode(data)
	}
	if name == "UpdateFailed" && len(vals) == 2 {
		reason, _ := vals[1].([]byte)
		if target, err := bindings.BoosterTargetMetaData.ParseABI(); err == nil {
			if inner, innerVals, ok := decodeError(target, reason); ok {
				return name, vals, fmt.Sprintf("UpdateFailed(%v: %s%v)", vals[0], inner, innerVals)
			}
		}
		if len(reason) == 0 {
			return name, vals, fmt.Sprintf("UpdateFailed(%v: no revert data: the target reverted without a reason or ran out of gas)", vals[0])
		}
		return name, vals, fmt.Sprintf("UpdateFailed(%v: %s)", vals[0], hexutil.Encode(reason))
	}
	return name, vals, fmt.Sprintf("%s%v", name, vals)
}

// decodeError finds the custom error of parsed that data encodes.
func decodeError(parsed *abi.ABI, data []byte) (string, []any, bool) {
	if len(data) < 4 {
		return "", nil, false
	}
	for name, e := range parsed.Errors {
		if !bytes.Equal(e.ID[:4], data[:4]) {
			continue
		}
		vals, err := e.Inputs.Unpack(data[4:])
		if err != nil {
			return "", nil, false
		}
		return name, vals, true
	}
	return "", nil, false
}

// SettlementGas splits the L1 gas of one settlement transaction.
type SettlementGas struct {
	// Total is the gas the settlement transaction used.
	Total uint64
	// Base is the fixed cost of any transaction (21,000).
	Base uint64
	// Calldata is the price of the transaction's data at 4 gas per zero
	// byte and 16 per other byte (EIP-2028).
	Calldata uint64
	// ReadChecks, Verify and Apply are measured by the booster contract
	// and reported in its BatchSettled event: checking the read set
	// against live L1 state, computing the batch commitment and verifying
	// the proof, and applying the write lists (the storage writes).
	ReadChecks, Verify, Apply uint64
	// Other is the rest: decoding, the chain and L1 block checks, the
	// event, and what the EVM refunds or adds around the measured parts.
	Other int64
}

// ParseSettlementGas splits the gas of a mined settlement transaction,
// reading the booster contract's BatchSettled event from its receipt.
func ParseSettlementGas(tx *types.Transaction, receipt *types.Receipt) (SettlementGas, error) {
	c := bindings.NewBooster()
	for _, l := range receipt.Logs {
		ev, err := c.UnpackBatchSettledEvent(l)
		if err != nil {
			continue
		}
		g := SettlementGas{
			Total:      receipt.GasUsed,
			Base:       params.TxGas,
			ReadChecks: ev.ReadCheckGas.Uint64(),
			Verify:     ev.VerifyGas.Uint64(),
			Apply:      ev.ApplyGas.Uint64(),
		}
		for _, b := range tx.Data() {
			if b == 0 {
				g.Calldata += params.TxDataZeroGas
			} else {
				g.Calldata += params.TxDataNonZeroGasEIP2028
			}
		}
		g.Other = int64(g.Total) - int64(g.Base+g.Calldata+g.ReadChecks+g.Verify+g.Apply)
		return g, nil
	}
	return SettlementGas{}, fmt.Errorf("%w: receipt %s has no BatchSettled event", ErrNotSettlement, receipt.TxHash)
}

package booster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/big"
	"sync"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/boosterkit/go-booster/verifier/batch"
	"github.com/boosterkit/go-booster/verifier/statetree"
	"github.com/boosterkit/go-booster/verifier/trace"
)

// ErrNoExecution means a batch the prover of NewProver was asked to prove
// whose transactions' executions it did not see: the booster did not run
// with the options NewProver returned, or executed another batch since.
var ErrNoExecution = errors.New("booster: the prover did not see the batch's executions")

// StatementProver proves a batch statement (SPEC §4) from its header, L1
// lists, the L2 state before it, its transactions and their executions:
// *batch.Prover is one.
type StatementProver interface {
	Prove(ctx context.Context, h *batch.Header, l1 *batch.L1Lists, l2 *statetree.Tree, txs []*types.Transaction,
		executions []*trace.Transaction, progress func(batch.Progress)) ([]byte, error)
}

// StatementChecker is a StatementProver that tells, without proving,
// whether it would prove a statement (nil) or not: an error wrapping a
// *batch.TransactionError where one transaction is the cause, or
// another where the batch is too large (its Check is
// *batch.Prover.Check's).
type StatementChecker interface {
	Check(h *batch.Header, l1 *batch.L1Lists, l2 *statetree.Tree, txs []*types.Transaction, executions []*trace.Transaction) error
}

// NewProver returns the Prover that proves each batch's statement with p
// (for a GnarkBatchVerifier over p's wrap circuit), reporting progress
// (which proof, how many left, elapsed and estimated time) to progress
// if it is not nil, and the options the Booster must be made with so
// that the prover sees every frame of the batch's transactions (L2 and
// L1 tracing hooks: with them, WithTracer and WithL1Tracer must not be
// given too). If p is a StatementChecker (*batch.Prover is), the options
// also check each batch before ExecuteBatch seals it (WithBatchCheck):
// a transaction p cannot prove (a contract creation, an opcode the
// circuit does not take, an out-of-gas halt, a frame no shape holds) is
// left out of the batch into Batch.Rejected with ErrUnprovable, and a
// batch too large for p's aggregation is closed earlier, so that no
// batch is sealed that p cannot prove and no transaction can stop the
// settlements after it.
//
// The prover keeps the executions since the last batch it proved and
// proves a batch from the last run of them that are its transactions'
// (a batch that a settlement limit closed ran its transactions twice;
// the second run is the batch's), so batches are proven in order, each
// after it is executed, whether or not the next is executed yet. A batch
// whose executions it did not see is refused with ErrNoExecution. The
// Prover is safe for concurrent use with the booster's execution, one
// Prove at a time.
func NewProver(p StatementProver, progress func(batch.Progress)) (Prover, []Option) {
	sp := &statementProver{p: p, progress: progress, rec: trace.NewTxRecorder()}
	opts := []Option{WithTracer(sp.locked(sp.rec.Hooks())), WithL1Tracer(sp.locked(sp.rec.L1Hooks()))}
	if c, ok := p.(StatementChecker); ok {
		opts = append(opts, WithBatchCheck(func(ctx context.Context, b *Batch) error { return sp.check(c, b) }))
	}
	return sp, opts
}

// statementProver is NewProver's Prover: rec records, under mu, what
// the booster executes.
type statementProver struct {
	p        StatementProver
	progress func(batch.Progress)
	mu       sync.Mutex
	rec      *trace.TxRecorder
	// proven is how many of rec's executions the batches proven so far
	// used up (rec is reset when they are all of them).
	proven int
}

// locked is h with each hook called under s.mu.
func (s *statementProver) locked(h *tracing.Hooks) *tracing.Hooks {
	out := &tracing.Hooks{}
	if f := h.OnTxStart; f != nil {
		out.OnTxStart = func(ctx *tracing.VMContext, tx *types.Transaction, from common.Address) {
			s.mu.Lock()
			defer s.mu.Unlock()
			f(ctx, tx, from)
		}
	}
	if f := h.OnEnter; f != nil {
		out.OnEnter = func(depth int, typ byte, from, to common.Address, input []byte, gas uint64, value *big.Int) {
			s.mu.Lock()
			defer s.mu.Unlock()
			f(depth, typ, from, to, input, gas, value)
		}
	}
	if f := h.OnExit; f != nil {
		out.OnExit = func(depth int, output []byte, gasUsed uint64, err error, reverted bool) {
			s.mu.Lock()
			defer s.mu.Unlock()
			f(depth, output, gasUsed, err, reverted)
		}
	}
	if f := h.OnOpcode; f != nil {
		out.OnOpcode = func(pc uint64, op byte, gas, cost uint64, scope tracing.OpContext, rData []byte, depth int, err error) {
			s.mu.Lock()
			defer s.mu.Unlock()
			f(pc, op, gas, cost, scope, rData, depth, err)
		}
	}
	return out
}

// Prove proves b's statement from the executions of its transactions.
func (s *statementProver) Prove(ctx context.Context, b *Batch) ([]byte, error) {
	if b == nil {
		return nil, fmt.Errorf("%w: nil batch", ErrInvalidBatch)
	}
	h, l1, execs, end, err := s.statement(b)
	if err != nil {
		return nil, err
	}
	for i, e := range execs {
		if e.err != nil {
			return nil, fmt.Errorf("booster: prove batch %d: %w", h.Number, &batch.TransactionError{Index: i, Hash: b.Transactions[i].Hash(), Err: e.err})
		}
	}
	progress := s.progress
	if progress == nil {
		progress = func(batch.Progress) {}
	}
	proof, err := s.p.Prove(ctx, h, l1, b.L2StateBefore(), b.Transactions, traces(execs), progress)
	if err != nil {
		return nil, fmt.Errorf("booster: prove batch %d: %w", h.Number, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rec.Count() == end {
		s.rec.Reset()
		s.proven = 0
	} else {
		s.proven = end
	}
	return proof, nil
}

// check is the batch check of a prover whose StatementProver is c: the
// executions of b's transactions that the recorder saw last, each
// provable, and c's Check of the statement.
func (s *statementProver) check(c StatementChecker, b *Batch) error {
	h, l1, execs, _, err := s.statement(b)
	if err != nil {
		if !errors.Is(err, ErrNoExecution) {
			err = fmt.Errorf("%w: %w", ErrInvalidBatch, err)
		}
		return err
	}
	for i, e := range execs {
		if e.err != nil {
			return &batch.TransactionError{Index: i, Hash: b.Transactions[i].Hash(), Err: e.err}
		}
	}
	return c.Check(h, l1, b.L2StateBefore(), b.Transactions, traces(execs))
}

// execution is one recorded transaction, or why it cannot be proven.
type execution struct {
	tx  *trace.Transaction
	err error
}

func traces(execs []execution) []*trace.Transaction {
	out := make([]*trace.Transaction, len(execs))
	for i, e := range execs {
		out[i] = e.tx
	}
	return out
}

// statement returns b's header and L1 lists, the executions of its
// transactions (the last run of them the recorder saw since the last
// batch proven), and the end of that run among the recorder's
// transactions.
func (s *statementProver) statement(b *Batch) (*batch.Header, *batch.L1Lists, []execution, int, error) {
	h, err := b.Header()
	if err != nil {
		return nil, nil, nil, 0, err
	}
	l1, err := b.L1Lists()
	if err != nil {
		return nil, nil, nil, 0, err
	}
	s.mu.Lock()
	txs, errs := s.rec.Each()
	proven := s.proven
	s.mu.Unlock()
	all := make([]execution, len(txs))
	for i := range txs {
		all[i] = execution{txs[i], errs[i]}
	}
	end, err := executionsOf(b.Transactions, all[min(proven, len(all)):])
	if err != nil {
		return nil, nil, nil, 0, err
	}
	end += proven
	return h, l1, all[end-len(b.Transactions) : end], end, nil
}

// executionsOf returns the end of the last run of len(txs) executions in
// all whose top frames are txs' calls (sender, recipient, value and
// calldata), in order.
func executionsOf(txs []*types.Transaction, all []execution) (int, error) {
	n := len(txs)
	senders := make([]common.Address, n)
	for i, tx := range txs {
		from, err := types.Sender(types.LatestSignerForChainID(tx.ChainId()), tx)
		if err != nil {
			return 0, fmt.Errorf("%w: transaction %d: %w", ErrInvalidBatch, i, err)
		}
		senders[i] = from
	}
	matches := func(e execution, i int) bool {
		if e.tx == nil || len(e.tx.Frames) == 0 {
			return false
		}
		// A contract creation's frame runs at the new address, with the
		// initcode as its input.
		top, tx := e.tx.Frames[0].Trace, txs[i]
		return top.Caller == senders[i] && (tx.To() == nil || top.Address == *tx.To()) &&
			top.Value.ToBig().Cmp(tx.Value()) == 0 && bytes.Equal(top.Calldata, tx.Data())
	}
	for end := len(all); end >= n; end-- {
		window := all[end-n : end]
		ok := true
		for i, e := range window {
			if !matches(e, i) {
				ok = false
				break
			}
		}
		if ok {
			return end, nil
		}
	}
	return 0, fmt.Errorf("%w: %d executions recorded, none of them the batch's %d transactions in order", ErrNoExecution, len(all), n)
}

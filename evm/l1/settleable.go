package l1

import (
	"errors"
	"maps"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/holiman/uint256"
)

// Selectors of the two functions a settlement calls on an L1 contract
// (IBoosterTarget): extsload to check the storage a batch read, and
// applyStateUpdates to write what it wrote.
var (
	ExtsloadSelector          = [4]byte(crypto.Keccak256([]byte("extsload(bytes32[])"))[:4])
	ApplyStateUpdatesSelector = [4]byte(crypto.Keccak256([]byte("applyStateUpdates((bytes32,bytes32)[])"))[:4])
)

// probeGas bounds each settleability probe.
const probeGas = 1_000_000

// Refusal says which settlement calls a contract is known to fail
// (learned from a settlement L1 refused), and why.
type Refusal struct {
	// Reads: extsload fails, so storage reads of the contract cannot be
	// checked. Writes: applyStateUpdates fails.
	Reads, Writes bool
	// Reason is L1's refusal, for receipts and logs.
	Reason string
}

// Unsettleable is an L1 contract that one L1 execution read or wrote and
// that a settlement could not check or write.
type Unsettleable struct {
	Contract common.Address
	// Selector is the function the settlement needs and the contract does
	// not answer: ExtsloadSelector or ApplyStateUpdatesSelector.
	Selector [4]byte
	// Reason says why, in words.
	Reason string
}

type settleCheck struct {
	booster common.Address
	refused map[common.Address]Refusal
	// probed holds each probe's outcome: why it failed, "" if it passed.
	probed map[probeKey]string
}

type probeKey struct {
	contract common.Address
	selector [4]byte
}

// RequireSettleable makes the view check, after every L1 execution, that a
// settlement through the booster contract at booster could check each
// contract whose storage the execution read (it answers extsload) and
// write each contract it wrote (applyStateUpdates from booster succeeds on
// the current state with no changes, within 1,000,000 gas). refused lists
// contracts known to fail either call; it is read, not kept.
func (v *View) RequireSettleable(booster common.Address, refused map[common.Address]Refusal) {
	v.settle = &settleCheck{booster: booster, refused: maps.Clone(refused), probed: map[probeKey]string{}}
}

// Unsettleable returns the first contract the current L1 execution (since
// BeginCall) read, or, when writes is true, wrote, that a settlement could
// not check or write; nil if there is none or the view does not check
// (RequireSettleable). Probes run on the view's state without recording
// anything and are undone.
func (v *View) Unsettleable(writes bool) *Unsettleable {
	if v.settle == nil {
		return nil
	}
	if writes {
		for _, a := range v.rec.WrittenSince(v.callWriteMark) {
			if u := v.check(a, true); u != nil {
				return u
			}
		}
	}
	for _, a := range v.rec.ReadsSince(v.callReadMark) {
		if u := v.check(a, false); u != nil {
			return u
		}
	}
	return nil
}

// ForgetUnsettleableReads drops the storage reads that the current L1
// execution recorded of every contract whose reads a settlement could not
// check: the execution's outcome is being replaced by a refusal that does
// not depend on them, and they would make the whole batch unsettleable.
func (v *View) ForgetUnsettleableReads() {
	if v.settle == nil {
		return
	}
	for _, a := range v.rec.ReadsSince(v.callReadMark) {
		if v.check(a, false) != nil {
			v.rec.ForgetReads(v.callReadMark, a)
		}
	}
}

func (v *View) check(a common.Address, write bool) *Unsettleable {
	c := v.settle
	if r, ok := c.refused[a]; ok && (r.Reads || (write && r.Writes)) {
		sel := ExtsloadSelector
		if !r.Reads {
			sel = ApplyStateUpdatesSelector
		}
		return &Unsettleable{Contract: a, Selector: sel, Reason: "L1 refused a settlement: " + r.Reason}
	}
	if why := v.probe(a, ExtsloadSelector, v.probeExtsload); why != "" {
		return &Unsettleable{Contract: a, Selector: ExtsloadSelector, Reason: why}
	}
	if !write {
		return nil
	}
	if why := v.probe(a, ApplyStateUpdatesSelector, v.probeApply); why != "" {
		return &Unsettleable{Contract: a, Selector: ApplyStateUpdatesSelector, Reason: why}
	}
	return nil
}

// probe runs run once per contract and selector, and returns why it
// failed ("" if it passed).
func (v *View) probe(a common.Address, selector [4]byte, run func(common.Address) string) string {
	k := probeKey{a, selector}
	why, ok := v.settle.probed[k]
	if !ok {
		why = run(a)
		v.settle.probed[k] = why
	}
	return why
}

// probeExtsload asks the contract for slot 0 as the booster contract does
// and checks the answer is one well-formed word holding the slot's value.
func (v *View) probeExtsload(a common.Address) string {
	var input []byte
	input = append(input, ExtsloadSelector[:]...)
	input = append(input, word(32)...) // offset of the array
	input = append(input, word(1)...)  // one slot
	input = append(input, word(0)...)  // slot 0
	ret, err := v.probeCall(a, input, true)
	if err != nil {
		return "extsload(bytes32[]) failed: " + err.Error()
	}
	want := append(append(word(32), word(1)...), v.state.GetState(a, common.Hash{}).Bytes()...)
	if string(ret) != string(want) {
		return "extsload(bytes32[]) does not return the contract's storage"
	}
	return ""
}

// probeApply calls applyStateUpdates with no changes from the booster
// contract.
func (v *View) probeApply(a common.Address) string {
	input := append(append(append([]byte(nil), ApplyStateUpdatesSelector[:]...), word(32)...), word(0)...)
	if _, err := v.probeCall(a, input, false); err != nil {
		return "applyStateUpdates from the booster contract failed: " + err.Error()
	}
	return ""
}

// probeCall runs a call on the unrecorded state and undoes it.
func (v *View) probeCall(to common.Address, input []byte, static bool) ([]byte, error) {
	if len(v.state.GetCode(to)) == 0 {
		return nil, errNoCode
	}
	snap := v.state.Snapshot()
	defer v.state.RevertToSnapshot(snap)
	evm := vm.NewEVM(v.block, v.state, v.source.ChainConfig(), vm.Config{})
	evm.SetTxContext(vm.TxContext{Origin: v.settle.booster, GasPrice: new(uint256.Int)})
	var (
		ret []byte
		err error
	)
	if static {
		ret, _, err = evm.StaticCall(v.settle.booster, to, input, vm.NewGasBudget(probeGas, 0))
	} else {
		ret, _, err = evm.Call(v.settle.booster, to, input, vm.NewGasBudget(probeGas, 0), new(uint256.Int))
	}
	return ret, err
}

var errNoCode = errors.New("no code")

func word(n uint64) []byte {
	w := uint256.NewInt(n).Bytes32()
	return w[:]
}

package verifier

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/ethereum/go-ethereum/common"
	"github.com/holiman/uint256"

	"github.com/boosterkit/go-booster/verifier/trace"
)

// Public is what a proof binds, in the clear: the code and calldata, the
// call's context, every storage slot touched with its value before and
// after, and the outcome. Whoever checks a proof computes its Commitment
// from these and passes it to Keys.Verify (or to the Solidity verifier).
type Public struct {
	Code, Calldata          []byte
	Caller, Origin, Address common.Address
	Value                   uint256.Int
	// Context is the block and transaction context, Balance the
	// contract's balance (SELFBALANCE).
	Context trace.Context
	Balance uint256.Int
	// Storage is sorted by key.
	Storage    []trace.StorageSlot
	ReturnData []byte
	Reverted   bool
	// Logs are the logs the call emitted, in order.
	Logs []trace.Log
	// Calls are the calls the frame made, in order.
	Calls []trace.FrameCall
	// Reads are the chain's values the frame read, in order.
	Reads []trace.StateRead
}

// PublicOf returns the public part of a trace.
func PublicOf(t *trace.Trace) Public {
	return Public{Code: t.Code, Calldata: t.Calldata, Caller: t.Caller, Origin: t.Origin, Address: t.Address,
		Value: t.Value, Context: t.Context, Balance: t.Balance, Storage: t.Storage, ReturnData: t.ReturnData, Reverted: t.Reverted, Logs: t.Logs, Calls: t.Calls, Reads: t.Reads}
}

// Commitment is the single public input of a circuit of shape s that
// proves an execution with these public values: the Poseidon2 hash of the
// code and calldata (zero-padded to the shape, 31 bytes per element) and
// their lengths, caller, origin, address and value, then the context
// (coinbase, timestamp, number, prevrandao, gas limit, chain id, base
// fee, gas price) and the balance, as 128-bit limbs, each
// storage slot (used flag, key, initial and final value), the return data
// length and words, each log (used flag, topic count and data length in
// one element, four topics, the data words zero-padded), each call
// (used, static, delegate and success flags, input and return data
// lengths in one element, gas, address and value, the input and the
// return data as words, zero-padded), each state read (used flag and
// kind in one element, the word popped, the value), and the
// revert flag.
func (p Public) Commitment(s Shape) (*big.Int, error) {
	return p.CommitmentOn(ecc.BN254, s)
}

// CommitmentOn is Commitment hashed over the scalar field of curve:
// ecc.BN254 (Commitment, the public input of Circuit) or ecc.BLS12_377
// (what FrameWitness.Constrain returns in a BLS12-377 circuit, such as a
// batch segment). Other curves fail with ErrInput.
func (p Public) CommitmentOn(curve ecc.ID, s Shape) (*big.Int, error) {
	if err := s.validate(); err != nil {
		return nil, err
	}
	switch {
	case len(p.Code) > s.Code, len(p.Calldata) > s.Calldata, len(p.Storage) > s.Storage:
		return nil, fmt.Errorf("%w: public values do not fit shape %s", ErrCapacity, s.Name())
	case (len(p.ReturnData)+31)/32 > s.Return:
		return nil, fmt.Errorf("%w: %d bytes of return data in shape %s", ErrCapacity, len(p.ReturnData), s.Name())
	}
	c, err := NewCircuit(s)
	if err != nil {
		return nil, err
	}
	for i := range c.Code {
		c.Code[i] = int(byteAt(p.Code, i))
	}
	for i := range c.Calldata {
		c.Calldata[i] = int(byteAt(p.Calldata, i))
	}
	c.CodeLen, c.CalldataLen = len(p.Code), len(p.Calldata)
	c.Caller, c.Origin, c.Address, c.Value = addrWord(p.Caller), addrWord(p.Origin), addrWord(p.Address), word(&p.Value)
	c.Context = contextWords(&p.Context, &p.Balance)
	for j := range c.Storage {
		c.Storage[j] = Slot{0, 0, 0, 0, 0, 0, 0, 0}
		if j < len(p.Storage) {
			sl := p.Storage[j]
			k, in, fin := hashWord(sl.Key), hashWord(sl.Initial), hashWord(sl.Final)
			c.Storage[j] = Slot{Used: 1, KeyHi: k.Hi, KeyLo: k.Lo, InitHi: in.Hi, InitLo: in.Lo, FinalHi: fin.Hi, FinalLo: fin.Lo, FinalTime: 0}
		}
	}
	c.RetLen = len(p.ReturnData)
	for j := range c.Return {
		c.Return[j] = zeroWord()
		if 32*j < len(p.ReturnData) {
			var w [32]byte
			copy(w[:], p.ReturnData[32*j:])
			c.Return[j] = hashWord(common.Hash(w))
		}
	}
	if len(p.Logs) > s.Logs {
		return nil, fmt.Errorf("%w: %d logs in shape %s", ErrCapacity, len(p.Logs), s.Name())
	}
	for j := range p.Logs {
		e, err := publicLog(&p.Logs[j], s)
		if err != nil {
			return nil, err
		}
		c.Logs[j] = e
	}
	if len(p.Calls) > s.Calls {
		return nil, fmt.Errorf("%w: %d calls in shape %s", ErrCapacity, len(p.Calls), s.Name())
	}
	for j := range p.Calls {
		e, err := publicCall(&p.Calls[j], s)
		if err != nil {
			return nil, err
		}
		c.Calls[j] = e
	}
	if len(p.Reads) > s.Reads {
		return nil, fmt.Errorf("%w: %d state reads in shape %s", ErrCapacity, len(p.Reads), s.Name())
	}
	for j := range p.Reads {
		e, err := publicRead(&p.Reads[j])
		if err != nil {
			return nil, err
		}
		c.Reads[j] = e
	}
	return commitmentOn(curve, witnessElements(&c.FrameWitness, p.Reverted))
}

package statechanges

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// ApplyStateUpdatesSignature is the Solidity signature of the function every
// booster-aware L1 contract exposes.
const ApplyStateUpdatesSignature = "applyStateUpdates((bytes32,bytes32)[])"

// ApplyStateUpdatesSelector is the 4-byte selector of
// [ApplyStateUpdatesSignature].
var ApplyStateUpdatesSelector = [4]byte(crypto.Keccak256([]byte(ApplyStateUpdatesSignature))[:4])

// ContractUpdate is the part of a write list that belongs to one L1
// contract, in write-list order.
type ContractUpdate struct {
	Contract common.Address
	Changes  []StateChange
}

// Calldata returns the ABI-encoded call applyStateUpdates(changes).
func (u ContractUpdate) Calldata() []byte {
	return EncodeApplyStateUpdates(u.Changes)
}

// ByContract splits the write list per L1 contract. Contracts come in the
// order of their first write, and each contract's changes keep write-list
// order.
func (l WriteList) ByContract() []ContractUpdate {
	var (
		out   []ContractUpdate
		index = make(map[common.Address]int)
	)
	for _, w := range l {
		i, ok := index[w.Contract]
		if !ok {
			i = len(out)
			index[w.Contract] = i
			out = append(out, ContractUpdate{Contract: w.Contract})
		}
		out[i].Changes = append(out[i].Changes, StateChange{Slot: w.Slot, Value: w.Value})
	}
	return out
}

// EncodeApplyStateUpdates ABI-encodes applyStateUpdates(changes): the
// selector, the offset of the array, its length, then each (slot, value).
func EncodeApplyStateUpdates(changes []StateChange) []byte {
	out := make([]byte, 0, 4+64+64*len(changes))
	out = append(out, ApplyStateUpdatesSelector[:]...)
	out = append(out, word(32)...)
	out = append(out, word(uint64(len(changes)))...)
	for _, c := range changes {
		out = append(out, c.Slot[:]...)
		out = append(out, c.Value[:]...)
	}
	return out
}

// DecodeApplyStateUpdates parses calldata made by [EncodeApplyStateUpdates].
// It accepts only the canonical encoding: the standard offset, no trailing
// bytes.
func DecodeApplyStateUpdates(data []byte) ([]StateChange, error) {
	if len(data) < 4+64 {
		return nil, fmt.Errorf("%d bytes: %w", len(data), ErrBadCalldata)
	}
	if !bytes.Equal(data[:4], ApplyStateUpdatesSelector[:]) {
		return nil, fmt.Errorf("selector %x: %w", data[:4], ErrBadCalldata)
	}
	if !bytes.Equal(data[4:36], word(32)) {
		return nil, fmt.Errorf("array offset is not 32: %w", ErrBadCalldata)
	}
	lenWord := data[36:68]
	if !bytes.Equal(lenWord[:24], make([]byte, 24)) {
		return nil, fmt.Errorf("array length too large: %w", ErrBadCalldata)
	}
	n := binary.BigEndian.Uint64(lenWord[24:])
	body := data[68:]
	if n > uint64(len(body))/64 || uint64(len(body)) != n*64 {
		return nil, fmt.Errorf("%d changes declared, %d bytes of body: %w", n, len(body), ErrBadCalldata)
	}
	changes := make([]StateChange, n)
	for i := range changes {
		copy(changes[i].Slot[:], body[64*i:])
		copy(changes[i].Value[:], body[64*i+32:])
	}
	return changes, nil
}

func word(v uint64) []byte {
	var w [32]byte
	binary.BigEndian.PutUint64(w[24:], v)
	return w[:]
}

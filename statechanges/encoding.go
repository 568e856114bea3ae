package statechanges

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// Encoding layout. Every encoding starts with a kind byte and a version
// byte, so a write list can never be read as a read set or the other way
// round, and the two commitments are domain-separated.
//
//	write list: 'W' 0x01 | uint32 n | n × (address[20] slot[32] value[32])
//	read set:   'R' 0x01 | uint32 n | n × (address[20] slot[32] value[32])
//	                     | uint32 m | m × (address[20] codehash[32])
//	                     | uint32 k | k × (address[20] balance[32])
//
// Counts are big-endian. Write-list entries are in first-write order and
// unique by (contract, slot); each read-set section is sorted strictly
// ascending by its key.
const (
	kindWriteList   = 'W'
	kindReadSet     = 'R'
	encodingVersion = 0x01

	headerLen       = 2
	countLen        = 4
	slotEntryLen    = common.AddressLength + 2*common.HashLength
	accountEntryLen = common.AddressLength + common.HashLength
)

// MarshalBinary returns the canonical encoding of the write list.
func (l WriteList) MarshalBinary() ([]byte, error) {
	out := make([]byte, 0, headerLen+countLen+len(l)*slotEntryLen)
	out = append(out, kindWriteList, encodingVersion)
	out = binary.BigEndian.AppendUint32(out, uint32(len(l)))
	for _, w := range l {
		out = append(out, w.Contract[:]...)
		out = append(out, w.Slot[:]...)
		out = append(out, w.Value[:]...)
	}
	return out, nil
}

// Commitment returns keccak256 of the canonical encoding.
func (l WriteList) Commitment() common.Hash {
	enc, _ := l.MarshalBinary()
	return crypto.Keccak256Hash(enc)
}

// DecodeWriteList parses a canonical write-list encoding. It rejects a wrong
// header, truncated input, trailing bytes and duplicate slots.
func DecodeWriteList(data []byte) (WriteList, error) {
	d := decoder{data: data}
	if err := d.header(kindWriteList); err != nil {
		return nil, err
	}
	n, err := d.count(slotEntryLen)
	if err != nil {
		return nil, err
	}
	list := make(WriteList, n)
	seen := make(map[SlotKey]struct{}, n)
	for i := range list {
		w := &list[i]
		d.read(w.Contract[:])
		d.read(w.Slot[:])
		d.read(w.Value[:])
		if _, dup := seen[w.Key()]; dup {
			return nil, fmt.Errorf("write %d (%s slot %s): %w", i, w.Contract, w.Slot, ErrDuplicate)
		}
		seen[w.Key()] = struct{}{}
	}
	if err := d.end(); err != nil {
		return nil, err
	}
	return list, nil
}

// MarshalBinary returns the canonical encoding of the read set. It fails if
// a section is not sorted strictly ascending.
func (r *ReadSet) MarshalBinary() ([]byte, error) {
	if err := r.checkCanonical(); err != nil {
		return nil, err
	}
	size := headerLen + 3*countLen + len(r.Storage)*slotEntryLen + (len(r.Code)+len(r.Balances))*accountEntryLen
	out := make([]byte, 0, size)
	out = append(out, kindReadSet, encodingVersion)
	out = binary.BigEndian.AppendUint32(out, uint32(len(r.Storage)))
	for _, s := range r.Storage {
		out = append(out, s.Contract[:]...)
		out = append(out, s.Slot[:]...)
		out = append(out, s.Value[:]...)
	}
	out = binary.BigEndian.AppendUint32(out, uint32(len(r.Code)))
	for _, c := range r.Code {
		out = append(out, c.Account[:]...)
		out = append(out, c.CodeHash[:]...)
	}
	out = binary.BigEndian.AppendUint32(out, uint32(len(r.Balances)))
	for _, b := range r.Balances {
		bal := b.Balance.Bytes32()
		out = append(out, b.Account[:]...)
		out = append(out, bal[:]...)
	}
	return out, nil
}

// Commitment returns keccak256 of the canonical encoding. It fails only if
// the read set is not canonical.
func (r *ReadSet) Commitment() (common.Hash, error) {
	enc, err := r.MarshalBinary()
	if err != nil {
		return common.Hash{}, err
	}
	return crypto.Keccak256Hash(enc), nil
}

func (r *ReadSet) checkCanonical() error {
	for i := 1; i < len(r.Storage); i++ {
		prev := SlotKey{r.Storage[i-1].Contract, r.Storage[i-1].Slot}
		cur := SlotKey{r.Storage[i].Contract, r.Storage[i].Slot}
		if err := ascending("storage", i, prev.compare(cur)); err != nil {
			return err
		}
	}
	for i := 1; i < len(r.Code); i++ {
		if err := ascending("code", i, bytes.Compare(r.Code[i-1].Account[:], r.Code[i].Account[:])); err != nil {
			return err
		}
	}
	for i := 1; i < len(r.Balances); i++ {
		if err := ascending("balance", i, bytes.Compare(r.Balances[i-1].Account[:], r.Balances[i].Account[:])); err != nil {
			return err
		}
	}
	return nil
}

func ascending(section string, i, cmp int) error {
	switch {
	case cmp == 0:
		return fmt.Errorf("%s entry %d: %w", section, i, ErrDuplicate)
	case cmp > 0:
		return fmt.Errorf("%s entry %d: %w", section, i, ErrNotCanonical)
	}
	return nil
}

// DecodeReadSet parses a canonical read-set encoding. It rejects a wrong
// header, truncated input, trailing bytes, and sections that are not sorted
// strictly ascending.
func DecodeReadSet(data []byte) (*ReadSet, error) {
	d := decoder{data: data}
	if err := d.header(kindReadSet); err != nil {
		return nil, err
	}
	r := new(ReadSet)
	n, err := d.count(slotEntryLen)
	if err != nil {
		return nil, err
	}
	r.Storage = make([]StorageRead, n)
	for i := range r.Storage {
		s := &r.Storage[i]
		d.read(s.Contract[:])
		d.read(s.Slot[:])
		d.read(s.Value[:])
	}
	if n, err = d.count(accountEntryLen); err != nil {
		return nil, err
	}
	r.Code = make([]CodeRead, n)
	for i := range r.Code {
		d.read(r.Code[i].Account[:])
		d.read(r.Code[i].CodeHash[:])
	}
	if n, err = d.count(accountEntryLen); err != nil {
		return nil, err
	}
	r.Balances = make([]BalanceRead, n)
	for i := range r.Balances {
		var bal [32]byte
		d.read(r.Balances[i].Account[:])
		d.read(bal[:])
		r.Balances[i].Balance.SetBytes32(bal[:])
	}
	if err := d.end(); err != nil {
		return nil, err
	}
	if err := r.checkCanonical(); err != nil {
		return nil, err
	}
	return r, nil
}

// decoder reads fixed-size fields; count checks that the declared entries
// fit in what is left before anything is allocated.
type decoder struct {
	data []byte
	pos  int
}

func (d *decoder) header(kind byte) error {
	if len(d.data) < headerLen {
		return fmt.Errorf("header: %w", ErrTruncated)
	}
	if d.data[0] != kind || d.data[1] != encodingVersion {
		return fmt.Errorf("got kind %#x version %#x, want kind %#x version %#x: %w",
			d.data[0], d.data[1], kind, encodingVersion, ErrBadHeader)
	}
	d.pos = headerLen
	return nil
}

func (d *decoder) count(entryLen int) (int, error) {
	if len(d.data)-d.pos < countLen {
		return 0, fmt.Errorf("count at byte %d: %w", d.pos, ErrTruncated)
	}
	n := binary.BigEndian.Uint32(d.data[d.pos:])
	d.pos += countLen
	if left := uint64(len(d.data) - d.pos); uint64(n)*uint64(entryLen) > left {
		return 0, fmt.Errorf("%d entries of %d bytes, %d bytes left: %w", n, entryLen, left, ErrTruncated)
	}
	return int(n), nil
}

// read copies the next len(dst) bytes; count has checked they exist.
func (d *decoder) read(dst []byte) {
	d.pos += copy(dst, d.data[d.pos:])
}

func (d *decoder) end() error {
	if d.pos != len(d.data) {
		return fmt.Errorf("%d bytes after the end: %w", len(d.data)-d.pos, ErrTrailingBytes)
	}
	return nil
}

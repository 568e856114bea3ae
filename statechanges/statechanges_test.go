package statechanges

import (
	"bytes"
	"errors"
	"math/big"
	"slices"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/holiman/uint256"
)

var (
	addrA = common.HexToAddress("0xaaaa")
	addrB = common.HexToAddress("0xbbbb")
)

func h(v uint64) common.Hash { return common.BigToHash(new(big.Int).SetUint64(v)) }

func sampleWrites() WriteList {
	return WriteList{
		{Contract: addrB, Slot: h(2), Value: h(9)},
		{Contract: addrA, Slot: h(1), Value: h(7)},
		{Contract: addrB, Slot: h(1), Value: h(0)},
	}
}

func sampleReads() *ReadSet {
	return &ReadSet{
		Storage:  []StorageRead{{Contract: addrA, Slot: h(1), Value: h(3)}, {Contract: addrA, Slot: h(2), Value: h(4)}, {Contract: addrB, Slot: h(0), Value: h(5)}},
		Code:     []CodeRead{{Account: addrA, CodeHash: h(11)}, {Account: addrB}},
		Balances: []BalanceRead{{Account: addrB, Balance: *uint256.NewInt(12345)}},
	}
}

func TestWriteListRoundTrip(t *testing.T) {
	for _, l := range []WriteList{nil, sampleWrites()} {
		enc, err := l.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		got, err := DecodeWriteList(enc)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(l) {
			t.Fatalf("decoded %d writes, want %d", len(got), len(l))
		}
		for i := range l {
			if got[i] != l[i] {
				t.Fatalf("write %d = %v, want %v", i, got[i], l[i])
			}
		}
	}
}

func TestReadSetRoundTrip(t *testing.T) {
	r := sampleReads()
	enc, err := r.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeReadSet(enc)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := got.MarshalBinary()
	if !bytes.Equal(enc, again) {
		t.Fatal("re-encoding differs")
	}
	c1, _ := r.Commitment()
	c2, _ := got.Commitment()
	if c1 != c2 || got.Len() != 6 {
		t.Fatal("commitment or length changed by a round trip")
	}
}

func TestCommitmentsBindEveryField(t *testing.T) {
	base := sampleWrites().Commitment()
	for i := range sampleWrites() {
		for _, mutate := range []func(*Write){
			func(w *Write) { w.Contract[19] ^= 1 },
			func(w *Write) { w.Slot[31] ^= 1 },
			func(w *Write) { w.Value[0] ^= 1 },
		} {
			l := sampleWrites()
			mutate(&l[i])
			if l.Commitment() == base {
				t.Fatalf("changing write %d kept the commitment", i)
			}
		}
	}
	swapped := sampleWrites()
	swapped[0], swapped[1] = swapped[1], swapped[0]
	if swapped.Commitment() == base {
		t.Fatal("the write-list commitment ignores order")
	}
	readBase, _ := sampleReads().Commitment()
	r := sampleReads()
	r.Balances[0].Balance.AddUint64(&r.Balances[0].Balance, 1)
	if c, _ := r.Commitment(); c == readBase {
		t.Fatal("changing a balance kept the read-set commitment")
	}
	var empty ReadSet
	emptyRead, _ := empty.Commitment()
	if emptyRead == WriteList(nil).Commitment() {
		t.Fatal("an empty read set and an empty write list share a commitment")
	}
}

func TestDecodeRejectsMalformedInput(t *testing.T) {
	writes, _ := sampleWrites().MarshalBinary()
	reads, _ := sampleReads().MarshalBinary()
	dupWrites := append(common.CopyBytes(writes[:6+84]), writes[6:6+84]...)
	dupWrites[5] = 2
	unsorted := sampleReads()
	unsorted.Storage[0], unsorted.Storage[1] = unsorted.Storage[1], unsorted.Storage[0]
	unsortedEnc := mustEncodeUnchecked(unsorted)
	dupCode := sampleReads()
	dupCode.Code[1].Account = addrA
	cases := []struct {
		name  string
		data  []byte
		reads bool
		want  error
	}{
		{"empty write list", nil, false, ErrTruncated},
		{"empty read set", nil, true, ErrTruncated},
		{"read set as write list", reads, false, ErrBadHeader},
		{"write list as read set", writes, true, ErrBadHeader},
		{"wrong version", append([]byte{'W', 2}, writes[2:]...), false, ErrBadHeader},
		{"truncated entry", writes[:len(writes)-1], false, ErrTruncated},
		{"truncated count", writes[:4], false, ErrTruncated},
		{"huge count", []byte{'W', 1, 0xff, 0xff, 0xff, 0xff}, false, ErrTruncated},
		{"trailing byte", append(common.CopyBytes(writes), 0), false, ErrTrailingBytes},
		{"duplicate write", dupWrites, false, ErrDuplicate},
		{"read set truncated", reads[:len(reads)-3], true, ErrTruncated},
		{"read set trailing", append(common.CopyBytes(reads), 1), true, ErrTrailingBytes},
		{"read set unsorted", unsortedEnc, true, ErrNotCanonical},
		{"read set duplicate", mustEncodeUnchecked(dupCode), true, ErrDuplicate},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var err error
			if c.reads {
				_, err = DecodeReadSet(c.data)
			} else {
				_, err = DecodeWriteList(c.data)
			}
			if !errors.Is(err, c.want) {
				t.Fatalf("error = %v, want %v", err, c.want)
			}
		})
	}
	if _, err := unsorted.MarshalBinary(); !errors.Is(err, ErrNotCanonical) {
		t.Fatalf("encoding an unsorted read set: %v", err)
	}
}

// mustEncodeUnchecked encodes a read set without the canonical-order check,
// to build malformed inputs.
func mustEncodeUnchecked(r *ReadSet) []byte {
	sorted := &ReadSet{}
	enc, _ := sorted.MarshalBinary()
	enc = enc[:2]
	add := func(n int) { enc = append(enc, byte(n>>24), byte(n>>16), byte(n>>8), byte(n)) }
	add(len(r.Storage))
	for _, s := range r.Storage {
		enc = append(append(append(enc, s.Contract[:]...), s.Slot[:]...), s.Value[:]...)
	}
	add(len(r.Code))
	for _, c := range r.Code {
		enc = append(append(enc, c.Account[:]...), c.CodeHash[:]...)
	}
	add(len(r.Balances))
	for _, b := range r.Balances {
		v := b.Balance.Bytes32()
		enc = append(append(enc, b.Account[:]...), v[:]...)
	}
	return enc
}

func TestCalldataMatchesABIPacker(t *testing.T) {
	parsed, err := abi.JSON(strings.NewReader(`[{"type":"function","name":"applyStateUpdates","inputs":[{"name":"changes","type":"tuple[]","components":[{"name":"slot","type":"bytes32"},{"name":"value","type":"bytes32"}]}],"outputs":[]}]`))
	if err != nil {
		t.Fatal(err)
	}
	updates := sampleWrites().ByContract()
	if len(updates) != 2 || updates[0].Contract != addrB || updates[1].Contract != addrA || len(updates[0].Changes) != 2 {
		t.Fatalf("ByContract = %v, want B (2 changes) then A", updates)
	}
	type change struct {
		Slot  [32]byte
		Value [32]byte
	}
	for _, u := range updates {
		var arg []change
		for _, c := range u.Changes {
			arg = append(arg, change{c.Slot, c.Value})
		}
		want, err := parsed.Pack("applyStateUpdates", arg)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(u.Calldata(), want) {
			t.Fatalf("calldata\n%x\nwant\n%x", u.Calldata(), want)
		}
		back, err := DecodeApplyStateUpdates(want)
		if err != nil || len(back) != len(u.Changes) || back[0] != u.Changes[0] {
			t.Fatalf("decode: %v %v", back, err)
		}
	}
	for _, bad := range [][]byte{nil, want0()[:40], append(want0(), 0), append([]byte{1, 2, 3, 4}, want0()[4:]...)} {
		if _, err := DecodeApplyStateUpdates(bad); !errors.Is(err, ErrBadCalldata) {
			t.Fatalf("DecodeApplyStateUpdates(%x) = %v, want ErrBadCalldata", bad, err)
		}
	}
}

func want0() []byte { return EncodeApplyStateUpdates([]StateChange{{Slot: h(1), Value: h(2)}}) }

// values is a SlotValues over two maps.
type values struct{ cur, pinned map[SlotKey]common.Hash }

func (v values) Current(a common.Address, s common.Hash) common.Hash { return v.cur[SlotKey{a, s}] }
func (v values) Pinned(a common.Address, s common.Hash) common.Hash  { return v.pinned[SlotKey{a, s}] }

func TestRecorderJournal(t *testing.T) {
	r := NewRecorder()
	r.RecordWrite(addrA, h(1))
	mark := r.Mark()
	r.RecordWrite(addrA, h(2))
	r.RecordWrite(addrA, h(1)) // already written: no new entry
	r.RecordStorageRead(addrB, h(9), h(90))
	r.RevertTo(mark)
	if r.Written(addrA, h(2)) || !r.Written(addrA, h(1)) {
		t.Fatal("RevertTo kept a later write or dropped an earlier one")
	}
	r.RecordStorageRead(addrB, h(9), h(91)) // only the first read counts
	r.RecordWrite(addrB, h(3))
	r.RecordWrite(addrA, h(4))
	r.RecordCode(addrA, h(5))
	r.RecordBalance(addrB, uint256.NewInt(6))
	v := values{
		cur:    map[SlotKey]common.Hash{{addrA, h(1)}: h(10), {addrB, h(3)}: h(30), {addrA, h(4)}: h(0)},
		pinned: map[SlotKey]common.Hash{{addrA, h(4)}: h(0)},
	}
	writes, reads := r.Result(v)
	want := WriteList{{addrA, h(1), h(10)}, {addrB, h(3), h(30)}}
	if len(writes) != 2 || writes[0] != want[0] || writes[1] != want[1] {
		t.Fatalf("writes = %v, want %v", writes, want)
	}
	if len(reads.Storage) != 2 || reads.Storage[0] != (StorageRead{addrA, h(4), h(0)}) || reads.Storage[1] != (StorageRead{addrB, h(9), h(90)}) {
		t.Fatalf("storage reads = %v (the no-op write must be checked, reads must keep the first value)", reads.Storage)
	}
	if len(reads.Code) != 1 || len(reads.Balances) != 1 || reads.Balances[0].Balance.Uint64() != 6 {
		t.Fatalf("reads = %+v", reads)
	}
}

// TestRecorderCallScope covers what the booster needs per L1 execution:
// the contracts first read and written since a mark, reads forgotten for
// one contract, and counts that follow reverts and forgotten reads.
func TestRecorderCallScope(t *testing.T) {
	r := NewRecorder()
	r.RecordWrite(addrA, h(1))
	r.RecordStorageRead(addrA, h(2), h(20))
	writeMark, readMark := r.Mark(), r.ReadMark()
	r.RecordStorageRead(addrB, h(3), h(30))
	r.RecordStorageRead(addrA, h(4), h(40))
	r.RecordStorageRead(addrB, h(5), h(50))
	r.RecordStorageRead(addrA, h(2), h(21)) // read before the mark: not new
	r.RecordWrite(addrB, h(6))
	r.RecordWrite(addrA, h(1)) // written before the mark: not new
	r.RecordCode(addrB, h(7))

	steps := []struct {
		name          string
		do            func()
		reads, writes []common.Address
		stats         Stats
	}{
		{"after the call", func() {}, []common.Address{addrB, addrA}, []common.Address{addrB},
			Stats{WrittenSlots: 2, WrittenContracts: 2, ReadSlots: 4, ReadContracts: 2, Code: 1}},
		{"B's reads forgotten", func() { r.ForgetReads(readMark, addrB) }, []common.Address{addrA}, []common.Address{addrB},
			Stats{WrittenSlots: 2, WrittenContracts: 2, ReadSlots: 2, ReadContracts: 1, Code: 1}},
		{"writes reverted", func() { r.RevertTo(writeMark) }, []common.Address{addrA}, nil,
			Stats{WrittenSlots: 1, WrittenContracts: 1, ReadSlots: 2, ReadContracts: 1, Code: 1}},
	}
	for _, s := range steps {
		s.do()
		if got := r.ReadsSince(readMark); !slices.Equal(got, s.reads) {
			t.Fatalf("%s: ReadsSince = %v, want %v", s.name, got, s.reads)
		}
		if got := r.WrittenSince(writeMark); !slices.Equal(got, s.writes) {
			t.Fatalf("%s: WrittenSince = %v, want %v", s.name, got, s.writes)
		}
		if got := r.Stats(); got != s.stats {
			t.Fatalf("%s: Stats = %+v, want %+v", s.name, got, s.stats)
		}
	}
	_, reads := r.Result(values{cur: map[SlotKey]common.Hash{{addrA, h(1)}: h(10)}, pinned: map[SlotKey]common.Hash{}})
	for _, rd := range reads.Storage {
		if rd.Contract == addrB {
			t.Fatalf("a forgotten read is in the read set: %v", rd)
		}
	}
	if len(reads.Storage) != 2 {
		t.Fatalf("storage reads = %v, want A's two", reads.Storage)
	}
	// A forgotten read can be recorded again, with the value then seen.
	r.RecordStorageRead(addrB, h(3), h(31))
	if got := r.Stats().ReadContracts; got != 2 {
		t.Fatalf("ReadContracts = %d after B is read again", got)
	}
}

func FuzzDecodeWriteList(f *testing.F) {
	enc, _ := sampleWrites().MarshalBinary()
	f.Add(enc)
	f.Add([]byte{'W', 1, 0, 0, 0, 0})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := DecodeWriteList(data)
		if err != nil {
			if l != nil {
				t.Fatal("decoder returned a list with an error")
			}
			return
		}
		again, _ := l.MarshalBinary()
		if !bytes.Equal(again, data) {
			t.Fatalf("accepted a non-canonical encoding %x", data)
		}
	})
}

func FuzzDecodeReadSet(f *testing.F) {
	enc, _ := sampleReads().MarshalBinary()
	f.Add(enc)
	f.Add([]byte{'R', 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := DecodeReadSet(data)
		if err != nil {
			return
		}
		again, err := r.MarshalBinary()
		if err != nil || !bytes.Equal(again, data) {
			t.Fatalf("accepted a non-canonical encoding %x (%v)", data, err)
		}
	})
}

func FuzzDecodeApplyStateUpdates(f *testing.F) {
	f.Add(want0())
	f.Fuzz(func(t *testing.T, data []byte) {
		changes, err := DecodeApplyStateUpdates(data)
		if err != nil {
			return
		}
		if !bytes.Equal(EncodeApplyStateUpdates(changes), data) {
			t.Fatalf("accepted a non-canonical encoding %x", data)
		}
	})
}

package batch

import (
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/solidity"
	"github.com/boosterkit/go-booster/verifier"
	"github.com/boosterkit/go-booster/verifier/trace"
)

// ecrecoverShape is callShape with room for a call of the ecrecover
// precompile: four words of input and one of return data, and the memory
// they take.
var ecrecoverShape = func() verifier.Shape {
	s := callShape
	s.Calldata, s.Memory, s.CallData, s.CallReturn = 128, 8, ecrecoverInputWords, 1
	return s
}()

// ecrecoverCapacity holds the ecrecover tests' batches: two inputs an
// ecrecover segment.
var ecrecoverCapacity = Capacity{Calldata: dataCap, Frame: ecrecoverShape, Slots: 4, L1Slots: 1, Ecrecover: 2}

// The ecrecover tests' contracts. Both copy their 128 bytes of calldata
// to memory and STATICCALL the ecrecover precompile with them as input.
// ecrecoverUser writes the return data to the word at 0x80, stores that
// word at slot 0 and RETURNDATASIZE at slot 1; ecrecoverProbe keeps no
// return data and stores RETURNDATASIZE at slot 0 (32 where the
// precompile recovered a signer, 0 where it did not).
var (
	ecrecoverInputCode = "5f35" + "5f52" + "602035" + "602052" + "604035" + "604052" + "606035" + "606052"
	ecrecoverUser      = common.FromHex(ecrecoverInputCode + "6020608060805f60015afa" + "50" + "6080515f55" + "3d600155" + "00")
	ecrecoverProbe     = common.FromHex(ecrecoverInputCode + "5f5f60805f60015afa" + "50" + "3d5f55" + "00")
	ecrecoverUserAt    = common.HexToAddress("0x00000000000000000000000000000000000000e2")
	ecrecoverProbeAt   = common.HexToAddress("0x00000000000000000000000000000000000000e3")
)

// ecrecoverCall is the precompile's input (digest, v, r, s).
func ecrecoverCallData(digest common.Hash, v *big.Int, r, s *big.Int) []byte {
	out := append([]byte(nil), digest[:]...)
	for _, x := range []*big.Int{v, r, s} {
		out = append(out, common.BigToHash(x).Bytes()...)
	}
	return out
}

// signedInput is bob's signature of digest as the precompile's input.
func signedInput(t *testing.T, digest common.Hash) ([]byte, common.Address) {
	t.Helper()
	key := testKey(t, "bob")
	sig, err := crypto.Sign(digest[:], key)
	require.NoError(t, err)
	return ecrecoverCallData(digest, big.NewInt(int64(sig[64])+27), new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:64])), crypto.PubkeyToAddress(key.PublicKey)
}

// unrecoverableInputs are inputs that pass the precompile's range rules
// and recover no key: an r that is no point's x coordinate, and a
// signature whose key would be the point at infinity (R = G, digest s).
func unrecoverableInputs(t *testing.T) map[string][]byte {
	t.Helper()
	s := big.NewInt(12345)
	out := map[string][]byte{}
	for r := int64(1); ; r++ {
		in := ecrecoverCallData(common.Hash{1}, big.NewInt(27), big.NewInt(r), s)
		if len(ecrecoverOutcome(ecrecoverInput(in))) == 0 {
			out["r no point's x"] = in
			break
		}
	}
	gx, gy := crypto.S256().Params().Gx, crypto.S256().Params().Gy
	out["key at infinity"] = ecrecoverCallData(common.BigToHash(s), big.NewInt(27+int64(gy.Bit(0))), gx, s)
	for name, in := range out {
		require.True(t, ecrecoverValid(ecrecoverInput(in)), name)
		require.Empty(t, ecrecoverOutcome(ecrecoverInput(in)), name)
	}
	return out
}

// TestEcrecoverValid checks the precompile's range rules outside the
// circuit against go-ethereum's: v a whole word of 27 or 28, r and s in
// [1, n).
func TestEcrecoverValid(t *testing.T) {
	n := new(big.Int).Add(new(big.Int).Lsh(secp256k1N[0], 128), secp256k1N[1])
	require.Equal(t, crypto.S256().Params().N, n)
	good, _ := signedInput(t, common.Hash{7})
	tests := []struct {
		name  string
		patch func(in []byte)
		valid bool
	}{
		{"signed", func([]byte) {}, true},
		{"v 29", func(in []byte) { in[63] = 29 }, false},
		{"v 26", func(in []byte) { in[63] = 26 }, false},
		{"v with a high byte", func(in []byte) { in[32] = 1 }, false},
		{"r zero", func(in []byte) { copy(in[64:96], make([]byte, 32)) }, false},
		{"s zero", func(in []byte) { copy(in[96:128], make([]byte, 32)) }, false},
		{"r n", func(in []byte) { copy(in[64:96], common.BigToHash(n).Bytes()) }, false},
		{"s n", func(in []byte) { copy(in[96:128], common.BigToHash(n).Bytes()) }, false},
		{"s n-1", func(in []byte) { copy(in[96:128], common.BigToHash(new(big.Int).Sub(n, big.NewInt(1))).Bytes()) }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := append([]byte(nil), good...)
			tt.patch(in)
			require.Equal(t, tt.valid, ecrecoverValid(ecrecoverInput(in)))
			if !tt.valid {
				require.Empty(t, ecrecoverOutcome(ecrecoverInput(in)))
			}
		})
	}
	// The placeholder is a signature the precompile recovers.
	var ph [128]byte
	for w, x := range placeholderSignature {
		x.FillBytes(ph[32*w : 32*w+32])
	}
	require.True(t, ecrecoverValid(ph))
	require.Len(t, ecrecoverOutcome(ph), 32)
}

// ecrecoverBatch runs the calls over a world of the ecrecover tests'
// contracts and returns the batch's header, transactions and executions.
func ecrecoverBatch(t *testing.T, calls []memCall) (*Header, []*types.Transaction, []*trace.Transaction) {
	t.Helper()
	w := &world{code: map[common.Address][]byte{ecrecoverUserAt: ecrecoverUser, ecrecoverProbeAt: ecrecoverProbe}, storage: map[common.Address]map[common.Hash]common.Hash{}}
	var execs []*trace.Transaction
	for _, c := range calls {
		execs = append(execs, w.run(t, c.to, c.data))
	}
	_, txs := signedBatch(t, calls)
	h := headerFor(t, txs, noL1)
	withOutcomes(t, h, txs, execs)
	return h, txs, execs
}

// TestEcrecoverCalls checks that calls of the ecrecover precompile are
// proven by claims an ecrecover segment writes: a batch that recovers
// bob twice from one input (one claim entry, read twice), refuses an
// input that breaks the range rules (v 29, r zero, s at the order) and
// two that recover no key solves. A return other than the signer,
// carried consistently through the frame's memory and storage, is
// refused by Witnesses and, built anyway, by the last end segment only;
// so is a claim written once more than it is read; an entry's failure
// flag flipped is refused by the ecrecover segment only. Without
// Capacity.Ecrecover the batch is refused by name.
func TestEcrecoverCalls(t *testing.T) {
	if testing.Short() {
		t.Skip("solves ecrecover segments")
	}
	signed, bob := signedInput(t, common.Hash{0xd1})
	bad := map[string][]byte{}
	for name, patch := range map[string]func([]byte){
		"v 29":   func(in []byte) { in[63] = 29 },
		"r zero": func(in []byte) { copy(in[64:96], make([]byte, 32)) },
		"s n":    func(in []byte) { copy(in[96:128], common.BigToHash(crypto.S256().Params().N).Bytes()) },
	} {
		in := append([]byte(nil), signed...)
		patch(in)
		bad[name] = in
	}
	unrecoverable := unrecoverableInputs(t)
	calls := []memCall{{ecrecoverUserAt, signed}, {ecrecoverProbeAt, signed}, {ecrecoverProbeAt, bad["v 29"]}, {ecrecoverProbeAt, bad["r zero"]},
		{ecrecoverProbeAt, bad["s n"]}, {ecrecoverProbeAt, unrecoverable["r no point's x"]}, {ecrecoverProbeAt, unrecoverable["key at infinity"]}}
	h, txs, execs := ecrecoverBatch(t, calls)
	user := execs[0].Frames[0].Trace
	require.Equal(t, common.BytesToHash(bob[:]), user.Storage[0].Final)
	require.Equal(t, common.BigToHash(big.NewInt(32)), user.Storage[1].Final)
	for i, e := range execs[2:] {
		require.Equal(t, common.Hash{}, e.Frames[0].Trace.Storage[0].Final, "call %d recovers nothing", i+2)
	}
	segs, err := witnessesFor(h, noL1, txs, execs, ecrecoverCapacity)
	require.NoError(t, err)
	kinds := kindsOf(segs)
	// Six distinct inputs in three segments of two, before the end
	// segments.
	ecrecovers := segmentsOf(segs, ecrecoverCapacity.EcrecoverKind())
	require.Len(t, ecrecovers, 3)
	require.Equal(t, "ecrecover", ecrecoverCapacity.KindName(kinds[ecrecovers[0]]))
	require.Equal(t, uint64(2), u64Of(segs[ecrecovers[0]].Assignment.(*ecrecoverSegment).Entries[0].Uses))
	require.Empty(t, solveAll(t, ecrecoverCapacity, segs))

	t.Run("a return other than the signer", func(t *testing.T) {
		forged := forgeIdentityReturn(t, execs[0], 0xbad)
		fexecs := append([]*trace.Transaction{forged}, execs[1:]...)
		fh := headerFor(t, txs, noL1)
		withOutcomes(t, fh, txs, fexecs)
		requireRefusedAsBuilt(t, fh, noL1, txs, fexecs, ecrecoverCapacity, &faults{ecrecover: true}, lastEnd)
	})
	t.Run("a claim written once more", func(t *testing.T) {
		segs, err := faultyWitnesses(h, noL1, txs, execs, ecrecoverCapacity, &faults{ecrecoverUses: func(n int) int {
			if n == 2 {
				return 3
			}
			return n
		}})
		require.NoError(t, err)
		require.Equal(t, lastEnd(segs), solveAll(t, ecrecoverCapacity, segs))
	})
	// The entries, in first-use order: signed and v 29; r zero and s n;
	// the two unrecoverable inputs.
	t.Run("a failure flag flipped in range", func(t *testing.T) {
		segs, err := faultyWitnesses(h, noL1, txs, execs, ecrecoverCapacity, &faults{ecrecoverFail: func(in [128]byte, fail int) int {
			if ecrecoverValid(in) {
				return 1 - fail
			}
			return fail
		}})
		require.NoError(t, err)
		require.Equal(t, []int{ecrecovers[0], ecrecovers[2]}, solveAll(t, ecrecoverCapacity, segs))
	})
	t.Run("a failure flag set out of range", func(t *testing.T) {
		segs, err := faultyWitnesses(h, noL1, txs, execs, ecrecoverCapacity, &faults{ecrecoverFail: func(in [128]byte, fail int) int {
			if in != [128]byte{} && !ecrecoverValid(in) {
				return 1
			}
			return fail
		}})
		require.NoError(t, err)
		require.Equal(t, []int{ecrecovers[0], ecrecovers[1]}, solveAll(t, ecrecoverCapacity, segs))
	})
	t.Run("no ecrecover segments", func(t *testing.T) {
		c := ecrecoverCapacity
		c.Ecrecover = 0
		_, err := witnessesFor(h, noL1, txs, execs, c)
		require.ErrorIs(t, err, verifier.ErrUnsupported)
		require.ErrorContains(t, err, "ecrecover")
	})
}

// signedAt is where solidity/test/Signed.sol runs.
var signedAt = common.HexToAddress("0x00000000000000000000000000000000000051a9")

// TestEcrecoverSolidity proves Solidity's ecrecover in a real contract
// (solidity/test/Signed.sol) on the ERC20 frame shape: approve recovers
// bob from his signature, counts his approval in a mapping and emits
// Approved, and the batch solves with one ecrecover segment; so does an
// approval with a signature the precompile refuses, which reverts with
// BadSignature (the precompile returns nothing into Solidity's 32-byte
// return area, which keeps the zero word it held).
func TestEcrecoverSolidity(t *testing.T) {
	if testing.Short() {
		t.Skip("solves frames of the ERC20 shape")
	}
	a := solidity.MustLoad("Signed")
	digest := crypto.Keccak256Hash([]byte("ballot 7"))
	key := testKey(t, "bob")
	sig, err := crypto.Sign(digest[:], key)
	require.NoError(t, err)
	var r, s [32]byte
	copy(r[:], sig[:32])
	copy(s[:], sig[32:64])
	approve, err := a.ABI.Pack("approve", digest, sig[64]+27, r, s)
	require.NoError(t, err)
	w := &world{code: map[common.Address][]byte{signedAt: a.DeployedBytecode}, storage: map[common.Address]map[common.Hash]common.Hash{}}
	exec := w.run(t, signedAt, approve)
	tr := exec.Frames[0].Trace
	require.False(t, tr.Reverted)
	bob := crypto.PubkeyToAddress(key.PublicKey)
	require.Equal(t, common.BytesToHash(bob[:]), common.BytesToHash(tr.ReturnData))
	slot := crypto.Keccak256Hash(common.BytesToHash(bob[:]).Bytes(), common.Hash{}.Bytes())
	require.Equal(t, []trace.StorageSlot{{Key: slot, Final: common.BigToHash(big.NewInt(1))}}, tr.Storage)
	require.Len(t, tr.Logs, 1)
	c := Capacity{Calldata: 160, Frame: verifier.Shapes[2], Ecrecover: 1}
	solveAlone(t, exec, signedAt, approve, c)

	t.Run("a signature the precompile refuses", func(t *testing.T) {
		refused, err := a.ABI.Pack("approve", digest, uint8(29), r, s)
		require.NoError(t, err)
		exec := w.run(t, signedAt, refused)
		require.True(t, exec.Frames[0].Trace.Reverted)
		solveAlone(t, exec, signedAt, refused, c)
	})
}

// solveAlone checks that a batch of one transaction from alice to to with
// data, executed as exec, is its header, transaction, frame, ecrecover
// and end segments, and that they solve.
func solveAlone(t *testing.T, exec *trace.Transaction, to common.Address, data []byte, c Capacity) {
	t.Helper()
	_, txs := signedBatch(t, []memCall{{to, data}})
	h := headerFor(t, txs, noL1)
	withOutcomes(t, h, txs, []*trace.Transaction{exec})
	segs, err := witnessesFor(h, noL1, txs, []*trace.Transaction{exec}, c)
	require.NoError(t, err)
	require.Equal(t, []int{KindHeader, KindTransaction, KindFrame, c.EcrecoverKind(), KindEnd}, kindsOf(segs))
	require.Empty(t, solveAll(t, c, segs))
}

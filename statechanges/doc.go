// Package statechanges records the L1 state a booster batch wrote and read,
// and turns it into what L1 needs to settle the batch.
//
// A batch produces two lists (SPEC §2):
//
//   - the write list ([WriteList]): for each L1 (contract, slot) written by
//     L1CALLs that stayed in effect, its final value, in the order of the
//     first write; slots whose final value equals their value in the pinned
//     L1 block are left out;
//   - the read set ([ReadSet]): the storage slots read before the batch wrote
//     them (an SSTORE reads its slot too, for its gas, so this is every
//     slot the batch touched, with its value before the batch), the code
//     hashes of L1 contracts executed or inspected, and the balances read,
//     each with the value seen.
//
// [Recorder] collects both while the L1 view executes, with journal
// semantics for writes: a write made inside an L2 frame that later reverts is
// undone by [Recorder.RevertTo]. Reads are never undone: a reverted frame
// still shaped the batch's outcome.
//
// Both lists have a canonical binary encoding ([WriteList.MarshalBinary],
// [ReadSet.MarshalBinary]) whose decoders reject every malformed input, and a
// keccak256 commitment of that encoding. [WriteList.Calldata] produces the ABI
// calldata of applyStateUpdates(StateChange[]) for each written L1 contract.
//
// A [Recorder] is not safe for concurrent use; the lists, once built, are
// values that may be read from several goroutines.
package statechanges

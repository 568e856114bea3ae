package l1

import (
	"context"

	"github.com/ethereum/go-ethereum/common"

	"github.com/boosterkit/go-booster/statechanges"
)

// Layer returns the L1 state that base will hold once writes are applied:
// every written slot reads as its written value, everything else as base
// answers it, at base's pinned block. It is how a rollup executes after
// another one's batch before that batch settles (chained rollups, SPEC §5):
// pin the later rollup to Layer(source of the earlier batch, its write
// list). Layers stack: Layer(Layer(base, a), b) is the state after a, then
// b. The result is safe for concurrent use if base is.
func Layer(base Source, writes statechanges.WriteList) Source {
	slots := make(map[storageKey]common.Hash, len(writes))
	for _, w := range writes {
		slots[storageKey{w.Contract, w.Slot}] = w.Value
	}
	return &layeredSource{Source: base, slots: slots}
}

type layeredSource struct {
	Source
	slots map[storageKey]common.Hash // read-only once made
}

func (s *layeredSource) Storage(ctx context.Context, addr common.Address, slot common.Hash) (common.Hash, error) {
	if v, ok := s.slots[storageKey{addr, slot}]; ok {
		return v, nil
	}
	return s.Source.Storage(ctx, addr, slot)
}

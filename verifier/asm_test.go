package verifier

import (
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"
)

// program is a tiny EVM assembler for tests: opcodes, pushes and labels.
type program struct {
	code   []byte
	labels map[string]int
	fixups map[int]string // offset of a PUSH2 immediate -> label
}

func newProgram() *program {
	return &program{labels: map[string]int{}, fixups: map[int]string{}}
}

func (p *program) op(ops ...vm.OpCode) *program {
	for _, o := range ops {
		p.code = append(p.code, byte(o))
	}
	return p
}

// push emits the shortest PUSH of v (PUSH0 for zero).
func (p *program) push(v *uint256.Int) *program {
	b := v.Bytes()
	if len(b) == 0 {
		return p.op(vm.PUSH0)
	}
	p.code = append(p.code, byte(vm.PUSH1)+byte(len(b)-1))
	p.code = append(p.code, b...)
	return p
}

// pushN emits PUSHn of the low n bytes of v.
func (p *program) pushN(n int, v *uint256.Int) *program {
	b := v.Bytes32()
	p.code = append(p.code, byte(vm.PUSH1)+byte(n-1))
	p.code = append(p.code, b[32-n:]...)
	return p
}

func (p *program) pushU(v uint64) *program { return p.push(uint256.NewInt(v)) }

func (p *program) label(name string) *program {
	p.labels[name] = len(p.code)
	return p.op(vm.JUMPDEST)
}

func (p *program) pushLabel(name string) *program {
	p.code = append(p.code, byte(vm.PUSH2), 0, 0)
	p.fixups[len(p.code)-2] = name
	return p
}

func (p *program) bytes() []byte {
	for at, name := range p.fixups {
		off := p.labels[name]
		p.code[at], p.code[at+1] = byte(off>>8), byte(off)
	}
	return p.code
}

// returnTop stores the top of stack at 0 and returns 32 bytes.
func (p *program) returnTop() *program {
	return p.pushU(0).op(vm.MSTORE).pushU(32).pushU(0).op(vm.RETURN)
}

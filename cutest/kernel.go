package cutest

import (
	"fmt"
	"math"
)

// A kernel is the compiled form of one element type or group type: a small
// register bytecode in static single-assignment form. It is executed for a
// whole batch of elements (or groups) of the same type at once: every
// register holds one value per lane (element), so each instruction costs one
// dispatch per batch and then a tight loop over the lanes. Nothing is parsed,
// looked up by name or allocated at evaluation time.

type opcode uint8

const (
	opAdd opcode = iota
	opSub
	opMul
	opDiv
	opNeg
	opSq
	opPow
	opIDiv
	opTrunc
	opNint
	opSqrt
	opExp
	opLog
	opLog10
	opSin
	opCos
	opTan
	opAsin
	opAcos
	opAtan
	opSinh
	opCosh
	opTanh
	opAbs
	opAtan2
	opSign
	opMod
	opMax
	opMin
	opLT
	opLE
	opGT
	opGE
	opEQ
	opNE
	opAnd
	opOr
	opNot
	opEqv
	opSel // d = c != 0 ? a : b
	opCopy
	opCall // d = external function value; a indexes kernel.calls
)

type instr struct {
	op      opcode
	d, a, b int32
	c       int32
}

// Levels of evaluation: values only, values and first derivatives, and
// values, first and second derivatives.
const (
	levelF = 0
	levelG = 1
	levelH = 2
)

type kernel struct {
	nreg   int
	nin    int       // registers [0, nin) are the inputs
	consts []float64 // register nin+i holds consts[i]
	code   [3][]instr
	outF   int32
	outG   []int32 // one per internal variable (group kernels: one)
	outH   []int32 // packed lower triangle, index k*(k+1)/2+l for k ≥ l
	calls  []callSite
}

// lanes is the batch width of kernel execution.
const lanes = 64

// newRegs returns a register file for k with the constants filled in.
func (k *kernel) newRegs() []float64 {
	r := make([]float64, k.nreg*lanes)
	for i, c := range k.consts {
		row := r[(k.nin+i)*lanes : (k.nin+i+1)*lanes]
		for j := range row {
			row[j] = c
		}
	}
	return r
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// run executes the code of the given level on the first nl lanes of regs.
func (k *kernel) run(level int, regs []float64, nl int) {
	for _, in := range k.code[level] {
		if in.op == opCall {
			s := &k.calls[in.a]
			s.proc.runLanes(s, regs, nl)
			continue
		}
		d := regs[int(in.d)*lanes : int(in.d)*lanes+nl]
		a := regs[int(in.a)*lanes : int(in.a)*lanes+nl]
		switch in.op {
		case opAdd:
			b := regs[int(in.b)*lanes : int(in.b)*lanes+nl]
			for i := range d {
				d[i] = a[i] + b[i]
			}
		case opSub:
			b := regs[int(in.b)*lanes : int(in.b)*lanes+nl]
			for i := range d {
				d[i] = a[i] - b[i]
			}
		case opMul:
			b := regs[int(in.b)*lanes : int(in.b)*lanes+nl]
			for i := range d {
				d[i] = a[i] * b[i]
			}
		case opDiv:
			b := regs[int(in.b)*lanes : int(in.b)*lanes+nl]
			for i := range d {
				d[i] = a[i] / b[i]
			}
		case opNeg:
			for i := range d {
				d[i] = -a[i]
			}
		case opSq:
			for i := range d {
				d[i] = a[i] * a[i]
			}
		case opPow:
			b := regs[int(in.b)*lanes : int(in.b)*lanes+nl]
			for i := range d {
				d[i] = math.Pow(a[i], b[i])
			}
		case opIDiv:
			b := regs[int(in.b)*lanes : int(in.b)*lanes+nl]
			for i := range d {
				d[i] = math.Trunc(a[i] / b[i])
			}
		case opTrunc:
			for i := range d {
				d[i] = math.Trunc(a[i])
			}
		case opNint:
			for i := range d {
				d[i] = math.Round(a[i])
			}
		case opSqrt:
			for i := range d {
				d[i] = math.Sqrt(a[i])
			}
		case opExp:
			for i := range d {
				d[i] = math.Exp(a[i])
			}
		case opLog:
			for i := range d {
				d[i] = math.Log(a[i])
			}
		case opLog10:
			for i := range d {
				d[i] = math.Log10(a[i])
			}
		case opSin:
			for i := range d {
				d[i] = math.Sin(a[i])
			}
		case opCos:
			for i := range d {
				d[i] = math.Cos(a[i])
			}
		case opTan:
			for i := range d {
				d[i] = math.Tan(a[i])
			}
		case opAsin:
			for i := range d {
				d[i] = math.Asin(a[i])
			}
		case opAcos:
			for i := range d {
				d[i] = math.Acos(a[i])
			}
		case opAtan:
			for i := range d {
				d[i] = math.Atan(a[i])
			}
		case opSinh:
			for i := range d {
				d[i] = math.Sinh(a[i])
			}
		case opCosh:
			for i := range d {
				d[i] = math.Cosh(a[i])
			}
		case opTanh:
			for i := range d {
				d[i] = math.Tanh(a[i])
			}
		case opAbs:
			for i := range d {
				d[i] = math.Abs(a[i])
			}
		case opAtan2:
			b := regs[int(in.b)*lanes : int(in.b)*lanes+nl]
			for i := range d {
				d[i] = math.Atan2(a[i], b[i])
			}
		case opSign:
			b := regs[int(in.b)*lanes : int(in.b)*lanes+nl]
			for i := range d {
				if b[i] >= 0 {
					d[i] = math.Abs(a[i])
				} else {
					d[i] = -math.Abs(a[i])
				}
			}
		case opMod:
			b := regs[int(in.b)*lanes : int(in.b)*lanes+nl]
			for i := range d {
				d[i] = math.Mod(a[i], b[i])
			}
		case opMax:
			b := regs[int(in.b)*lanes : int(in.b)*lanes+nl]
			for i := range d {
				if a[i] >= b[i] {
					d[i] = a[i]
				} else {
					d[i] = b[i]
				}
			}
		case opMin:
			b := regs[int(in.b)*lanes : int(in.b)*lanes+nl]
			for i := range d {
				if a[i] <= b[i] {
					d[i] = a[i]
				} else {
					d[i] = b[i]
				}
			}
		case opLT, opLE, opGT, opGE, opEQ, opNE:
			b := regs[int(in.b)*lanes : int(in.b)*lanes+nl]
			for i := range d {
				var t bool
				switch in.op {
				case opLT:
					t = a[i] < b[i]
				case opLE:
					t = a[i] <= b[i]
				case opGT:
					t = a[i] > b[i]
				case opGE:
					t = a[i] >= b[i]
				case opEQ:
					t = a[i] == b[i]
				default:
					t = a[i] != b[i]
				}
				d[i] = b2f(t)
			}
		case opAnd:
			b := regs[int(in.b)*lanes : int(in.b)*lanes+nl]
			for i := range d {
				d[i] = b2f(a[i] != 0 && b[i] != 0)
			}
		case opOr:
			b := regs[int(in.b)*lanes : int(in.b)*lanes+nl]
			for i := range d {
				d[i] = b2f(a[i] != 0 || b[i] != 0)
			}
		case opEqv:
			b := regs[int(in.b)*lanes : int(in.b)*lanes+nl]
			for i := range d {
				d[i] = b2f((a[i] != 0) == (b[i] != 0))
			}
		case opNot:
			for i := range d {
				d[i] = b2f(a[i] == 0)
			}
		case opSel:
			b := regs[int(in.b)*lanes : int(in.b)*lanes+nl]
			c := regs[int(in.c)*lanes : int(in.c)*lanes+nl]
			for i := range d {
				if c[i] != 0 {
					d[i] = a[i]
				} else {
					d[i] = b[i]
				}
			}
		case opCopy:
			copy(d, a)
		}
	}
}

// ---------------------------------------------------------------------------
// Code generation.

type vtype uint8

const (
	tyReal vtype = iota
	tyInt
	tyLogical
)

type value struct {
	reg int32
	ty  vtype
}

type cseKey struct {
	op      opcode
	a, b, c int32
}

// builder generates kernel code. Inputs are allocated first, then constants
// are interned, then instructions are emitted in SSA form with common
// subexpressions shared.
type builder struct {
	nin     int
	consts  []float64
	constIx map[uint64]int32
	code    []instr
	nreg    int32
	cse     map[cseKey]int32
	// constant registers are numbered after all code registers at finish
	// time; until then they are tagged with negative numbers.
	constOf map[int32]float64
	calls   []callSite
}

// emitCall emits a call of an external function with the flattened
// argument registers in; nout of them (the array arguments') get new
// registers after the call where wantOut is true. It returns the register
// of the value and the output registers (-1 where not wanted).
func (b *builder) emitCall(p *fproc, in []int32, wantOut []bool) (int32, []int32) {
	res := b.nreg
	b.nreg++
	out := make([]int32, len(in))
	for i := range out {
		out[i] = -1
		if wantOut[i] {
			out[i] = b.nreg
			b.nreg++
		}
	}
	b.code = append(b.code, instr{op: opCall, d: res, a: int32(len(b.calls))})
	b.calls = append(b.calls, callSite{proc: p, in: append([]int32(nil), in...), out: out, res: res})
	return res, out
}

func newBuilder(nin int) *builder {
	return &builder{nin: nin, constIx: map[uint64]int32{}, cse: map[cseKey]int32{}, nreg: int32(nin), constOf: map[int32]float64{}}
}

func (b *builder) constant(v float64) int32 {
	key := math.Float64bits(v)
	if r, ok := b.constIx[key]; ok {
		return r
	}
	r := -int32(len(b.consts)) - 1
	b.consts = append(b.consts, v)
	b.constIx[key] = r
	b.constOf[r] = v
	return r
}

func (b *builder) isConst(r int32) (float64, bool) {
	if r < 0 {
		return b.constOf[r], true
	}
	return 0, false
}

func (b *builder) emit(op opcode, a, bb, c int32) int32 {
	key := cseKey{op, a, bb, c}
	if r, ok := b.cse[key]; ok {
		return r
	}
	// Fold constants.
	if av, ok := b.isConst(a); ok {
		bv, okb := b.isConst(bb)
		cv, okc := b.isConst(c)
		unary := op == opNeg || op == opSq || op == opTrunc || op == opNint || (op >= opSqrt && op <= opAbs) || op == opNot || op == opCopy
		if unary || (okb && (op != opSel || okc)) {
			v := foldConst(op, av, bv, cv)
			return b.constant(v)
		}
	}
	d := b.nreg
	b.nreg++
	b.code = append(b.code, instr{op: op, d: d, a: a, b: bb, c: c})
	b.cse[key] = d
	return d
}

func foldConst(op opcode, a, bv, c float64) float64 {
	var regs [4 * lanes]float64
	regs[1*lanes] = a
	regs[2*lanes] = bv
	regs[3*lanes] = c
	k := kernel{code: [3][]instr{{{op: op, d: 0, a: 1, b: 2, c: 3}}}}
	k.run(0, regs[:], 1)
	return regs[0]
}

// finish lays out the registers (inputs, constants, code) and returns the
// kernel with dead code eliminated per level.
func (b *builder) finish(outF int32, outG, outH []int32) *kernel {
	nc := int32(len(b.consts))
	remap := func(r int32) int32 {
		if r < 0 {
			return int32(b.nin) + (-r - 1)
		}
		if r < int32(b.nin) {
			return r
		}
		return r + nc
	}
	k := &kernel{nin: b.nin, consts: b.consts, nreg: int(b.nreg + nc)}
	code := make([]instr, len(b.code))
	for i, in := range b.code {
		if in.op == opCall {
			in.d = remap(in.d)
		} else {
			in.d, in.a, in.b, in.c = remap(in.d), remap(in.a), remap(in.b), remap(in.c)
		}
		code[i] = in
	}
	for _, c := range b.calls {
		c.res = remap(c.res)
		c.in = append([]int32(nil), c.in...)
		c.out = append([]int32(nil), c.out...)
		for j := range c.in {
			c.in[j] = remap(c.in[j])
			if c.out[j] >= 0 {
				c.out[j] = remap(c.out[j])
			}
		}
		k.calls = append(k.calls, c)
	}
	k.outF = remap(outF)
	k.outG = make([]int32, len(outG))
	for i, r := range outG {
		k.outG[i] = remap(r)
	}
	k.outH = make([]int32, len(outH))
	for i, r := range outH {
		k.outH[i] = remap(r)
	}
	for lev := 0; lev < 3; lev++ {
		need := make([]bool, k.nreg)
		need[k.outF] = true
		if lev >= levelG {
			for _, r := range k.outG {
				need[r] = true
			}
		}
		if lev >= levelH {
			for _, r := range k.outH {
				need[r] = true
			}
		}
		keep := make([]bool, len(code))
		for i := len(code) - 1; i >= 0; i-- {
			in := code[i]
			if in.op == opCall {
				c := &k.calls[in.a]
				used := need[in.d]
				for _, r := range c.out {
					used = used || r >= 0 && need[r]
				}
				if used {
					keep[i] = true
					for _, r := range c.in {
						need[r] = true
					}
				}
				continue
			}
			if !need[in.d] {
				continue
			}
			keep[i] = true
			need[in.a] = true
			need[in.b] = true
			need[in.c] = true
		}
		for i, in := range code {
			if keep[i] {
				k.code[lev] = append(k.code[lev], in)
			}
		}
	}
	return k
}

// scope maps names (upper case) to values during code generation.
type scope struct {
	b      *builder
	names  map[string]value
	inputs map[string]bool // names of the kernel's inputs (assignable without a TEMPORARIES entry)

	fp     *funcPart
	it     *interp
	arrays map[string][]value // current elements of the array temporaries
	// guard is the condition of the I (guardTrue) or E card being compiled:
	// an external call's writes to arrays take effect only where it holds.
	guard     *value
	guardTrue bool
}

// array returns the elements of array temporary name (all 0 until
// written, like a fresh Fortran local), or nil.
func (s *scope) array(name string) []value {
	if s.fp == nil || s.fp.arrays == nil {
		return nil
	}
	dims, ok := s.fp.arrays[name]
	if !ok {
		return nil
	}
	a, ok := s.arrays[name]
	if !ok {
		size := 1
		for _, d := range dims {
			size *= d
		}
		a = make([]value, size)
		ty := tyReal
		switch s.fp.temps[name] {
		case 'I':
			ty = tyInt
		case 'L':
			ty = tyLogical
		}
		for i := range a {
			a[i] = value{s.b.constant(0), ty}
		}
		if s.arrays == nil {
			s.arrays = map[string][]value{}
		}
		s.arrays[name] = a
	}
	return a
}

// element compiles a reference to an array temporary with constant
// subscripts.
func (s *scope) element(n *node) (value, error) {
	a := s.array(n.name)
	dims := s.fp.arrays[n.name]
	if len(n.args) != len(dims) {
		return value{}, fmt.Errorf("%s has %d dimension(s)", n.name, len(dims))
	}
	k, stride := 0, 1
	for d, x := range n.args {
		v, err := s.gen(x)
		if err != nil {
			return value{}, err
		}
		c, ok := s.b.isConst(v.reg)
		if !ok || c != float64(int(c)) {
			return value{}, fmt.Errorf("subscripts of %s must be integer constants", n.name)
		}
		if c < 1 || int(c) > dims[d] {
			return value{}, fmt.Errorf("subscript %g of %s out of bounds 1…%d", c, n.name, dims[d])
		}
		k += (int(c) - 1) * stride
		stride *= dims[d]
	}
	return a[k], nil
}

// external compiles a call of an external function (an F temporary).
func (s *scope) external(n *node) (value, error) {
	procs, err := s.it.externalProcs()
	if err != nil {
		return value{}, err
	}
	p, ok := procs[n.name]
	if !ok {
		return value{}, fmt.Errorf("external function %s: no Fortran source for it after the last ENDATA", n.name)
	}
	if len(n.args) != p.arity {
		return value{}, fmt.Errorf("external function %s takes %d arguments, got %d", n.name, p.arity, len(n.args))
	}
	var in []int32
	var want []bool
	type arrArg struct {
		name      string
		from, len int
	}
	var arrs []arrArg
	for i, x := range n.args {
		d := p.args[i]
		if d.dims == nil {
			v, err := s.gen(x)
			if err != nil {
				return value{}, err
			}
			in = append(in, v.reg)
			want = append(want, false)
			continue
		}
		if x.op != "name" || s.array(x.name) == nil {
			return value{}, fmt.Errorf("argument %d of %s must be an array temporary (the dummy %s is an array)", i+1, n.name, d.name)
		}
		a := s.array(x.name)
		if len(a) < d.size {
			return value{}, fmt.Errorf("array %s has %d elements, %s's dummy %s needs %d", x.name, len(a), n.name, d.name, d.size)
		}
		arrs = append(arrs, arrArg{x.name, len(in), d.size})
		for _, v := range a[:d.size] {
			in = append(in, v.reg)
			want = append(want, true)
		}
	}
	res, out := s.b.emitCall(p, in, want)
	for _, aa := range arrs {
		a := s.arrays[aa.name]
		for j := 0; j < aa.len; j++ {
			nv := out[aa.from+j]
			if s.guard != nil {
				if s.guardTrue {
					nv = s.b.emit(opSel, nv, a[j].reg, s.guard.reg)
				} else {
					nv = s.b.emit(opSel, a[j].reg, nv, s.guard.reg)
				}
			}
			a[j] = value{nv, a[j].ty}
		}
	}
	ty := tyReal
	switch p.res.ty {
	case fInt:
		ty = tyInt
	case fLogical:
		ty = tyLogical
	}
	return value{res, ty}, nil
}

func (s *scope) gen(n *node) (value, error) {
	b := s.b
	switch n.op {
	case "num":
		ty := tyReal
		if n.isInt {
			ty = tyInt
		}
		return value{b.constant(n.v), ty}, nil
	case "bool":
		return value{b.constant(n.v), tyLogical}, nil
	case "name":
		v, ok := s.names[n.name]
		if !ok {
			if s.fp != nil && s.fp.arrays != nil && s.fp.arrays[n.name] != nil {
				return value{}, fmt.Errorf("array %s used without subscripts", n.name)
			}
			if s.fp != nil && s.fp.temps[n.name] != 0 {
				return value{}, fmt.Errorf("temporary %s is used before it is assigned", n.name)
			}
			return value{}, fmt.Errorf("undefined name %s", n.name)
		}
		return v, nil
	case "neg":
		a, err := s.gen(n.args[0])
		if err != nil {
			return value{}, err
		}
		return value{b.emit(opNeg, a.reg, 0, 0), a.ty}, nil
	case "not":
		a, err := s.gen(n.args[0])
		if err != nil {
			return value{}, err
		}
		return value{b.emit(opNot, a.reg, 0, 0), tyLogical}, nil
	case "call":
		return s.call(n)
	}
	if len(n.args) != 2 {
		return value{}, fmt.Errorf("malformed expression")
	}
	x, err := s.gen(n.args[0])
	if err != nil {
		return value{}, err
	}
	y, err := s.gen(n.args[1])
	if err != nil {
		return value{}, err
	}
	bothInt := x.ty == tyInt && y.ty == tyInt
	num := tyReal
	if bothInt {
		num = tyInt
	}
	switch n.op {
	case "+":
		return value{b.emit(opAdd, x.reg, y.reg, 0), num}, nil
	case "-":
		return value{b.emit(opSub, x.reg, y.reg, 0), num}, nil
	case "*":
		if x.reg == y.reg {
			return value{b.emit(opSq, x.reg, 0, 0), num}, nil
		}
		return value{b.emit(opMul, x.reg, y.reg, 0), num}, nil
	case "/":
		if bothInt {
			return value{b.emit(opIDiv, x.reg, y.reg, 0), tyInt}, nil
		}
		return value{b.emit(opDiv, x.reg, y.reg, 0), tyReal}, nil
	case "**":
		if c, ok := b.isConst(y.reg); ok && !bothInt {
			switch c {
			case 1:
				return x, nil
			case 2:
				return value{b.emit(opSq, x.reg, 0, 0), num}, nil
			case 3:
				sq := b.emit(opSq, x.reg, 0, 0)
				return value{b.emit(opMul, sq, x.reg, 0), num}, nil
			case 4:
				sq := b.emit(opSq, x.reg, 0, 0)
				return value{b.emit(opSq, sq, 0, 0), num}, nil
			}
		}
		r := b.emit(opPow, x.reg, y.reg, 0)
		if bothInt {
			r = b.emit(opTrunc, r, 0, 0)
		}
		return value{r, num}, nil
	case "NEQV":
		e := b.emit(opEqv, x.reg, y.reg, 0)
		return value{b.emit(opNot, e, 0, 0), tyLogical}, nil
	}
	if op, ok := logicalOps[n.op]; ok {
		return value{b.emit(op, x.reg, y.reg, 0), tyLogical}, nil
	}
	return value{}, fmt.Errorf("unknown operator %s", n.op)
}

// logicalOps are the Fortran relational and logical operators with a
// logical result that compile to one instruction.
var logicalOps = map[string]opcode{
	"LT": opLT, "LE": opLE, "GT": opGT, "GE": opGE, "EQ": opEQ, "NE": opNE,
	"AND": opAnd, "OR": opOr, "EQV": opEqv,
}

var unaryFuncs = map[string]opcode{
	"SQRT": opSqrt, "DSQRT": opSqrt, "EXP": opExp, "DEXP": opExp, "LOG": opLog, "DLOG": opLog, "ALOG": opLog,
	"LOG10": opLog10, "DLOG10": opLog10, "ALOG10": opLog10, "SIN": opSin, "DSIN": opSin, "COS": opCos, "DCOS": opCos,
	"TAN": opTan, "DTAN": opTan, "ASIN": opAsin, "DASIN": opAsin, "ACOS": opAcos, "DACOS": opAcos,
	"ATAN": opAtan, "DATAN": opAtan, "SINH": opSinh, "DSINH": opSinh, "COSH": opCosh, "DCOSH": opCosh,
	"TANH": opTanh, "DTANH": opTanh, "ABS": opAbs, "DABS": opAbs, "IABS": opAbs,
}

func (s *scope) call(n *node) (value, error) {
	b := s.b
	if s.array(n.name) != nil {
		return s.element(n)
	}
	if s.fp != nil && s.fp.temps[n.name] == 'F' {
		return s.external(n)
	}
	args := make([]value, len(n.args))
	for i, a := range n.args {
		v, err := s.gen(a)
		if err != nil {
			return value{}, err
		}
		args[i] = v
	}
	want := func(k int) error {
		if len(args) != k {
			return fmt.Errorf("%s takes %d argument(s), got %d", n.name, k, len(args))
		}
		return nil
	}
	if op, ok := unaryFuncs[n.name]; ok {
		if err := want(1); err != nil {
			return value{}, err
		}
		ty := tyReal
		if op == opAbs && args[0].ty == tyInt {
			ty = tyInt
		}
		return value{b.emit(op, args[0].reg, 0, 0), ty}, nil
	}
	switch n.name {
	case "DBLE", "REAL", "FLOAT", "SNGL", "DFLOAT":
		if err := want(1); err != nil {
			return value{}, err
		}
		return value{args[0].reg, tyReal}, nil
	case "INT", "IFIX", "IDINT":
		if err := want(1); err != nil {
			return value{}, err
		}
		return value{b.emit(opTrunc, args[0].reg, 0, 0), tyInt}, nil
	case "NINT", "IDNINT":
		if err := want(1); err != nil {
			return value{}, err
		}
		return value{b.emit(opNint, args[0].reg, 0, 0), tyInt}, nil
	case "ANINT", "DNINT":
		if err := want(1); err != nil {
			return value{}, err
		}
		return value{b.emit(opNint, args[0].reg, 0, 0), tyReal}, nil
	case "ATAN2", "DATAN2", "SIGN", "DSIGN", "ISIGN", "MOD", "AMOD", "DMOD":
		if err := want(2); err != nil {
			return value{}, err
		}
		op := opAtan2
		switch n.name {
		case "SIGN", "DSIGN", "ISIGN":
			op = opSign
		case "MOD", "AMOD", "DMOD":
			op = opMod
		}
		ty := tyReal
		if op != opAtan2 && args[0].ty == tyInt && args[1].ty == tyInt {
			ty = tyInt
		}
		return value{b.emit(op, args[0].reg, args[1].reg, 0), ty}, nil
	case "MAX", "MIN", "AMAX1", "AMIN1", "DMAX1", "DMIN1", "MAX0", "MIN0", "AMAX0", "AMIN0", "MAX1", "MIN1":
		if len(args) < 2 {
			return value{}, fmt.Errorf("%s needs at least 2 arguments", n.name)
		}
		var op opcode
		if n.name == "MIN" || n.name == "AMIN1" || n.name == "DMIN1" || n.name == "MIN0" || n.name == "AMIN0" || n.name == "MIN1" {
			op = opMin
		} else {
			op = opMax
		}
		r := args[0]
		for _, a := range args[1:] {
			ty := tyReal
			if r.ty == tyInt && a.ty == tyInt {
				ty = tyInt
			}
			r = value{b.emit(op, r.reg, a.reg, 0), ty}
		}
		return r, nil
	}
	return value{}, fmt.Errorf("unknown function %s", n.name)
}

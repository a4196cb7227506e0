package cutest

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// compile generates the kernel of one element type (or group type when
// group is true) from its INDIVIDUALS block.
func (it *interp) compile(fp *funcPart, blk *fblock, inputs []string, niv int, group bool) (*kernel, error) {
	b := newBuilder(len(inputs))
	s := &scope{b: b, names: map[string]value{}, fp: fp, it: it}
	if fp != nil {
		for _, st := range fp.globals {
			if err := it.assign(s, fp, st); err != nil {
				return nil, err
			}
		}
	}
	s.inputs = map[string]bool{}
	for i, n := range inputs {
		s.names[n] = value{int32(i), tyReal}
		s.inputs[n] = true
	}
	zero := b.constant(0)
	outF := int32(-1 << 30)
	outG := make([]int32, niv)
	outH := make([]int32, niv*(niv+1)/2)
	for i := range outG {
		outG[i] = zero
	}
	for i := range outH {
		outH[i] = zero
	}
	sawG := false
	for _, st := range blk.stmts {
		switch st.kind {
		case 'A', 'I', 'E':
			if err := it.assign(s, fp, st); err != nil {
				return nil, err
			}
			continue
		}
		n, err := parseExpr(st.expr)
		if err != nil {
			return nil, it.errf(st.line, "%v", err)
		}
		v, err := s.gen(n)
		if err != nil {
			return nil, it.errf(st.line, "%v", err)
		}
		switch st.kind {
		case 'F':
			outF = v.reg
		case 'G':
			sawG = true
			k := 0
			if !group {
				if k = indexOf(inputs[:niv], st.f2); k < 0 {
					return nil, it.errf(st.line, "G card names %q, which is not an internal variable of %s", st.f2, blk.name)
				}
			}
			outG[k] = v.reg
		case 'H':
			k, l := 0, 0
			if !group {
				k, l = indexOf(inputs[:niv], st.f2), indexOf(inputs[:niv], st.f3)
				if k < 0 || l < 0 {
					return nil, it.errf(st.line, "H card names %q, %q: not internal variables of %s", st.f2, st.f3, blk.name)
				}
				if k < l {
					k, l = l, k
				}
			}
			outH[k*(k+1)/2+l] = v.reg
		}
	}
	if outF == -1<<30 {
		return nil, it.errf(blk.line, "type %s has no F card", blk.name)
	}
	if !sawG {
		return nil, it.errf(blk.line, "type %s has no G cards (derivatives are required)", blk.name)
	}
	return b.finish(outF, outG, outH), nil
}

func (it *interp) assign(s *scope, fp *funcPart, st stmt) error {
	n, err := parseExpr(st.expr)
	if err != nil {
		return it.errf(st.line, "%v", err)
	}
	if st.kind != 'A' {
		if cond, ok := s.names[st.f2]; ok {
			s.guard, s.guardTrue = &cond, st.kind == 'I'
		}
	}
	v, err := s.gen(n)
	s.guard = nil
	if err != nil {
		return it.errf(st.line, "%v", err)
	}
	target := st.f2
	if st.kind != 'A' {
		target = st.f3
	}
	if target == "" {
		return it.errf(st.line, "assignment without a target name")
	}
	kind := byte('R')
	if fp != nil {
		k, ok := fp.temps[target]
		if !ok {
			// A name that starts one column early, in the separator
			// column 4 (TAX1C's GLOBALS card " A EPSLON  0.1D0"), is read
			// from column 4 when that reading, and only that one, names a
			// declared temporary: field 2 as written (columns 5–14,
			// "PSLON") names nothing, so the card has no other meaning.
			// SIFDecode rejects such a card ("undefined parameter in
			// GLOBALS section"); kkt reads it as its author wrote it.
			if st.kind == 'A' && st.c4f2 != st.f2 && len(st.c4f2) <= 10 && strings.HasSuffix(st.c4f2, st.f2) {
				if _, input := s.inputs[target]; !input {
					if k4, declared := fp.temps[st.c4f2]; declared {
						target, k, ok = st.c4f2, k4, true
					}
				}
			}
		}
		if !ok {
			if _, input := s.inputs[target]; !input {
				// The SIF report (TEMPORARIES): "Any auxiliary parameter
				// that is to be used must be defined in the TEMPORARIES
				// section"; SIFDecode rejects the card ("undefined
				// parameter in GLOBALS section").
				return it.errf(st.line, "%s is assigned but not declared in TEMPORARIES (field 2 is columns 5–14)", target)
			}
		}
		kind = k
		if !ok {
			kind = 'R'
		}
	}
	switch kind {
	case 'I':
		if v.ty != tyInt {
			v = value{s.b.emit(opTrunc, v.reg, 0, 0), tyInt}
		}
	case 'L':
		v.ty = tyLogical
	default:
		v.ty = tyReal
	}
	if st.kind != 'A' {
		cond, ok := s.names[st.f2]
		if !ok {
			return it.errf(st.line, "undefined logical %s", st.f2)
		}
		old, ok := s.names[target]
		if !ok {
			old = value{s.b.constant(0), v.ty}
		}
		if st.kind == 'I' {
			v = value{s.b.emit(opSel, v.reg, old.reg, cond.reg), v.ty}
		} else {
			v = value{s.b.emit(opSel, old.reg, v.reg, cond.reg), v.ty}
		}
	}
	s.names[target] = v
	return nil
}

// build assembles the Problem from the executed data part and the function
// parts.
func (it *interp) build() (*Problem, error) {
	it.ensureGUses()
	m := &model{name: it.name, class: it.class, objLo: it.objLo, objUp: it.objUp}
	n := len(it.varNames)
	ng := len(it.gNames)
	m.n, m.ng = n, ng
	m.varNames = it.varNames
	m.varScale = it.varScale
	m.x0 = make([]float64, n)
	m.xl = make([]float64, n)
	m.xu = make([]float64, n)
	for j := 0; j < n; j++ {
		m.x0[j] = it.startDefV
		if v, ok := it.startV[j]; ok {
			m.x0[j] = v
		}
		m.xl[j], m.xu[j] = it.defLo, it.defUp
		if v, ok := it.loOf[j]; ok {
			m.xl[j] = v
		}
		if v, ok := it.upOf[j]; ok {
			m.xu[j] = v
		}
	}
	// Groups.
	m.gKind = it.gKind
	m.gScale = make([]float64, ng)
	m.gInv = make([]float64, ng)
	m.gConst = make([]float64, ng)
	m.linPtr = make([]int, ng+1)
	m.gElPtr = make([]int, ng+1)
	nlin, nel := 0, 0
	for g := 0; g < ng; g++ {
		nlin += len(it.gLin[g])
		nel += len(it.gEls[g])
	}
	m.linCol = make([]int, 0, nlin)
	m.linVal = make([]float64, 0, nlin)
	m.gEl = make([]int32, 0, nel)
	m.gElW = make([]float64, 0, nel)
	for g := 0; g < ng; g++ {
		s := it.gScale[g]
		if math.Abs(s) <= 1e-15 {
			s = 1
		}
		m.gScale[g] = s
		m.gInv[g] = 1 / s
		m.gConst[g] = it.constDef
		if v, ok := it.constOf[g]; ok {
			m.gConst[g] = v
		}
		// Sum duplicate coefficients, keep first-appearance order.
		seen := map[int]int{}
		start := len(m.linCol)
		for _, e := range it.gLin[g] {
			if k, ok := seen[e.v]; ok {
				m.linVal[start+k] += e.coef
				continue
			}
			seen[e.v] = len(m.linCol) - start
			m.linCol = append(m.linCol, e.v)
			m.linVal = append(m.linVal, e.coef)
		}
		m.linPtr[g+1] = len(m.linCol)
		for _, ew := range it.gEls[g] {
			m.gEl = append(m.gEl, int32(ew.e))
			m.gElW = append(m.gElW, ew.w)
		}
		m.gElPtr[g+1] = len(m.gEl)
		if it.gKind[g] == 'N' {
			m.objGroups = append(m.objGroups, int32(g))
		}
	}
	// Constraints in SIF order.
	m.gRole = make([]int32, ng)
	for g := 0; g < ng; g++ {
		m.gRole[g] = -1
		if it.gKind[g] == 'N' {
			continue
		}
		j := len(m.conGroup)
		m.gRole[g] = int32(j)
		m.conGroup = append(m.conGroup, int32(g))
		m.conNames = append(m.conNames, it.gNames[g])
		r := it.rangeDef
		if v, ok := it.rangeOf[g]; ok {
			r = v
		}
		r = infy(r)
		lo, up := 0.0, 0.0
		switch it.gKind[g] {
		case 'L':
			lo = -r
		case 'G':
			up = r
		}
		m.cl = append(m.cl, lo)
		m.cu = append(m.cu, up)
		y := it.startDefM
		if v, ok := it.startM[g]; ok {
			y = v
		}
		m.y0 = append(m.y0, y)
		m.conKind = append(m.conKind, it.gKind[g])
	}
	m.m = len(m.conGroup)
	// Quadratic term, stored as a full symmetric CSR (duplicates summed).
	if err := m.buildQuad(it.quad); err != nil {
		return nil, err
	}
	// Elements.
	ne := len(it.elems)
	nvTotal := 0
	for _, el := range it.elems {
		nvTotal += len(el.vars)
	}
	m.elVar = make([]int32, 0, nvTotal)
	m.elVarPtr = make([]int, ne+1)
	m.elHPtr = make([]int, ne+1)
	m.elType = make([]int32, ne)
	for e, el := range it.elems {
		for k, v := range el.vars {
			if v < 0 {
				return nil, it.errf(el.line, "elemental variable %s of element %s is not bound", it.etypes[el.typ].ev[k], el.name)
			}
		}
		for k, ok := range el.pset {
			if !ok {
				return nil, it.errf(el.line, "parameter %s of element %s is not set", it.etypes[el.typ].ep[k], el.name)
			}
		}
		for _, v := range el.vars {
			m.elVar = append(m.elVar, int32(v))
		}
		nev := len(el.vars)
		m.elVarPtr[e+1] = len(m.elVar)
		m.elHPtr[e+1] = m.elHPtr[e] + nev*(nev+1)/2
		m.elType[e] = int32(el.typ)
	}
	used := make([][]int32, len(it.etypes))
	for e, el := range it.elems {
		used[el.typ] = append(used[el.typ], int32(e))
	}
	for t, et := range it.etypes {
		if len(used[t]) == 0 {
			continue
		}
		var blk *fblock
		if it.elemPart != nil {
			blk = it.elemPart.blocks[et.name]
		}
		if blk == nil {
			return nil, it.errf(et.line, "element type %s has no INDIVIDUALS block in the ELEMENTS part", et.name)
		}
		ek := &etype{name: et.name, nev: len(et.ev), nep: len(et.ep), elems: used[t]}
		ivs := et.ev
		if len(et.iv) > 0 {
			ivs = et.iv
			ek.niv = len(et.iv)
			ek.w = make([]float64, ek.niv*ek.nev)
			for _, r := range blk.rs {
				k, j := indexOf(et.iv, r.iv), indexOf(et.ev, r.ev)
				if k < 0 || j < 0 {
					return nil, it.errf(r.line, "R card names %s, %s: not an internal/elemental variable pair of %s", r.iv, r.ev, et.name)
				}
				ek.w[k*ek.nev+j] += r.coef
			}
		} else {
			if len(blk.rs) > 0 {
				return nil, it.errf(blk.rs[0].line, "R card in type %s, which has no internal variables", et.name)
			}
			ek.niv = ek.nev
		}
		inputs := append(append([]string{}, ivs...), et.ep...)
		k, err := it.compile(it.elemPart, blk, inputs, ek.niv, false)
		if err != nil {
			return nil, err
		}
		ek.k = k
		ek.params = make([]float64, 0, len(used[t])*ek.nep)
		for _, e := range used[t] {
			ek.params = append(ek.params, it.elems[e].params...)
		}
		m.etypes = append(m.etypes, ek)
	}
	// Group types.
	m.gTrivial = make([]bool, ng)
	gused := make([][]int32, len(it.gtypes))
	for g := 0; g < ng; g++ {
		t := it.gType[g]
		if !it.gTypeSet[g] {
			t = it.defGT
			if t >= 0 && len(it.gtypes[t].gp) > 0 {
				return nil, it.errf(0, "group %s gets the default type %s, whose parameters it cannot set", it.gNames[g], it.gtypes[t].name)
			}
		}
		if t < 0 {
			m.gTrivial[g] = true
			continue
		}
		for q, ok := range it.gPset[g] {
			if !ok {
				return nil, it.errf(0, "parameter %s of group %s is not set", it.gtypes[t].gp[q], it.gNames[g])
			}
		}
		gused[t] = append(gused[t], int32(g))
	}
	for t, gt := range it.gtypes {
		if len(gused[t]) == 0 {
			continue
		}
		var blk *fblock
		if it.grpPart != nil {
			blk = it.grpPart.blocks[gt.name]
		}
		if blk == nil {
			return nil, it.errf(gt.line, "group type %s has no INDIVIDUALS block in the GROUPS part", gt.name)
		}
		if gt.gv == "" {
			return nil, it.errf(gt.line, "group type %s has no GV card", gt.name)
		}
		inputs := append([]string{gt.gv}, gt.gp...)
		k, err := it.compile(it.grpPart, blk, inputs, 1, true)
		if err != nil {
			return nil, err
		}
		gk := &gtype{name: gt.name, k: k, np: len(gt.gp), groups: gused[t]}
		for _, g := range gused[t] {
			if it.gTypeSet[g] {
				gk.params = append(gk.params, it.gPar[g]...)
			}
		}
		m.gtypes = append(m.gtypes, gk)
	}
	m.buildJacobianPattern()
	return newProblem(m), nil
}

func (m *model) buildQuad(q [][3]float64) error {
	n := m.n
	rows := make([]map[int]float64, n)
	add := func(i, j int, v float64) {
		if rows[i] == nil {
			rows[i] = map[int]float64{}
		}
		rows[i][j] += v
	}
	for _, e := range q {
		i, j, h := int(e[0]), int(e[1]), e[2]
		add(i, j, h)
		if i != j {
			add(j, i, h)
		}
	}
	m.qPtr = make([]int, n+1)
	for i := 0; i < n; i++ {
		cols := make([]int, 0, len(rows[i]))
		for j := range rows[i] {
			cols = append(cols, j)
		}
		sort.Ints(cols)
		for _, j := range cols {
			m.qCol = append(m.qCol, j)
			m.qVal = append(m.qVal, rows[i][j])
		}
		m.qPtr[i+1] = len(m.qCol)
	}
	return nil
}

// groupSupport returns the sorted distinct variables group g depends on.
func (m *model) groupSupport(g int, buf []int) []int {
	buf = buf[:0]
	buf = append(buf, m.linCol[m.linPtr[g]:m.linPtr[g+1]]...)
	for k := m.gElPtr[g]; k < m.gElPtr[g+1]; k++ {
		e := m.gEl[k]
		for _, v := range m.elVar[m.elVarPtr[e]:m.elVarPtr[e+1]] {
			buf = append(buf, int(v))
		}
	}
	sort.Ints(buf)
	out := buf[:0]
	for i, v := range buf {
		if i == 0 || v != buf[i-1] {
			out = append(out, v)
		}
	}
	return out
}

func (m *model) buildJacobianPattern() {
	m.jPtr = make([]int, m.m+1)
	bound := 0
	for _, g := range m.conGroup {
		bound += m.linPtr[g+1] - m.linPtr[g]
		for k := m.gElPtr[g]; k < m.gElPtr[g+1]; k++ {
			e := m.gEl[k]
			bound += m.elVarPtr[e+1] - m.elVarPtr[e]
		}
	}
	m.jCol = make([]int, 0, bound)
	var buf []int
	for j, g := range m.conGroup {
		buf = m.groupSupport(int(g), buf)
		m.jCol = append(m.jCol, buf...)
		m.jPtr[j+1] = len(m.jCol)
	}
	find := func(row, col int) int32 {
		lo, hi := m.jPtr[row], m.jPtr[row+1]
		k := lo + sort.SearchInts(m.jCol[lo:hi], col)
		return int32(k)
	}
	m.jPosLin = make([]int32, len(m.linCol))
	m.jPosElOff = make([]int32, len(m.gEl)+1)
	for g := 0; g < m.ng; g++ {
		j := int(m.gRole[g])
		for k := m.gElPtr[g]; k < m.gElPtr[g+1]; k++ {
			e := m.gEl[k]
			cnt := 0
			if j >= 0 {
				cnt = m.elVarPtr[e+1] - m.elVarPtr[e]
			}
			m.jPosElOff[k+1] = m.jPosElOff[k] + int32(cnt)
		}
	}
	m.jPosEl = make([]int32, m.jPosElOff[len(m.gEl)])
	m.jDirect = len(m.jPosEl) == 0
	for g := 0; g < m.ng; g++ {
		j := int(m.gRole[g])
		if j < 0 {
			continue
		}
		for k := m.linPtr[g]; k < m.linPtr[g+1]; k++ {
			m.jPosLin[k] = find(j, m.linCol[k])
		}
		for k := m.gElPtr[g]; k < m.gElPtr[g+1]; k++ {
			e := m.gEl[k]
			off := m.jPosElOff[k]
			for a, v := range m.elVar[m.elVarPtr[e]:m.elVarPtr[e+1]] {
				m.jPosEl[int(off)+a] = find(j, int(v))
			}
		}
	}
}

func (m *model) String() string {
	return fmt.Sprintf("%s (n=%d, m=%d, %s)", m.name, m.n, m.m, strings.TrimSpace(m.class))
}

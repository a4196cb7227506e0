package cutest

import (
	"math"
	"sort"

	"github.com/james-bowman/sparse"
)

// etype is a compiled element type with the elements that use it.
type etype struct {
	name          string
	k             *kernel
	nev, niv, nep int
	w             []float64 // niv×nev range transformation u = W v (nil: identity)
	elems         []int32
	params        []float64 // nep per element, in elems order
}

// gtype is a compiled group type with the groups that use it.
type gtype struct {
	name   string
	k      *kernel
	np     int
	groups []int32
	params []float64
}

// model is the immutable part of a Problem, shared by clones.
type model struct {
	name, class      string
	n, m, ng         int
	varNames         []string
	conNames         []string
	varScale         []float64
	x0, xl, xu       []float64
	y0, cl, cu       []float64
	conKind          []byte
	objLo, objUp     float64
	gKind            []byte
	gScale, gConst   []float64
	gInv             []float64 // 1/gScale
	linPtr, linCol   []int
	linVal           []float64
	gElPtr           []int
	gEl              []int32
	gElW             []float64
	objGroups        []int32
	conGroup         []int32
	gRole            []int32
	gTrivial         []bool
	qPtr, qCol       []int
	qVal             []float64
	elVarPtr, elHPtr []int
	elVar            []int32
	elType           []int32
	etypes           []*etype
	gtypes           []*gtype
	// Jacobian pattern and scatter positions.
	jPtr, jCol []int
	jPosLin    []int32 // position of each linear entry of a constraint group
	jPosElOff  []int32 // offset into jPosEl of each group-element occurrence
	jPosEl     []int32
	jDirect    bool // constraints are purely linear groups: no zeroing needed
}

// Problem is a CUTEst problem read from a SIF file:
//
//	minimize f(x) subject to cl ≤ c(x) ≤ cu, xl ≤ x ≤ xu,
//
// with f and c group partially separable (see the package documentation).
// The Lagrangian is L(x, y) = f(x) + yᵀc(x).
//
// A Problem caches the element and group values of the last point it was
// evaluated at, so it is not safe for concurrent use; Clone returns an
// independent Problem that shares the compiled model.
type Problem struct {
	*model
	ws workspace
}

type workspace struct {
	x     []float64 // point of the cached values
	level int       // evaluated level at x (-1: none)
	elF   []float64
	elG   []float64
	elH   []float64
	alpha []float64
	gv    []float64
	gd1   []float64
	gd2   []float64
	eregs [][]float64
	escr  [][]float64
	gregs [][]float64
	jac   *sparse.CSR
	jdata []float64
	hess  *sparse.CSR
	hPtr  []int
	hCol  []int
	hdata []float64
	tmpN  []float64
	sup   []int
}

func newProblem(m *model) *Problem {
	p := &Problem{model: m}
	ws := &p.ws
	ws.level = -1
	ws.x = make([]float64, m.n)
	ne := len(m.elType)
	ws.elF = make([]float64, ne)
	ws.elG = make([]float64, len(m.elVar))
	ws.elH = make([]float64, m.elHPtr[ne])
	ws.alpha = make([]float64, m.ng)
	ws.gv = make([]float64, m.ng)
	ws.gd1 = make([]float64, m.ng)
	ws.gd2 = make([]float64, m.ng)
	for _, t := range m.etypes {
		ws.eregs = append(ws.eregs, t.k.newRegs())
		if t.w != nil {
			ws.escr = append(ws.escr, make([]float64, t.nev*lanes))
		} else {
			ws.escr = append(ws.escr, nil)
		}
	}
	for _, t := range m.gtypes {
		ws.gregs = append(ws.gregs, t.k.newRegs())
	}
	ws.jdata = make([]float64, len(m.jCol))
	ws.tmpN = make([]float64, m.n)
	return p
}

// Clone returns a Problem sharing the compiled model with p but with its own
// evaluation workspace, for use in another goroutine.
func (p *Problem) Clone() *Problem { return newProblem(p.model) }

// Name returns the problem name (the NAME card).
func (p *Problem) Name() string { return p.name }

// Classification returns the CUTEst classification string (e.g.
// "SQR2-AN-6-0"), or "" when the file has none.
func (p *Problem) Classification() string { return p.class }

// N returns the number of variables.
func (p *Problem) N() int { return p.n }

// M returns the number of general constraints (E, L and G groups).
func (p *Problem) M() int { return p.m }

func clone(s []float64) []float64 { return append([]float64(nil), s...) }

// X0 returns a copy of the start point.
func (p *Problem) X0() []float64 { return clone(p.x0) }

// XL returns a copy of the variable lower bounds (−Inf when absent).
func (p *Problem) XL() []float64 { return clone(p.xl) }

// XU returns a copy of the variable upper bounds (+Inf when absent).
func (p *Problem) XU() []float64 { return clone(p.xu) }

// CL returns a copy of the constraint lower bounds: 0 for E and G rows,
// −|range| (default −Inf) for L rows.
func (p *Problem) CL() []float64 { return clone(p.cl) }

// CU returns a copy of the constraint upper bounds: 0 for E and L rows,
// |range| (default +Inf) for G rows.
func (p *Problem) CU() []float64 { return clone(p.cu) }

// Y0 returns a copy of the multiplier start (zero unless the SIF file gives
// one).
func (p *Problem) Y0() []float64 { return clone(p.y0) }

// ConstraintKind returns the SIF kind of constraint j: 'E' (equality), 'L'
// (c ≤ 0) or 'G' (c ≥ 0).
func (p *Problem) ConstraintKind(j int) byte { return p.conKind[j] }

// Equality reports whether constraint j is an equality (cl = cu).
func (p *Problem) Equality(j int) bool { return p.cl[j] == p.cu[j] }

// VarNames returns the variable names in order.
func (p *Problem) VarNames() []string { return append([]string(nil), p.varNames...) }

// ConNames returns the constraint (group) names in order.
func (p *Problem) ConNames() []string { return append([]string(nil), p.conNames...) }

// ObjectiveBounds returns the OBJECT BOUND values (−Inf, +Inf when absent).
func (p *Problem) ObjectiveBounds() (lo, up float64) { return p.objLo, p.objUp }

// VarScales returns the SIF variable scales (metadata; CUTEst ignores them
// and so does the evaluation here).
func (p *Problem) VarScales() []float64 { return clone(p.varScale) }

func (p *Problem) checkX(x []float64) {
	if len(x) != p.n {
		panic("cutest: len(x) != N()")
	}
}

// ensure evaluates elements and groups at x up to the given level.
func (p *Problem) ensure(x []float64, level int) {
	p.checkX(x)
	ws := &p.ws
	if ws.level >= 0 {
		same := true
		for i, v := range x {
			if v != ws.x[i] && !(v != v && ws.x[i] != ws.x[i]) {
				same = false
				break
			}
		}
		if same {
			if ws.level >= level {
				return
			}
			// Same point, more derivatives: the group arguments α are
			// unchanged; only the kernels run again at the higher level.
			p.evalElements(x, level)
			p.evalGroupFuncs(level)
			ws.level = level
			return
		}
	}
	copy(ws.x, x)
	p.evalElements(x, level)
	p.evalGroups(x, level)
	ws.level = level
}

func (p *Problem) evalElements(x []float64, level int) {
	ws := &p.ws
	for ti, t := range p.etypes {
		regs := ws.eregs[ti]
		scr := ws.escr[ti]
		k := t.k
		for s := 0; s < len(t.elems); s += lanes {
			nl := len(t.elems) - s
			if nl > lanes {
				nl = lanes
			}
			els := t.elems[s : s+nl]
			// Gather elemental variables (into the inputs or the scratch).
			dst := regs
			if t.w != nil {
				dst = scr
			}
			for j := 0; j < t.nev; j++ {
				row := dst[j*lanes : j*lanes+nl]
				for l, e := range els {
					row[l] = x[p.elVar[p.elVarPtr[e]+j]]
				}
			}
			if t.w != nil {
				for kk := 0; kk < t.niv; kk++ {
					row := regs[kk*lanes : kk*lanes+nl]
					for l := range row {
						row[l] = 0
					}
					for j := 0; j < t.nev; j++ {
						w := t.w[kk*t.nev+j]
						if w == 0 {
							continue
						}
						v := scr[j*lanes : j*lanes+nl]
						for l := range row {
							row[l] += w * v[l]
						}
					}
				}
			}
			for q := 0; q < t.nep; q++ {
				row := regs[(t.niv+q)*lanes : (t.niv+q)*lanes+nl]
				for l := range row {
					row[l] = t.params[(s+l)*t.nep+q]
				}
			}
			k.run(level, regs, nl)
			fr := regs[int(k.outF)*lanes:]
			for l, e := range els {
				ws.elF[e] = fr[l]
			}
			if level >= levelG {
				p.storeGrad(t, regs, els)
			}
			if level >= levelH {
				p.storeHess(t, regs, els)
			}
		}
	}
}

func (p *Problem) storeGrad(t *etype, regs []float64, els []int32) {
	ws := &p.ws
	k := t.k
	if t.w == nil {
		for j := 0; j < t.nev; j++ {
			gr := regs[int(k.outG[j])*lanes:]
			for l, e := range els {
				ws.elG[p.elVarPtr[e]+j] = gr[l]
			}
		}
		return
	}
	for l, e := range els {
		base := p.elVarPtr[e]
		for j := 0; j < t.nev; j++ {
			s := 0.0
			for kk := 0; kk < t.niv; kk++ {
				s += t.w[kk*t.nev+j] * regs[int(k.outG[kk])*lanes+l]
			}
			ws.elG[base+j] = s
		}
	}
}

func (p *Problem) storeHess(t *etype, regs []float64, els []int32) {
	ws := &p.ws
	k := t.k
	niv, nev := t.niv, t.nev
	if t.w == nil {
		for idx, r := range k.outH {
			hr := regs[int(r)*lanes:]
			for l, e := range els {
				ws.elH[p.elHPtr[e]+idx] = hr[l]
			}
		}
		return
	}
	// H_v = Wᵀ H_u W (packed lower triangles).
	for l, e := range els {
		base := p.elHPtr[e]
		for a := 0; a < nev; a++ {
			for b := 0; b <= a; b++ {
				s := 0.0
				for kk := 0; kk < niv; kk++ {
					wka := t.w[kk*nev+a]
					if wka == 0 {
						continue
					}
					for ll := 0; ll < niv; ll++ {
						wlb := t.w[ll*nev+b]
						if wlb == 0 {
							continue
						}
						i, j := kk, ll
						if i < j {
							i, j = j, i
						}
						s += wka * regs[int(k.outH[i*(i+1)/2+j])*lanes+l] * wlb
					}
				}
				ws.elH[base+a*(a+1)/2+b] = s
			}
		}
	}
}

func (p *Problem) evalGroups(x []float64, level int) {
	ws := &p.ws
	for g := 0; g < p.ng; g++ {
		a := -p.gConst[g]
		lo, hi := p.linPtr[g], p.linPtr[g+1]
		vals := p.linVal[lo:hi]
		for i, c := range p.linCol[lo:hi] {
			a += vals[i] * x[c]
		}
		if elo, ehi := p.gElPtr[g], p.gElPtr[g+1]; elo < ehi {
			w := p.gElW[elo:ehi]
			for i, e := range p.gEl[elo:ehi] {
				a += w[i] * ws.elF[e]
			}
		}
		ws.alpha[g] = a
		if p.gTrivial[g] {
			ws.gv[g], ws.gd1[g], ws.gd2[g] = a, 1, 0
		}
	}
	p.evalGroupFuncs(level)
}

// evalGroupFuncs evaluates the non-trivial group functions at the cached
// group arguments.
func (p *Problem) evalGroupFuncs(level int) {
	ws := &p.ws
	for ti, t := range p.gtypes {
		regs := ws.gregs[ti]
		k := t.k
		for s := 0; s < len(t.groups); s += lanes {
			nl := len(t.groups) - s
			if nl > lanes {
				nl = lanes
			}
			gs := t.groups[s : s+nl]
			for l, g := range gs {
				regs[l] = ws.alpha[g]
			}
			for q := 0; q < t.np; q++ {
				row := regs[(1+q)*lanes : (1+q)*lanes+nl]
				for l := range row {
					row[l] = t.params[(s+l)*t.np+q]
				}
			}
			k.run(level, regs, nl)
			fr := regs[int(k.outF)*lanes:]
			for l, g := range gs {
				ws.gv[g] = fr[l]
			}
			if level >= levelG {
				r := regs[int(k.outG[0])*lanes:]
				for l, g := range gs {
					ws.gd1[g] = r[l]
				}
			}
			if level >= levelH {
				r := regs[int(k.outH[0])*lanes:]
				for l, g := range gs {
					ws.gd2[g] = r[l]
				}
			}
		}
	}
}

// quadForm returns ½xᵀQx and, when dst is non-nil, adds scale·Qv to dst.
func (p *Problem) quadMulAdd(dst []float64, scale float64, v []float64) {
	for i := 0; i < p.n; i++ {
		s := 0.0
		for k := p.qPtr[i]; k < p.qPtr[i+1]; k++ {
			s += p.qVal[k] * v[p.qCol[k]]
		}
		dst[i] += scale * s
	}
}

// Objective returns f(x).
func (p *Problem) Objective(x []float64) float64 {
	p.ensure(x, levelF)
	f := 0.0
	for _, g := range p.objGroups {
		f += p.ws.gv[g] * p.gInv[g]
	}
	if len(p.qVal) > 0 {
		q := 0.0
		for i := 0; i < p.n; i++ {
			s := 0.0
			for k := p.qPtr[i]; k < p.qPtr[i+1]; k++ {
				s += p.qVal[k] * x[p.qCol[k]]
			}
			q += x[i] * s
		}
		f += 0.5 * q
	}
	return f
}

// addGroupGrad adds c·∇α_g to dst.
func (p *Problem) addGroupGrad(dst []float64, g int, c float64) {
	ws := &p.ws
	lo, hi := p.linPtr[g], p.linPtr[g+1]
	vals := p.linVal[lo:hi]
	for i, col := range p.linCol[lo:hi] {
		dst[col] += c * vals[i]
	}
	for k := p.gElPtr[g]; k < p.gElPtr[g+1]; k++ {
		e := p.gEl[k]
		cw := c * p.gElW[k]
		b := p.elVarPtr[e]
		for a, v := range p.elVar[b:p.elVarPtr[e+1]] {
			dst[v] += cw * ws.elG[b+a]
		}
	}
}

// Gradient stores ∇f(x) in dst (len N()).
func (p *Problem) Gradient(dst, x []float64) {
	if len(dst) != p.n {
		panic("cutest: len(dst) != N()")
	}
	p.ensure(x, levelG)
	for i := range dst {
		dst[i] = 0
	}
	if len(p.qVal) > 0 {
		p.quadMulAdd(dst, 1, x)
	}
	for _, g := range p.objGroups {
		p.addGroupGrad(dst, int(g), p.ws.gd1[g]*p.gInv[g])
	}
}

// Constraints stores c(x) in dst (len M()). The SIF constants are inside
// c: an equality reads c(x) = 0.
func (p *Problem) Constraints(dst, x []float64) {
	if len(dst) != p.m {
		panic("cutest: len(dst) != M()")
	}
	p.ensure(x, levelF)
	for j, g := range p.conGroup {
		dst[j] = p.ws.gv[g] * p.gInv[g]
	}
}

// Jacobian returns the m×n constraint Jacobian at x. The matrix has a fixed
// sparsity pattern (sorted columns); it is owned by p and its values are
// overwritten by the next call.
func (p *Problem) Jacobian(x []float64) *sparse.CSR {
	p.ensure(x, levelG)
	ws := &p.ws
	d := ws.jdata
	if !p.jDirect {
		for i := range d {
			d[i] = 0
		}
	}
	for _, g := range p.conGroup {
		c := ws.gd1[g] * p.gInv[g]
		lo, hi := p.linPtr[g], p.linPtr[g+1]
		vals := p.linVal[lo:hi]
		if p.jDirect {
			// Every Jacobian entry comes from exactly one linear entry.
			for i, pos := range p.jPosLin[lo:hi] {
				d[pos] = c * vals[i]
			}
			continue
		}
		for i, pos := range p.jPosLin[lo:hi] {
			d[pos] += c * vals[i]
		}
		for k := p.gElPtr[g]; k < p.gElPtr[g+1]; k++ {
			e := p.gEl[k]
			cw := c * p.gElW[k]
			b := p.elVarPtr[e]
			off := int(p.jPosElOff[k])
			for a := 0; a < p.elVarPtr[e+1]-b; a++ {
				d[p.jPosEl[off+a]] += cw * ws.elG[b+a]
			}
		}
	}
	if ws.jac == nil {
		ws.jac = newCSR(p.m, p.n, p.jPtr, p.jCol, d)
	}
	return ws.jac
}

func newCSR(r, c int, ptr, col []int, data []float64) *sparse.CSR {
	return sparse.NewCSR(r, c, ptr, col, data)
}

// JacobianPattern returns the row pointers and column indices of the
// Jacobian (shared; do not modify).
func (p *Problem) JacobianPattern() (ptr, col []int) { return p.jPtr, p.jCol }

// groupDot returns ∇α_g · v.
func (p *Problem) groupDot(g int, v []float64) float64 {
	ws := &p.ws
	s := 0.0
	for k := p.linPtr[g]; k < p.linPtr[g+1]; k++ {
		s += p.linVal[k] * v[p.linCol[k]]
	}
	for k := p.gElPtr[g]; k < p.gElPtr[g+1]; k++ {
		e := p.gEl[k]
		b := p.elVarPtr[e]
		t := 0.0
		for a, vi := range p.elVar[b:p.elVarPtr[e+1]] {
			t += ws.elG[b+a] * v[vi]
		}
		s += p.gElW[k] * t
	}
	return s
}

// addElemHessVec adds c·∇²f_e·v to dst.
func (p *Problem) addElemHessVec(dst []float64, e int32, c float64, v []float64) {
	ws := &p.ws
	b := p.elVarPtr[e]
	vars := p.elVar[b:p.elVarPtr[e+1]]
	h := ws.elH[p.elHPtr[e]:]
	for a, va := range vars {
		row := h[a*(a+1)/2:]
		for bb := 0; bb < a; bb++ {
			vb := vars[bb]
			hv := c * row[bb]
			dst[va] += hv * v[vb]
			dst[vb] += hv * v[va]
		}
		dst[va] += c * row[a] * v[va]
	}
}

// groupWeight returns the weight of group g in σf + yᵀc divided by its
// scale (0 when the group does not contribute).
func (p *Problem) groupWeight(g int, sigma float64, y []float64) float64 {
	lam := sigma
	if j := p.gRole[g]; j >= 0 {
		if y == nil {
			return 0
		}
		lam = y[j]
	}
	return lam * p.gInv[g]
}

// HessLagVec stores (∇²f(x) + Σ_j y_j ∇²c_j(x))·v in dst (len N()); y ==
// nil means ∇²f(x)·v.
func (p *Problem) HessLagVec(dst, x, y, v []float64) {
	p.HessVec(dst, x, 1, y, v)
}

// HessVec stores (σ∇²f(x) + Σ_j y_j ∇²c_j(x))·v in dst (len N()); y == nil
// means no constraint part.
func (p *Problem) HessVec(dst, x []float64, sigma float64, y, v []float64) {
	if len(dst) != p.n || len(v) != p.n {
		panic("cutest: len(dst) or len(v) != N()")
	}
	if y != nil && len(y) != p.m {
		panic("cutest: len(y) != M()")
	}
	p.ensure(x, levelH)
	for i := range dst {
		dst[i] = 0
	}
	if sigma != 0 && len(p.qVal) > 0 {
		p.quadMulAdd(dst, sigma, v)
	}
	ws := &p.ws
	for g := 0; g < p.ng; g++ {
		lam := p.groupWeight(g, sigma, y)
		if lam == 0 {
			continue
		}
		if !p.gTrivial[g] {
			if c := lam * ws.gd2[g]; c != 0 {
				p.addGroupGrad(dst, g, c*p.groupDot(g, v))
			}
		}
		c1 := lam * ws.gd1[g]
		if c1 == 0 {
			continue
		}
		for k := p.gElPtr[g]; k < p.gElPtr[g+1]; k++ {
			p.addElemHessVec(dst, p.gEl[k], c1*p.gElW[k], v)
		}
	}
}

// HessLag returns ∇²f(x) + Σ_j y_j ∇²c_j(x) (y == nil: ∇²f(x)) as a
// symmetric n×n matrix with both triangles stored and sorted columns. The
// pattern is fixed (it covers every group, whatever y); the matrix is owned
// by p and overwritten by the next call.
func (p *Problem) HessLag(x, y []float64) *sparse.CSR {
	return p.Hess(x, 1, y)
}

// Hess returns σ∇²f(x) + Σ_j y_j ∇²c_j(x) like HessLag.
func (p *Problem) Hess(x []float64, sigma float64, y []float64) *sparse.CSR {
	if y != nil && len(y) != p.m {
		panic("cutest: len(y) != M()")
	}
	p.ensure(x, levelH)
	ws := &p.ws
	if ws.hPtr == nil {
		p.buildHessPattern()
	}
	d := ws.hdata
	for i := range d {
		d[i] = 0
	}
	add := func(i, j int, v float64) {
		lo, hi := ws.hPtr[i], ws.hPtr[i+1]
		k := lo + sort.SearchInts(ws.hCol[lo:hi], j)
		d[k] += v
	}
	if sigma != 0 {
		for i := 0; i < p.n; i++ {
			for k := p.qPtr[i]; k < p.qPtr[i+1]; k++ {
				add(i, p.qCol[k], sigma*p.qVal[k])
			}
		}
	}
	grad := ws.tmpN
	sup := ws.sup
	for g := 0; g < p.ng; g++ {
		lam := p.groupWeight(g, sigma, y)
		if lam == 0 {
			continue
		}
		if !p.gTrivial[g] {
			if c := lam * ws.gd2[g]; c != 0 {
				sup = p.groupSupport(g, sup)
				for _, i := range sup {
					grad[i] = 0
				}
				p.addGroupGrad(grad, g, 1)
				for _, i := range sup {
					gi := c * grad[i]
					for _, j := range sup {
						add(i, j, gi*grad[j])
					}
				}
			}
		}
		c1 := lam * ws.gd1[g]
		if c1 == 0 {
			continue
		}
		for k := p.gElPtr[g]; k < p.gElPtr[g+1]; k++ {
			e := p.gEl[k]
			c := c1 * p.gElW[k]
			b := p.elVarPtr[e]
			vars := p.elVar[b:p.elVarPtr[e+1]]
			h := ws.elH[p.elHPtr[e]:]
			for a, va := range vars {
				for bb := 0; bb < a; bb++ {
					hv := c * h[a*(a+1)/2+bb]
					add(int(va), int(vars[bb]), hv)
					add(int(vars[bb]), int(va), hv)
				}
				add(int(va), int(va), c*h[a*(a+1)/2+a])
			}
		}
	}
	ws.sup = sup
	if ws.hess == nil {
		ws.hess = newCSR(p.n, p.n, ws.hPtr, ws.hCol, d)
	}
	return ws.hess
}

func (p *Problem) buildHessPattern() {
	ws := &p.ws
	rows := make([][]int, p.n)
	for i := 0; i < p.n; i++ {
		rows[i] = append(rows[i], p.qCol[p.qPtr[i]:p.qPtr[i+1]]...)
	}
	var sup []int
	for g := 0; g < p.ng; g++ {
		if !p.gTrivial[g] {
			sup = p.groupSupport(g, sup)
			for _, i := range sup {
				rows[i] = append(rows[i], sup...)
			}
		}
		for k := p.gElPtr[g]; k < p.gElPtr[g+1]; k++ {
			e := p.gEl[k]
			vars := p.elVar[p.elVarPtr[e]:p.elVarPtr[e+1]]
			for _, a := range vars {
				for _, b := range vars {
					rows[a] = append(rows[a], int(b))
				}
			}
		}
	}
	ws.hPtr = make([]int, p.n+1)
	for i, r := range rows {
		sort.Ints(r)
		for k, c := range r {
			if k == 0 || c != r[k-1] {
				ws.hCol = append(ws.hCol, c)
			}
		}
		ws.hPtr[i+1] = len(ws.hCol)
		rows[i] = nil
	}
	ws.hdata = make([]float64, len(ws.hCol))
	_ = math.Inf
}

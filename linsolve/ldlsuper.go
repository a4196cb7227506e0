package linsolve

// superLDL is the supernodal storage of an LDLᵀ factor: the blocks of the
// Cholesky layout hold the unit lower L (the diagonal of each diagonal
// block is unused), D is in LDLFactor.d.
type superLDL struct {
	f       *LDLFactor
	lx      []float64
	relmap  []int32
	cbuf    []float64
	wbuf    []float64
	gw      gemmWork
	head    []int
	next    []int
	pos     []int
	solveFn func([]float64)
}

func newSuperLDL(s *Symbolic) *superLDL {
	ns := len(s.super) - 1
	maxcol := 0
	for k := 0; k < ns; k++ {
		maxcol = max(maxcol, s.super[k+1]-s.super[k])
	}
	g := &superLDL{
		lx:     make([]float64, s.lp[ns]),
		relmap: make([]int32, s.n),
		cbuf:   make([]float64, max(s.maxC, 1)),
		wbuf:   make([]float64, max(s.maxW, 64*maxcol, 1)),
		head:   make([]int, ns),
		next:   make([]int, ns),
		pos:    make([]int, ns),
	}
	return g
}

// numeric: left-looking supernodal LDLᵀ. For supernode s with columns J
// and rows R, S = A(R,J) − Σ_d L(R_d,d)·D_d·L(J_d,d)ᵀ (W = L(J_d,d)·D_d,
// then one C = L·Wᵀ product), then the panel is factored without pivoting
// (ldlPanel), every pivot going through LDLFactor.pivot.
func (g *superLDL) numeric(f *LDLFactor) {
	g.f = f
	if g.solveFn == nil {
		g.solveFn = g.solve
	}
	s := f.sym
	ns := len(s.super) - 1
	f.pos, f.neg, f.zero, f.nreg = 0, 0, 0, 0
	f.firstZero = -1
	for k := range g.head {
		g.head[k] = -1
	}
	for k := 0; k < ns; k++ {
		f0, l0 := s.super[k], s.super[k+1]
		ncol := l0 - f0
		rows := s.srows[s.sp[k]:s.sp[k+1]]
		nrow := len(rows)
		S := g.lx[s.lp[k]:s.lp[k+1]]
		s.scatterSupernode(S, k, g.relmap, f.cx)
		for d := g.head[k]; d >= 0; {
			dn := g.next[d]
			drows := s.srows[s.sp[d]:s.sp[d+1]]
			df := s.super[d]
			dncol := s.super[d+1] - df
			p1 := g.pos[d]
			p2 := p1
			for p2 < len(drows) && int(drows[p2]) < l0 {
				p2++
			}
			m1, m2 := len(drows)-p1, p2-p1
			ld := g.lx[s.lp[d]:s.lp[d+1]]
			W := g.wbuf[:m2*dncol]
			dd := f.d[df : df+dncol]
			for a := 0; a < m2; a++ {
				src := ld[(p1+a)*dncol : (p1+a+1)*dncol]
				dst := W[a*dncol : (a+1)*dncol]
				for c, v := range src {
					dst[c] = v * dd[c]
				}
			}
			C := g.cbuf[:m1*m2]
			gemmNT(&g.gw, 0, m1, m2, dncol, ld[p1*dncol:], dncol, W, dncol, C, m2, true)
			scatterSub(S, C, g.relmap, drows[p1:], m1, m2, ncol, f0)
			g.pos[d] = p2
			if p2 < len(drows) {
				t := s.colSuper[drows[p2]]
				g.next[d] = g.head[t]
				g.head[t] = d
			}
			d = dn
		}
		g.ldlPanel(S, nrow, ncol, f0)
		g.pos[k] = ncol
		if nrow > ncol {
			t := s.colSuper[rows[ncol]]
			g.next[k] = g.head[t]
			g.head[t] = k
		}
	}
}

// ldlPanel factors the nrow×ncol trapezoid a (stride ncol) of the
// supernode whose first column is f0 (ldlBlock with 64-column blocks).
func (g *superLDL) ldlPanel(a []float64, nrow, ncol, f0 int) {
	g.ldlBlock(a, ncol, nrow, ncol, f0, 64)
}

// ldlBlock factors the nrow×ncol trapezoid a (stride ld) whose first
// column is f0: blocked left-looking by nb columns with W = L(J, 0:j0)·D
// (one SYRK-shaped and one GEMM-shaped gemmNT per block column), each
// block column then factored by the same scheme with 8-column blocks, whose
// diagonal blocks get an unblocked right-looking LDLᵀ and whose rows below
// L(below, J) = S(below, J)·L(J,J)⁻ᵀ·D_J⁻¹ in Go.
func (g *superLDL) ldlBlock(a []float64, ld, nrow, ncol, f0, nb int) {
	f := g.f
	d := f.d[f0 : f0+ncol]
	dinv := f.dinv[f0 : f0+ncol]
	for j0 := 0; j0 < ncol; j0 += nb {
		j1 := min(j0+nb, ncol)
		jb := j1 - j0
		if j0 > 0 {
			W := g.wbuf[:jb*j0]
			for r := 0; r < jb; r++ {
				src := a[(j0+r)*ld : (j0+r)*ld+j0]
				dst := W[r*j0 : (r+1)*j0]
				for c, v := range src {
					dst[c] = v * d[c]
				}
			}
			gemmNT(&g.gw, -1, jb, jb, j0, a[j0*ld:], ld, W, j0, a[j0*ld+j0:], ld, true)
			if nrow > j1 {
				gemmNT(&g.gw, -1, nrow-j1, jb, j0, a[j1*ld:], ld, W, j0, a[j1*ld+j0:], ld, false)
			}
		}
		if jb > 8 {
			g.ldlBlock(a[j0*ld+j0:], ld, nrow-j0, jb, f0+j0, 8)
			continue
		}
		for j := j0; j < j1; j++ {
			f.pivot(f0+j, a[j*ld+j])
			dj, inv := d[j], dinv[j]
			for i := j + 1; i < j1; i++ {
				a[i*ld+j] *= inv
			}
			if dj == 0 {
				continue
			}
			for i := j + 1; i < j1; i++ {
				lij := a[i*ld+j] * dj
				if lij == 0 {
					continue
				}
				row := a[i*ld+j+1 : i*ld+i+1]
				for k := range row {
					row[k] -= lij * a[(j+1+k)*ld+j]
				}
			}
		}
		for r := j1; r < nrow; r++ {
			row := a[r*ld+j0 : r*ld+j1]
			for j := range row {
				v := row[j]
				lrow := a[(j0+j)*ld+j0 : (j0+j)*ld+j0+j]
				for c, l := range lrow {
					v -= l * row[c] * d[j0+c]
				}
				row[j] = v * dinv[j0+j]
			}
		}
	}
}

// solve solves L·D·Lᵀ·x = x in the permuted numbering, in place.
func (g *superLDL) solve(x []float64) {
	f := g.f
	s := f.sym
	ns := len(s.super) - 1
	for k := 0; k < ns; k++ {
		f0, l0 := s.super[k], s.super[k+1]
		ncol := l0 - f0
		rows := s.srows[s.sp[k]:s.sp[k+1]]
		S := g.lx[s.lp[k]:s.lp[k+1]]
		xs := x[f0:l0]
		for j := 0; j < ncol; j++ {
			v := xs[j]
			for c, l := range S[j*ncol : j*ncol+j] {
				v -= l * xs[c]
			}
			xs[j] = v
		}
		for t := ncol; t < len(rows); t++ {
			var v float64
			for c, l := range S[t*ncol : (t+1)*ncol] {
				v += l * xs[c]
			}
			x[rows[t]] -= v
		}
	}
	for j := range x {
		x[j] *= f.dinv[j]
	}
	for k := ns - 1; k >= 0; k-- {
		f0, l0 := s.super[k], s.super[k+1]
		ncol := l0 - f0
		rows := s.srows[s.sp[k]:s.sp[k+1]]
		S := g.lx[s.lp[k]:s.lp[k+1]]
		xs := x[f0:l0]
		for t := ncol; t < len(rows); t++ {
			xr := x[rows[t]]
			if xr == 0 {
				continue
			}
			for c, l := range S[t*ncol : (t+1)*ncol] {
				xs[c] -= l * xr
			}
		}
		for j := ncol - 1; j >= 0; j-- {
			v := xs[j]
			for c := 0; c < j; c++ {
				xs[c] -= S[j*ncol+c] * v
			}
		}
	}
}

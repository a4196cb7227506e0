package matrix

import (
	"fmt"

	"github.com/james-bowman/sparse"
)

// builder assembles a CSR matrix row by row with sorted column indices.
type builder struct {
	r, c   int
	indptr []int
	ind    []int
	data   []float64
}

func newBuilder(r, c, nnzHint int) *builder {
	b := &builder{r: r, c: c, indptr: make([]int, 1, r+1), ind: make([]int, 0, nnzHint), data: make([]float64, 0, nnzHint)}
	return b
}

func (b *builder) add(j int, v float64) {
	b.ind = append(b.ind, j)
	b.data = append(b.data, v)
}

func (b *builder) endRow() { b.indptr = append(b.indptr, len(b.ind)) }

func (b *builder) csr() *sparse.CSR {
	return sparse.NewCSR(b.r, b.c, b.indptr, b.ind, b.data)
}

func checkSize(name string, v ...int) {
	for _, n := range v {
		if n < 1 {
			panic(fmt.Sprintf("matrix: %s: grid size %d < 1", name, n))
		}
	}
}

// Poisson1D returns the n×n second-difference matrix tridiag(−1, 2, −1),
// the 1-D Dirichlet Laplacian on n interior points multiplied by h².
func Poisson1D(n int) *sparse.CSR {
	checkSize("Poisson1D", n)
	b := newBuilder(n, n, 3*n)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.add(i-1, -1)
		}
		b.add(i, 2)
		if i < n-1 {
			b.add(i+1, -1)
		}
		b.endRow()
	}
	return b.csr()
}

// Poisson2D returns the 5-point Laplacian on an nx×ny interior grid with
// Dirichlet boundary, multiplied by h² (diagonal 4, neighbours −1). Unknowns
// are numbered k = i + nx·j, i the x-index; the matrix is SPD of order nx·ny.
// It equals SciPy's kron(I, T) + kron(T, I) with T = tridiag(−1, 2, −1) and
// MATLAB's delsq(numgrid('S', n+2)) for nx = ny = n.
func Poisson2D(nx, ny int) *sparse.CSR {
	checkSize("Poisson2D", nx, ny)
	n := nx * ny
	b := newBuilder(n, n, 5*n)
	for j := 0; j < ny; j++ {
		for i := 0; i < nx; i++ {
			k := i + nx*j
			if j > 0 {
				b.add(k-nx, -1)
			}
			if i > 0 {
				b.add(k-1, -1)
			}
			b.add(k, 4)
			if i < nx-1 {
				b.add(k+1, -1)
			}
			if j < ny-1 {
				b.add(k+nx, -1)
			}
			b.endRow()
		}
	}
	return b.csr()
}

// Poisson3D returns the 7-point Laplacian on an nx×ny×nz interior grid with
// Dirichlet boundary, multiplied by h² (diagonal 6, neighbours −1), with
// unknowns numbered i + nx·(j + ny·l).
func Poisson3D(nx, ny, nz int) *sparse.CSR {
	checkSize("Poisson3D", nx, ny, nz)
	n := nx * ny * nz
	pl := nx * ny
	b := newBuilder(n, n, 7*n)
	for l := 0; l < nz; l++ {
		for j := 0; j < ny; j++ {
			for i := 0; i < nx; i++ {
				k := i + nx*j + pl*l
				if l > 0 {
					b.add(k-pl, -1)
				}
				if j > 0 {
					b.add(k-nx, -1)
				}
				if i > 0 {
					b.add(k-1, -1)
				}
				b.add(k, 6)
				if i < nx-1 {
					b.add(k+1, -1)
				}
				if j < ny-1 {
					b.add(k+nx, -1)
				}
				if l < nz-1 {
					b.add(k+pl, -1)
				}
				b.endRow()
			}
		}
	}
	return b.csr()
}

// ConvectionDiffusion2D returns the central-difference discretisation of
//
//	−Δu + v·(∂u/∂x + ∂u/∂y) = f
//
// on the unit square with zero Dirichlet boundary and an n×n interior grid: h = 1/(n+1) and the mesh Péclet number p = v·h/2 = peclet, the rows of
// h²·A are 4 on the diagonal, −(1+p) for the west and south neighbours and
// −(1−p) for the east and north neighbours. The matrix is nonsymmetric for
// p ≠ 0 and an M-matrix (diagonally dominant) for |p| ≤ 1.
func ConvectionDiffusion2D(n int, peclet float64) *sparse.CSR {
	checkSize("ConvectionDiffusion2D", n)
	N := n * n
	b := newBuilder(N, N, 5*N)
	for j := 0; j < n; j++ {
		for i := 0; i < n; i++ {
			k := i + n*j
			if j > 0 {
				b.add(k-n, -(1 + peclet))
			}
			if i > 0 {
				b.add(k-1, -(1 + peclet))
			}
			b.add(k, 4)
			if i < n-1 {
				b.add(k+1, -(1 - peclet))
			}
			if j < n-1 {
				b.add(k+n, -(1 - peclet))
			}
			b.endRow()
		}
	}
	return b.csr()
}

// AddDiag returns a new CSR matrix A + c·I for a square A (the shifted
// Laplacian of the Learning-to-Relax experiments is AddDiag(Poisson2D(10, 10), c)).
// Rows without a stored diagonal entry gain one, inserted in sorted position.
func AddDiag(a *sparse.CSR, c float64) *sparse.CSR {
	r, cc := a.Dims()
	if r != cc {
		panic("matrix: AddDiag: matrix not square")
	}
	raw := a.RawMatrix()
	b := newBuilder(r, r, raw.Indptr[r]+r)
	for i := 0; i < r; i++ {
		done := false
		for k := raw.Indptr[i]; k < raw.Indptr[i+1]; k++ {
			j := raw.Ind[k]
			v := raw.Data[k]
			if j == i && !done {
				v += c
				done = true
			} else if j > i && !done {
				b.add(i, c)
				done = true
			}
			b.add(j, v)
		}
		if !done {
			b.add(i, c)
		}
		b.endRow()
	}
	m := b.csr()
	return m
}

// HeatCN2D returns the two matrices of one Crank–Nicolson step for the heat
// equation u_t = κ·Δu on the unit square with zero Dirichlet boundary on an
// n×n interior grid (h = 1/(n+1)):
//
//	(I + (κ·dt/2h²)·L) u⁺ = (I − (κ·dt/2h²)·L) u,
//
// with L = Poisson2D(n, n). The left matrix is SPD.
func HeatCN2D(n int, kappa, dt float64) (lhs, rhs *sparse.CSR) {
	checkSize("HeatCN2D", n)
	h := 1 / float64(n+1)
	s := kappa * dt / (2 * h * h)
	L := Poisson2D(n, n)
	raw := L.RawMatrix()
	mk := func(sign float64) *sparse.CSR {
		data := make([]float64, len(raw.Data))
		for k := range data {
			data[k] = sign * s * raw.Data[k]
		}
		indptr := append([]int(nil), raw.Indptr...)
		ind := append([]int(nil), raw.Ind...)
		m := sparse.NewCSR(n*n, n*n, indptr, ind, data)
		return AddDiag(m, 1)
	}
	return mk(1), mk(-1)
}

// Package matrix is the sparse core of kkt: the Operator interface that every
// solver in the toolkit consumes, fast kernels over the raw arrays of
// github.com/james-bowman/sparse CSR matrices, stencil generators for the
// classical PDE test matrices, and the reader layer every kkt package uses:
// Matrix Market, LIBSVM, dense CSV and IDX readers, compression, one parse
// error and the memory budget.
//
// # Operators
//
// An Operator is anything that can form y = A·x and y = Aᵀ·x. Both methods
// overwrite dst (they never accumulate into it — note that the sparse
// library's own MulVecTo adds into dst, which is why kkt does not use it).
// Adapters exist for gonum dense matrices (NewDense), CSR and CSC matrices
// (NewCSR, NewCSC) and plain functions (Func).
//
// # Kernels
//
// MulVec, MulVecTrans, ParMulVec, Transpose, Diagonal, RowNorms, ColNorms,
// ScaleRows and ScaleCols work directly on the Indptr/Ind/Data arrays
// returned by (*sparse.CSR).RawMatrix(). None allocates when dst is supplied.
// For y = A·x the kernel computes, for each row i,
//
//	y[i] = Σ_{k = Indptr[i]}^{Indptr[i+1]-1} Data[k] · x[Ind[k]],
//
// and writes y[i] once, so it is memory-bound: it streams 12·nnz bytes of
// matrix data plus the gathered entries of x.
//
// # Generators
//
// Poisson1D, Poisson2D, Poisson3D build the unscaled second-difference
// matrices (diagonal 2, 4 and 6, off-diagonals −1; multiply by 1/h² for the
// scaled operator), ConvectionDiffusion2D a nonsymmetric upwind-free
// central-difference convection–diffusion matrix, AddDiag the shifted matrix
// A + c·I, and HeatCN2D the two Crank–Nicolson matrices of the 2-D heat
// equation. All return CSR matrices with sorted column indices.
//
// ToDense and AddToDense are kkt's one CSR → dense conversion (duplicates
// summed); Nrm2 is gonum's floats.Norm(x, 2).
//
// # Reading files
//
// Every reader of kkt goes through this package. Decompress (for a stream)
// and Open (for a path) detect gzip and bzip2 by their magic bytes, not by
// the file name, and every stream reader here calls Decompress, so a
// compressed Matrix Market, LIBSVM or CSV stream reads like a plain one.
// ReadMatrixMarket, ReadLIBSVM, ReadDenseCSV (sinkhorn's and dag's CSV
// readers are thin wrappers) and ReadIDX (the MNIST format) report
// malformed input as a *ParseError{File, Line, Err}, the one parse error of
// kkt (matrix/completion and cutest use the same type), and check the memory
// budget (CheckAlloc) before any allocation whose size a header declares.
package matrix

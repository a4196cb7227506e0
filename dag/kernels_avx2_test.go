//go:build amd64 && !purego

package dag

import "testing"

// On a CPU with AVX-512 the AVX2 row kernels are otherwise not exercised end
// to end: rerun the fused-order, LU, gradient-path and trajectory tests with
// the AVX-512 kernels switched off (the bits must not change).
func TestWithoutAVX512(t *testing.T) {
	if !haveAVX512 {
		t.Skip("no AVX-512: the other tests already run the AVX2 and Go paths")
	}
	haveAVX512 = false
	defer func() { haveAVX512 = true }()
	t.Run("VectorKernelPathsMatchGo", TestVectorKernelPathsMatchGo)
	t.Run("MulSquareFusedOrder", TestMulSquareFusedOrder)
	t.Run("SubMulFusedOrder", TestSubMulFusedOrder)
	t.Run("LUInverseMatchesLAPACK", TestLUInverseMatchesLAPACK)
	t.Run("StepMatchesFrozen", TestStepMatchesFrozen)
	t.Run("PathOverlapIdentical", TestPathOverlapIdentical)
	t.Run("CoLiDEParityWithReference", TestCoLiDEParityWithReference)
}

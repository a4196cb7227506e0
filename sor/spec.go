package sor

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

// The context interval of the contextual tuners (TsallisINFCB, ChebCB) on
// the shifted Laplacian and the number of Tsallis-INF-CB bins there, as in
// the authors' scripts/contextual.m.
const (
	ShiftedContextLo = -0.15
	ShiftedContextHi = 0.65
	ShiftedBins      = 5
)

// HeatBins is the number of Tsallis-INF-CB bins on the heat-equation
// sequence, as in scripts/h2d.m.
const HeatBins = 6

// Spec names a sequence of systems by kind, as `kkt sor` takes it.
type Spec struct {
	Kind      string    // "shifted-laplacian", "heat" or "dir"
	Dist      ShiftDist // shifted-laplacian: shift distribution
	Grid      int       // shifted-laplacian: interior grid points per side (n = Grid²)
	NX        int       // heat: grid parameter ((NX−1)² unknowns)
	Instances int       // number of instances (heat: time steps of 1e-3, as h2d.m; dir: at most)
	Dir       string    // dir: a directory of Matrix Market files (MatrixMarketDir)
	Seed      uint64    // shifted-laplacian: draws from the PCG stream (Seed, 0x5eed)
}

// New returns a fresh sequence.
func (sp Spec) New() (Sequence, error) {
	switch sp.Kind {
	case "shifted-laplacian":
		return NewShiftedLaplacian(sp.Grid, sp.Dist, sp.Instances, rand.New(rand.NewPCG(sp.Seed, 0x5eed))), nil
	case "heat":
		return NewHeat(sp.NX, sp.Instances, sp.heatStop()), nil
	case "dir":
		return MatrixMarketDir(sp.Dir, sp.Instances)
	}
	return nil, fmt.Errorf("unknown sequence %q", sp.Kind)
}

func (sp Spec) heatStop() float64 { return float64(sp.Instances) / 1000 } // dt = 1e-3 as in h2d.m

// Context returns the context interval [lo, hi] of the contextual tuners
// and the number of Tsallis-INF-CB bins for the sequence:
// [ShiftedContextLo, ShiftedContextHi] and ShiftedBins on the shifted
// Laplacian, HeatContextRange and HeatBins on the heat equation, [0, 1] and
// HeatBins otherwise.
func (sp Spec) Context() (lo, hi float64, bins int) {
	switch sp.Kind {
	case "shifted-laplacian":
		return ShiftedContextLo, ShiftedContextHi, ShiftedBins
	case "heat":
		lo, hi = HeatContextRange(sp.Instances, sp.heatStop())
		return lo, hi, HeatBins
	}
	return 0, 1, HeatBins
}

// DefaultMethod is the solver of the authors' scripts for the sequence:
// SSOR-PCG on the heat equation (h2d.m), SOR otherwise.
func (sp Spec) DefaultMethod() Method {
	if sp.Kind == "heat" {
		return SSORPCG
	}
	return SOR
}

// ParseShiftDist returns HighVariance for "high" and LowVariance for "low".
func ParseShiftDist(s string) (ShiftDist, error) {
	switch s {
	case "high":
		return HighVariance, nil
	case "low":
		return LowVariance, nil
	}
	return ShiftDist{}, fmt.Errorf("dist %q: want high or low", s)
}

// ParseMethod parses a Method from its String form: "sor", "ssor-pcg" or
// "cg".
func ParseMethod(s string) (Method, error) {
	switch s {
	case "sor":
		return SOR, nil
	case "ssor-pcg":
		return SSORPCG, nil
	case "cg":
		return CG, nil
	}
	return 0, fmt.Errorf("unknown solver %q (sor, ssor-pcg, cg)", s)
}

// ParseTuner builds a tuner on the default grid from its name: "fixed:W"
// (Fixed, 0 < W < 2), "young" (Young), "exp3", "tsallis" (TsallisINF),
// "tsallis-cb" (TsallisINFCB with bins bins on [lo, hi]), "chebcb" (ChebCB
// with the paper's m = 6 Chebyshev features on [lo, hi]) or "oracle" (the instance-optimal
// ω for method m). The bandits draw from rng.
func ParseTuner(name string, lo, hi float64, bins int, m Method, rng *rand.Rand) (Tuner, error) {
	switch {
	case strings.HasPrefix(name, "fixed:"):
		w, err := strconv.ParseFloat(strings.TrimPrefix(name, "fixed:"), 64)
		if err != nil {
			return nil, fmt.Errorf("tuner %q: %v", name, err)
		}
		if err := CheckOmega(w); err != nil {
			return nil, fmt.Errorf("tuner %q: %w", name, err)
		}
		return Fixed{W: w}, nil
	case name == "young":
		return Young{}, nil
	case name == "exp3":
		return NewExp3(nil, rng), nil
	case name == "tsallis":
		return NewTsallisINF(nil, rng), nil
	case name == "tsallis-cb":
		return NewTsallisINFCB(nil, bins, lo, hi, rng), nil
	case name == "chebcb":
		return NewChebCB(nil, 6, lo, hi, rng), nil
	case name == "oracle":
		return &Oracle{Solver: Solver{Method: m}}, nil
	}
	return nil, fmt.Errorf("unknown tuner %q (fixed:W, young, exp3, tsallis, tsallis-cb, chebcb, oracle)", name)
}

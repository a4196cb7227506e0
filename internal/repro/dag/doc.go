// Package dagrepro is the "dag" experiment of `kkt reproduce` and the
// engine of `kkt dag sweep` and `kkt dag plot`: linear DAG learning with
// the methods of package dag on simulated linear SEMs and on the Sachs
// protein data, against
//
//   - S. S. Saboksayr, G. Mateos, M. Tepper, "CoLiDE: Concomitant Linear DAG
//     Estimation", ICLR 2024, arXiv:2310.02895 (the mean SHD of CoLiDE-EV and
//     CoLiDE-NV; Refs holds an independent re-run of its reference code);
//   - C. Deng, K. Bello, B. Aragam, P. Ravikumar, "Optimizing NOTEARS
//     Objectives via Topological Swaps", ICML 2023, arXiv:2305.17277 (TOPO
//     from a random order, and as post-processing never worse than its
//     start);
//   - K. Sachs, O. Perez, D. Pe'er, D. A. Lauffenburger, G. P. Nolan,
//     "Causal Protein-Signaling Networks Derived from Multiparameter
//     Single-Cell Data", Science 308, 2005 (853 observational samples, the
//     17-edge consensus graph; published SHDs 12–16).
//
// # Data and metrics
//
// A Cell is a graph family (ER with k·d edges or scale-free with k edges per
// node), a number of nodes d and a noise regime; its data are n = 1000
// samples of X = XW + N with Gaussian noise, either equal variance 1 and
// weights ±[0.5, 2] or variances U(0.5, 10) and weights ±[0.25, 1]
// (Cell.SimSettings). Seed s of a sweep simulates from PCG(base+s−1, 0).
// Each fit is scored by the structural Hamming distance SHD = extra +
// missing + reversed edges against the true graph (dag.CountAccuracy),
// TPR and FDR; for CoLiDE also by SigmaRelErr = |σ̂/σ − 1| (the median over
// nodes for CoLiDE-NV); for TOPO post-processing by whether its
// least-squares loss ½n⁻¹‖X − XW‖²_F is at most that of the starting DAG
// refitted on its own edges. A cell's Stat holds the mean and sample sd of
// the SHD over seeds, the mean TPR, FDR, time and σ̂ error.
//
// # Experiment
//
// Plan lists the units (one seed of one cell with all its methods, or one
// Sachs variant), RunUnit runs one and Summarize turns all of them into the
// rows of StatRows plus the Sachs rows, so a sharded run and a single run
// give the same table. A mean SHD is "reproduced" when it is within one
// standard deviation (the larger of ours and the reference's) of Refs.
package dagrepro

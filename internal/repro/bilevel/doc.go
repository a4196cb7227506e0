// Package bilevelrepro holds the bilevel experiments of `kkt reproduce` and
// the runs behind `kkt bilevel`: the closed-form toys T1–T5 with the
// reference scripts' parameters, the SVM hyperparameter task on
// diabetes_scale and data hyper-cleaning on MNIST with 40 % flipped labels,
// their data loading (LIBSVM, IDX), the flagging metrics of the cleaning task
// and the figures. The methods are those of package bilevel:
//
//   - the penalty method of Kwon, Kwon, Wright and Nowak, "On Penalty Methods
//     for Nonconvex Bilevel Optimization and First-Order Stochastic
//     Approximation", ICLR 2024 (arXiv 2309.01753), which minimizes
//     ψ_σ(x) = min_{y∈Y} F(x, y) + (G(x, y) − min_{z∈Y} G(x, z))/σ;
//   - LV-HBA of Yao, Yu, Zeng and Zhang, "Constrained Bi-Level Optimization:
//     Proximal Lagrangian Value function Approach and Hessian-free
//     Algorithm", ICLR 2024 (arXiv 2401.16164), which minimizes
//     F/c_k + G − v_γ with the proximal Lagrangian value function v_γ.
//
// The data hyper-cleaning flags a training sample as corrupted when its
// weight e^{c_i} decreased (c_i < c_i⁰); F1 and AUC of that flagging are
// kkt's metrics (the reference scripts log losses and accuracies only). The
// targets, data and parameters are described in docs/bilevel.md.
//
// Experiments returns the experiments; the command registers them.
package bilevelrepro

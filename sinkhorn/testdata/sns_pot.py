#!/usr/bin/python3
"""SNS with defaults (`kkt ot --method sns`) against POT's log-domain Sinkhorn
(ot.bregman.sinkhorn_log) on the same instance, side by side (alternating).

Usage (after `go build -o /tmp/kkt-ot ./cmd/kkt`, POT from python3-pot):

    /usr/bin/python3 sinkhorn/testdata/sns_pot.py /tmp/kkt-ot [--n 500] [--eta 1200] [--reps 3]

Instance: n points uniform in the unit square for each side
(numpy default_rng(1000003 + n), as emd_pot.py), squared-Euclidean cost
scaled to max 1, random weights U[0.05, 1] normalised. kkt stops at a
marginal error ‖P1 − a‖₁ + ‖Pᵀ1 − b‖₁ ≤ 1e-9; POT's sinkhorn_log stops when
‖Pᵀ1 − b‖₂ ≤ stopThr = 1e-9 (checked every 10 iterations, one marginal,
2-norm: a weaker test than kkt's). Both plans' L1 marginal errors are
printed. Times: kkt's time_s (solver only), POT's around the call.
"""
import argparse
import json
import statistics
import subprocess
import tempfile
import time

import numpy as np
import ot


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("kkt")
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--eta", type=float, default=1200)
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()
    n = args.n
    rng = np.random.default_rng(1000003 + n)
    x, y = rng.random((n, 2)), rng.random((n, 2))
    a = rng.uniform(0.05, 1, n)
    b = rng.uniform(0.05, 1, n)
    a, b = a / a.sum(), b / b.sum()
    d2 = x[:, None, :] - y[None, :, :]
    M = (d2 * d2).sum(-1)
    M = np.ascontiguousarray(M * (1.0 / M.max()))
    with tempfile.TemporaryDirectory() as d:
        for name, v in (("x", x), ("y", y)):
            with open(d + "/" + name + ".csv", "w") as f:
                f.write("\n".join(",".join(repr(float(t)) for t in r) for r in v) + "\n")
        for name, v in (("a", a), ("b", b)):
            with open(d + "/" + name + ".csv", "w") as f:
                f.write("\n".join(repr(float(t)) for t in v) + "\n")
        tk, tp = [], []
        for r in range(args.reps):
            p = subprocess.run([args.kkt, "ot", "--x", d + "/x.csv", "--y", d + "/y.csv", "--a", d + "/a.csv",
                                "--b", d + "/b.csv", "--normalize", "--eta", str(args.eta), "--method", "sns",
                                "--tol", "1e-9", "--json"], capture_output=True, text=True)
            res = json.loads(p.stdout)
            tk.append(res["time_s"])
            t0 = time.perf_counter()
            G, log = ot.bregman.sinkhorn_log(a, b, M, reg=1.0 / args.eta, numItermax=1000000, stopThr=1e-9, log=True)
            tp.append(time.perf_counter() - t0)
        errp = np.abs(G.sum(1) - a).sum() + np.abs(G.sum(0) - b).sum()
        print("kkt SNS: %s, %d iterations (%d Newton), L1 marginal error %.2e, cost %.12g, median time %.3fs" % (
            res["status"], res["iterations"], res["newton_iterations"], res["marginal_error"], res["cost"],
            statistics.median(tk)))
        print("POT sinkhorn_log: %d iterations, L1 marginal error %.2e, cost %.12g, median time %.3fs" % (
            log["niter"], errp, float((G * M).sum()), statistics.median(tp)))
        print("ratio POT/kkt %.1f×" % (statistics.median(tp) / statistics.median(tk)))


if __name__ == "__main__":
    main()

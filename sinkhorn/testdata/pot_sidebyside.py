#!/usr/bin/python3
"""Side-by-side timing and plan agreement of kkt against POT 0.8.2.

Usage (from the repository root, after `go build -o /tmp/kkt-ot ./cmd/kkt`):

    /usr/bin/python3 sinkhorn/testdata/pot_sidebyside.py /tmp/kkt-ot [--reps 3] [--sinkhorn-iters N]

It writes one instance (C_ij ~ U[0,1] from the 64-bit LCG of pot_reference.py,
uniform marginals, n = 500) to a temporary directory, then alternates POT and
`kkt ot` runs on it:

1. per-iteration time of log-domain Sinkhorn at η = 1200 (POT's
   ot.bregman.sinkhorn_log with stopThr=0 and a fixed numItermax; kkt's
   --method sinkhorn-log --tol 1e-300 --max-iter K, time_s from its JSON);
2. the plans at convergence at η = 100 (both to 1e-12 or below): max |ΔP|;
3. SNS end to end at η = 1200 to 1e-12 against POT's sinkhorn_log to the same
   accuracy, whose time is POT's per-iteration time times the number of
   Sinkhorn iterations needed (measured by kkt's log-domain Sinkhorn, the same
   iteration as POT's, capped by --sinkhorn-cap; when the cap is hit the
   count and POT's time are lower bounds).
Reports min and median over the repetitions.
"""
import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time

import numpy as np
import ot

M64 = (1 << 64) - 1


def lcg(k, seed):
    s = seed
    out = np.empty(k)
    for i in range(k):
        s = (s * 6364136223846793005 + 1442695040888963407) & M64
        out[i] = (s >> 11) / float(1 << 53)
    return out


def kkt(binary, d, *args):
    cmd = [binary, "ot", "--a", d + "/a.csv", "--b", d + "/b.csv", "--cost", d + "/C.csv", "--json", *args]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode not in (0, 1):
        raise SystemExit("kkt failed: " + p.stderr)
    return json.loads(p.stdout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("kkt")
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--iters", type=int, default=200)
    ap.add_argument("--sinkhorn-cap", type=int, default=200000,
                    help="iteration cap of kkt's log-domain Sinkhorn run that measures the iterations to 1e-12")
    args = ap.parse_args()
    n = args.n
    C = lcg(n * n, 2024).reshape(n, n)
    a = np.full(n, 1.0 / n)
    d = tempfile.mkdtemp(prefix="kkt-pot-")
    np.savetxt(d + "/C.csv", C, delimiter=",", fmt="%.17g")
    np.savetxt(d + "/a.csv", a, fmt="%.17g")
    np.savetxt(d + "/b.csv", a, fmt="%.17g")
    print("instance: n = %d, C ~ U[0,1] (LCG seed 2024), uniform marginals; POT %s" % (n, ot.__version__))

    # 1. per-iteration time, eta = 1200
    K = args.iters
    pot_t, kkt_t = [], []
    for _ in range(args.reps):
        t0 = time.perf_counter()
        ot.bregman.sinkhorn_log(a, a, C, reg=1 / 1200, numItermax=K, stopThr=0)
        pot_t.append((time.perf_counter() - t0) / K)
        r = kkt(args.kkt, d, "--method", "sinkhorn-log", "--eta", "1200", "--tol", "1e-300", "--max-iter", str(K))
        kkt_t.append(r["time_s"] / r["iterations"])
    print("log-domain Sinkhorn per iteration (eta=1200, %d iterations):" % K)
    print("  POT  min %.3f ms  median %.3f ms" % (1e3 * min(pot_t), 1e3 * statistics.median(pot_t)))
    print("  kkt  min %.3f ms  median %.3f ms" % (1e3 * min(kkt_t), 1e3 * statistics.median(kkt_t)))
    print("  ratio POT/kkt (min, median): %.2f, %.2f" % (min(pot_t) / min(kkt_t), statistics.median(pot_t) / statistics.median(kkt_t)))

    # 2. plans at convergence, eta = 100
    P_pot, log = ot.bregman.sinkhorn_log(a, a, C, reg=1 / 100, numItermax=100000, stopThr=1e-15, log=True)
    for method in ("sinkhorn-log", "sns"):
        kkt(args.kkt, d, "--method", method, "--eta", "100", "--tol", "1e-13", "--max-iter", "100000", "--plan-out", d + "/P.csv")
        P = np.loadtxt(d + "/P.csv", delimiter=",")
        print("plan agreement eta=100, kkt %s vs POT sinkhorn_log (%d iterations): max|dP| = %.3g, cost %.17g vs %.17g"
              % (method, log["niter"], np.abs(P - P_pot).max(), (C * P).sum(), (C * P_pot).sum()))

    # 3. SNS end to end, eta = 1200, to 1e-12
    r = kkt(args.kkt, d, "--method", "sinkhorn-log", "--eta", "1200", "--tol", "1e-12", "--max-iter", str(args.sinkhorn_cap))
    N = r["iterations"]
    lower = r["status"] != "Converged"
    print("kkt log-domain Sinkhorn to 1e-12 at eta=1200: %d iterations, %.1f s, %s, error %.3g"
          % (N, r["time_s"], r["status"], r["marginal_error"]))
    sns_t = []
    for _ in range(args.reps):
        r = kkt(args.kkt, d, "--method", "sns", "--eta", "1200", "--tol", "1e-12")
        sns_t.append(r["time_s"])
    pot_total = statistics.median(pot_t) * N
    print("SNS to 1e-12 at eta=1200: %d iterations (%d Newton), min %.3f s, median %.3f s (%s)"
          % (r["iterations"], r["newton_iterations"], min(sns_t), statistics.median(sns_t), r["status"]))
    ge = ">= " if lower else ""
    print("POT sinkhorn_log to 1e-12: %s%d iterations x %.3f ms = %s%.1f s (per-iteration median x iterations)"
          % (ge, N, 1e3 * statistics.median(pot_t), ge, pot_total))
    print("ratio POT sinkhorn_log / kkt SNS (median): %s%.0f" % (ge, pot_total / statistics.median(sns_t)))


if __name__ == "__main__":
    main()

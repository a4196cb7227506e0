#!/usr/bin/python3
"""Exact OT: kkt's network simplex (sinkhorn.EMD, `kkt ot --method emd`)
against POT's ot.emd, side by side.

Usage (from the repository root, after `go build -o /tmp/kkt-ot ./cmd/kkt`;
POT from `apt-get install -y python3-pot`):

    /usr/bin/python3 sinkhorn/testdata/emd_pot.py /tmp/kkt-ot [--sizes 100,200,500,1000,2000]
        [--reps 3] [--mnist /work/shared/data/mnist/t10k-images-idx3-ubyte.gz] [--pairs 0,1;3,2;4,7]

Instances: n points uniform in the unit square for the sources and n for the
targets (numpy default_rng(seed)), cost squared Euclidean or L1 between them
scaled to max 1 (C · (1/max C), the rounding of sinkhorn.Normalize), weights
uniform (1/n) or random (U[0.05, 1], normalised). Points and weights are
written with 17 significant digits, so kkt (--x/--y/--a/--b --metric ...
--normalize) builds bit-identical inputs. MNIST pairs: two test images on
the unit-square grid, weights = pixel intensities normalised (zero pixels are
removed by both solvers), squared-Euclidean cost (not normalised).

For each instance the two solvers run alternately --reps times; the table
gives the relative cost difference |kkt − POT|/POT, kkt's own certificate
(max marginal violation of the plan it writes, largest dual violation
max(α_i + β_j − C_ij, 0) and largest |C_ij − α_i − β_j| on the plan's
support are checked by the Go tests, not here), both solver times (median
over the repetitions: POT's time around the ot.emd call, kkt's time_s from
its JSON, i.e. the solver without process start and CSV parsing) and the
ratio kkt/POT. At the end the growth exponent of time in n is fitted (least
squares of log t on log n) for both solvers and each instance family.
"""
import argparse
import gzip
import json
import math
import os
import statistics
import subprocess
import tempfile
import time

import numpy as np
import ot


def write_vec(path, v):
    with open(path, "w") as f:
        for x in v:
            f.write(repr(float(x)) + "\n")


def write_pts(path, p):
    with open(path, "w") as f:
        for r in p:
            f.write(",".join(repr(float(x)) for x in r) + "\n")


def cost(x, y, metric, normalize):
    d = x[:, None, :] - y[None, :, :]
    if metric == "sqeuclidean":
        c = (d * d).sum(-1)
    else:
        c = np.abs(d).sum(-1)
    if normalize:
        c = c * (1.0 / c.max())
    return np.ascontiguousarray(c)


def kkt(binary, d, metric, normalize, plan=None):
    cmd = [binary, "ot", "--method", "emd", "--x", d + "/x.csv", "--y", d + "/y.csv",
           "--a", d + "/a.csv", "--b", d + "/b.csv", "--metric", metric, "--json"]
    if normalize:
        cmd.append("--normalize")
    if plan:
        cmd += ["--plan-out", plan]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit("kkt failed (%d): %s %s" % (p.returncode, p.stderr, p.stdout))
    return json.loads(p.stdout)


def mnist_images(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    n, h, w = int.from_bytes(data[4:8], "big"), int.from_bytes(data[8:12], "big"), int.from_bytes(data[12:16], "big")
    imgs = np.frombuffer(data, dtype=np.uint8, offset=16).reshape(n, h * w)
    return imgs, h, w


def run_instance(args, name, x, y, a, b, metric, normalize, rows):
    with tempfile.TemporaryDirectory() as d:
        write_pts(d + "/x.csv", x)
        write_pts(d + "/y.csv", y)
        write_vec(d + "/a.csv", a)
        write_vec(d + "/b.csv", b)
        M = cost(x, y, metric, normalize)
        tk, tp = [], []
        for r in range(args.reps):
            res = kkt(args.kkt, d, metric, normalize, plan=d + "/P.csv" if r == 0 else None)
            tk.append(res["time_s"])
            t0 = time.perf_counter()
            G, log = ot.emd(a, b, M, numItermax=10**9, log=True)
            tp.append(time.perf_counter() - t0)
            if r == 0:
                # kkt's plan: feasibility against a, b
                P = np.zeros_like(M)
                with open(d + "/P.csv") as f:
                    for line in f:
                        if line.startswith("#"):
                            continue
                        i, j, v = line.split(",")
                        P[int(i), int(j)] = float(v)
                feas = max(np.abs(P.sum(1) - a).max(), np.abs(P.sum(0) - b).max())
                nnz = int((P > 0).sum())
        ck, cp = res["cost"], float(log["cost"])
        rel = abs(ck - cp) / abs(cp)
        row = dict(name=name, n=len(a), cost_kkt=ck, cost_pot=cp, rel=rel, feas=feas, nnz=nnz,
                   pivots=res["iterations"], t_kkt=statistics.median(tk), t_pot=statistics.median(tp),
                   pot_status=log["warning"])
        row["ratio"] = row["t_kkt"] / row["t_pot"]
        rows.append(row)
        print("%-34s n=%5d  cost %.17g  POT %.17g  rel %.1e  feas %.1e  nnz %d  pivots %d  kkt %.4fs  POT %.4fs  ratio %.2f%s" % (
            name, len(a), ck, cp, rel, feas, nnz, res["iterations"], row["t_kkt"], row["t_pot"], row["ratio"],
            "" if log["warning"] is None else "  POT warning: " + str(log["warning"])), flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("kkt")
    ap.add_argument("--sizes", default="100,200,500,1000,2000")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--mnist", default="")
    ap.add_argument("--pairs", default="0,1;3,2;4,7")
    ap.add_argument("--families", default="sqeuclidean-uniform,sqeuclidean-random,l1-uniform,l1-random")
    args = ap.parse_args()
    print("POT", ot.__version__)
    rows = []
    sizes = [int(s) for s in args.sizes.split(",") if s]
    for n in sizes:
        for fam in args.families.split(","):
            metric, weights = fam.split("-")
            rng = np.random.default_rng(args.seed * 1000003 + n)
            x, y = rng.random((n, 2)), rng.random((n, 2))
            if weights == "uniform":
                a = np.full(n, 1.0 / n)
                b = np.full(n, 1.0 / n)
            else:
                a = rng.uniform(0.05, 1, n)
                b = rng.uniform(0.05, 1, n)
                a, b = a / a.sum(), b / b.sum()
            run_instance(args, fam, x, y, a, b, metric, True, rows)
    if args.mnist:
        imgs, h, w = mnist_images(args.mnist)
        g = np.array([[i / (h - 1), j / (w - 1)] for i in range(h) for j in range(w)])
        for pair in args.pairs.split(";"):
            i, j = (int(s) for s in pair.split(","))
            a = imgs[i].astype(float)
            b = imgs[j].astype(float)
            a, b = a / a.sum(), b / b.sum()
            run_instance(args, "mnist %d→%d sqeuclidean" % (i, j), g, g, a, b, "sqeuclidean", False, rows)
    print()
    print("worst relative cost difference %.2e, worst feasibility %.2e" % (
        max(r["rel"] for r in rows), max(r["feas"] for r in rows)))
    for fam in sorted({r["name"] for r in rows if not r["name"].startswith("mnist")}):
        rs = [r for r in rows if r["name"] == fam and r["n"] >= 500]
        if len(rs) < 2:
            continue
        ln = [math.log(r["n"]) for r in rs]
        for key in ("t_kkt", "t_pot"):
            lt = [math.log(r[key]) for r in rs]
            mx, my = statistics.mean(ln), statistics.mean(lt)
            slope = sum((u - mx) * (v - my) for u, v in zip(ln, lt)) / sum((u - mx) ** 2 for u in ln)
            print("%-22s %s time ~ n^%.2f (n ≥ 500)" % (fam, "kkt" if key == "t_kkt" else "POT", slope))


if __name__ == "__main__":
    main()

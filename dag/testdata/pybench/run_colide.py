# Driver for the authors' CoLiDE code (their model.py must be importable):
# python3 run_colide.py X.csv ev|nv OUT.csv [STEPS] prints {"time_s", "cpu_s", ...}.
import sys, time, json
import numpy as np
from model import colide_ev, colide_nv
X = np.loadtxt(sys.argv[1], delimiter=',', skiprows=1)
variant, out = sys.argv[2], sys.argv[3]
kw = dict(lambda1=0.05, T=4, s=[1.0, .9, .8, .7], warm_iter=2e4, max_iter=7e4, lr=0.0003)
if len(sys.argv) > 4:  # fixed budget: one stage of N steps
    kw = dict(lambda1=0.05, T=1, s=[1.0], warm_iter=int(sys.argv[4]), max_iter=int(sys.argv[4]), lr=0.0003)
m = colide_ev(seed=0) if variant == 'ev' else colide_nv(seed=0)
t0, c0 = time.perf_counter(), time.process_time()
W, sig = m.fit(X, **kw)
t, c = time.perf_counter() - t0, time.process_time() - c0
np.savetxt(out, W, delimiter=',', fmt='%.17g')
print(json.dumps({"time_s": t, "cpu_s": c, "sigma": np.atleast_1d(sig).tolist()[:3]}))

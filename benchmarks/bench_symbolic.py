"""Time the full symbolic check of a (3, 4, 2) net with N = 2 samples.

Run by hand (not part of the test suite):

    .venv/bin/python benchmarks/bench_symbolic.py

It declares the net with bpkit.symbolic, derives every gradient once with
sympy.diff, proves the matrix backward formulas exactly against them, and runs
the three-way agreement (lambdified symbolic gradient, bpkit's backward,
central differences). The issue's budget for all of it is 5 s.
"""

import time

import sympy as sp

from bpkit import MLP
from bpkit import symbolic as sym

BUDGET = 5.0


def main() -> None:
    sizes, lam = [3, 4, 2], sp.Symbol("lambda")
    t0 = time.perf_counter()
    snet = sym.symbolic_mlp(sizes, N=2, hidden="sigmoid", output="identity",
                            loss="half_squared_error", reduction="mean", l2=lam)
    derived = snet.gradients()
    t1 = time.perf_counter()
    formulas = snet.backprop()
    for name in snet.params:
        sym.prove_formula(formulas[name], derived[name], name=name)
    t2 = time.perf_counter()
    report = snet.agree(MLP(sizes, hidden="sigmoid", l2=0.1), constants={lam: 0.1})
    t3 = time.perf_counter()
    print(report)
    print(f"declare + derive {t1 - t0:.2f} s, exact proofs {t2 - t1:.2f} s, "
          f"three-way {t3 - t2:.2f} s; total {t3 - t0:.2f} s (budget {BUDGET:.0f} s)")
    if t3 - t0 > BUDGET:
        raise SystemExit(f"over budget: {t3 - t0:.2f} s > {BUDGET} s")


if __name__ == "__main__":
    main()

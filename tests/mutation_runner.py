"""Seed plausible mistakes into bpkit one at a time; the test suite must catch each.

Run by hand from the repository's root. It copies the tree to a temporary
folder and works there (so the checkout is never touched): it edits one file,
runs part of the suite, restores the file, and goes on to the next mistake;
about ten minutes in all.

    .venv/bin/python tests/mutation_runner.py              # every mutant
    .venv/bin/python tests/mutation_runner.py gradcheck    # those of one module
    .venv/bin/python tests/mutation_runner.py --ignore tests/test_judges.py   # a weaker suite

A mutant is *caught* when the tests exit non-zero (a failure, or a hang cut short by
pytest-timeout after 60 s); it *survives* when they pass. The mutants are the
slips the issue tracker names: absolute instead of relative error, a tolerance that
drifts, NaN that compares as "not above the tolerance", an array nobody checks, a
numeric screen trusted instead of the exact test, a verdict that ignores one of its
parts, a dropped convention. tests/test_mutations.py covers the backward formulas.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHECKER_TESTS = ["tests/test_gradcheck.py", "tests/test_judges.py", "tests/test_mutations.py",
                 "tests/test_network.py"]
SYMBOLIC_TESTS = ["tests/test_symbolic.py", "tests/test_judges.py"]
NUMERIC_TESTS = ["tests/test_activations.py", "tests/test_layers_losses.py", "tests/test_network.py",
                 "tests/test_judges.py", "tests/test_sanity.py", "tests/test_bad_input.py"]

#: (module, file, what the mistake is, text as it stands, text with the mistake, tests to run)
MUTANTS = [
    ("gradcheck", "bpkit/gradcheck.py", "absolute error below 1",
     "scale = max(np.linalg.norm(a), np.linalg.norm(n))",
     "scale = max(np.linalg.norm(a), np.linalg.norm(n), 1.0)", CHECKER_TESTS),
    ("gradcheck", "bpkit/gradcheck.py", "tolerance drifts to 1e-5", "\nTOL = 1e-7\n", "\nTOL = 1e-5\n",
     CHECKER_TESTS),
    ("gradcheck", "bpkit/gradcheck.py", "NaN passes check_gradient",
     "    err = relative_error(analytic, numeric)\n    if not err <= tol:",
     "    err = relative_error(analytic, numeric)\n    if err > tol:", CHECKER_TESTS),
    ("gradcheck", "bpkit/gradcheck.py", "NaN passes check_directional",
     "    err = relative_error(a, numeric)\n    if not err <= tol:",
     "    err = relative_error(a, numeric)\n    if err > tol:", CHECKER_TESTS),
    ("gradcheck", "bpkit/gradcheck.py", "non-finite input counts as agreement",
     '        return float("nan")', "        return 0.0", CHECKER_TESTS),
    ("gradcheck", "bpkit/gradcheck.py", "check_mlp skips dL/dX",
     'targets = dict(net.params, **({"X": X} if input_grad else {}))',
     "targets = dict(net.params)", CHECKER_TESTS),
    ("gradcheck", "bpkit/gradcheck.py", "check_mlp checks every other array",
     "    for k, arr in targets.items():", "    for k, arr in list(targets.items())[::2]:",
     CHECKER_TESTS),
    ("gradcheck", "bpkit/gradcheck.py", "numerical_gradient does not restore x",
     "        x[idx] = orig\n        grad[idx]", "        grad[idx]", CHECKER_TESTS),
    ("gradcheck", "bpkit/gradcheck.py", "stencil weight typo",
     "-8 / 12, -2: 1 / 12", "-7 / 12, -2: 1 / 12", CHECKER_TESTS),
    ("gradcheck", "bpkit/gradcheck.py", "directional difference over 2h",
     "numeric += w * f(x) / h", "numeric += w * f(x) / (2 * h)", CHECKER_TESTS),
    ("symbolic.proofs", "bpkit/symbolic/proofs.py", "numeric screen weakened to 1e-3",
     "_NONZERO = 1e-8", "_NONZERO = 1e-3", SYMBOLIC_TESTS),
    ("symbolic.proofs", "bpkit/symbolic/proofs.py", "screen trusted, exact test skipped",
     "return sp.Integer(0) if _is_zero(e) else e", "return sp.Integer(0)", SYMBOLIC_TESTS),
    ("symbolic.proofs", "bpkit/symbolic/proofs.py", "holds if any entry holds",
     "holds = all(e == 0 for e in diff)", "holds = any(e == 0 for e in diff)", SYMBOLIC_TESTS),
    ("symbolic.proofs", "bpkit/symbolic/proofs.py", "counterexample lists every entry",
     "for i in range(F.rows) for j in range(F.cols) if diff[i, j] != 0]",
     "for i in range(F.rows) for j in range(F.cols)]", SYMBOLIC_TESTS),
    ("symbolic.agreement", "bpkit/symbolic/agreement.py", "verdict ignores the losses",
     "ok = (_rel_diff(np.array(loss_sym), np.array(loss_bp)) <= RTOL", "ok = (True",
     SYMBOLIC_TESTS),
    ("symbolic.agreement", "bpkit/symbolic/agreement.py", "symbolic vs bpkit at the FD tolerance",
     "a <= RTOL and e1 < TOL", "a <= TOL and e1 < TOL", SYMBOLIC_TESTS),
    ("symbolic.agreement", "bpkit/symbolic/agreement.py", "RTOL drifts to 1e-6",
     "RTOL = 1e-9", "RTOL = 1e-6", SYMBOLIC_TESTS),
    ("symbolic.agreement", "bpkit/symbolic/agreement.py", "bpkit compared with itself",
     "rows.append((name, params[name].shape, _rel_diff(s, b)",
     "rows.append((name, params[name].shape, _rel_diff(b, b)", SYMBOLIC_TESTS),
    ("symbolic.general", "bpkit/symbolic/general.py", "general proof accepts any shape-matching form",
     "holds = sp.expand(derived - expected).doit() == sp.ZeroMatrix(*wrt.shape) or",
     "holds = derived.shape == expected.shape or", SYMBOLIC_TESTS),
    ("symbolic.network", "bpkit/symbolic/network.py", "backprop ignores the sum reduction",
     "s = _scale(self.reduction, N)", "s = sp.Rational(1, N)", SYMBOLIC_TESTS),
    ("symbolic.network", "bpkit/symbolic/network.py", "backprop drops the L2 term",
     "out[f\"W{l}\"] = delta * self.A[l - 1].T + s * self.l2 * W",
     "out[f\"W{l}\"] = delta * self.A[l - 1].T", SYMBOLIC_TESTS),
    ("symbolic.activations", "bpkit/symbolic/activations.py", "tanh' with a plus",
     "lambda z: 1 - sp.tanh(z) ** 2", "lambda z: 1 + sp.tanh(z) ** 2", SYMBOLIC_TESTS),
    ("symbolic.activations", "bpkit/symbolic/activations.py", "ReLU'(0) = 1",
     'relu = Activation("relu", "relu", _ReLU, lambda z: sp.Heaviside(z, 0))',
     'relu = Activation("relu", "relu", _ReLU, lambda z: sp.Heaviside(z, 1))', SYMBOLIC_TESTS),
    ("symbolic.losses", "bpkit/symbolic/losses.py", "L2 without the 1/2",
     "return sp.sympify(lam) * _scale(reduction, N) * sq / 2",
     "return sp.sympify(lam) * _scale(reduction, N) * sq", SYMBOLIC_TESTS),
    ("numeric", "bpkit/losses.py", "squared error ignores the upstream factor",
     "return (dloss * s) * diff", "return s * diff", NUMERIC_TESTS),
    ("numeric", "bpkit/activations.py", "ReLU'(0) = 1", "return da * (z > 0)",
     "return da * (z >= 0)", NUMERIC_TESTS),
    ("numeric", "bpkit/optim.py", "minibatches not shuffled", "order = rng.permutation(n)",
     "order = np.arange(n)", NUMERIC_TESTS),
    ("numeric", "bpkit/init.py", "Xavier variance halved", "np.sqrt(2.0 / (n_in + n_out))",
     "np.sqrt(1.0 / (n_in + n_out))", NUMERIC_TESTS),
    ("numeric", "bpkit/network.py", "L2 scaled by the batch, not the training set",
     "penalty, factor = self._l2_penalty(n_train)", "penalty, factor = self._l2_penalty(n)",
     NUMERIC_TESTS),
    ("numeric", "bpkit/activations.py", "sigmoid without the clip",
     "    np.minimum(t, 708.0, out=t)\n", "", NUMERIC_TESTS),
]


def run(mutant: tuple, tree: Path, ignore: list[str]) -> tuple[bool, float]:
    """Apply one mutant in ``tree``, run its tests there, restore the file; (caught, seconds)."""
    _, file, what, old, new, tests = mutant
    path = tree / file
    original = path.read_text()
    if original.count(old) != 1:
        raise SystemExit(f"mutant {what!r}: the text to replace occurs {original.count(old)} "
                         f"times in {file}, expected once; update the runner")
    args = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
            "-o", "timeout=60", *[t for t in tests if t not in ignore]]
    env = dict(os.environ, PYTHONPATH=str(tree))   # the copy's bpkit, not the installed one
    start = time.perf_counter()
    try:
        path.write_text(original.replace(old, new))
        result = subprocess.run(args, cwd=tree, env=env, capture_output=True, text=True)
    finally:
        path.write_text(original)
    return result.returncode != 0, time.perf_counter() - start


def main(argv: list[str]) -> int:
    ignore = [argv[i + 1] for i, a in enumerate(argv) if a == "--ignore"]
    wanted = [a for i, a in enumerate(argv) if a != "--ignore" and (i == 0 or argv[i - 1] != "--ignore")]
    chosen = [m for m in MUTANTS if not wanted or any(m[0].startswith(w) for w in wanted)]
    totals: dict[str, list[int]] = {}
    tree = Path(tempfile.mkdtemp(prefix="bpkit-mutants-")) / "repo"
    shutil.copytree(ROOT, tree, ignore=shutil.ignore_patterns(".git", ".venv", "_build", "__pycache__"))
    for mutant in chosen:
        caught, seconds = run(mutant, tree, ignore)
        totals.setdefault(mutant[0], [0, 0])
        totals[mutant[0]][0] += caught
        totals[mutant[0]][1] += 1
        print(f"{'caught  ' if caught else 'SURVIVED'} {mutant[0]:<22} {mutant[2]:<48} {seconds:5.1f} s",
              flush=True)
    print()
    for module, (caught, total) in totals.items():
        print(f"{module:<22} {caught}/{total} caught")
    shutil.rmtree(tree.parent)
    survivors = sum(t - c for c, t in totals.values())
    print(f"all modules: {sum(c for c, _ in totals.values())}/{sum(t for _, t in totals.values())} caught")
    return 1 if survivors else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

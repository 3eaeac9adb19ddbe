"""The self-checking exercises (bpkit.exercises): the checker is held to the book's standard.

Every reference answer passes (the bank's and the chapters' own solution cells);
every slip of every exercise is rejected and named; the mistakes read off one
output (a transpose, a sign, a factor N) are named in any exercise; a student's
exception, wrong shape, NaN or wrong return type gets a message, never a
traceback; a stub is "not implemented yet" and does not raise.
"""

import json
import re
from pathlib import Path

import numpy as np
import pytest

from bpkit import MLP
from bpkit.exercise_bank import EXERCISES
from bpkit.exercises import MISTAKES, ExerciseResult, _draw, _sympy_gradients, check_exercise

ROOT = Path(__file__).resolve().parents[1]
SLIPS = [(name, slip) for name, ex in EXERCISES.items() for slip in ex.slips]
RAW_TEX = ("\\frac", "$$", "\\(", "\\[", "\\begin{")


def with_slip(name, slip):
    answer = EXERCISES[name].answer
    return lambda *args: answer(*args, slip=slip)


def solution_cells():
    """(notebook, source) of every code cell tagged "solution" in the book."""
    out = []
    for path in sorted((ROOT / "book").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code" and "solution" in cell["metadata"].get("tags", []):
                out.append((path.name, "".join(cell["source"])))
    return out


# --------------------------------------------------------------------------- right answers


@pytest.mark.parametrize("name", EXERCISES)
def test_reference_answer_passes(name):
    result = check_exercise(name, EXERCISES[name].answer)
    assert result.passed and result.status == "passed" and result.mistakes == (), result.message
    assert "in all 3 cases" in result.message


@pytest.mark.parametrize("notebook, source", solution_cells(), ids=lambda v: str(v)[:40])
def test_chapter_solution_cells_pass(notebook, source):
    """The reference solutions the instructor edition shows end with a passing check."""
    assert re.search(r"^assert check_exercise\(\"[\w-]+\", \w+\)\.passed\s*$", source, re.M), notebook
    namespace = {}
    exec("import numpy as np\nfrom bpkit.exercises import check_exercise", namespace)
    exec(compile(source, notebook, "exec"), namespace)          # raises if the check fails


def test_every_exercise_is_in_its_chapter():
    cells = {}
    for path in (ROOT / "book").glob("*.ipynb"):
        cells[path.name] = "\n".join("".join(c["source"]) for c in
                                     json.loads(path.read_text(encoding="utf-8"))["cells"])
    for ex in EXERCISES.values():
        where = [n for n, text in cells.items() if f":label: {ex.label}\n" in text]
        assert len(where) == 1, f"{ex.label} is not the label of one exercise in the book"
        assert f'check_exercise("{ex.name}", ' in cells[where[0]], ex.name


def test_sympy_reference_agrees_with_bpkit():
    """Three ways at one case: the per-sample SymPy sum, bpkit's backward (and FD in the checker)."""
    ex = EXERCISES["softmax-hidden-layer"]
    sizes = ex.cases()[1]
    values = _draw(ex, sizes, seed=1)
    net = MLP(list(sizes[:-1]), **ex.network)
    for k in net.params:
        net.params[k][...] = values[k]
    _, grads = net.loss_and_grads(values["X"], values["y"])
    exact = _sympy_gradients(ex, sizes, values)
    for _, b in ex.outputs:
        assert np.allclose(exact[b], grads[b], rtol=1e-9, atol=1e-12)


def test_cases_square_first_then_sizes_that_differ():
    """Square sizes first; then every size different (fixed depth) or, for the exercises on
    L layers, neighbouring widths different, N above every width, and three depths."""
    for ex in EXERCISES.values():
        square, *others = ex.cases()
        free = [i for i in range(len(square)) if i not in ex.fixed]
        assert len({square[i] for i in free}) == 1 and len(others) >= 2
        for sizes in others:
            if ex.depths is None:
                assert len({sizes[i] for i in free}) == len(free), (ex.name, sizes)
            else:
                widths = sizes[:-1]
                assert all(a != b for a, b in zip(widths[:-1], widths[1:], strict=True))
                assert sizes[-1] > max(widths)
        if ex.depths is not None:
            assert [len(c) - 2 for c in ex.cases()] == list(ex.depths) and len(set(ex.depths)) == 3


# --------------------------------------------------------------------------- wrong answers


@pytest.mark.parametrize("name, slip", SLIPS, ids=[f"{n}:{s}" for n, s in SLIPS])
def test_every_slip_is_rejected_and_named(name, slip):
    result = check_exercise(name, with_slip(name, slip))
    assert result.status == "wrong" and not result.passed
    assert set(slip.split("+")) <= set(result.mistakes), (slip, result.message)
    assert "Recognised mistake" in result.message and EXERCISES[name].slips[slip] in " ".join(
        result.message.split())


def test_errata_are_named_with_their_ids():
    errata = (ROOT / "book/errata.md").read_text(encoding="utf-8")
    for ex in EXERCISES.values():
        for mistake, ids in ex.cites.items():
            assert mistake in MISTAKES
            for eid in re.findall(r"E\d{3}-\d+", ids):
                assert f"**{eid}**" in errata or f"{eid} <erratum-{eid.lower()}>" in errata, eid
    cited = {eid for ex in EXERCISES.values() for ids in ex.cites.values()
             for eid in re.findall(r"E\d{3}-\d+", ids)}
    assert {"E000-1", "E000-4", "E000-5", "E001-3", "E001-4", "E002-1", "E002-2", "E004-6", "E004-7",
            "E004-8"} <= cited
    result = check_exercise("minibatch-backward", with_slip(
        "minibatch-backward", "upstream_before_activation+derivative_at_output"))
    assert "E004-7" in result.message and "E004-8" in result.message


def transformed(name, change):
    """The exercise's right answer with ``change(outputs, args)`` applied."""
    answer = EXERCISES[name].answer

    def solution(*args):
        out = answer(*args)
        return change(list(out) if isinstance(out, tuple) else [out], args)
    return solution


def _repeat_bias(out, args, i):
    N = args[0].shape[1]
    out[i] = np.repeat(out[i] / N, N, axis=1)             # one column per sample, summing to db
    return out


GENERIC = [
    ("transposed", "mlp-backward", lambda out, a: [out[0], out[1], out[2].T, out[3]]),
    ("transposed", "logistic-minibatch", lambda out, a: [out[0].T, out[1]]),
    ("wrong_sign", "error-terms", lambda out, a: [-out[0], -out[1]]),
    ("bias_not_summed", "mlp-backward", lambda out, a: _repeat_bias(out, a, 3)),
    ("bias_not_summed", "minibatch-backward", lambda out, a: _repeat_bias(out, a, 1)),
    ("bias_averaged", "softmax-output-layer", lambda out, a: [out[0], out[1] / a[0].shape[1]]),
    ("divided_by_n", "mlp-input-gradient", lambda out, a: [out[0] / a[0].shape[1]]),
    ("divided_twice", "logistic-minibatch", lambda out, a: [o / a[0].shape[1] for o in out]),
    ("missing_mean", "minibatch-backward", lambda out, a: [o * a[0].shape[1] for o in out]),
]


@pytest.mark.parametrize("mistake, name, change", GENERIC, ids=[f"{m}:{n}" for m, n, _ in GENERIC])
def test_mistakes_read_off_one_output(mistake, name, change):
    result = check_exercise(name, transformed(name, change))
    assert result.status == "wrong" and mistake in result.mistakes, result.message


def test_at_least_eight_distinct_mistakes_are_named_and_tested():
    named = {m for _, slip in SLIPS for m in slip.split("+")} | {m for m, _, _ in GENERIC}
    assert named <= set(MISTAKES) and len(named) >= 8
    assert named == set(MISTAKES), f"untested: {set(MISTAKES) - named}"


def test_unrecognised_mistake_is_still_located():
    result = check_exercise("mlp-backward", transformed(
        "mlp-backward", lambda out, a: [out[0], out[1], out[2] + 0.5, out[3]]))
    assert result.status == "wrong" and result.mistakes == ()
    assert "dW_O is wrong at entry" in result.message and "expected" in result.message
    assert "dW_H" not in result.message            # the right outputs are not blamed


# --------------------------------------------------------------------------- the student's code


def stub(I, Y, W_H, b_H, W_O, b_O):
    raise NotImplementedError


def test_stub_is_not_implemented_and_does_not_raise():
    result = check_exercise("mlp-backward", stub)
    assert result.status == "not implemented" and not result.passed
    assert "not implemented yet" in result.message


def fails_inside(I, Y, W_H, b_H, W_O, b_O):
    _ = I @ W_H                                        # (D_I, N) @ (D_H, D_I): needs N = D_H
    return EXERCISES["mlp-backward"].answer(I, Y, W_H, b_H, W_O, b_O)


BAD = [
    (fails_inside, "error", ["Case 2 of 3", "raised ValueError", "at line", "mismatched shapes"]),
    (lambda I, Y: 0, "error", ["must take 6 arguments", "(I, Y, W_H, b_H, W_O, b_O)"]),
    (3.0, "error", ["needs your function itself", "got float"]),
    (lambda *a: None, "error", ["returned None", "`return`"]),
    (lambda *a: {"dW_H": 0}, "error", ["must return the 4 outputs", "type dict"]),
    (lambda *a: (1, 2, 3), "error", ["tuple of length 3"]),
    (lambda *a: (1, 2, 3, "x"), "error", ["db_O must be an array of numbers"]),
    (lambda *a: (1, 2, 3, [[1], [2, 3]]), "error", ["db_O must be an array of numbers"]),
    (transformed("mlp-backward", lambda out, a: [o * np.nan for o in out]), "wrong",
     ["NaN or inf entries", "entry [0, 0]"]),
    (transformed("mlp-backward", lambda out, a: [o[:1] for o in out]), "wrong",
     ["has shape (1, 3); expected (3, 3), the shape of W_H"]),
    (lambda *a: (_ for _ in ()).throw(KeyError("W1")), "error", ["raised KeyError"]),
]


@pytest.mark.parametrize("solution, status, phrases", BAD, ids=range(len(BAD)))
def test_student_errors_get_plain_messages(solution, status, phrases):
    result = check_exercise("mlp-backward", solution)
    assert result.status == status and not result.passed
    text = " ".join(result.message.split())
    for phrase in phrases:
        assert phrase in text, (phrase, result.message)
    assert "Traceback" not in result.message and "site-packages" not in result.message


def test_inputs_are_copies():
    answer = EXERCISES["mlp-backward"].answer

    def vandal(I, Y, W_H, b_H, W_O, b_O):
        out = answer(I, Y, W_H, b_H, W_O, b_O)
        for arr in (I, Y, W_H, b_H, W_O, b_O):
            arr[...] = 0.0
        return out
    assert check_exercise("mlp-backward", vandal).passed


def test_float32_answer_is_rejected():
    answer = EXERCISES["mlp-backward"].answer
    solution = lambda *a: tuple(np.float32(o) for o in answer(*(x.astype(np.float32) for x in a)))  # noqa: E731
    result = check_exercise("mlp-backward", solution)
    assert result.status == "wrong", result.message


def test_unknown_exercise_is_the_books_mistake():
    with pytest.raises(ValueError, match="unknown exercise 'nope'; expected one of"):
        check_exercise("nope", stub)


# --------------------------------------------------------------------------- the result


def test_result_prints_and_renders():
    wrong = check_exercise("mlp-backward", with_slip("mlp-backward", "missing_transpose"))
    assert isinstance(wrong, ExerciseResult) and " ".join(str(wrong).split()) == " ".join(
        wrong.message.split())
    html = wrong._repr_html_()
    assert html.startswith('<div class="bpkit-exercise"') and "&lt;" not in wrong.message
    assert "missing_transpose" in html and "#c62828" in html
    assert "#2e7d32" in check_exercise("mlp-backward", EXERCISES["mlp-backward"].answer)._repr_html_()
    assert check_exercise("mlp-backward", stub)._repr_html_().count("#757575") == 1


@pytest.mark.parametrize("name, slip", SLIPS[::3], ids=[f"{n}:{s}" for n, s in SLIPS[::3]])
def test_messages_fit_the_page(name, slip):
    message = str(check_exercise(name, with_slip(name, slip)))
    assert all(len(line) <= 90 for line in message.splitlines()), message
    assert not any(t in message for t in RAW_TEX)


def test_module_example_runs():
    import doctest

    import bpkit.exercises

    failures, tried = doctest.testmod(bpkit.exercises)
    assert tried >= 1 and failures == 0

"""bench/support/script.py: how every benchmark exits."""

import pytest

from bench.support.script import run


class Broken(Exception):
    pass


def _raising(error):
    def main(argv):
        raise error

    return main


@pytest.mark.parametrize(
    ("main", "code", "said"),
    [
        (lambda argv: 0, 0, ""),
        (lambda argv: 2, 2, ""),
        (_raising(KeyboardInterrupt()), 130, "Interrupted."),
        (_raising(Broken("the stack did not start")), 1, ": the stack did not start"),
    ],
)
def test_a_benchmark_exits_with_its_code_and_a_line_instead_of_a_traceback(
    main, code, said, capsys, monkeypatch
):
    monkeypatch.setattr("sys.argv", ["bench/pages.py", "--part", "app"])
    with pytest.raises(SystemExit) as exit:
        run(main, Broken)
    assert exit.value.code == code
    assert said in capsys.readouterr().err


def test_an_unexpected_error_is_not_hidden():
    with pytest.raises(ValueError):
        run(_raising(ValueError("bug")), Broken)

"""Every CLI command is documented in the README, so docs cannot drift from the code."""

from pathlib import Path

from fogwatch.cli import app

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def test_every_command_is_in_the_readme():
    names = [c.name or c.callback.__name__ for c in app.registered_commands]
    assert names, "no commands registered"
    missing = [n for n in names if f"`fogwatch {n}" not in README]
    assert not missing, f"commands missing from README: {missing}"


def test_readme_has_the_two_commands():
    assert "make demo" in README and "make test" in README
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text()
    assert "make test" in ci

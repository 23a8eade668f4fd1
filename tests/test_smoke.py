def test_help_lists_commands(run):
    r = run("--help")
    for name in ("list-goods", "goods", "db", "demo"):
        assert name in r.stdout


def test_version(run):
    assert run("--version").stdout == "weimai 0.1.0\n"


def test_usage_errors_are_one_line_and_a_hint(run):
    r = run("list-goods", "--format", "xml", code=2)
    assert r.stderr.startswith("error: Invalid value for '--format' / '-f': Value error, 'xml' is not one of ")
    lines = r.stderr.splitlines()
    assert len(lines) == 2 and lines[1].endswith("list-goods --help`")
    r = run("nosuch", code=2)
    assert r.stderr.splitlines()[0] == "error: No such command 'nosuch'."

def test_help_lists_commands(run):
    r = run("--help")
    for name in ("list-goods", "goods", "db", "demo"):
        assert name in r.stdout


def test_version(run):
    assert run("--version").stdout == "weimai 0.1.0\n"

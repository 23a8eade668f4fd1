def test_help_lists_commands(run):
    r = run("--help")
    for name in ("list-goods", "goods", "db", "demo"):
        assert name in r.stdout


def test_version(run):
    assert run("--version").stdout == "weimai 0.3.0\n"


def test_usage_errors_are_one_line_and_a_hint(run):
    r = run("list-goods", "--format", "xml", code=2)
    assert r.stderr.startswith("error: Invalid value for '--format' / '-f': Value error, 'xml' is not one of ")
    lines = r.stderr.splitlines()
    assert len(lines) == 2 and lines[1].endswith("list-goods --help`")
    r = run("nosuch", code=2)
    assert r.stderr.splitlines()[0] == "error: No such command 'nosuch'."


def test_plain_parameters_do_not_import_pydantic(tmp_path):
    """Typer coerces through pydantic; weimai's plain parameters (text, whole
    numbers, seconds, choices) never pay for importing it (quickparams.py)."""
    import os
    import subprocess
    import sys

    code = (
        "import sys\nfrom weimai_cli.cli.app import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('pydantic' in sys.modules, file=sys.stderr)\n"
    )
    env = {**os.environ, "WEIMAI_HOME": str(tmp_path), "WEIMAI_NOW": "2026-11-12T09:00:00+08:00"}
    for argv in (["list-goods", "--limit", "1"], ["report", "daily", "--wait", "2.5", "--format", "json"],
                 ["earnings", "--month", "2026-11", "--by", "share", "--limit", "5"]):
        r = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, env=env)
        assert r.stderr.splitlines()[-1] == "False", (argv, r.stderr)


def test_seconds_outside_the_plain_shapes_get_typers_errors(run):
    assert "--wait" in run("report", "daily", "--wait", "-1", code=2).stderr
    assert "--wait" in run("report", "daily", "--wait", "soon", code=2).stderr


def test_json_keys_are_written_as_json_writes_them():
    import json

    from weimai_cli.cli.output import json_text

    data = {None: 1, True: 2, 3: "x", "a": [{"b": 1}, {"b": 2}], "e": [], "o": {}}
    text = json_text(data)
    assert json.loads(text) == json.loads(json.dumps(data))
    assert text.splitlines()[:4] == ['{', '  "null": 1,', '  "true": 2,', '  "3": "x",']
    assert '    {"b": 1},\n    {"b": 2}\n  ],' in text  # a list of records: one record per line

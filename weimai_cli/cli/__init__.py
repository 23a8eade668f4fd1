"""The command-line layer: the root app, commands, shared options, output and
renderers, and the one place exceptions become a message, a hint and an exit
code. The only package that imports typer, rich or ``cli.output``; the domain
packages below it return data (docs/architecture.md)."""

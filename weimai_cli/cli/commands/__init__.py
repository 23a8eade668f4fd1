"""One typer app per command group: parse arguments, call one library function, render."""

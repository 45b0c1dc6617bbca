"""The exceptions of the uptake package: each says what went wrong and how to fix it."""

from __future__ import annotations

from typing import Sequence


class UptakeError(Exception):
    """Base class of every error this package raises on purpose."""


class ExecutableNotFoundError(UptakeError):
    """No `uptake` program was found (argument, UPTAKE variable or PATH)."""


class CommandError(UptakeError):
    """The `uptake` command line ended with an error.

    ``message`` is the command's own "Error: ..." line (the first one on its
    standard error), ``status`` its exit status (docs/cli.md, "Exit
    statuses"), ``stderr`` all it wrote there and ``command`` the argument list.

        try:
            uptake.run("scenarios/nope.lua")
        except uptake.CommandError as error:
            print(error.status, error.message)  # 1 Error: scenarios/nope.lua: there is no scenario file here. ...
    """

    def __init__(self, command: Sequence[str], status: int, stderr: str):
        self.command = list(command)
        self.status = status
        self.stderr = stderr
        self.message = _error_line(stderr, status)
        subcommand = " ".join(["uptake"] + self.command[1:2])
        super().__init__(f"{subcommand} exited with status {status}: {self.message}")


class ResultsFileError(UptakeError):
    """A results database cannot be read; ``path`` is the file."""

    def __init__(self, path: str, problem: str):
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}")


def _error_line(stderr: str, status: int) -> str:
    """The line that explains a failure: uptake's first "Error:" line, else its last line."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in lines:
        if line.startswith("Error:"):
            return line
    if lines:
        return lines[-1]
    if status < 0:
        return f"uptake was killed by signal {-status} and said nothing"
    return "uptake said nothing on its standard error"

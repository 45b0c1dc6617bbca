#!/usr/bin/env python3
"""Runs every `uptake` command shown in README.md and docs/*.md, as written.

Docs that cannot rot: each Markdown file gets a scratch copy of the project
(its git-tracked files), and the commands of its code blocks run there in
the order they appear, so a tutorial's later commands see what its earlier
ones made. A command that fails, or whose output differs from the output
the doc shows, fails the test with the file and line.

What counts as a command: a line in a code block (indented or fenced, not
```lua or ```toml) that starts with `uptake ` (or `$ uptake `). Other lines
(`make demo`, `sbatch ...`) are not run. In a command line,

- `# ...` to the end of the line is a comment;
- `[...]` is an optional part (a synopsis) and is left out;
- a word in capitals (`EXPERIMENT`, `N`) is a placeholder, and must be
  given a value by the block's marker (below), else the test fails;
- `>`, `>>`, `|`, `&&` ... are the shell's (the line runs under /bin/sh).

A marker is an HTML comment (invisible on GitHub) on the lines just before
a block, `<!-- doctest: ... -->`, with any of:

    skip REASON...          the block is not run (say why)
    exit=N                  every command of the block must exit with N
    NAME=VALUE              placeholder NAME is replaced by VALUE
    output                  the block is a transcript: `$ uptake ...` lines,
                            each followed by the output it must print
                            (stdout and stderr together). A line `...`
                            matches any number of lines; `...` inside a
                            line matches any text in it.

    scripts/doctest.py [--uptake PATH] [--update] [FILE.md ...]

A line `<!-- doctest-shell: COMMAND -->` runs COMMAND (/bin/sh, in the
scratch project) at that point: a step the reader does by hand, such as
editing a file the text tells them to edit.

--update rewrites every transcript that no longer matches with what the
commands print now (check the diff, then put back `...` where the text
varies from run to run): the numbers quoted in the docs come from here.
Exit status: 0 when every command did what its doc says, 1 otherwise.
"""

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TIMEOUT = 600  # seconds per command
NOT_RUN_LANGUAGES = {"lua", "toml", "json", "csv", "python", "r"}
MARKER = re.compile(r"^\s*<!--\s*doctest:(.*?)-->\s*$")
HIDDEN_STEP = re.compile(r"^\s*<!--\s*doctest-shell:(.*?)-->\s*$")
FENCE = re.compile(r"^(\s*)(```+|~~~+)\s*([\w+-]*)")
PLACEHOLDER = re.compile(r"^[A-Z][A-Z0-9_]*$")


class Block:
    def __init__(self, path, line, lines, language, marker, fenced):
        self.path, self.line, self.lines = path, line, lines  # lines: [(number, text)]
        self.language, self.marker, self.fenced = language, marker, fenced
        self.skip = None
        self.exit = 0
        self.values = {}
        self.transcript = False
        for word in shlex.split(marker or ""):
            if self.skip is not None:
                self.skip += " " + word
            elif word == "skip":
                self.skip = ""
            elif word == "output":
                self.transcript = True
            elif word.startswith("exit="):
                self.exit = int(word[5:])
            elif "=" in word:
                name, value = word.split("=", 1)
                self.values[name] = value
            else:
                raise SystemExit(f"{path}:{line}: unknown doctest marker word '{word}'")


def blocks(path):
    """The code blocks of a Markdown file, with the marker just before each."""
    text = open(path, encoding="utf-8").read().split("\n")
    found, marker, i = [], None, 0
    previous_blank = True
    while i < len(text):
        line = text[i]
        h = HIDDEN_STEP.match(line)
        if h:
            found.append(Block(path, i + 1, [(i + 1, h.group(1).strip())], "hidden-shell", None, False))
            i += 1
            continue
        m = MARKER.match(line)
        if m:
            marker = m.group(1).strip()
            i += 1
            continue
        f = FENCE.match(line)
        if f:
            indent, fence, language = f.group(1), f.group(2), f.group(3).lower()
            start, body = i + 1, []
            i += 1
            while i < len(text) and not text[i].strip().startswith(fence):
                body.append((i + 1, text[i][len(indent):] if text[i].startswith(indent) else text[i]))
                i += 1
            found.append(Block(path, start, body, language, marker, True))
            marker, previous_blank = None, False
            i += 1
            continue
        if line.startswith("    ") and previous_blank and line.strip():
            start, body = i + 1, []
            while i < len(text) and (text[i].startswith("    ") or not text[i].strip()):
                body.append((i + 1, text[i][4:]))
                i += 1
            while body and not body[-1][1].strip():
                body.pop()
            found.append(Block(path, start, body, "", marker, False))
            marker, previous_blank = None, True
            continue
        if line.strip():
            marker = None if not line.strip().startswith("<!--") else marker
        previous_blank = not line.strip()
        i += 1
    return found


def drop_optional(words):
    """Leaves out `[...]` parts, nested or spread over several words."""
    kept, depth = [], 0
    for w in words:
        if depth == 0 and not w.startswith("["):
            kept.append(w)
            continue
        depth += w.count("[") - w.count("]")
    return kept


SHELL_OPERATORS = {">", ">>", "2>", "2>&1", "|", "&&", "||", "<"}


def command_words(text, block, where):
    try:
        words = shlex.split(text, comments=True)
    except ValueError as e:
        raise DocError(where, f"cannot read `{text}` as a command line ({e})")
    words = drop_optional(words)
    out = []
    for w in words:
        if w in block.values:
            out.append(block.values[w])
        elif PLACEHOLDER.match(w) and not w.startswith("-"):
            raise DocError(where, f"placeholder {w} has no value: add {w}=... to the block's <!-- doctest: --> marker")
        else:
            out.append(w)
    return out


class DocError(Exception):
    def __init__(self, where, message):
        super().__init__(f"{where}: {message}")


def commands(block):
    """[(line number, command text, expected output lines or None)]"""
    found = []
    for number, text in block.lines:
        stripped = text.strip()
        is_prompt = stripped.startswith("$ ")
        command = stripped[2:] if is_prompt else stripped
        # In a transcript only "$ " lines are commands: output may show uptake commands to type next.
        if (command.startswith("uptake ") or command == "uptake") and (is_prompt or not block.transcript):
            found.append([number, command, [] if block.transcript else None])
        elif block.transcript and found and not is_prompt:
            found[-1][2].append(text.rstrip())
        elif block.transcript and is_prompt:
            found.append([number, command, None])  # a shell line in a transcript: shown, not run
    return found


def matches(expected, actual):
    """Whether actual lines match expected lines (`...` wildcards)."""
    def line_ok(e, a):
        if "..." not in e:
            return e == a
        pattern = ".*".join(re.escape(part) for part in e.split("..."))
        return re.fullmatch(pattern, a) is not None

    def go(i, j):
        if i == len(expected):
            return j == len(actual)
        if expected[i].strip() == "...":
            return any(go(i + 1, k) for k in range(j, len(actual) + 1))
        return j < len(actual) and line_ok(expected[i], actual[j]) and go(i + 1, j + 1)

    while expected and not expected[-1].strip():
        expected = expected[:-1]
    return go(0, 0)


def scratch_project():
    folder = tempfile.mkdtemp(prefix="uptake-doctest-")
    files = subprocess.run(["git", "-C", ROOT, "ls-files", "-z"], capture_output=True, check=True).stdout.decode().split("\0")
    for f in filter(None, files):
        source = os.path.join(ROOT, f)
        if not os.path.isfile(source):
            continue  # deleted in the work tree
        target = os.path.join(folder, f)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(source, target)
    return folder


def run_file(path, uptake, update):
    """Runs one Markdown file's commands; returns (commands run, failures, new text or None)."""
    relative = os.path.relpath(path, ROOT)
    project = scratch_project()
    bin_dir = tempfile.mkdtemp(prefix="uptake-doctest-bin-")
    os.symlink(uptake, os.path.join(bin_dir, "uptake"))
    env = dict(os.environ, PATH=bin_dir + os.pathsep + os.environ.get("PATH", ""), NO_COLOR="1",
               HOME=tempfile.mkdtemp(prefix="uptake-doctest-home-"))
    ran, failures, rewrites = 0, [], {}
    try:
        for block in blocks(path):
            if block.language in NOT_RUN_LANGUAGES or block.skip is not None:
                continue
            if block.language == "hidden-shell":
                number, line = block.lines[0]
                print(f"  {relative}:{number}: (hidden step) {line}", flush=True)
                r = subprocess.run(["/bin/sh", "-c", line], cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
                if r.returncode != 0:
                    failures.append(f"{relative}:{number}: the hidden step `{line}` exited with {r.returncode}\n"
                                    + r.stdout.decode("utf-8", "replace")[-2000:])
                continue
            transcript_changed, new_lines = False, []
            for number, text, expected in commands(block):
                where = f"{relative}:{number}"
                if not (text.startswith("uptake ") or text == "uptake"):
                    new_lines.append(f"$ {text}")
                    continue
                try:
                    words = command_words(text, block, where)
                except DocError as e:
                    failures.append(str(e))
                    continue
                ran += 1
                # Redirections and pipes go through the shell; every other word is quoted.
                line = " ".join(w if w in SHELL_OPERATORS else shlex.quote(w) for w in words)
                print(f"  {where}: {line}", flush=True)
                try:
                    result = subprocess.run(["/bin/sh", "-c", line], cwd=project, env=env, stdout=subprocess.PIPE,
                                            stderr=subprocess.STDOUT, timeout=TIMEOUT)
                except subprocess.TimeoutExpired:
                    failures.append(f"{where}: `{text}` ran past {TIMEOUT} s")
                    continue
                output = result.stdout.decode("utf-8", "replace").rstrip("\n").split("\n")
                if output == [""]:
                    output = []
                if result.returncode != block.exit:
                    tail = "\n".join("      " + l for l in output[-15:])
                    failures.append(f"{where}: `{text}` exited with {result.returncode}, the doc expects {block.exit}\n{tail}")
                if expected is not None:
                    if matches(expected, output):
                        new_lines.append(f"$ {text}")
                        new_lines.extend(expected)
                    else:
                        transcript_changed = True
                        new_lines.append(f"$ {text}")
                        new_lines.extend(output)
                        if not update:
                            diff = "\n".join(["    expected:"] + ["      " + l for l in expected] +
                                             ["    printed:"] + ["      " + l for l in output])
                            failures.append(f"{where}: `{text}` printed something else than the doc shows "
                                            f"(scripts/doctest.py --update {relative} rewrites it)\n{diff}")
            if block.transcript and transcript_changed and update:
                rewrites[block] = new_lines
    finally:
        shutil.rmtree(project, ignore_errors=True)
        shutil.rmtree(bin_dir, ignore_errors=True)
        shutil.rmtree(env["HOME"], ignore_errors=True)
    new_text = None
    if rewrites:
        text = open(path, encoding="utf-8").read().split("\n")
        for block, lines in sorted(rewrites.items(), key=lambda kv: -kv[0].line):
            first, last = block.lines[0][0], block.lines[-1][0]
            indent = "" if block.fenced else "    "
            text[first - 1:last] = [(indent + l).rstrip() if l else "" for l in lines]
        new_text = "\n".join(text)
    return ran, failures, new_text


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="*")
    parser.add_argument("--uptake", default=os.path.join(ROOT, ".build", "debug", "uptake"))
    parser.add_argument("--update", action="store_true")
    args = parser.parse_args()
    uptake = os.path.abspath(args.uptake)
    if not os.access(uptake, os.X_OK):
        print(f"doctest: {uptake} is not an executable; build it first (swift build) or pass --uptake PATH", file=sys.stderr)
        return 1
    files = args.files or [os.path.join(ROOT, "README.md")] + sorted(
        os.path.join(ROOT, "docs", f) for f in os.listdir(os.path.join(ROOT, "docs")) if f.endswith(".md"))
    total, failures = 0, []
    for path in files:
        print(f"doctest: {os.path.relpath(path, ROOT)}", flush=True)
        ran, failed, new_text = run_file(os.path.abspath(path), uptake, args.update)
        total += ran
        failures += failed
        if new_text is not None:
            open(path, "w", encoding="utf-8").write(new_text)
            print(f"doctest: rewrote the transcripts of {os.path.relpath(path, ROOT)} that changed")
    for f in failures:
        print("FAIL " + f, file=sys.stderr)
    print(f"doctest: {total} commands run, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

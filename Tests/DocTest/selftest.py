#!/usr/bin/env python3
"""Checks scripts/doctest.py itself with a fake `uptake` that prints its
arguments and exits with the number after `exit:` (0 otherwise)."""
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOCTEST = os.path.join(ROOT, "scripts", "doctest.py")
FAKE = """#!/bin/sh
echo "args: $*"
for a in "$@"; do case "$a" in exit:*) exit "${a#exit:}";; esac; done
exit 0
"""


def check(name, markdown, expect_status, expect_in_output=(), update=False):
    folder = tempfile.mkdtemp(prefix="doctest-selftest-")
    fake = os.path.join(folder, "uptake")
    open(fake, "w").write(FAKE)
    os.chmod(fake, 0o755)
    doc = os.path.join(folder, "doc.md")
    open(doc, "w").write(markdown)
    args = [sys.executable, DOCTEST, "--uptake", fake] + (["--update"] if update else []) + [doc]
    r = subprocess.run(args, capture_output=True, text=True)
    out = r.stdout + r.stderr
    problems = []
    if r.returncode != expect_status:
        problems.append(f"exit status {r.returncode}, expected {expect_status}")
    for text in expect_in_output:
        if text not in out:
            problems.append(f"output lacks {text!r}")
    if problems:
        print(f"FAIL {name}: {'; '.join(problems)}\n{out}")
        return False, doc
    print(f"ok   {name}")
    return True, doc


results = []
results.append(check("a command that succeeds passes", "Text\n\n    uptake run a.lua   # a comment\n", 0, ["1 commands run, 0 failed"])[0])
results.append(check("a command that fails fails, with file and line", "Text\n\n    uptake run exit:2\n", 1, ["doc.md:3", "exited with 2"])[0])
results.append(check("exit=N expects that status", "<!-- doctest: exit=2 -->\n\n    uptake run exit:2\n", 0)[0])
results.append(check("optional parts are left out", "Text\n\n    uptake run a.lua [exit:3] [--x [exit:4]]\n", 0, ["uptake run a.lua\n"])[0])
results.append(check("an undefined placeholder fails", "Text\n\n    uptake batch EXPERIMENT\n", 1, ["placeholder EXPERIMENT has no value"])[0])
results.append(check("a placeholder is substituted", "<!-- doctest: EXPERIMENT=x.lua -->\n    uptake batch EXPERIMENT\n", 0, ["uptake batch x.lua"])[0])
results.append(check("a skipped block is not run", "<!-- doctest: skip needs a cluster -->\n\n    uptake run exit:1\n", 0, ["0 commands run"])[0])
results.append(check("lua blocks are not run", "```lua\nuptake run exit:1\n```\n", 0, ["0 commands run"])[0])
results.append(check("other commands are not run", "Text\n\n    make demo\n    sbatch x\n", 0, ["0 commands run"])[0])
transcript = "<!-- doctest: output -->\n\n    $ uptake run a.lua\n    args: run a.lua\n"
results.append(check("a matching transcript passes", transcript, 0)[0])
results.append(check("a transcript that differs fails", transcript.replace("args: run a.lua", "args: run b.lua"), 1,
                     ["printed something else", "args: run b.lua"])[0])
results.append(check("wildcards match", "<!-- doctest: output -->\n\n    $ uptake run a.lua\n    args: ... a.lua\n", 0)[0])
results.append(check("a line of ... matches lines", "<!-- doctest: output -->\n\n    $ uptake run a.lua\n    ...\n", 0)[0])
ok, doc = check("--update rewrites a transcript", transcript.replace("args: run a.lua", "old"), 0, ["rewrote"], update=True)
results.append(ok and "    args: run a.lua" in open(doc).read() and "old" not in open(doc).read())
if not results[-1]:
    print("FAIL --update did not write the new output into the doc")
print(f"doctest self-test: {sum(results)} of {len(results)} ok")
sys.exit(0 if all(results) else 1)

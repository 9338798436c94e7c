"""Put the extra labelled spend files in place, byte for byte, from clones of the repositories they came from.

    git clone https://github.com/<owner>/<name> REPOS/<owner>+<name>    # each repository extra_sources.md names
    python -m tests.labels.extra_files --repos REPOS [--out ../real-extra]

Each file is read from its repository at the commit extra_sources.md gives (`git show <commit>:<path>`) and written
to `<out>/<file>` as the table names it; a file whose size differs from the table's is reported and not written.
A clone may also sit at REPOS/<owner>/<name> or REPOS/<owner>+<name>/repo, or be a bare repository (a mirror). Not
part of the product, and not a test: tests/test_classification.py reads the files it puts in place.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

SOURCES = Path(__file__).with_name("extra_sources.md")
PROJECT = Path(__file__).resolve().parents[2]
_SOURCE = re.compile(r"^([\w.-]+)/([\w.-]+) @ ([0-9a-f]{40})")


def listed(text: str) -> list[tuple[str, str, str, str, int | None]]:
    """(file, repository, commit, path in the repository, bytes) of each row of the table in extra_sources.md."""
    rows = []
    for line in text.splitlines():
        if not line.startswith("| spend/"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        found = _SOURCE.match(cells[3])
        if not found:
            raise ValueError(f"extra_sources.md: no 'owner/name @ commit' in the row of {cells[0]}")
        path = cells[4].split(" (", 1)[0].strip("`")  # a note may follow the path in brackets
        size = int(cells[5]) if cells[5].isdigit() else None
        rows.append((cells[0], f"{found[1]}/{found[2]}", found[3], path, size))
    return rows


def _clone(repos: Path, repository: str) -> Path | None:
    owner, name = repository.split("/")
    for folder in (repos / f"{owner}+{name}", repos / owner / name, repos / f"{owner}+{name}" / "repo"):
        if (folder / ".git").exists() or (folder / "HEAD").is_file():  # a clone, or a bare repository
            return folder
    return None


def restore(repos: Path, out: Path) -> tuple[int, list[str]]:
    """Write every listed file under `out`: how many were written, and the problems met (a clone or commit missing,
    a size that differs)."""
    written, problems = 0, []
    for file, repository, commit, path, size in listed(SOURCES.read_text(encoding="utf-8")):
        clone = _clone(repos, repository)
        if clone is None:
            problems.append(f"{file}: no clone of {repository} under {repos}")
            continue
        shown = subprocess.run(["git", "-C", str(clone), "show", f"{commit}:{path}"], capture_output=True, check=False)
        if shown.returncode != 0:
            problems.append(f"{file}: {repository} has no {path} at {commit[:12]} (fetch its full history)")
            continue
        if size is not None and len(shown.stdout) != size:
            problems.append(f"{file}: {len(shown.stdout):,} bytes where the table says {size:,}; not written")
            continue
        target = out / file
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(shown.stdout)
        written += 1
    return written, problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repos", type=Path, required=True, help="folder holding a clone of each repository")
    parser.add_argument("--out", type=Path, default=PROJECT.parent / "real-extra", help="where the files go")
    options = parser.parse_args()
    written, problems = restore(options.repos, options.out)
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{written} files written under {options.out}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

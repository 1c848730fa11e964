from __future__ import annotations

import os
from pathlib import Path

import pytest

from codemill.domain.errors import InputError
from codemill.infrastructure.sources.local_folder_source import LocalFolderSource

PY = "def f():\n    return 1\n"


def test_yields_code_files_with_relative_posix_paths(tmp_path, write_tree, collect) -> None:
    write_tree(tmp_path, {"pkg/mod.py": PY, "pkg/sub/util.go": "package sub\n", "README.md": "# hi"})
    source = LocalFolderSource(tmp_path, max_bytes=1000, description="my-folder", commit="abc")
    got = collect(source)
    assert got.paths == ["pkg/mod.py", "pkg/sub/util.go"]
    assert got.data("pkg/mod.py") == PY.encode()
    assert {(f.source, f.commit) for f in got.files} == {("my-folder", "abc")}
    assert got.reasons() == {"README.md": "unsupported_language"}


def test_order_is_sorted_and_deterministic(tmp_path, write_tree, collect) -> None:
    write_tree(tmp_path, {name: PY for name in ["b.py", "a/z.py", "a/b.py", "c/a.py", "a.py", "B.py"]})
    first = collect(LocalFolderSource(tmp_path)).paths
    assert first == collect(LocalFolderSource(tmp_path)).paths
    assert first == ["B.py", "a/b.py", "a/z.py", "a.py", "b.py", "c/a.py"]


def test_vendored_and_build_folders_are_skipped(tmp_path, write_tree, collect) -> None:
    skipped_dirs = [
        ".git", ".hg", ".svn", "node_modules", "vendor", "third_party", ".venv", "venv",
        "lib/site-packages", "dist", "build", "__pycache__", ".tox", ".mypy_cache", ".pytest_cache",
    ]  # fmt: skip
    tree: dict[str, str | bytes] = {f"{d}/x.py": PY for d in skipped_dirs}
    tree.update(
        {
            "keep.py": PY,
            "src/node_modules/deep.js": "x",
            "env/pyvenv.cfg": "home = /usr",
            "env/lib/a.py": PY,
            "myenv/pyvenv.cfg": "home = /usr",
            "myenv/b.py": PY,
            "other/env/c.py": PY,
            "rust/Cargo.toml": "[package]",
            "rust/target/debug/gen.rs": "fn main() {}",
            "rust/src/main.rs": "fn main() {}",
            "plain/target/t.py": PY,
        }
    )
    write_tree(tmp_path, tree)
    got = collect(LocalFolderSource(tmp_path))
    assert got.paths == ["keep.py", "other/env/c.py", "plain/target/t.py", "rust/src/main.rs"]
    assert set(got.reasons()) == {"rust/Cargo.toml"}


def test_gitignore_nested_negation_and_anchoring(tmp_path, write_tree, collect) -> None:
    write_tree(
        tmp_path,
        {
            ".gitignore": "ignored.py\ngen/\n*.tmp.py\n/top_only.py\n",
            "sub/.gitignore": "!important.tmp.py\nlocal.py\n",
            "ignored.py": PY,
            "gen/a.py": PY,
            "x.tmp.py": PY,
            "top_only.py": PY,
            "local.py": PY,
            "kept.py": PY,
            "sub/important.tmp.py": PY,
            "sub/other.tmp.py": PY,
            "sub/local.py": PY,
            "sub/top_only.py": PY,
            "sub/deeper/local.py": PY,
            "sub/deeper/ignored.py": PY,
        },
    )
    got = collect(LocalFolderSource(tmp_path))
    assert got.paths == ["kept.py", "local.py", "sub/important.tmp.py", "sub/top_only.py"]
    assert set(got.reasons()) == {".gitignore", "sub/.gitignore"}


def test_malformed_gitignore_line_keeps_the_other_rules(tmp_path, write_tree, collect) -> None:
    write_tree(tmp_path, {".gitignore": "!\nbad.py\n", "bad.py": PY, "good.py": PY})
    assert collect(LocalFolderSource(tmp_path)).paths == ["good.py"]


def test_symlinks_are_counted_and_never_followed(tmp_path, write_tree, collect) -> None:
    outside, root = tmp_path / "outside", tmp_path / "root"
    write_tree(outside, {"secret.py": PY, "deep/more.py": PY})
    write_tree(root, {"real.py": PY})
    (root / "linked_dir").symlink_to(outside, target_is_directory=True)
    (root / "linked_file.py").symlink_to(outside / "secret.py")
    got = collect(LocalFolderSource(root))
    assert got.paths == ["real.py"]
    assert got.reasons() == {"linked_dir": "link", "linked_file.py": "link"}


def test_too_large_is_decided_from_the_size_without_reading(tmp_path, collect) -> None:
    big = tmp_path / "big.py"
    with big.open("wb") as out:  # sparse: 4 GiB on paper, nothing on disk
        out.truncate(4 << 30)
    (tmp_path / "small.py").write_text(PY)
    got = collect(LocalFolderSource(tmp_path, max_bytes=100))
    assert got.paths == ["small.py"]
    [skip] = got.skipped
    assert (skip.path, skip.reason) == ("big.py", "too_large")
    assert str(4 << 30) in skip.detail


def test_extensionless_scripts_are_detected_by_shebang(tmp_path, write_tree, collect) -> None:
    write_tree(tmp_path, {"bin/tool": "#!/usr/bin/env python3\nprint(1)\n", "bin/notes": "just text\n"})
    got = collect(LocalFolderSource(tmp_path))
    assert got.paths == ["bin/tool"]
    assert got.reasons() == {"bin/notes": "unsupported_language"}


def test_fifo_is_counted_as_special_file(tmp_path, collect) -> None:
    os.mkfifo(tmp_path / "pipe.py")
    got = collect(LocalFolderSource(tmp_path))
    assert got.reasons() == {"pipe.py": "special_file"}


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_is_counted(tmp_path, collect) -> None:
    locked = tmp_path / "locked.py"
    locked.write_text(PY)
    locked.chmod(0)
    try:
        assert collect(LocalFolderSource(tmp_path)).reasons() == {"locked.py": "unreadable"}
    finally:
        locked.chmod(0o644)


def test_a_missing_folder_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a folder"):
        LocalFolderSource(tmp_path / "nope")

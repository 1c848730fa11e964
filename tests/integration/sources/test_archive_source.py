from __future__ import annotations

import io
import stat
import struct
import tarfile
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from codemill.domain.errors import InputError
from codemill.infrastructure.sources.archive_source import ArchiveSource

PY = b"def f():\n    return 1\n"
TREE = {
    "proj/src/a.py": PY,
    "proj/README.md": b"# doc",
    "proj/node_modules/dep.js": b"x",
    "proj/bin/run": b"#!/usr/bin/env ruby\nputs 1\n",
}
EXPECTED_FILES = ["proj/src/a.py", "proj/bin/run"]  # archive order
TAR_MODES = {".tar": "w", ".tar.gz": "w:gz", ".tgz": "w:gz", ".tar.bz2": "w:bz2", ".tbz2": "w:bz2",
             ".tar.xz": "w:xz", ".txz": "w:xz"}  # fmt: skip


def tar_info(
    name: str, data: bytes = b"", kind: bytes = tarfile.REGTYPE, **fields: object
) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.size = kind, len(data)
    for key, value in fields.items():
        setattr(info, key, value)
    return info


def make_tar(path: Path, members: list[tuple[tarfile.TarInfo, bytes]]) -> Path:
    suffix = next(s for s in sorted(TAR_MODES, key=len, reverse=True) if path.name.endswith(s))
    with tarfile.open(path, TAR_MODES[suffix]) as tar:
        for info, data in members:
            tar.addfile(info, io.BytesIO(data) if info.isreg() else None)
    return path


def make_zip(path: Path, members: dict[str, bytes], links: dict[str, str] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name), data, zipfile.ZIP_DEFLATED)
        for name, target in (links or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, target)
    return path


@pytest.mark.parametrize("suffix", [".zip", *TAR_MODES])
def test_every_format_yields_the_same_files(tmp_path, collect, suffix) -> None:
    path = tmp_path / f"code{suffix}"
    if suffix == ".zip":
        make_zip(path, TREE)
    else:
        make_tar(path, [(tar_info(name, data), data) for name, data in TREE.items()])
    got = collect(ArchiveSource(path, description="code-archive"))
    assert got.paths == EXPECTED_FILES
    assert got.data("proj/src/a.py") == PY
    assert {f.source for f in got.files} == {"code-archive"}
    assert got.reasons() == {"proj/README.md": "unsupported_language"}


def test_hostile_zip_members_are_counted_not_yielded(tmp_path, collect) -> None:
    names = ["../evil.py", "/abs.py", "C:/win.py", "a\\b.py", "ok/../../up.py"]
    path = make_zip(tmp_path / "evil.zip", {**dict.fromkeys(names, PY), "good.py": PY},
                    links={"link.py": "/etc/passwd"})  # fmt: skip
    got = collect(ArchiveSource(path))
    assert got.paths == ["good.py"]
    assert got.reasons() == {**dict.fromkeys(names, "unsafe_member"), "link.py": "link"}
    assert not (tmp_path / "evil.py").exists()


def test_hostile_tar_members_are_counted_not_yielded(tmp_path, collect) -> None:
    members = [
        (tar_info("./src/ok.py", PY), PY),
        (tar_info("../evil.py", PY), PY),
        (tar_info("/abs.py", PY), PY),
        (tar_info("sym.py", kind=tarfile.SYMTYPE, linkname="/etc/passwd"), b""),
        (tar_info("hard.py", kind=tarfile.LNKTYPE, linkname="src/ok.py"), b""),
        (tar_info("dev.py", kind=tarfile.CHRTYPE, devmajor=1, devminor=3), b""),
        (tar_info("fifo.py", kind=tarfile.FIFOTYPE), b""),
        (tar_info("src", kind=tarfile.DIRTYPE), b""),
        (tar_info("src/ok.py", PY), PY),
    ]
    got = collect(ArchiveSource(make_tar(tmp_path / "evil.tar.gz", members)))
    assert got.paths == ["src/ok.py"]
    assert got.reasons() == {
        "../evil.py": "unsafe_member",
        "/abs.py": "unsafe_member",
        "sym.py": "link",
        "hard.py": "link",
        "dev.py": "unsafe_member",
        "fifo.py": "unsafe_member",
        "src/ok.py": "duplicate",
    }


def test_zip_bomb_member_is_too_large_without_being_inflated(tmp_path, collect) -> None:
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive, archive.open("bomb.py", "w") as out:
        for _ in range(50):
            out.write(b"a" * (1 << 20))  # 50 MiB that deflate to about 50 KiB
    tracemalloc.start()
    got = collect(ArchiveSource(path, max_bytes=10_000))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert got.reasons() == {"bomb.py": "too_large"}
    assert peak < 5 << 20


def test_a_member_lying_about_its_size_is_never_read_past_the_cap(tmp_path, collect) -> None:
    path = make_zip(tmp_path / "liar.zip", {"liar.py": b"x = 1\n" * 2_000_000, "fine.py": PY})
    raw = bytearray(path.read_bytes())
    entry = raw.index(b"PK\x01\x02")  # central directory entry of liar.py
    struct.pack_into("<I", raw, entry + 24, 100)  # declared uncompressed size: 100 bytes
    path.write_bytes(bytes(raw))
    tracemalloc.start()
    got = collect(ArchiveSource(path, max_bytes=1000))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert got.paths == ["fine.py"]
    assert got.reasons()["liar.py"] in {"unreadable", "too_large"}
    assert peak < 5 << 20


def test_total_uncompressed_cap_stops_with_one_archive_limit(tmp_path, collect) -> None:
    path = make_zip(tmp_path / "many.zip", {f"m{i}.py": b"#" * 600 for i in range(5)})
    got = collect(ArchiveSource(path, max_total_bytes=1000))
    assert got.paths == ["m0.py"]
    assert [s.reason for s in got.skipped] == ["archive_limit"]


def test_tar_declared_total_cap_is_enforced_before_reading(tmp_path, collect) -> None:
    members = [(tar_info(f"m{i}.py", b"#" * 600), b"#" * 600) for i in range(5)]
    got = collect(ArchiveSource(make_tar(tmp_path / "many.tar.xz", members), max_total_bytes=1300))
    assert got.paths == ["m0.py", "m1.py"]
    assert [s.reason for s in got.skipped] == ["archive_limit"]


@pytest.mark.parametrize("suffix", [".zip", ".tar"])
def test_member_count_cap(tmp_path, collect, suffix) -> None:
    files = {f"m{i}.py": PY for i in range(10)}
    path = tmp_path / f"count{suffix}"
    if suffix == ".zip":
        make_zip(path, files)
    else:
        make_tar(path, [(tar_info(n, d), d) for n, d in files.items()])
    got = collect(ArchiveSource(path, max_members=3))
    assert got.paths == ["m0.py", "m1.py", "m2.py"]
    [limit] = got.skipped
    assert limit.reason == "archive_limit" and "3 members" in limit.detail


@pytest.mark.parametrize("name", ["junk.zip", "junk.tar", "junk.tar.gz"])
def test_garbage_is_an_input_error_naming_the_archive(tmp_path, collect, name) -> None:
    path = tmp_path / name
    path.write_bytes(b"this is not an archive at all" * 100)
    with pytest.raises(InputError, match=name):
        collect(ArchiveSource(path))


def test_truncated_compressed_tar_is_an_input_error(tmp_path, collect) -> None:
    members = [(tar_info(f"m{i}.py", bytes(range(256)) * 400), bytes(range(256)) * 400) for i in range(4)]
    path = make_tar(tmp_path / "cut.tar.gz", members)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(InputError, match=r"cut\.tar\.gz"):
        collect(ArchiveSource(path))


def test_iterating_twice_gives_the_same_files(tmp_path, collect) -> None:
    source = ArchiveSource(make_tar(tmp_path / "twice.tgz", [(tar_info("a.py", PY), PY)]))
    assert collect(source).paths == collect(source).paths == ["a.py"]
    source.close()
    source.close()

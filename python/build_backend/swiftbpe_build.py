"""PEP 517 backend for swiftbpe: builds the Swift shared library and packs a wheel.

The wheel holds the pure-Python package and ``libswiftbpe.so``, built by
``swift build -c release --product swiftbpe`` in the swift-bpe package one folder up with the
Swift standard library and Foundation linked statically (``-static-stdlib``), so the installed
package does not need the toolchain at run time (only the system's libpcre2-8, zlib and
libzstd). The wheel is tagged ``py3-none-<platform>``: the library is loaded with ctypes, not as
a CPython extension, so it does not depend on the Python version.

No third-party build requirement: only the standard library.
"""
import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent  # python/
PACKAGE_ROOT = HERE.parent  # the swift-bpe package (Package.swift)
NAME = "swiftbpe"
VERSION = "0.1.0"


def _platform_tag():
    return sysconfig.get_platform().replace("-", "_").replace(".", "_")


def _wheel_name():
    return f"{NAME}-{VERSION}-py3-none-{_platform_tag()}.whl"


def _swift_static_dir():
    info = json.loads(subprocess.check_output(["swiftc", "-print-target-info"]))
    resources = info["paths"]["runtimeResourcePath"]  # .../usr/lib/swift
    return os.path.join(resources + "_static", "linux")


def build_library():
    """Builds libswiftbpe.so; returns its path."""
    if shutil.which("swift") is None:
        raise RuntimeError("swiftbpe needs the Swift toolchain to build (swift is not on PATH)")
    scratch = PACKAGE_ROOT / ".build-python"
    # Always from scratch: SwiftPM's incremental builds can keep a stale object across modules
    # (a changed generic signature left an undefined symbol), and a wheel must never hold one.
    for stale in (scratch / "release", scratch / "x86_64-unknown-linux-gnu" / "release"):
        shutil.rmtree(stale, ignore_errors=True)
    command = [
        "swift", "build", "-c", "release", "--product", "swiftbpe",
        "--package-path", str(PACKAGE_ROOT), "--scratch-path", str(scratch),
        "-Xswiftc", "-static-stdlib", "-Xlinker", "-L" + _swift_static_dir(),
    ]
    print("swiftbpe: " + " ".join(command), file=sys.stderr)
    subprocess.run(command, check=True)
    library = scratch / "release" / "libswiftbpe.so"
    if not library.exists():
        raise RuntimeError(f"swift build did not produce {library}")
    return library


def _metadata():
    readme = (HERE / "README.md").read_text(encoding="utf-8")
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {NAME}",
        f"Version: {VERSION}",
        "Summary: Fast, exact byte-level BPE training and encoding (swift-bpe), with a drop-in for rustbpe",
        "Requires-Python: >=3.9",
        "License: MIT",
        "Provides-Extra: tiktoken",
        'Requires-Dist: tiktoken; extra == "tiktoken"',
        "Provides-Extra: parquet",
        'Requires-Dist: pyarrow; extra == "parquet"',
        "Provides-Extra: progress",
        'Requires-Dist: tqdm; extra == "progress"',
        "Description-Content-Type: text/markdown",
        "",
        readme,
    ]
    return "\n".join(lines)


def _wheel_file():
    return "\n".join([
        "Wheel-Version: 1.0",
        "Generator: swiftbpe_build",
        "Root-Is-Purelib: false",
        f"Tag: py3-none-{_platform_tag()}",
        "",
    ])


def _record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def _write_wheel(directory, files):
    """files: list of (archive name, bytes). Adds dist-info and RECORD."""
    dist_info = f"{NAME}-{VERSION}.dist-info"
    files = list(files) + [
        (f"{dist_info}/METADATA", _metadata().encode()),
        (f"{dist_info}/WHEEL", _wheel_file().encode()),
        (f"{dist_info}/top_level.txt", f"{NAME}\n".encode()),
    ]
    record = [_record_line(name, data) for name, data in files] + [f"{dist_info}/RECORD,,"]
    files.append((f"{dist_info}/RECORD", ("\n".join(record) + "\n").encode()))
    path = Path(directory) / _wheel_name()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (0o755 if name.endswith(".so") else 0o644) << 16
            archive.writestr(info, data)
    return path.name


def _package_files():
    files = []
    for path in sorted((HERE / NAME).rglob("*.py")):
        files.append((path.relative_to(HERE).as_posix(), path.read_bytes()))
    return files


def _stripped(library):
    data = library.read_bytes()
    strip = shutil.which("strip")
    if strip is None:
        return data
    copy = library.with_name("libswiftbpe.stripped.so")
    shutil.copyfile(library, copy)
    subprocess.run([strip, "--strip-debug", str(copy)], check=True)
    data = copy.read_bytes()
    copy.unlink()
    return data


# ---- PEP 517 hooks ----

def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    library = build_library()
    files = _package_files() + [(f"{NAME}/libswiftbpe.so", _stripped(library))]
    return _write_wheel(wheel_directory, files)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    """An editable install: a .pth pointing at python/, with the library built into it."""
    library = build_library()
    shutil.copyfile(library, HERE / NAME / "libswiftbpe.so")
    files = [(f"__editable__.{NAME}.pth", (str(HERE) + "\n").encode())]
    return _write_wheel(wheel_directory, files)


def build_sdist(sdist_directory, config_settings=None):
    raise RuntimeError(
        "swiftbpe has no source distribution of its own: it is built from a swift-bpe checkout "
        "(pip install ./python, with the Swift toolchain)")

"""Reads a tar (plain, .gz or .zst via the tar command's decompression done by the caller) with Python's tarfile and
prints one line a member: name, type, size, CRC-32 of the content, mtime, uid, gid, uname, linkname, mode (octal).

Usage: python3 tarcheck.py ARCHIVE
"""
import sys
import tarfile
import zlib

with tarfile.open(sys.argv[1], "r:") as t:
    for m in t:
        crc = 0
        if m.isreg():
            f = t.extractfile(m)
            while True:
                chunk = f.read(1 << 20)
                if not chunk:
                    break
                crc = zlib.crc32(chunk, crc)
        kind = "f" if m.isreg() else "d" if m.isdir() else "l" if m.issym() else "h" if m.islnk() else "?"
        mtime = repr(float(m.mtime))
        print(f"{m.name}\t{kind}\t{m.size}\t{crc:08x}\t{mtime}\t{m.uid}\t{m.gid}\t{m.uname}\t{m.linkname}\t{m.mode:o}")

"""Reads a zip with Python's zipfile and prints one line an entry: name, size, CRC-32 of the bytes read, the DOS time.

Usage: python3 zipcheck.py ARCHIVE
Fails (non-zero exit) on any CRC or structure error, including testzip().
"""
import sys
import zipfile
import zlib

with zipfile.ZipFile(sys.argv[1]) as z:
    bad = z.testzip()
    if bad is not None:
        sys.exit(f"bad CRC in {bad}")
    for info in z.infolist():
        crc = 0
        size = 0
        with z.open(info) as f:
            while True:
                chunk = f.read(1 << 16)
                if not chunk:
                    break
                crc = zlib.crc32(chunk, crc)
                size += len(chunk)
        y, mo, d, h, mi, s = info.date_time
        print(f"{info.filename}\t{size}\t{crc:08x}\t{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}\t{info.external_attr >> 16:o}")

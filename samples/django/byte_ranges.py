"""What a member file view should answer with: validators, and one byte range (RFC 9110), so the gateway can resume.

Used by app.py's file view; plain functions over a request's META, so any Python framework can copy them.
"""
import re

from django.utils.http import http_date


def validators(stat):
    """A strong ETag and Last-Modified from the file's size and mtime: they change whenever its bytes may have."""
    return '"%x-%x"' % (stat.st_mtime_ns, stat.st_size), http_date(stat.st_mtime)


RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def byte_range(request, size, etag, last_modified):
    """The one range (first, last) a Range header asks for; None for the whole file; "unsatisfiable" for a 416.

    Several ranges, a malformed header, or an If-Range that no longer matches get the whole file, as RFC 9110 allows.
    """
    header = request.META.get("HTTP_RANGE")
    if not header or request.method != "GET":
        return None
    if_range = request.META.get("HTTP_IF_RANGE")
    if if_range is not None and if_range != etag and if_range != last_modified:
        return None
    match = RANGE.match(header.strip())
    if not match or match.group(1) == match.group(2) == "":
        return None
    first, last = match.groups()
    if first == "":
        suffix = int(last)
        if suffix == 0:
            return "unsatisfiable"
        return max(size - suffix, 0), size - 1
    first = int(first)
    last = size - 1 if last == "" else min(int(last), size - 1)
    if first > last:
        return "unsatisfiable" if first >= size else None
    return first, last


def file_part(full, first, length):
    with open(full, "rb") as f:
        f.seek(first)
        while length > 0:
            chunk = f.read(min(length, 1 << 16))
            if not chunk:
                return
            length -= len(chunk)
            yield chunk

"""A Django app behind `formats gateway`, in one file (Debian: apt install python3-django).

    /usr/bin/python3 samples/django/app.py            # serves the repository's docs folder at 127.0.0.1:8000
    dotnet run --project src/Formats.Cli -- gateway --upstream http://127.0.0.1:8000
    open http://127.0.0.1:5000/

Its views answer archive requests with a manifest and the header X-Archive-Files; the gateway in front streams the
archive. Archives and files are for a logged-in session only (anonymous users are sent to the login page), and the
gateway fetches the files with the user's cookie. What makes resumes cheap (docs/gateway.md, "What the upstream
should send"): each file's CRC-32 is computed once and cached by (path, size, mtime), and the file view sends a strong
ETag, Last-Modified and Accept-Ranges and answers a single Range (206, or 416) with If-Range honoured.
The gateway's tests run this same file (FILES_ROOT, REQUEST_LOG and FORBIDDEN_ORIGIN set by them).
"""
import hashlib
import hmac
import os
import sys
import threading
import time
import zlib
from functools import wraps
from urllib.parse import quote

from django.conf import settings

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.environ.get("FILES_ROOT", os.path.join(HERE, "..", "..", "docs"))
LOG = os.environ.get("REQUEST_LOG")
FORBIDDEN = os.environ.get("FORBIDDEN_ORIGIN")
# With MEMBER_SECRET_FILE (the file given to the gateway's --member-secret-file), files are served to the gateway only.
MEMBER_SECRET = None
if os.environ.get("MEMBER_SECRET_FILE"):
    with open(os.environ["MEMBER_SECRET_FILE"], "rb") as f:
        MEMBER_SECRET = f.read()
    MEMBER_SECRET = MEMBER_SECRET[:-2] if MEMBER_SECRET.endswith(b"\r\n") else MEMBER_SECRET.removesuffix(b"\n")

settings.configure(
    DEBUG=False,
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY", "sample-only-not-secret"),
    INSTALLED_APPS=["django.contrib.sessions"],
    SESSION_ENGINE="django.contrib.sessions.backends.signed_cookies",
    MIDDLEWARE=[
        __name__ + ".log_requests",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.http.ConditionalGetMiddleware",
    ],
    LOGGING_CONFIG=None,
)

from django.http import (  # noqa: E402
    FileResponse, HttpResponse, HttpResponseForbidden, HttpResponseRedirect, StreamingHttpResponse)
from django.urls import path  # noqa: E402
from django.utils.http import http_date, url_has_allowed_host_and_scheme  # noqa: E402

from byte_ranges import byte_range, file_part, validators  # noqa: E402

lock = threading.Lock()


def log(line):
    """With REQUEST_LOG set (the tests), one line appended to it."""
    if LOG:
        with lock, open(LOG, "a") as f:
            f.write(line + "\n")


def log_requests(get_response):
    """With REQUEST_LOG set, one line per request: what the app saw of Range, If-* and the session."""
    def middleware(request):
        meta = request.META
        log(" ".join([
            request.method, request.get_full_path(),
            "range=" + meta.get("HTTP_RANGE", "-"), "if-range=" + meta.get("HTTP_IF_RANGE", "-"),
            "if-none-match=" + meta.get("HTTP_IF_NONE_MATCH", "-"),
            "session=" + ("yes" if "sessionid" in request.COOKIES else "no"),
            "pass=" + meta.get("HTTP_X_TENANT", "-"),
        ]))
        return get_response(request)
    return middleware


def login_required(view):
    """Anonymous users go to the login page (a real app: django.contrib.auth's @login_required)."""
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.session.get("user") is None:
            return HttpResponseRedirect("/login/?next=" + quote(request.get_full_path()))
        return view(request, *args, **kwargs)
    return wrapper


def gateway_only(view):
    """With a member secret, only requests the gateway signed (docs/gateway.md, "Member requests only the gateway can
    make"): X-Archive-Signature: t=EXPIRES,sig=HMAC-SHA256(secret, METHOD \\n TARGET \\n EXPIRES) in hex, TARGET being
    the decoded path (request.path) and ?QUERY as sent when there is one; EXPIRES at most 5 minutes ahead."""
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if MEMBER_SECRET is not None:
            t, _, sig = request.META.get("HTTP_X_ARCHIVE_SIGNATURE", "").partition(",sig=")
            expires = t[2:] if t.startswith("t=") and t[2:].isdigit() else None
            query = request.META.get("QUERY_STRING", "")
            target = request.path + ("?" + query if query else "")
            message = "%s\n%s\n%s" % (request.method, target, expires)
            good = hmac.new(MEMBER_SECRET, message.encode(), hashlib.sha256).hexdigest()
            if expires is None or not time.time() <= int(expires) <= time.time() + 300 \
                    or not hmac.compare_digest(good, sig):
                return HttpResponseForbidden("for the gateway only\n")
        return view(request, *args, **kwargs)
    return wrapper


def files_in_root():
    return sorted(n for n in os.listdir(ROOT) if os.path.isfile(os.path.join(ROOT, n)))


def index(request):
    if request.session.get("user") is None:
        return HttpResponse('<!doctype html><title>sample</title><p><a href="/login/">Log in</a> to download.\n',
                            content_type="text/html")
    links = " ".join('<a href="/archive/%s/">%s</a>' % (f, f) for f in ("zip", "tar", "tar.gz", "tar.zst"))
    listing = "".join("<li>%s" % name for name in files_in_root())
    return HttpResponse("<!doctype html><title>sample</title><p>Download all as %s<ul>%s</ul>\n" % (links, listing),
                        content_type="text/html")


def login(request):
    request.session["user"] = "alice"
    target = request.GET.get("next", "/")
    if target == "none":
        return HttpResponse("logged in\n", content_type="text/plain")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        target = "/"
    return HttpResponseRedirect(target)


# CRC-32s by (path, size, mtime in ns): a file is read for its CRC-32 once, not on every archive request. A real app
# stores the CRC-32 with the file when it is uploaded; "-" in the manifest works too (the gateway computes and
# remembers it when the file view sends validators).
crcs = {}


def crc32_of(full):
    stat = os.stat(full)
    key = (full, stat.st_size, stat.st_mtime_ns)
    with lock:
        if key in crcs:
            return crcs[key], stat.st_size
    log("crc-read " + os.path.basename(full))
    crc = 0
    with open(full, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            crc = zlib.crc32(chunk, crc)
    with lock:
        crcs[key] = crc
    return crc, stat.st_size


@gateway_only
def files(request, name):
    # Fetched by the gateway with the user's cookie: a refusal, not a login page, when it has none.
    if request.session.get("user") is None:
        return HttpResponseForbidden("log in first\n")
    if name not in files_in_root():
        return HttpResponse("no such file\n", status=404, content_type="text/plain")
    full = os.path.join(ROOT, name)
    stat = os.stat(full)
    etag, last_modified = validators(stat)
    wanted = byte_range(request, stat.st_size, etag, last_modified)
    if wanted == "unsatisfiable":
        response = HttpResponse(status=416)
        response["Content-Range"] = "bytes */%d" % stat.st_size
    elif wanted is None:
        response = FileResponse(open(full, "rb"))
    else:
        first, last = wanted
        response = StreamingHttpResponse(file_part(full, first, last - first + 1), status=206,
                                         content_type="application/octet-stream")
        response["Content-Length"] = str(last - first + 1)
        response["Content-Range"] = "bytes %d-%d/%d" % (first, last, stat.st_size)
    response["ETag"] = etag
    response["Last-Modified"] = last_modified
    response["Accept-Ranges"] = "bytes"
    return response


# The view of docs/gateway.md: one manifest line per file the user may have, and the header that makes it an archive.
@login_required
def archive(request, fmt):
    lines = []
    # Last-Modified: the newest of the folder (a file added or removed) and its files (one changed), never the clock, so
    # that the gateway's answer to If-Modified-Since (curl -z, caches) changes exactly when the archive's bytes may.
    newest = os.stat(ROOT).st_mtime
    for name in files_in_root():
        full = os.path.join(ROOT, name)
        newest = max(newest, os.stat(full).st_mtime)
        if request.GET.get("crc") == "no":
            crc, size = "-", os.path.getsize(full)
        else:
            value, size = crc32_of(full)
            crc = "%08x" % value
        lines.append("%s %d /files/%s photos/%s\n" % (crc, size, quote(name), name))
    lines.append("0 0 @directory photos/empty\n")
    if request.GET.get("missing") == "yes":
        lines.append("- 5 /files/missing.txt photos/missing.txt\n")
    response = HttpResponse("".join(lines), content_type="text/plain")
    response["X-Archive-Files"] = fmt
    response["X-Archive-Pass-Headers"] = "X-Tenant"
    response["Content-Disposition"] = 'attachment; filename="photos.%s"' % fmt
    response["Last-Modified"] = http_date(newest)
    response["Cache-Control"] = "private, max-age=60"
    # Shows that the gateway passes Set-Cookie on. Not to copy: the user's Cookie header is part of the key under which
    # the gateway remembers CRC-32s, so a cookie the download itself sets makes its first resume read the members with
    # "-" before the cut again (docs/gateway.md, "What the upstream should send").
    response.set_cookie("last_download", fmt, samesite="Lax")
    return response


@login_required
def external(request):
    """A manifest naming another origin (the gateway refuses it unless allowed with --allow-origin)."""
    origin = FORBIDDEN or "http://127.0.0.1:9"
    response = HttpResponse("- 4 %s/secret.bin secret.bin\n" % origin, content_type="text/plain")
    response["X-Archive-Files"] = "zip"
    return response


@login_required
def charset(request):
    """A manifest in windows-1251, as older apps write them; the gateway re-encodes the names to UTF-8."""
    first = files_in_root()[0]
    size = os.path.getsize(os.path.join(ROOT, first))
    body = ("- %d /files/%s \u0444\u043e\u0442\u043e.txt\n" % (size, quote(first))).encode("windows-1251")
    response = HttpResponse(body, content_type="text/plain")
    response["X-Archive-Files"] = "zip"
    response["X-Archive-Charset"] = "windows-1251"
    return response


def page(request):
    return HttpResponse("<!doctype html><title>app</title><p>a plain page\n", content_type="text/html")


def blob(request):
    return HttpResponse(bytes(range(256)) * 4096, content_type="application/octet-stream")


urlpatterns = [
    path("", index), path("login/", login), path("files/<str:name>", files), path("archive/<str:fmt>/", archive),
    path("external/", external), path("charset/", charset), path("page/", page), path("blob/", blob),
]

if __name__ == "__main__":
    from django.core.management import execute_from_command_line
    from django.core.servers import basehttp

    # A gateway in front opens a connection for every member it fetches and reads ahead (64 by default) and every request
    # it forwards, all at once when many archives start together. runserver listens with a backlog of 10: past it the
    # kernel drops the connections (ListenOverflows), which then wait a second or more to be retried or are reset.
    basehttp.WSGIServer.request_queue_size = 1024
    execute_from_command_line(sys.argv if len(sys.argv) > 1 else [sys.argv[0], "runserver", "127.0.0.1:8000", "--noreload"])

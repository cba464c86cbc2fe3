"""A Django app behind `formats gateway`, in one file (Debian: apt install python3-django).

    /usr/bin/python3 samples/django/app.py            # serves the repository's docs folder at 127.0.0.1:8000
    dotnet run --project src/Formats.Cli -- gateway --upstream http://127.0.0.1:8000
    open http://127.0.0.1:5000/

Its views answer archive requests with a manifest and the header X-Archive-Files; the gateway in front streams the
archive. The files themselves are served only to a logged-in session, and the gateway fetches them with the user's
cookie. The gateway's tests run this same file (FILES_ROOT, REQUEST_LOG and FORBIDDEN_ORIGIN set by them).
"""
import os
import sys
import threading
import zlib
from urllib.parse import quote

from django.conf import settings

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.environ.get("FILES_ROOT", os.path.join(HERE, "..", "..", "docs"))
LOG = os.environ.get("REQUEST_LOG")
FORBIDDEN = os.environ.get("FORBIDDEN_ORIGIN")

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

from django.http import FileResponse, HttpResponse, HttpResponseForbidden, HttpResponseRedirect  # noqa: E402
from django.urls import path  # noqa: E402

lock = threading.Lock()


def log_requests(get_response):
    """With REQUEST_LOG set, one line per request: what the app saw of Range, If-* and the session."""
    def middleware(request):
        if LOG:
            meta = request.META
            line = " ".join([
                request.method, request.get_full_path(),
                "range=" + meta.get("HTTP_RANGE", "-"), "if-range=" + meta.get("HTTP_IF_RANGE", "-"),
                "if-none-match=" + meta.get("HTTP_IF_NONE_MATCH", "-"),
                "session=" + ("yes" if "sessionid" in request.COOKIES else "no"),
                "pass=" + meta.get("HTTP_X_TENANT", "-"),
            ])
            with lock, open(LOG, "a") as log:
                log.write(line + "\n")
        return get_response(request)
    return middleware


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
    if request.GET.get("next") == "none":
        return HttpResponse("logged in\n", content_type="text/plain")
    return HttpResponseRedirect("/")


def files(request, name):
    if request.session.get("user") is None:
        return HttpResponseForbidden("log in first\n")
    if name not in files_in_root():
        return HttpResponse("no such file\n", status=404, content_type="text/plain")
    return FileResponse(open(os.path.join(ROOT, name), "rb"))


# The view of docs/gateway.md: one manifest line per file the user may have, and the header that makes it an archive.
def archive(request, fmt):
    lines = []
    for name in files_in_root():
        with open(os.path.join(ROOT, name), "rb") as f:
            data = f.read()
        crc = "-" if request.GET.get("crc") == "no" else "%08x" % zlib.crc32(data)
        lines.append("%s %d /files/%s photos/%s\n" % (crc, len(data), quote(name), name))
    lines.append("0 0 @directory photos/empty\n")
    if request.GET.get("missing") == "yes":
        lines.append("- 5 /files/missing.txt photos/missing.txt\n")
    response = HttpResponse("".join(lines), content_type="text/plain")
    response["X-Archive-Files"] = fmt
    response["X-Archive-Pass-Headers"] = "X-Tenant"
    response["Content-Disposition"] = 'attachment; filename="photos.%s"' % fmt
    response["Last-Modified"] = "Mon, 01 Jan 2024 00:00:00 GMT"
    response["Cache-Control"] = "private, max-age=60"
    response.set_cookie("last_download", fmt, samesite="Lax")
    return response


def external(request):
    """A manifest naming another origin (the gateway refuses it unless allowed with --allow-origin)."""
    origin = FORBIDDEN or "http://127.0.0.1:9"
    response = HttpResponse("- 4 %s/secret.bin secret.bin\n" % origin, content_type="text/plain")
    response["X-Archive-Files"] = "zip"
    return response


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
    execute_from_command_line(sys.argv if len(sys.argv) > 1 else [sys.argv[0], "runserver", "127.0.0.1:8000", "--noreload"])

using Microsoft.Win32.SafeHandles;

namespace Formats.Cli;

/// <summary>The process's standard streams, as the commands see them (tests pass their own).</summary>
internal sealed record StandardStreams(Func<Stream> OpenInput, Func<Stream> OpenOutput, TextWriter Error, TextWriter Out)
{
    /// <summary>True when standard error is a terminal, where a progress display belongs.</summary>
    public bool ErrorIsTerminal { get; init; }

    /// <summary>Which file descriptor 0 is (st_dev, st_ino), to recognise another name of it; null when unknown (tests).</summary>
    public (ulong Device, ulong Inode)? InputIdentity { get; init; }

    /// <summary>
    /// File descriptors 0 and 1 through the console streams, which call read(2) and write(2) on the shared descriptor:
    /// a FileStream would use pread/pwrite at its own offset when the descriptor is a regular file, so two commands
    /// writing one after the other into the same redirected output would overwrite each other. Standard output that is
    /// a pipe, socket or terminal is the exception: see <see cref="OpenStandardOutput"/>.
    /// </summary>
    public static StandardStreams Open() => new(Console.OpenStandardInput, OpenStandardOutput, Console.Error, Console.Out)
    {
        ErrorIsTerminal = !Console.IsErrorRedirected,
        InputIdentity = UnixFileType.Stat(0)?.Identity,
    };

    /// <summary>
    /// Descriptor 1. The console stream pretends that a write into a pipe whose reader has gone succeeded (it swallows
    /// EPIPE; .NET ignores SIGPIPE), so 'formats zip big | head -c100' would read and compress all of big and exit 0.
    /// Anything but a regular file is therefore written through a FileStream on the descriptor, which calls write(2)
    /// too (no offset of its own where there is none) and fails with an IOException at the first write after the reader
    /// has gone.
    /// </summary>
    private static Stream OpenStandardOutput()
    {
        const int StandardOutput = 1;
        if (UnixFileType.Stat(StandardOutput) is not { Kind: not UnixFileType.Kind.Regular })
        {
            return Console.OpenStandardOutput();
        }

        return new BrokenPipeStream(new FileStream(new SafeFileHandle(StandardOutput, ownsHandle: false), FileAccess.Write, bufferSize: 0));
    }

    /// <summary>Says what a failed write into standard output means, once, in the words of the command line.</summary>
    private sealed class BrokenPipeStream(Stream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            try
            {
                inner.Write(buffer);
            }
            catch (IOException ex)
            {
                throw Closed(ex);
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                await inner.WriteAsync(buffer, cancellationToken);
            }
            catch (IOException ex)
            {
                throw Closed(ex);
            }
        }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private static IOException Closed(IOException ex) => new($"standard output: {ex.Message}; the archive was not completed", ex);
    }
}

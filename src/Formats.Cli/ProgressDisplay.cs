using System.Diagnostics;
using System.Globalization;

namespace Formats.Cli;

/// <summary>
/// One line on standard error, redrawn four times a second while an archive is written: members done, bytes written,
/// and the rate; then a summary line. Only when standard error is a terminal and --quiet is not given: a pipe or a log
/// file gets nothing.
/// </summary>
internal sealed class ProgressDisplay : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private readonly TextWriter _error;
    private readonly IArchiveSink _sink;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _members;
    private bool _completed;
    private int _drawn;

    private ProgressDisplay(TextWriter error, IArchiveSink sink)
    {
        _error = error;
        _sink = sink;
        _loop = RedrawAsync();
    }

    /// <summary>A display for <paramref name="sink"/>, or null when standard error is not a terminal or <paramref name="quiet"/>.</summary>
    public static ProgressDisplay? Start(StandardStreams io, bool quiet, IArchiveSink sink) =>
        io.ErrorIsTerminal && !quiet ? new ProgressDisplay(io.Error, sink) : null;

    public void MemberDone() => Interlocked.Increment(ref _members);

    public void Completed() => _completed = true;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
        var line = Line(_completed ? "done" : "stopped");
        await _error.WriteAsync($"\r{line.PadRight(_drawn)}\n");
        await _error.FlushAsync();
    }

    private async Task RedrawAsync()
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                var line = Line(null);
                await _error.WriteAsync($"\r{line.PadRight(_drawn)}");
                await _error.FlushAsync();
                _drawn = line.Length;
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private string Line(string? end)
    {
        var seconds = Math.Max(_clock.Elapsed.TotalSeconds, 0.001);
        var bytes = _sink.BytesWritten;
        var members = Volatile.Read(ref _members);
        var text = string.Create(
            CultureInfo.InvariantCulture,
            $"{members} member{(members == 1 ? "" : "s")}, {Size(bytes)}, {Size((long)(bytes / seconds))}/s, {seconds:0.0} s");
        return end is null ? text : $"{text} ({end})";
    }

    /// <summary>Bytes in binary units, three significant digits.</summary>
    public static string Size(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes} B")
            : string.Create(CultureInfo.InvariantCulture, $"{value:0.##} {units[unit]}");
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace Formats.Cli;

/// <summary>How serve and gateway run: the host's own <c>RunAsync</c>, with the line that says where it listens.</summary>
internal static class ServerRun
{
    /// <summary>
    /// Runs <paramref name="app"/> until <paramref name="cancellationToken"/> (Ctrl-C, SIGTERM) or the host itself stops
    /// it, writing <paramref name="started"/>'s line to <paramref name="output"/> once it listens (its addresses are
    /// known only then). A host that cannot start (its port in use) throws from here, for the one-line error.
    /// </summary>
    public static async Task RunAsync(WebApplication app, Func<string> started, TextWriter output, CancellationToken cancellationToken)
    {
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = app.Lifetime.ApplicationStarted.Register(() => listening.TrySetResult());
        var running = app.RunAsync(cancellationToken);
        if (await Task.WhenAny(listening.Task, running) == listening.Task)
        {
            await output.WriteLineAsync(started());
        }

        await running;
    }
}

using System.Runtime.InteropServices;
using Formats.Cli;

using var cancel = new CancellationTokenSource();
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

return await CliApp.RunAsync(args, StandardStreams.Open(), cancel.Token);

void Stop(PosixSignalContext context)
{
    // Let the archive abort cleanly (no end records, no partial file left) instead of dying mid-write.
    context.Cancel = true;
    cancel.Cancel();
}

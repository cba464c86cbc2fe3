using Formats.Cli;

namespace Formats.Cli.Tests;

/// <summary>Runs the <c>formats</c> command in-process with captured standard streams.</summary>
internal static class CliRunner
{
    public static Task<(int Code, byte[] Stdout, string Stderr, string Out)> RunAsync(Stream? stdin, params string[] args) =>
        RunAsync(stdin, errorIsTerminal: false, args);

    /// <summary>As <see cref="RunAsync(Stream?, string[])"/>, with standard error a terminal or not.</summary>
    public static async Task<(int Code, byte[] Stdout, string Stderr, string Out)> RunAsync(Stream? stdin, bool errorIsTerminal, params string[] args)
    {
        var stdout = new MemoryStream();
        var stderr = new StringWriter();
        var @out = new StringWriter();
        var io = new StandardStreams(() => stdin ?? Stream.Null, () => stdout, stderr, @out) { ErrorIsTerminal = errorIsTerminal };
        var code = await CliApp.RunAsync(args, io, CancellationToken.None);
        return (code, stdout.ToArray(), stderr.ToString(), @out.ToString());
    }
}

/// <summary>A command test's scratch folder, removed afterwards, and the in-process runner.</summary>
public abstract class CliTestBase : IDisposable
{
    protected string Dir { get; } = Directory.CreateTempSubdirectory("formats-cli-").FullName;

    public void Dispose()
    {
        Directory.Delete(Dir, recursive: true);
        GC.SuppressFinalize(this);
    }

    private protected static Task<(int Code, byte[] Stdout, string Stderr, string Out)> Run(Stream? stdin, params string[] args) =>
        CliRunner.RunAsync(stdin, args);
}

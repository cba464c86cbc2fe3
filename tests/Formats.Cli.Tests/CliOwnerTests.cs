using System.Diagnostics;
using Formats.Cli;

namespace Formats.Cli.Tests;

/// <summary>Owners: a file's uid, gid and names go into its entry; --owner, --group and --numeric-owner override them as in GNU tar.</summary>
public sealed class CliOwnerTests : CliTestBase
{
    private const int Uid = 3_000_000;
    private const int Gid = 4_000_000;

    /// <summary>docs/, docs/a.txt and docs/link (to a.txt), all owned by <see cref="Uid"/>:<see cref="Gid"/> (ids no user database names).</summary>
    private string MakeOwnedTree()
    {
        var docs = Path.Combine(Dir, "docs");
        Directory.CreateDirectory(docs);
        File.WriteAllText(Path.Combine(docs, "a.txt"), "ay");
        File.CreateSymbolicLink(Path.Combine(docs, "link"), "a.txt");
        Chown("-h", $"{Uid}:{Gid}", docs, Path.Combine(docs, "a.txt"), Path.Combine(docs, "link"));
        return docs;
    }

    private static void Chown(params string[] args)
    {
        using var chown = Process.Start(new ProcessStartInfo("chown", args) { UseShellExecute = false, RedirectStandardError = true })!;
        Assert.True(chown.WaitForExit(TimeSpan.FromSeconds(30)), "chown did not finish");
        if (chown.ExitCode != 0)
        {
            Assert.Skip($"chown needs root here: {chown.StandardError.ReadToEnd()}");
        }
    }

    [Fact]
    public async Task Tar_takes_uid_and_gid_from_each_file_folder_and_link()
    {
        var docs = MakeOwnedTree();
        var (code, tar, stderr, _) = await Run(null, "tar", docs);
        Assert.True(code == 0, stderr);
        var read = TarTestHelpers.ReadWithTarReader(tar);
        Assert.Equal(["docs/", "docs/a.txt", "docs/link"], read.Select(e => e.Name));
        Assert.All(read, e => Assert.Equal((Uid, Gid, "", ""), (e.Uid, e.Gid, e.UserName, e.GroupName)));

        var path = Path.Combine(Dir, "owned.tar");
        File.WriteAllBytes(path, tar);
        var list = await ExternalTool.RunAsync("tar", ["--numeric-owner", "-tvf", path], timeoutSeconds: 60);
        Assert.Equal(0, list.ExitCode);
        Assert.All(list.Lines, l => Assert.Contains($" {Uid}/{Gid} ", l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Tar_names_owners_as_the_user_and_group_databases_do()
    {
        var file = Path.Combine(Dir, "root.txt");
        File.WriteAllText(file, "r");
        Chown("0:0", file);
        var (code, tar, stderr, _) = await Run(null, "tar", file);
        Assert.True(code == 0, stderr);
        var entry = Assert.Single(TarTestHelpers.ReadWithTarReader(tar));
        Assert.Equal((0, 0, "root", "root"), (entry.Uid, entry.Gid, entry.UserName, entry.GroupName));
    }

    [Theory]
    [InlineData(new[] { "--owner", "alice:1234", "--group", "staff:99" }, 1234, 99, "alice", "staff")]
    [InlineData(new[] { "--owner", "0", "--group", "0" }, 0, 0, "root", "root")]
    [InlineData(new[] { "--owner", "root", "--group", "root" }, 0, 0, "root", "root")]
    [InlineData(new[] { "--owner", "alice:1234", "--numeric-owner" }, 1234, Gid, "", "")]
    [InlineData(new[] { "--numeric-owner" }, Uid, Gid, "", "")]
    public async Task Owner_group_and_numeric_owner_override_every_entry_as_in_gnu_tar(string[] options, int uid, int gid, string user, string group)
    {
        var docs = MakeOwnedTree();
        var (code, tar, stderr, _) = await Run(new MemoryStream("in"u8.ToArray()), ["tar", .. options, docs, "--stdin-length", "2", "-"]);
        Assert.True(code == 0, stderr);
        var read = TarTestHelpers.ReadWithTarReader(tar);
        Assert.Equal(4, read.Count);

        // Standard input has no owner of its own: it gets the overrides, else 0 and no names.
        var (stdinUid, stdinUser) = options.Contains("--owner") ? (uid, user) : (0, "");
        Assert.All(read.Take(3), e => Assert.Equal((uid, gid, user, group), (e.Uid, e.Gid, e.UserName, e.GroupName)));
        Assert.Equal(stdinUid, read[3].Uid);
        Assert.Equal(stdinUser, read[3].UserName);
    }

    [Fact]
    public async Task Zip_entries_carry_each_file_owner_and_the_overrides_for_the_zip_writer()
    {
        var docs = MakeOwnedTree();
        var io = new StandardStreams(() => Stream.Null, () => Stream.Null, TextWriter.Null, TextWriter.Null);
        var zip = new ZipLine();
        var command = zip.Command("zip", "", (_, _) => Task.FromResult(0));
        var line = command.Parse([docs]);
        var entries = zip.Archive.Collect(line, io, await ZipCommand.FormatAsync(line, zip, io, CancellationToken.None));
        Assert.All(entries, e => Assert.Equal((Uid, Gid), (e.Entry.UserId, e.Entry.GroupId)));

        line = command.Parse(["--owner", "alice:1234", "--group", "staff:99", "--numeric-owner", docs]);
        entries = zip.Archive.Collect(line, io, await ZipCommand.FormatAsync(line, zip, io, CancellationToken.None));
        Assert.All(entries, e => Assert.Equal((1234, 99, (string?)null, (string?)null), (e.Entry.UserId, e.Entry.GroupId, e.Entry.UserName, e.Entry.GroupName)));
    }

    [Theory]
    [InlineData("tar", "--owner", "no-such-user-here", "x")]
    [InlineData("tar", "--group", "no-such-group-here", "x")]
    [InlineData("zip", "--owner", "alice:", "x")]
    [InlineData("zip", "--owner", ":12", "x")]
    [InlineData("tar", "--owner", "99999999999", "x")]
    public async Task Unknown_owner_or_group_is_a_wrong_command_line(params string[] args)
    {
        var (code, stdout, stderr, _) = await Run(null, args);
        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
        Assert.Contains(args[1], stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_documents_the_owner_options()
    {
        foreach (var command in new[] { "zip", "tar" })
        {
            var (_, _, _, help) = await Run(null, command, "--help");
            Assert.Contains("--owner NAME[:UID]", help, StringComparison.Ordinal);
            Assert.Contains("--group NAME[:GID]", help, StringComparison.Ordinal);
            Assert.Contains("--numeric-owner", help, StringComparison.Ordinal);
        }
    }
}

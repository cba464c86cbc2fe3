using System.IO.Compression;
using Formats.AspNetCore;
using Formats.Cli;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Formats.AspNetCoreTests;

/// <summary>Kestrel's transport on 64 KiB blocks (<see cref="LargeBlockServices.AddLargeTransportBlocks"/>) in the gateway and serve.</summary>
public sealed class LargeBlockMemoryPoolTests
{
    [Fact]
    public void Blocks_are_64_KiB_reused_once_returned_and_a_second_dispose_returns_nothing()
    {
        using var pool = new LargeBlockMemoryPool();
        var first = pool.Rent(4096);
        Assert.Equal(LargeBlockMemoryPool.BlockSize, first.Memory.Length);
        var array = first.Memory;
        first.Dispose();
        first.Dispose();
        Assert.Equal(1, pool.Retained);

        var again = pool.Rent();
        Assert.True(again.Memory.Span == array.Span, "the returned block is rented again");
        Assert.Equal(0, pool.Retained);
        var other = pool.Rent();
        Assert.False(other.Memory.Span == array.Span);
        again.Dispose();
        other.Dispose();
        Assert.Equal(2, pool.Retained);
    }

    [Fact]
    public void The_pool_keeps_at_most_its_cap_and_refuses_a_request_larger_than_a_block()
    {
        using var pool = new LargeBlockMemoryPool();
        var blocks = Enumerable.Range(0, LargeBlockMemoryPool.MaxRetainedBlocks + 10).Select(_ => pool.Rent()).ToList();
        blocks.ForEach(block => block.Dispose());
        Assert.Equal(LargeBlockMemoryPool.MaxRetainedBlocks, pool.Retained);
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(LargeBlockMemoryPool.BlockSize + 1));
    }

    [Fact]
    public async Task The_gateway_sends_a_large_archive_through_kestrel_on_its_blocks_and_serve_uses_them_too()
    {
        var content = new byte[3 << 20];
        new Random(25).NextBytes(content);
        await using var gateway = await AppGateway.StartAsync(app =>
        {
            app.MapGet("/m/{name}", () => Results.Bytes(content, "application/octet-stream"));
            app.MapGet("/archive", (HttpContext context) =>
            {
                context.Response.Headers["X-Archive-Files"] = "zip";
                return Results.Text(string.Join("", Enumerable.Range(0, 4).Select(i => $"- {content.Length} /m/{i} m{i}.bin\n")));
            });
        });

        var factory = Assert.IsType<LargeBlockMemoryPool.Factory>(gateway.Services.GetRequiredService<IMemoryPoolFactory<byte>>());
        using var client = gateway.Client();
        var bytes = await client.GetByteArrayAsync("archive");
        using (var zip = new ZipArchive(new MemoryStream(bytes)))
        {
            Assert.Equal(4, zip.Entries.Count);
            foreach (var entry in zip.Entries)
            {
                using var read = new MemoryStream();
                await using (var stream = await entry.OpenAsync())
                {
                    await stream.CopyToAsync(read);
                }

                Assert.True(read.ToArray().AsSpan().SequenceEqual(content), entry.FullName);
            }
        }

        // Kestrel asked this factory for its pool, and the archive went out on its blocks (they came back to it).
        Assert.Contains(factory.Pools, pool => pool.Retained > 0);

        var root = Directory.CreateTempSubdirectory("formats-blocks-");
        try
        {
            await using var serve = ServeCommand.Build(root.FullName, "http://127.0.0.1:0");
            Assert.IsType<LargeBlockMemoryPool.Factory>(serve.Services.GetRequiredService<IMemoryPoolFactory<byte>>());
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }
}

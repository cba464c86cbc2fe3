using System.Collections.Concurrent;
using Formats.AspNetCore;
using Formats.Testing;
using Formats.Zip;
using Microsoft.Extensions.Logging;

namespace Formats.AspNetCoreTests;

/// <summary>
/// <see cref="ResilientCrcStore"/> in front of a store that hangs or throws: an archive pays one timeout, not one per
/// member; after the first failure no call reaches the store until the breaker's period is over (a clock the test
/// moves); one warning per outage and one information when the store answers again.
/// </summary>
public sealed class ResilientCrcStoreTests
{
    private const int Members = 40;

    /// <summary>40 stored members of known content; <paramref name="ids"/> prefixes their identities (the store's keys).</summary>
    private static ZipArchivePlan Plan(ICrcStore? store, string ids = "id") =>
        new(Enumerable.Range(0, Members).Select(i => new ArchiveItem(
                new ArchiveEntry($"m{i}.bin") { Length = 1000 + i, LastModified = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero) },
                new IdentifiedSource(EntrySource.FromBytes(SyntheticStream.Bytes(1000 + i, i, compressible: false)), $"{ids}:m{i}"))),
            new ZipWriterOptions { Method = ZipCompressionMethod.Stored, CrcStore = store });

    private static async Task<byte[]> RangeAsync(ArchivePlan plan, long start, long end)
    {
        using var output = new MemoryStream();
        await plan.WriteRangeAsync(output, start, end);
        return output.ToArray();
    }

    private static async Task<byte[]> FullAsync(ArchivePlan plan)
    {
        using var output = new MemoryStream();
        await plan.WriteAsync(output);
        return output.ToArray();
    }

    [Fact]
    public async Task A_hanging_store_costs_a_40_member_resume_one_call_and_one_warning_and_is_asked_again_after_the_break()
    {
        var full = await FullAsync(Plan(store: null));
        var inner = new FakeStore { Mode = FakeMode.Hang };
        var time = new ManualTime();
        var log = new ListLogger();
        await using var store = new ResilientCrcStore(inner, log, time) { Timeout = TimeSpan.FromMilliseconds(100), WriteTimeout = TimeSpan.FromMilliseconds(100), BreakDuration = TimeSpan.FromSeconds(30) };

        // A resume near the end needs the CRC-32 of all 40 members: the first lookup hangs and is given up once the
        // test's clock passes its 100 ms (no timer of the machine decides, so an answering store later is never given
        // up however busy the machine), the breaker opens, and the other 39 are read without asking.
        var cut = full.Length - 100;
        var range = RangeAsync(Plan(store), cut, full.Length);
        await inner.FirstCall.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromMilliseconds(101));
        Assert.Equal(full[cut..], await range);
        Assert.Equal(1, inner.Calls);
        Assert.True(store.IsDegraded);
        Assert.Contains("no answer within 100 ms", store.Problem, StringComparison.Ordinal);

        // A whole download's 40 writes go to the queue and are dropped while the breaker is open; health asks nothing.
        Assert.Equal(full, await FullAsync(Plan(store)));
        Assert.False(await store.CheckAsync(CancellationToken.None));
        Assert.Equal(full[cut..], await RangeAsync(Plan(store), cut, full.Length));
        Assert.Equal(1, inner.Calls);
        Assert.Equal([LogLevel.Warning], log.Levels);

        // The dropped writes leave the queue on the store's own writer, off this thread: once the break is over, one
        // still queued would reach the store and add a call, so the clock moves only when they are all settled.
        await WritesSettledAsync(store);

        // The break is over and the store answers: one call closes the breaker, with one information.
        inner.Mode = FakeMode.Answer;
        time.Advance(TimeSpan.FromSeconds(31));
        Assert.True(await store.CheckAsync(CancellationToken.None));
        Assert.Equal(2, inner.Calls);
        Assert.False(store.IsDegraded);
        Assert.Equal([LogLevel.Warning, LogLevel.Information], log.Levels);

        // A range asks the store again. Its members have identities nothing wrote, so no answer can come from the
        // queue of writes (a key still queued is answered from it without asking the store: a full run of the suite,
        // before the wait above, saw this range ask nothing).
        Assert.Equal(full[cut..], await RangeAsync(Plan(store, ids: "after"), cut, full.Length));
        Assert.True(inner.Calls > 2);
    }

    /// <summary>Waits until the store's writer has written or dropped every write taken (bounded: a failure guard).</summary>
    private static async Task WritesSettledAsync(ResilientCrcStore store)
    {
        for (var i = 0; !store.WritesSettled; i++)
        {
            Assert.True(i < 6000, "the store's writer did not settle its queued writes within a minute");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task A_throwing_store_is_tried_once_per_break_and_an_outage_logs_one_warning_however_long_it_lasts()
    {
        var inner = new FakeStore { Mode = FakeMode.Throw };
        var time = new ManualTime();
        var log = new ListLogger();
        await using var store = new ResilientCrcStore(inner, log, time) { BreakDuration = TimeSpan.FromSeconds(10) };

        Assert.Null(await store.GetAsync("k", CancellationToken.None));
        Assert.Equal(1, inner.Calls);
        Assert.Contains("store is down", store.Problem, StringComparison.Ordinal);
        for (var i = 0; i < 100; i++)
        {
            Assert.Null(await store.GetAsync("k", CancellationToken.None));
        }

        Assert.Equal(1, inner.Calls);

        // Each break over, one call tries again; still failing, the outage goes on without a second warning.
        for (var round = 2; round <= 4; round++)
        {
            time.Advance(TimeSpan.FromSeconds(11));
            Assert.Null(await store.GetAsync("k", CancellationToken.None));
            Assert.Null(await store.GetAsync("k", CancellationToken.None));
            Assert.Equal(round, inner.Calls);
        }

        Assert.Equal([LogLevel.Warning], log.Levels);
        inner.Values["k"] = 7;
        inner.Mode = FakeMode.Answer;
        time.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal(7u, await store.GetAsync("k", CancellationToken.None));
        Assert.Equal([LogLevel.Warning, LogLevel.Information], log.Levels);
    }

    [Fact]
    public async Task A_write_never_waits_for_the_store_and_a_lookup_right_after_it_finds_the_value()
    {
        var inner = new FakeStore { Mode = FakeMode.Hang };
        await using var store = new ResilientCrcStore(inner, timeProvider: new MovableTime()) { Timeout = TimeSpan.FromMilliseconds(100), WriteTimeout = TimeSpan.FromMilliseconds(100) };
        var write = store.SetAsync("k", 42, CancellationToken.None);
        Assert.True(write.IsCompletedSuccessfully);
        Assert.Equal(42u, await store.GetAsync("k", CancellationToken.None));
    }

    private enum FakeMode
    {
        Hang,
        Throw,
        Answer,
    }

    /// <summary>A store that hangs until its call is given up, throws, or answers from memory; it counts every call.</summary>
    private sealed class FakeStore : ICrcStore
    {
        private int _calls;
        private readonly TaskCompletionSource _firstCall = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public volatile FakeMode Mode;

        /// <summary>Completes when the first call reaches the store.</summary>
        public Task FirstCall => _firstCall.Task;

        public ConcurrentDictionary<string, uint> Values { get; } = new();

        public int Calls => Volatile.Read(ref _calls);

        public async ValueTask<uint?> GetAsync(string identity, CancellationToken cancellationToken)
        {
            await CallAsync(cancellationToken);
            return Values.TryGetValue(identity, out var crc) ? crc : null;
        }

        public async ValueTask SetAsync(string identity, uint crc, CancellationToken cancellationToken)
        {
            await CallAsync(cancellationToken);
            Values[identity] = crc;
        }

        private async Task CallAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            _firstCall.TrySetResult();
            switch (Mode)
            {
                case FakeMode.Hang:
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                    break;
                case FakeMode.Throw:
                    throw new IOException("the store is down");
            }
        }
    }

    /// <summary>
    /// A timestamp the test moves forward, and timers that fire only when it does (the store's timeouts): what happens
    /// depends on the order of the test's steps, never on how fast the machine runs them.
    /// </summary>
    private sealed class ManualTime : TimeProvider
    {
        private readonly List<ManualTimer> _timers = [];
        private long _offset;

        public override long GetTimestamp() => base.GetTimestamp() + Interlocked.Read(ref _offset);

        public void Advance(TimeSpan by)
        {
            Interlocked.Add(ref _offset, (long)(by.TotalSeconds * TimestampFrequency));
            ManualTimer[] due;
            lock (_timers)
            {
                due = [.. _timers.Where(t => t.DueAt is { } at && at <= GetTimestamp())];
            }

            foreach (var timer in due)
            {
                timer.Fire();
            }
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = new ManualTimer(this, callback, state);
            lock (_timers)
            {
                _timers.Add(timer);
            }

            timer.Change(dueTime, period);
            return timer;
        }

        private sealed class ManualTimer(ManualTime time, TimerCallback callback, object? state) : ITimer
        {
            public long? DueAt { get; private set; }

            public bool Change(TimeSpan dueTime, TimeSpan period)
            {
                DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : time.GetTimestamp() + (long)(dueTime.TotalSeconds * time.TimestampFrequency);
                return true;
            }

            public void Fire()
            {
                DueAt = null; // one-shot: the store's timeouts have no period
                callback(state);
            }

            public void Dispose()
            {
                DueAt = null;
                lock (time._timers)
                {
                    time._timers.Remove(this);
                }
            }

            public ValueTask DisposeAsync()
            {
                Dispose();
                return ValueTask.CompletedTask;
            }
        }
    }

    /// <summary>The system's clock and timers, with a timestamp the test moves forward.</summary>
    private sealed class MovableTime : TimeProvider
    {
        private long _offset;

        public void Advance(TimeSpan by) => Interlocked.Add(ref _offset, (long)(by.TotalSeconds * TimestampFrequency));

        public override long GetTimestamp() => base.GetTimestamp() + Interlocked.Read(ref _offset);
    }

    private sealed class ListLogger : ILogger
    {
        private readonly ConcurrentQueue<LogLevel> _levels = new();

        public LogLevel[] Levels => [.. _levels];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _levels.Enqueue(logLevel);
    }
}

using BenchmarkDotNet.Running;

// Usage (from the repository root):
//   dotnet run -c Release --project bench/Formats.Bench -- --filter '*'
//   dotnet run -c Release --project bench/Formats.Bench -- --retained     (retained bytes per entry, no BenchmarkDotNet)
//   dotnet run -c Release --project bench/Formats.Bench -- --gateway-memory  (memory per gateway download in flight)
//   dotnet run -c Release --project bench/Formats.Bench -- --gateway-quick DEPTH CLIENTS  (wall and CPU time, for profiling)
// FORMATS_BENCH_SCALE=64 divides every size by 64, for the quick smoke run CI does (with --job Dry).
if (args is ["--retained"])
{
    await Formats.Bench.RetainedPerEntry.RunAsync(Console.Out);
    return;
}

if (args is ["--gateway-memory"])
{
    await Formats.Bench.GatewayMemory.RunAsync(Console.Out);
    return;
}

if (args is ["--gateway-upstream"])
{
    await Formats.Bench.GatewayRig.RunUpstreamAsync(Console.Out);
    return;
}

if (args is ["--gateway-quick", var d, var c])
{
    await Formats.Bench.GatewayQuick.RunAsync(Console.Out, int.Parse(d), int.Parse(c));
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Formats.Bench.Data).Assembly).Run(args);

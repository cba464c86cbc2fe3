using BenchmarkDotNet.Running;

// Usage (from the repository root):
//   dotnet run -c Release --project bench/Formats.Bench -- --filter '*'
// FORMATS_BENCH_SCALE=64 divides every size by 64, for the quick smoke run CI does (with --job Dry).
BenchmarkSwitcher.FromAssembly(typeof(Formats.Bench.Data).Assembly).Run(args);

using BenchmarkDotNet.Running;

// Usage: dotnet run -c Release --project bench/Formats.Bench -- --filter '*'
// A first scenario until the benchmark issue: stored zip of 256 MiB in 16 members from memory, to a sink that
// touches every byte, side by side with System.IO.Compression's ZipArchive and a plain copy (the limit).
BenchmarkSwitcher.FromAssembly(typeof(Formats.Bench.StoredZip).Assembly).Run(args);

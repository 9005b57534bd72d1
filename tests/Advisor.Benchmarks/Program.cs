using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/Advisor.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Advisor.Benchmarks.CoreBenchmarks).Assembly).Run(args);

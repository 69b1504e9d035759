using BenchmarkDotNet.Running;

// BenchmarkDotNet's statistics for single kernels and steps, e.g. --filter '*Digits*' or --filter '*Python*'. The
// target table (every ratio against the libraries, in one run) is `bridge-nn bench --quick`.
//
// In process: this program's output folder holds the libLibTorchSharp.so adapted to the system's libstdc++ (see
// build/NativeLibraries); the separate project BenchmarkDotNet would otherwise generate and build does not, and its
// torch benchmarks would fail to load libtorch on such systems.
string[] benchmarkArgs = args.Contains("--inProcess", StringComparer.OrdinalIgnoreCase) ? args : [.. args, "--inProcess"];
BenchmarkSwitcher.FromAssembly(typeof(Bridge.Benchmarks.Micro.DigitsTrainingBenchmarks).Assembly).Run(benchmarkArgs);
return 0;

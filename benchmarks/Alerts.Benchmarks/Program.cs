using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Alerts.Benchmarks.PushSendBenchmarks).Assembly).Run(args);

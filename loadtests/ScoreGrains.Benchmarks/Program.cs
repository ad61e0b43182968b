using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// In process: BenchmarkDotNet's generated project would otherwise inherit this repository's central package
// management and warnings-as-errors and fail to build. ShortRun (3 iterations) keeps a full pass to a few
// minutes on 2 cores; pass --long for BenchmarkDotNet's default job. Other options after --, e.g. --filter '*Fold*'.
var longRun = args.Contains("--long");
var job = (longRun ? Job.Default : Job.ShortRun).WithToolchain(InProcessEmitToolchain.Instance);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly)
    .Run([.. args.Where(a => a != "--long")], DefaultConfig.Instance.AddJob(job.AsDefault()));

using BenchmarkDotNet.Running;
using TeamUp.Benchmarks;

// `sample csv|json N` prints the first N rows of the export the row benchmarks read, to see what is measured.
if (args is ["sample", var format, var count])
{
    using var file = format == "json" ? GeneratedExport.Json(int.Parse(count)) : GeneratedExport.Csv(int.Parse(count));
    using var stdout = Console.OpenStandardOutput();
    file.CopyTo(stdout);
    return;
}

// `peers` prints what the SDK and the Kiota peer read from an invoice with an expanded payer and a new status.
if (args is ["peers"])
{
    await PeerFidelity.RunAsync();
    return;
}

if (args is ["probe", var rowsText])
{
    await Probe.RunAsync(int.Parse(rowsText));
    return;
}

// `peak csv|json typed|dictionaries N` prints the peak memory of reading N rows (run per N, each in a fresh process).
if (args is ["peak", var peakFormat, var peakShape, var peakRows])
{
    await PeakMemory.RunAsync(peakFormat, peakShape, int.Parse(peakRows));
    return;
}

// `cpu N ROUNDS` compares the export-row readers with their floors in CPU time, in turns (see CpuRatios).
if (args is ["cpu", var cpuRows, var cpuRounds])
{
    await CpuRatios.RunAsync(int.Parse(cpuRows), int.Parse(cpuRounds));
    return;
}

// `percall-bytes` prints what each PerCallBenchmarks call allocates (exact, load-independent) and its CPU time, in seconds.
if (args is ["percall-bytes"])
{
    PerCallBenchmarks.PrintAllocations();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

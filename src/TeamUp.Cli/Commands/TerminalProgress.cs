using Spectre.Console;

namespace TeamUp.Cli.Commands;

/// <summary>
/// One progress bar on stderr, for a terminal: the export's wait and the sync's batches draw the same bar. Only taken when
/// the host found stderr to be a terminal; it says so rather than let Spectre guess from a wrapped writer.
/// </summary>
internal static class TerminalProgress
{
    /// <summary>Runs <paramref name="body"/>, which reports (done, total) to the callback it is given; the bar ends full.</summary>
    public static async Task<T> RunAsync<T>(CliContext cli, string description, Func<Action<double, double>, Task<T>> body)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(cli.Err), Interactive = InteractionSupport.Yes });
        T result = default!;
        await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask(description, maxValue: 1);
                result = await body((done, total) =>
                {
                    task.MaxValue = Math.Max(1, total);
                    task.Value = Math.Min(task.MaxValue, done);
                });
                task.Value = task.MaxValue;
            });
        return result;
    }
}

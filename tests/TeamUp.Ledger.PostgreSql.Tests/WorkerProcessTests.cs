using TeamUp.Sandbox;

namespace TeamUp.Ledger.PostgreSql.Tests;

/// <summary>
/// Many <c>teamup exports sync</c> processes on one PostgreSQL ledger, with short leases: shared work, a worker killed
/// mid-batch, a worker paused past its lease. The exporter's own log (one file per delivery) is the witness.
/// </summary>
public sealed class WorkerProcessTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(4);

    private static string NewSchema() => "w_" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task Four_workers_deliver_five_thousand_invoices_each_once_and_mark_each_once()
    {
        await using var sandbox = await TeamUpSandbox.StartAsync(new TeamUpSandboxOptions { Invoices = 10_600 });
        await using var pool = new WorkerPool(sandbox, database.ConnectionString, NewSchema(), lease: TimeSpan.FromSeconds(10), exporterDelay: TimeSpan.Zero);
        var booked = pool.Booked;
        Assert.True(booked.Count >= 5000, $"{booked.Count} booked invoices");

        for (var i = 0; i < 4; i++) pool.Start();
        await pool.AllSucceedAsync(Deadline);

        var deliveries = pool.Deliveries();
        Assert.Equal(booked.Order(), deliveries.Select(d => d.Id).Distinct().Order());
        Assert.Equal(booked.Count, deliveries.Count);                       // each once
        Assert.DoesNotContain(deliveries, d => d.Uncertain);
        var marks = await pool.MarksAsync();
        Assert.Equal(booked.Count, marks.Count);
        Assert.All(marks.Values, n => Assert.Equal(1, n));                  // marked once
        // One worker listed TeamUp and queued the work; all of them shared the batches.
        Assert.Single(pool.Workers, w => w.Stderr.Contains("invoices queued for xero"));
        Assert.Equal(booked.Count, pool.Workers.Sum(w => w.Summary("delivered")));
        Assert.All(pool.Workers, w => Assert.True(w.Summary("delivered") > 0, pool.Output));
    }
}

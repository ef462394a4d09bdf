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
        Each.Of(marks.Values, n => Assert.Equal(1, n));                  // marked once
        // One worker listed TeamUp and queued the work; all of them shared the batches.
        Assert.Single(pool.Workers, w => w.Stderr.Contains("invoices queued for xero"));
        Assert.Equal(booked.Count, pool.Workers.Sum(w => w.Summary("delivered")));
        Each.Of(pool.Workers, w => Assert.True(w.Summary("delivered") > 0, pool.Output));
    }

    /// <summary>The live claim of the pool's ledger held by one of its workers, once one shows up: (worker, its items).</summary>
    private static async Task<(Worker Worker, ClaimInfo Claim)> BusyWorkerAsync(WorkerPool pool, IExportLedgerStore store, Func<Worker, bool>? which = null)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            foreach (var claim in await store.GetClaimsAsync(WorkerPool.System))
            {
                // The owner is host/pid/start: the claim says which process holds it.
                var pid = int.Parse(claim.Owner.Split('/')[1]);
                var worker = pool.Workers.FirstOrDefault(w => w.Process.Id == pid && !w.Process.HasExited);
                if (worker is not null && claim.ExpiresAt > DateTimeOffset.UtcNow && (which?.Invoke(worker) ?? true)) return (worker, claim);
            }
            await Task.Delay(50);
        }
        throw new TimeoutException("no worker held a batch\n" + pool.Output);
    }

    private PostgresExportLedgerStore Observer(WorkerPool pool) =>
        new(new PostgresLedgerOptions { ConnectionString = database.ConnectionString, Schema = pool.Schema });

    /// <summary>Every item a worker holds: the batch it exports and the next one it claimed ahead.</summary>
    private static async Task<HashSet<long>> ItemsOfAsync(WorkerPool pool, string owner)
    {
        await using var connection = new Npgsql.NpgsqlConnection(pool.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand($"SELECT invoice_id FROM {pool.Schema}.queue WHERE claim_owner = @o", connection);
        command.Parameters.AddWithValue("o", owner);
        var ids = new HashSet<long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) ids.Add(reader.GetInt64(0));
        return ids;
    }

    [Fact]
    public async Task A_worker_killed_mid_batch_loses_nothing_its_batch_is_handed_out_again_as_uncertain_after_the_lease()
    {
        await using var sandbox = await TeamUpSandbox.StartAsync(new TeamUpSandboxOptions { Invoices = 700 });
        await using var pool = new WorkerPool(sandbox, database.ConnectionString, NewSchema(), lease: TimeSpan.FromSeconds(5), exporterDelay: TimeSpan.FromMilliseconds(300));
        await using var observer = Observer(pool);
        var booked = pool.Booked;
        for (var i = 0; i < 3; i++) pool.Start();

        var (victim, claim) = await BusyWorkerAsync(pool, observer);
        victim.Process.Kill();
        var killedBatch = await ItemsOfAsync(pool, claim.Owner);       // SIGKILL, the worker alone: its exporter (a child) may still deliver the batch
        Assert.NotEmpty(killedBatch);

        foreach (var worker in pool.Workers.Where(w => w != victim))
        {
            var code = await worker.ExitAsync(Deadline);
            Assert.True(code == 0, pool.Output);
        }
        var deliveries = pool.Deliveries();
        Assert.Equal(booked.Order(), deliveries.Select(d => d.Id).Distinct().Order());          // nothing lost
        var marks = await pool.MarksAsync();
        Assert.Equal(booked.Count, marks.Count);
        Each.Of(marks.Values, n => Assert.Equal(1, n));                                    // marked once
        // Handed out again after the lease: every item of the killed batch, as uncertain, with its first key.
        var again = deliveries.Where(d => d.Uncertain).ToList();
        Assert.Equal(killedBatch.Order(), again.Select(d => d.Id).Order());
        Each.Of(pool.Workers.Where(w => w != victim), w => Assert.DoesNotContain("refused", w.Stdout));
        foreach (var id in killedBatch)
        {
            Assert.Single(deliveries, d => d.Id == id && d.Uncertain);
            Assert.Single(deliveries.Where(d => d.Id == id).Select(d => d.Key).Distinct());
        }
        // Extra deliveries only from the killed batch, each counted as uncertain in a survivor's summary.
        // Empty is a valid outcome: the victim may have died before its exporter delivered anything.
        Assert.All(deliveries.GroupBy(d => d.Id).Where(g => g.Count() > 1), g => Assert.Contains(g.Key, killedBatch));
        Assert.Equal(killedBatch.Count, pool.Workers.Where(w => w != victim).Sum(w => w.Summary("uncertain")));
    }

    [Fact]
    public async Task A_worker_paused_past_its_lease_has_its_late_mark_refused_and_reported_and_nothing_is_marked_twice()
    {
        await using var sandbox = await TeamUpSandbox.StartAsync(new TeamUpSandboxOptions { Invoices = 700 });
        await using var pool = new WorkerPool(sandbox, database.ConnectionString, NewSchema(), lease: TimeSpan.FromSeconds(4), exporterDelay: TimeSpan.FromMilliseconds(300));
        await using var observer = Observer(pool);
        var booked = pool.Booked;
        for (var i = 0; i < 3; i++) pool.Start();

        var (paused, claim) = await BusyWorkerAsync(pool, observer);
        Assert.Equal(0, Kill(paused.Process.Id, "STOP"));
        var batch = await ItemsOfAsync(pool, claim.Owner);
        try
        {
            // Past its lease, until another worker has taken the batch over and marked it.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while ((await pool.MarksAsync()).Keys.Intersect(batch).Count() < batch.Count && DateTime.UtcNow < deadline) await Task.Delay(100);
        }
        finally
        {
            Assert.Equal(0, Kill(paused.Process.Id, "CONT"));
        }
        foreach (var worker in pool.Workers) await worker.ExitAsync(Deadline);   // the paused one exits 1 (refused): checked below
        Assert.Equal(1, paused.Process.ExitCode);
        Assert.Contains("lease", paused.Stderr);
        Each.Of(pool.Workers.Where(w => w != paused), w => Assert.Equal(0, w.Process.ExitCode));

        var marks = await pool.MarksAsync();
        Assert.Equal(booked.Count, marks.Count);
        Each.Of(marks.Values, n => Assert.Equal(1, n));                                     // no invoice marked twice
        // The batch it exported while paused was delivered; its mark came late, was refused, reported and kept.
        var late = await pool.CountEventsAsync("late_result");
        Assert.NotEmpty(late);
        Assert.Subset(batch, late.Keys.ToHashSet());
        Assert.Contains($"{late.Count} refused (lease lost)", paused.Stdout);
        Assert.Equal(booked.Order(), pool.Deliveries().Select(d => d.Id).Distinct().Order());
    }

    [Fact]
    public async Task Workers_ride_out_a_database_restart_and_finish()
    {
        await using var server = await TeamUp.Testing.PostgresServer.StartAsync();           // a server of this test's own, to restart
        var connection = await server.CreateDatabaseAsync("teamup_restart");
        await using var sandbox = await TeamUpSandbox.StartAsync(new TeamUpSandboxOptions { Invoices = 900 });
        await using var pool = new WorkerPool(sandbox, connection, NewSchema(), lease: TimeSpan.FromSeconds(10), exporterDelay: TimeSpan.FromMilliseconds(100));
        var booked = pool.Booked;
        for (var i = 0; i < 3; i++) pool.Start();

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (await MarksOrNoneAsync(pool) < 50 && DateTime.UtcNow < deadline) await Task.Delay(100);
        await server.StopServerAsync();
        await Task.Delay(TimeSpan.FromSeconds(2));
        await server.StartServerAsync();
        Npgsql.NpgsqlConnection.ClearAllPools();   // this test's own pooled connections died with the server
        await pool.AllSucceedAsync(Deadline);

        Assert.Contains(pool.Workers, w => w.Stderr.Contains("retrying in"));                   // they noticed, and waited
        Assert.Equal(booked.Order(), pool.Deliveries().Select(d => d.Id).Distinct().Order());
        var marks = await pool.MarksAsync();
        Assert.Equal(booked.Count, marks.Count);
        Each.Of(marks.Values, n => Assert.Equal(1, n));
        Npgsql.NpgsqlConnection.ClearAllPools();
    }

    private static async Task<int> MarksOrNoneAsync(WorkerPool pool)
    {
        try
        {
            return (await pool.MarksAsync()).Count;
        }
        catch (Npgsql.PostgresException e) when (e.SqlState == "42P01")
        {
            return 0; // not migrated yet
        }
    }

    private static int Kill(int pid, string signal)
    {
        using var kill = System.Diagnostics.Process.Start("kill", ["-" + signal, pid.ToString()])!;
        kill.WaitForExit();
        return kill.ExitCode;
    }
}

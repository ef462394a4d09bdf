using TeamUp.Testing;
using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: Xunit.TestFramework("TeamUp.Ledger.PostgreSql.Tests.PostgresTestFramework", "TeamUp.Ledger.PostgreSql.Tests")]

namespace TeamUp.Ledger.PostgreSql.Tests;

/// <summary>
/// Every test in this assembly needs PostgreSQL: it runs against the server of <c>TEAMUP_TEST_POSTGRES</c> or a
/// throwaway cluster, and fails (saying why) when neither can be had. Only a developer's explicit
/// <c>TEAMUP_TEST_SKIP_POSTGRES=1</c> skips them, and then each is reported as skipped (never as passed), including the
/// contract tests inherited from <c>ExportLedgerStoreContract</c>, whose plain <c>[Fact]</c>s cannot say so themselves.
/// </summary>
public sealed class PostgresTestFramework(IMessageSink messageSink) : XunitTestFramework(messageSink)
{
    protected override ITestFrameworkDiscoverer CreateDiscoverer(IAssemblyInfo assemblyInfo) =>
        new Discoverer(assemblyInfo, SourceInformationProvider, DiagnosticMessageSink);

    private sealed class Discoverer(IAssemblyInfo assembly, ISourceInformationProvider source, IMessageSink sink)
        : XunitTestFrameworkDiscoverer(assembly, source, sink)
    {
        protected override bool FindTestsForMethod(ITestMethod testMethod, bool includeSourceInformation, IMessageBus messageBus,
            ITestFrameworkDiscoveryOptions discoveryOptions)
        {
            if (!PostgresServer.SkippedByDeveloper || !testMethod.Method.GetCustomAttributes(typeof(FactAttribute)).Any())
            {
                return base.FindTestsForMethod(testMethod, includeSourceInformation, messageBus, discoveryOptions);
            }
            var skipped = new SkippedTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(),
                discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod);
            return ReportDiscoveredTestCase(skipped, includeSourceInformation, messageBus);
        }
    }
}

/// <summary>A test case reported as skipped because the developer opted out of the PostgreSQL tests.</summary>
public sealed class SkippedTestCase : XunitTestCase
{
    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public SkippedTestCase()
    {
    }

    public SkippedTestCase(IMessageSink sink, TestMethodDisplay display, TestMethodDisplayOptions options, ITestMethod method)
        : base(sink, display, options, method)
    {
    }

    protected override string GetSkipReason(IAttributeInfo factAttribute) => PostgresServer.SkipReason;
}

/// <summary>One PostgreSQL server for the whole test assembly, started on first use and stopped when the host exits.</summary>
public static class SharedPostgres
{
    private static readonly Lazy<Task<PostgresServer>> Started = new(StartAsync);

    public static Task<PostgresServer> ServerAsync() => Started.Value;

    private static async Task<PostgresServer> StartAsync()
    {
        var server = await PostgresServer.FromEnvironmentOrStartAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return server;
    }
}

/// <summary>A fresh database on the shared server for one test class, dropped afterwards.</summary>
public sealed class PostgresDatabase : IAsyncLifetime
{
    private PostgresServer? _server;

    public string ConnectionString { get; private set; } = "";

    public PostgresServer Server => _server ?? throw new InvalidOperationException("PostgreSQL was not started");

    public async Task InitializeAsync()
    {
        if (PostgresServer.SkippedByDeveloper) return; // every test of the class is skipped too
        _server = await SharedPostgres.ServerAsync();
        ConnectionString = await _server.CreateDatabaseAsync();
    }

    public async Task DisposeAsync()
    {
        if (_server is not null && ConnectionString.Length > 0) await _server.DropDatabaseAsync(ConnectionString);
    }
}

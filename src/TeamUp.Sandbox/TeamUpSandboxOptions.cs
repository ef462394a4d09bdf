namespace TeamUp.Sandbox;

/// <summary>What the sandbox seeds, where it listens and how it misbehaves. Every default is deterministic.</summary>
public sealed class TeamUpSandboxOptions
{
    /// <summary>Seed of the dataset; the same seed and sizes always give the same data.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>Number of providers (businesses). Provider 1 bills in GBP, provider 2 in EUR, provider 3 in USD, then repeating.</summary>
    public int Providers { get; set; } = 2;

    /// <summary>Customers in total, split evenly over the providers.</summary>
    public int Customers { get; set; } = 500;

    /// <summary>Invoices in total (credit notes included), split evenly over the providers.</summary>
    public int Invoices { get; set; } = 5_000;

    /// <summary>The last day of the seeded 24 months of history; fixed so output never depends on the day it runs.</summary>
    public DateOnly AnchorDate { get; set; } = new(2025, 6, 30);

    /// <summary>The clock that drives job progress and download-URL expiry. Pass a fake one to step jobs in tests.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>API port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>Port of the second origin that serves export files; 0 picks a free one.</summary>
    public int DownloadPort { get; set; }

    /// <summary>The API key accepted as <c>Authorization: Token &lt;key&gt;</c>.</summary>
    public string Token { get; set; } = "sandbox_api_key_0123456789abcdef";

    /// <summary>The OAuth-style access token accepted as <c>Authorization: Bearer &lt;token&gt;</c>.</summary>
    public string BearerToken { get; set; } = "sandbox_access_token_fedcba9876543210";

    /// <summary>How long an export job takes from creation to a downloadable result (measured on <see cref="TimeProvider"/>).</summary>
    public TimeSpan JobDuration { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a job's pre-signed <c>result_url</c> stays valid after it was handed out.</summary>
    public TimeSpan DownloadUrlLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Injected faults; all off by default. Can be replaced while running with <see cref="TeamUpSandbox.SetFaults"/>.</summary>
    public SandboxFaultOptions Faults { get; set; } = new();

    /// <summary>How many requests the in-memory request log keeps (oldest dropped first).</summary>
    public int RequestLogCapacity { get; set; } = 10_000;

    internal void Validate()
    {
        if (Providers < 1) throw new ArgumentOutOfRangeException(nameof(Providers), "At least one provider is needed.");
        if (Customers < Providers) throw new ArgumentOutOfRangeException(nameof(Customers), "Every provider needs a customer.");
        if (Invoices < 0) throw new ArgumentOutOfRangeException(nameof(Invoices));
        if (string.IsNullOrWhiteSpace(Token) || string.IsNullOrWhiteSpace(BearerToken)) throw new ArgumentException("Tokens must be non-empty.");
        if (JobDuration < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(JobDuration));
        Faults.Validate();
    }
}

namespace TeamUp.Generated;

/// <remarks>
/// Invoice and invoice line item reports (<c>/reports</c>): data pages, every row (<c>Get…RowsAsync</c>) and export
/// jobs (<c>Start…ExportAsync</c>). The row pagers and export starters are generated from the spec's
/// <c>x-teamup-paging</c> and <c>x-teamup-export</c> operations; <see cref="ReportsClient.Definitions"/> describes them.
/// </remarks>
public partial interface IReportsClient
{
}

public partial class ReportsClient
{
    // The generated export starters end here: the job handle polls through the client's own jobs client. The job is
    // created while the POST is handled, so the moment before sending it is a safe start for measuring its pace.
    private ExportJob StartedExport(ExportJobCreated created, ReportFormat? format, DateTimeOffset asked) =>
        Context.Jobs.StartedExport(created.Job, format, asked);
}

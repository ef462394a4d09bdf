using System.Text;
using TeamUp.Generated.Tests.Infrastructure;

namespace TeamUp.Generated.Tests;

/// <summary>
/// What each of the 11 operations puts on the wire (method, path, query, body) for a call that uses arrays,
/// dates, date-times with an offset, booleans and enums. One snapshot holds them all, so a template or spec
/// change that alters a request is a visible diff.
/// </summary>
public class WireShapeTests
{
    private static readonly DateTimeOffset LondonMorning = new(2024, 7, 29, 9, 30, 0, TimeSpan.FromHours(1));

    [Fact]
    public async Task Every_operation_sends_the_documented_request_shape()
    {
        var shapes = new StringBuilder();

        await Record(shapes, "{\"count\":0,\"next\":null,\"previous\":null,\"results\":[]}", http => new InvoicesClient(http).ListAsync(
            expand: [InvoiceExpand.Payer, InvoiceExpand.LineItemsDotBilledItem], fields: ["id", "payer.name"], page: 2, pageSize: 100,
            sort: [InvoiceListSort.DueDateDescending], status: [InvoiceStatus.Paid, InvoiceStatus.PendingOffline], storeOrder: 77));
        await Record(shapes, Payloads.MinimalInvoice, http => new InvoicesClient(http).RetrieveAsync(
            1234, expand: [InvoiceExpand.Payer, InvoiceExpand.Charges], fields: ["id", "status"], format: ResponseFormat.Json));
        await Record(shapes, Payloads.EmptyReport, http => new ReportsClient(http).GetInvoicesDataAsync(
            columns: [InvoicesReportColumn.Id, InvoicesReportColumn.Status, InvoicesReportColumn.RefundedInvoiceDotId],
            dueDateGte: new DateOnly(2024, 1, 1), dueDateLte: new DateOnly(2024, 12, 31), paidAtGte: LondonMorning,
            creditApplied: false, discountApplied: true, customers: [5, 6], purchaseTypes: [PurchaseType.Membership, PurchaseType.Store],
            status: ReportInvoiceStatus.PendingOnline, idGt: 10, page: 3, pageSize: 50, sort: ["-due_date", "id"], format: ReportFormat.Json));
        await Record(shapes, "{\"job\":9}", http => new ReportsClient(http).ExportInvoicesAsync(body: new InvoicesReportExportRequest
        {
            Columns = [InvoicesReportColumn.Id, InvoicesReportColumn.DueDate],
            DueDateGte = new DateOnly(2024, 1, 1),
            PaidAtLte = LondonMorning,
            Customers = [5],
            CreditApplied = true,
            Format = ReportFormat.Csv,
        }));
        await Record(shapes, Payloads.EmptyReport, http => new ReportsClient(http).GetInvoicesGroupedDataAsync(
            [InvoicesGroupedReportColumn.Status, InvoicesGroupedReportColumn.Count], paymentProcessors: [1, 2], updatedAtGte: LondonMorning, format: ReportFormat.Json));
        await Record(shapes, "{\"job\":10}", http => new ReportsClient(http).ExportInvoicesGroupedAsync(new InvoicesGroupedReportExportRequest
        {
            Columns = [InvoicesGroupedReportColumn.Status, InvoicesGroupedReportColumn.Count],
            PurchaseTypes = [PurchaseType.Course],
            Format = ReportFormat.Json,
        }));
        await Record(shapes, Payloads.EmptyReport, http => new ReportsClient(http).GetInvoiceLineItemsDataAsync(
            columns: [InvoiceLineItemsReportColumn.KnownValues[0], InvoiceLineItemsReportColumn.KnownValues[1]],
            invoiceDueDateGte: new DateOnly(2024, 2, 1), invoiceStatus: ReportInvoiceStatus.Paid, limit: 25, offset: 50, format: ReportFormat.Json));
        await Record(shapes, "{\"job\":11}", http => new ReportsClient(http).ExportInvoiceLineItemsAsync(body: new InvoiceLineItemsReportExportRequest
        {
            Columns = [InvoiceLineItemsReportColumn.KnownValues[0]],
            InvoicePaidAtGte = LondonMorning,
        }));
        await Record(shapes, Payloads.EmptyReport, http => new ReportsClient(http).GetInvoiceLineItemsGroupedDataAsync(
            columns: InvoiceLineItemsGroupedReportColumn.KnownValues, invoiceUpdatedAtLte: LondonMorning, page: 1, pageSize: 10, format: ReportFormat.Json));
        await Record(shapes, "{\"job\":12}", http => new ReportsClient(http).ExportInvoiceLineItemsGroupedAsync(body: new InvoiceLineItemsGroupedReportExportRequest
        {
            Columns = InvoiceLineItemsGroupedReportColumn.KnownValues,
            InvoiceStatus = ReportInvoiceStatus.Voided,
        }));
        await Record(shapes, "{\"id\":12,\"object\":\"job\",\"result_url\":null,\"total_items\":10,\"complete_items\":3}", http => new JobsClient(http).RetrieveAsync(12));

        Snapshot.Verify(shapes.ToString(), "WireShapes", "txt");
    }

    private static async Task Record<T>(StringBuilder shapes, string response, Func<HttpClient, Task<T>> call)
    {
        var handler = new RecordingHandler(response);
        await call(handler.Client());
        var request = handler.Last;
        shapes.Append("### ").AppendLine(TeamUpOperation.Of(request));
        shapes.Append(request.Method).Append(' ').AppendLine(request.RequestUri!.PathAndQuery); // raw: the encoding of "+" and "," matters
        shapes.Append("Accept: ").AppendLine(string.Join(", ", request.Headers.Accept));
        if (handler.LastBody is { } body)
        {
            shapes.Append("Content-Type: ").AppendLine(request.Content!.Headers.ContentType!.ToString());
            shapes.AppendLine(body);
        }
        shapes.AppendLine();
    }
}

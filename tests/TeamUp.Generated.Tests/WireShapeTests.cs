using System.Collections;
using System.Reflection;
using System.Text;
using Newtonsoft.Json;
using TeamUp.Generated.Serialization;
using TeamUp.Generated.Tests.Infrastructure;

namespace TeamUp.Generated.Tests;

/// <summary>
/// What each of the 11 operations puts on the wire (method, path, query, body) for a call that uses arrays,
/// dates, date-times with an offset, booleans and enums. One snapshot holds them all, so a template or spec
/// change that alters a request is a visible diff.
/// </summary>
/// <remarks>
/// The calls are made by the spec's parameter names, with the values given as text, arrays and JSON bodies, and
/// converted to whatever types the generated methods take. So a spec edit (a parameter removed, a type changed, an
/// enum value added) changes the snapshot, never this file's compilation: a sample whose parameter is gone is left
/// out, a new parameter is sent empty until a sample is added here.
/// </remarks>
public class WireShapeTests
{
    private static readonly DateTimeOffset LondonMorning = new(2024, 7, 29, 9, 30, 0, TimeSpan.FromHours(1));

    [Fact]
    public async Task Every_operation_sends_the_documented_request_shape()
    {
        var shapes = new StringBuilder();

        await Record(shapes, "{\"count\":0,\"next\":null,\"previous\":null,\"results\":[]}", http => new InvoicesClient(http), "Invoices_List", new()
        {
            ["expand"] = new[] { "payer", "line_items.billed_item" }, ["fields"] = new[] { "id", "payer.name" }, ["page"] = 2, ["page_size"] = 100,
            ["sort"] = new[] { "-due_date" }, ["status"] = new[] { "paid", "pending_offline" }, ["store_order"] = 77,
        });
        await Record(shapes, Payloads.MinimalInvoice, http => new InvoicesClient(http), "Invoices_Retrieve", new()
        {
            ["id"] = 1234, ["expand"] = new[] { "payer", "charges" }, ["fields"] = new[] { "id", "status" }, ["format"] = "json",
        });
        await Record(shapes, Payloads.EmptyReport, http => new ReportsClient(http), "Reports_GetInvoicesData", new()
        {
            ["columns"] = new[] { "id", "status", "refunded_invoice.id" }, ["due_date_gte"] = new DateOnly(2024, 1, 1),
            ["due_date_lte"] = new DateOnly(2024, 12, 31), ["paid_at_gte"] = LondonMorning, ["credit_applied"] = false, ["discount_applied"] = true,
            ["customers"] = new[] { 5, 6 }, ["purchase_types"] = new[] { "membership", "store" }, ["status"] = "pending_online", ["id_gt"] = 10,
            ["page"] = 3, ["page_size"] = 50, ["sort"] = new[] { "-due_date", "id" }, ["format"] = "json",
        });
        await Record(shapes, "{\"job\":9}", http => new ReportsClient(http), "Reports_ExportInvoices", new()
        {
            ["body"] = "{\"columns\":[\"id\",\"due_date\"],\"due_date_gte\":\"2024-01-01\",\"paid_at_lte\":\"2024-07-29T09:30:00+01:00\",\"customers\":[5],\"credit_applied\":true,\"format\":\"csv\"}",
        });
        await Record(shapes, Payloads.EmptyReport, http => new ReportsClient(http), "Reports_GetInvoicesGroupedData", new()
        {
            ["columns"] = new[] { "status", "count" }, ["payment_processors"] = new[] { 1, 2 }, ["updated_at_gte"] = LondonMorning, ["format"] = "json",
        });
        await Record(shapes, "{\"job\":10}", http => new ReportsClient(http), "Reports_ExportInvoicesGrouped", new()
        {
            ["body"] = "{\"columns\":[\"status\",\"count\"],\"purchase_types\":[\"course\"],\"format\":\"json\"}",
        });
        await Record(shapes, Payloads.EmptyReport, http => new ReportsClient(http), "Reports_GetInvoiceLineItemsData", new()
        {
            ["columns"] = new[] { "id", "invoice_id" }, ["invoice_due_date_gte"] = new DateOnly(2024, 2, 1), ["invoice_status"] = "paid",
            ["limit"] = 25, ["offset"] = 50, ["format"] = "json",
        });
        await Record(shapes, "{\"job\":11}", http => new ReportsClient(http), "Reports_ExportInvoiceLineItems", new()
        {
            ["body"] = "{\"columns\":[\"id\"],\"invoice_paid_at_gte\":\"2024-07-29T09:30:00+01:00\"}",
        });
        await Record(shapes, Payloads.EmptyReport, http => new ReportsClient(http), "Reports_GetInvoiceLineItemsGroupedData", new()
        {
            ["columns"] = InvoiceLineItemsGroupedReportColumn.KnownValues.Select(c => c.ToString()).ToArray(),
            ["invoice_updated_at_lte"] = LondonMorning, ["page"] = 1, ["page_size"] = 10, ["format"] = "json",
        });
        await Record(shapes, "{\"job\":12}", http => new ReportsClient(http), "Reports_ExportInvoiceLineItemsGrouped", new()
        {
            ["body"] = JsonConvert.SerializeObject(new { columns = InvoiceLineItemsGroupedReportColumn.KnownValues.Select(c => c.ToString()), invoice_status = "voided" }),
        });
        await Record(shapes, "{\"id\":12,\"object\":\"job\",\"result_url\":null,\"total_items\":10,\"complete_items\":3}", http => new JobsClient(http), "Jobs_Retrieve", new()
        {
            ["id"] = 12,
        });

        Snapshot.Verify(shapes.ToString(), "WireShapes", "txt");
    }

    private static async Task Record(StringBuilder shapes, string response, Func<HttpClient, object> client, string operationId,
        Dictionary<string, object> samples)
    {
        var handler = new RecordingHandler(response);
        var target = client(handler.Client());
        // The generated method for an operationId is named after its part behind the '_' (MultipleClientsFromOperationId).
        var method = target.GetType().GetMethod(operationId[(operationId.IndexOf('_') + 1)..] + "Async")
                     ?? throw new InvalidOperationException($"No generated method for {operationId} on {target.GetType().Name}.");
        var arguments = method.GetParameters().Select(p => Argument(p, samples)).ToArray();
        await (Task)method.Invoke(target, arguments)!;
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

    private static object? Argument(ParameterInfo parameter, Dictionary<string, object> samples)
    {
        if (parameter.ParameterType == typeof(CancellationToken)) return CancellationToken.None;
        var wireName = string.Concat(parameter.Name!.Select(c => char.IsUpper(c) ? "_" + char.ToLowerInvariant(c) : c.ToString()));
        return samples.TryGetValue(wireName, out var sample) ? Convert(sample, parameter.ParameterType) : parameter.DefaultValue is DBNull ? null : parameter.DefaultValue;
    }

    private static object Convert(object sample, Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsInstanceOfType(sample)) return sample;
        if (sample is string text)
        {
            if (type.IsValueType) return Activator.CreateInstance(type, text)!; // an extensible enum
            // A request body: read the JSON as the generated type; a property the type no longer has is dropped, not kept.
            var body = JsonConvert.DeserializeObject(text, type, TeamUpJson.CreateSettings())!;
            (type.GetProperty("AdditionalProperties")?.GetValue(body) as IDictionary)?.Clear();
            return body;
        }
        if (sample is Array array && type.IsGenericType)
        {
            var element = type.GetGenericArguments()[0];
            var converted = Array.CreateInstance(element, array.Length);
            for (var i = 0; i < array.Length; i++) converted.SetValue(Convert(array.GetValue(i)!, element), i);
            return converted;
        }
        return System.Convert.ChangeType(sample, type, System.Globalization.CultureInfo.InvariantCulture);
    }
}

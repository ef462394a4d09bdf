using System.CommandLine;
using System.Globalization;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using TeamUp.Cli.Api;
using TeamUp.Generated;
using TeamUp.Generated.Serialization;

namespace TeamUp.Cli.Commands;

internal static class InvoicesCommands
{
    public static Command Create(CliContext cli, GlobalOptions global)
    {
        var invoices = new Command("invoices", "Invoices: get one, or list them as NDJSON.");
        invoices.Subcommands.Add(Get(cli, global));
        invoices.Subcommands.Add(List(cli, global));
        return invoices;
    }

    private static Option<string[]> ExpandOption() => new("--expand")
    {
        Description = "Expand related objects (comma-separated or repeated), e.g. payer,line_items.billed_item.",
        AllowMultipleArgumentsPerToken = false,
    };

    private static Option<string[]> FieldsOption() => new("--fields")
    {
        Description = "Only these fields (comma-separated or repeated, dot notation for nested ones), e.g. id,status,total_amount; what TeamUp sends back is printed as it came.",
    };

    private static Command Get(CliContext cli, GlobalOptions global)
    {
        var id = new Argument<int>("ID") { Description = "The invoice id." };
        var expand = ExpandOption();
        var fields = FieldsOption();
        var command = new Command("get", "Print one invoice as JSON.") { id, expand, fields };
        command.SetAction((parse, ct) => CommandRunner.GuardAsync(cli, async () =>
        {
            var settings = global.Resolve(parse);
            var expands = CommandRunner.SplitList(parse.GetValue(expand)).Select(e => new InvoiceExpand(e)).ToArray();
            var fieldList = CommandRunner.SplitList(parse.GetValue(fields));
            return await CommandRunner.WithSessionAsync(cli, settings, async session =>
            {
                if (fieldList.Length > 0)
                {
                    // A narrowed invoice lacks properties the model requires: print TeamUp's JSON as it came.
                    var (body, _) = await session.GetTextAsync("Invoices_Retrieve", $"invoices/{parse.GetValue(id).ToString(CultureInfo.InvariantCulture)}",
                        Narrowed(fieldList, expands), ct);
                    await cli.Out.WriteLineAsync(ParseJson(body).ToString(Formatting.Indented));
                    return ExitCodes.Ok;
                }
                var invoice = await session.Client.Invoices.RetrieveAsync(parse.GetValue(id), expands.Length > 0 ? expands : null,
                    fieldList.Length > 0 ? fieldList : null, cancellationToken: ct);
                await cli.Out.WriteLineAsync(TeamUpJson.Serialize(invoice, indented: true));
                return ExitCodes.Ok;
            }, ct);
        }, ct));
        return command;
    }

    private static Command List(CliContext cli, GlobalOptions global)
    {
        var status = new Option<string[]>("--status") { Description = "Only these statuses (repeat or comma-separate)." };
        var sort = new Option<string?>("--sort") { Description = "due_date or -due_date." };
        var pageSize = new Option<int?>("--page-size") { Description = "Invoices per request (1-100)." };
        var max = new Option<int?>("--max") { Description = "Stop after this many invoices." };
        var expand = ExpandOption();
        var fields = FieldsOption();
        var command = new Command("list", "List invoices as NDJSON (one JSON object per line), following pages.") { status, sort, pageSize, max, expand, fields };
        command.SetAction((parse, ct) => CommandRunner.GuardAsync(cli, async () =>
        {
            var settings = global.Resolve(parse);
            var statuses = CommandRunner.SplitList(parse.GetValue(status)).Select(s => new InvoiceStatus(s)).ToArray();
            var expands = CommandRunner.SplitList(parse.GetValue(expand)).Select(e => new InvoiceExpand(e)).ToArray();
            var fieldList = CommandRunner.SplitList(parse.GetValue(fields));
            var sortValue = parse.GetValue(sort);
            var size = parse.GetValue(pageSize);
            var limit = parse.GetValue(max);
            if (size is < 1 or > 100) throw new UsageException("--page-size must be between 1 and 100.");
            if (limit is < 0) throw new UsageException("--max must not be negative.");
            return await CommandRunner.WithSessionAsync(cli, settings, async session =>
            {
                var written = 0;
                var options = new InvoiceListOptions
                {
                    Expand = expands.Length > 0 ? expands : null,
                    Fields = fieldList.Length > 0 ? fieldList : null,
                    PageSize = size,
                    Sort = sortValue is null ? null : [new InvoiceListSort(sortValue)],
                    Status = statuses.Length > 0 ? statuses : null,
                };
                if (limit is not 0 && fieldList.Length > 0)
                {
                    await WriteNarrowedAsync(cli, session, fieldList, expands, statuses, sortValue, size, limit, ct);
                }
                else if (limit is not 0)
                {
                    await foreach (var invoice in session.Client.Invoices.ListAllAsync(options, ct))
                    {
                        await cli.Out.WriteLineAsync(TeamUpJson.Serialize(invoice));
                        if (++written == limit) break;
                    }
                }
                await cli.Out.FlushAsync(ct);
                return ExitCodes.Ok;
            }, ct);
        }, ct));
        return command;
    }

    private static List<KeyValuePair<string, string>> Narrowed(string[] fields, InvoiceExpand[] expands)
    {
        var query = new List<KeyValuePair<string, string>> { new("fields", string.Join(',', fields)), new("format", "json") };
        if (expands.Length > 0) query.Add(new("expand", string.Join(',', expands)));
        return query;
    }

    /// <summary>
    /// Invoices narrowed by <c>--fields</c>, printed as TeamUp sent them (fields it left out stay out). The pages are
    /// requested by number on the API's own origin, through the client's pipeline, until one has no <c>next</c>.
    /// </summary>
    private static async Task WriteNarrowedAsync(CliContext cli, CliSession session, string[] fields, InvoiceExpand[] expands,
        InvoiceStatus[] statuses, string? sort, int? pageSize, int? limit, CancellationToken ct)
    {
        var written = 0;
        for (var page = 1; ; page++)
        {
            var query = Narrowed(fields, expands);
            if (statuses.Length > 0) query.Add(new("status", string.Join(',', statuses)));
            if (sort is not null) query.Add(new("sort", sort));
            if (pageSize is not null) query.Add(new("page_size", pageSize.Value.ToString(CultureInfo.InvariantCulture)));
            query.Add(new("page", page.ToString(CultureInfo.InvariantCulture)));
            var (body, _) = await session.GetTextAsync("Invoices_List", "invoices", query, ct);
            var json = ParseJson(body);
            var results = json["results"] as JArray ?? throw new InvalidDataException("Invoices_List failed: TeamUp's page has no 'results' list.");
            foreach (var invoice in results)
            {
                await cli.Out.WriteLineAsync(invoice.ToString(Formatting.None));
                if (++written == limit) return;
            }
            if (results.Count == 0 || json["next"] is null or { Type: JTokenType.Null }) return;
        }
    }

    // Dates stay text and numbers stay exact: printed as they came.
    private static JToken ParseJson(string body)
    {
        using var reader = new JsonTextReader(new StringReader(body)) { DateParseHandling = DateParseHandling.None, FloatParseHandling = FloatParseHandling.Decimal };
        try
        {
            return JToken.ReadFrom(reader);
        }
        catch (JsonReaderException e)
        {
            throw new InvalidDataException($"TeamUp's answer is not JSON: {e.Message}", e);
        }
    }
}

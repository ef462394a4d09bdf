using System.Runtime.CompilerServices;

namespace TeamUp.Generated;

/// <remarks>Filters and page size for <see cref="IInvoicesClient.ListAllAsync"/>.</remarks>
public sealed class InvoiceListOptions
{
    /// <remarks>Fields to expand or deferred fields to include (<c>expand</c>).</remarks>
    public IEnumerable<InvoiceExpand>? Expand { get; set; }

    /// <remarks>Fields to include (<c>fields</c>, dot notation for nested ones).</remarks>
    public IEnumerable<string>? Fields { get; set; }

    /// <remarks>Invoices per page (<c>page_size</c>, at most 100); the server's default when null.</remarks>
    public int? PageSize { get; set; }

    /// <remarks>Ordering (<c>sort</c>).</remarks>
    public IEnumerable<InvoiceListSort>? Sort { get; set; }

    /// <remarks>Only invoices in one of these statuses (<c>status</c>).</remarks>
    public IEnumerable<InvoiceStatus>? Status { get; set; }

    /// <remarks>Only invoices of this store order (<c>store_order</c>).</remarks>
    public int? StoreOrder { get; set; }
}

/// <remarks>Invoices: list and retrieve (<c>/invoices</c>), and every page of the list.</remarks>
public partial interface IInvoicesClient
{
    /// <summary>
    /// Every invoice matching <paramref name="options"/>, page after page: follows the <c>next</c> link of each page
    /// (only on the API's own origin; a <c>next</c> elsewhere ends the enumeration with a <see cref="TeamUpApiException"/>).
    /// Pages are fetched as the enumeration goes.
    /// </summary>
    /// <param name="options">Filters and page size.</param>
    /// <param name="cancellationToken">Stops the enumeration.</param>
    IAsyncEnumerable<Invoice> ListAllAsync(InvoiceListOptions? options = null, CancellationToken cancellationToken = default);
}

public partial class InvoicesClient
{
    private const string ListOperation = "Invoices_List";

    /// <inheritdoc />
    public virtual async IAsyncEnumerable<Invoice> ListAllAsync(InvoiceListOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        options ??= new InvoiceListOptions();
        var page = await ListAsync(options.Expand, options.Fields, null, null, options.PageSize, options.Sort, options.Status,
            options.StoreOrder, cancellationToken).ConfigureAwait(false);
        var api = new Uri(BaseUrl, UriKind.Absolute);
        var followed = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var results = page.Results ?? [];
            foreach (var invoice in results)
            {
                yield return invoice;
            }
            if (page.Next is null || results.Count == 0)
            {
                yield break;
            }
            var next = page.Next.IsAbsoluteUri ? page.Next : new Uri(api, page.Next);
            if (!TeamUpClientOptions.SameOrigin(next, api))
            {
                throw TeamUpTransportFailure.Refused(ListOperation,
                    $"the 'next' link points to '{next.GetLeftPart(UriPartial.Authority)}', outside the TeamUp API at '{api.GetLeftPart(UriPartial.Authority)}'; it is not followed.");
            }
            if (!followed.Add(next.AbsoluteUri))
            {
                throw TeamUpTransportFailure.Refused(ListOperation, "the 'next' link points back to a page already read; the listing would never end.");
            }
            page = await GetPageAsync(next, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<InvoiceList> GetPageAsync(Uri url, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(System.Net.Http.Headers.MediaTypeWithQualityHeaderValue.Parse("application/json"));
        request.Options.Set(TeamUpOperation.RequestOption, ListOperation);
        using var response = await _httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        var headers = new Dictionary<string, IEnumerable<string>>();
        foreach (var header in response.Headers)
        {
            headers[header.Key] = header.Value;
        }
        foreach (var header in response.Content.Headers)
        {
            headers[header.Key] = header.Value;
        }
        var status = (int)response.StatusCode;
        if (status == 200)
        {
            var page = await ReadObjectResponseAsync<InvoiceList>(response, headers, cancellationToken).ConfigureAwait(false);
            return page.Object ?? throw TeamUpApiException.FromResponse(response, "Response was null which was not expected.", status, page.Text, headers, null);
        }
        var error = await ReadObjectResponseAsync<Error>(response, headers, cancellationToken).ConfigureAwait(false);
        throw TeamUpApiException.FromResponse(response, "The HTTP status code of the response was not expected (" + status + ").", status, error.Text, headers, error.Object, null);
    }
}

using System.Runtime.CompilerServices;

namespace TeamUp.Generated;

/// <summary>
/// Reads a list page after page by each page's <c>next</c> link (Django REST Framework style), for the generated
/// list-all helpers (<c>x-teamup-paging: {style: next-link}</c>). Links are followed only on the API's own origin and
/// never twice: a <c>next</c> elsewhere could leak the credentials, one pointing back would never end.
/// </summary>
internal static class NextLinkPager
{
    public static async IAsyncEnumerable<TItem> ReadAsync<TPage, TItem>(string operation, Uri api,
        Func<CancellationToken, Task<TPage>> first,
        Func<Uri, CancellationToken, Task<TPage>> next,
        Func<TPage, (IReadOnlyList<TItem>? Items, Uri? Next)> read,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var page = await first(cancellationToken).ConfigureAwait(false);
        var followed = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var (items, link) = read(page);
            items ??= [];
            foreach (var item in items)
            {
                yield return item;
            }
            if (link is null || items.Count == 0)
            {
                yield break;
            }
            var url = link.IsAbsoluteUri ? link : new Uri(api, link);
            if (!TeamUpClientOptions.SameOrigin(url, api))
            {
                throw TeamUpApiException.Refused(operation,
                    $"the 'next' link points to '{url.GetLeftPart(UriPartial.Authority)}', outside the TeamUp API at '{api.GetLeftPart(UriPartial.Authority)}'; it is not followed.");
            }
            if (!followed.Add(url.AbsoluteUri))
            {
                throw TeamUpApiException.Refused(operation, "the 'next' link points back to a page already read; the listing would never end.");
            }
            page = await next(url, cancellationToken).ConfigureAwait(false);
        }
    }
}

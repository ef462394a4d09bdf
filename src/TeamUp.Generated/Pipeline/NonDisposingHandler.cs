namespace TeamUp.Generated;

/// <summary>Wraps a caller's transport so that the client's handler pipeline never disposes it.</summary>
internal sealed class NonDisposingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override void Dispose(bool disposing)
    {
        // The transport belongs to the caller.
    }
}

using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace TeamUp.Generated;

/// <summary>
/// The outermost handler of the API client: one span and one duration measurement per operation (retries
/// included), and failures without a response turned into <see cref="TeamUpApiException"/> (transport or timeout).
/// A cancellation asked for by the caller stays an <see cref="OperationCanceledException"/>.
/// </summary>
internal sealed class TeamUpOperationHandler(TeamUpClientOptions options, ILogger logger) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var operation = TeamUpOperation.Of(request) ?? "TeamUp";
        var host = request.RequestUri?.Host ?? options.BaseUrl.Host;
        using var activity = TeamUpTelemetry.Source.StartActivity(operation, ActivityKind.Client);
        activity?.SetTag("teamup.operation", operation);
        activity?.SetTag("http.request.method", request.Method.Method);
        activity?.SetTag("server.address", host);
        var started = options.TimeProvider.GetTimestamp();
        request.Options.Set(TeamUpRetryPolicy.CallStartedOption, started);
        request.Options.Set(RetryAfterHeader.ClockOption, options.TimeProvider);
        request.Options.Set(TeamUp.Generated.Serialization.ResponseReading.Option, new(operation, logger, options.StrictResponses));
        var status = 0;
        try
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            status = (int)response.StatusCode;
            activity?.SetTag("http.response.status_code", status);
            if (status >= 400)
            {
                activity?.SetStatus(ActivityStatusCode.Error, TeamUpApiException.Describe(status));
            }
            return response;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            activity?.SetStatus(ActivityStatusCode.Error, "cancelled");
            throw;
        }
        catch (Exception exception) when (exception is not TeamUpApiException && TeamUpApiException.IsNoResponse(exception))
        {
            activity?.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
            var failure = TeamUpApiException.NoResponse(operation, exception, options.Secret);
            Log.OperationFailed(logger, operation, 0, (long)options.TimeProvider.GetElapsedTime(started).TotalMilliseconds);
            throw failure;
        }
        finally
        {
            if (TeamUpTelemetry.Duration.Enabled) // nobody listening: no tags built, no status boxed
            {
                var elapsed = options.TimeProvider.GetElapsedTime(started);
                TeamUpTelemetry.Duration.Record(elapsed.TotalSeconds,
                    new("teamup.operation", operation), new("http.request.method", request.Method.Method),
                    new("http.response.status_code", status), new("server.address", host));
            }
        }
    }
}

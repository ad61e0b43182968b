using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;

namespace ScoreGrains.Silo.Notifications;

/// <summary>Writes a <c>text/event-stream</c> response: events with ids, and comment lines that keep proxies from closing an idle stream.</summary>
internal sealed class ServerSentEvents(HttpResponse response, JsonSerializerOptions json)
{
    /// <summary>How long a stream stays silent before a keep-alive comment.</summary>
    public static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        response.HttpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await response.WriteAsync("retry: 2000\n: connected\n\n", cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    /// <summary>Writes one event; call <see cref="FlushAsync"/> after a batch.</summary>
    public Task WriteAsync(string type, object data, long? id, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.Serialize(data, data.GetType(), json);
        var text = id is { } sequence
            ? $"id: {sequence.ToString(CultureInfo.InvariantCulture)}\nevent: {type}\ndata: {payload}\n\n"
            : $"event: {type}\ndata: {payload}\n\n";
        return response.WriteAsync(text, cancellationToken);
    }

    public async Task CommentAsync(string comment, CancellationToken cancellationToken)
    {
        await response.WriteAsync($": {comment}\n\n", cancellationToken);
        await FlushAsync(cancellationToken);
    }

    public Task FlushAsync(CancellationToken cancellationToken) => response.Body.FlushAsync(cancellationToken);
}

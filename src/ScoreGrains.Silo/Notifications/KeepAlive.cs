using System.Threading.Channels;

namespace ScoreGrains.Silo.Notifications;

/// <summary>
/// Waits for a stream's next data while keeping the connection alive: one timer per connection, and a comment
/// line only after a period in which nothing was sent, so proxies never close an idle stream.
/// </summary>
internal sealed class KeepAlive(ServerSentEvents events) : IDisposable
{
    private readonly PeriodicTimer _timer = new(ServerSentEvents.KeepAlive);
    private Task<bool>? _tick;
    private bool _sentSinceTick;

    /// <summary>Call after writing an event, so the next tick needs no comment.</summary>
    public void Sent() => _sentSinceTick = true;

    /// <summary>
    /// Completes when <paramref name="reader"/> has data (true) or is completed (false); on every tick meanwhile
    /// runs <paramref name="onTick"/> (e.g. a lease renewal; false ends the wait as if the reader had completed) and
    /// writes a keep-alive if the period was silent.
    /// </summary>
    public async Task<bool> WaitToReadAsync<T>(ChannelReader<T> reader, Func<Task<bool>>? onTick, CancellationToken cancellationToken)
    {
        var waiting = reader.WaitToReadAsync(cancellationToken).AsTask();
        while (true)
        {
            _tick ??= _timer.WaitForNextTickAsync(cancellationToken).AsTask();
            if (await Task.WhenAny(waiting, _tick) == waiting)
            {
                return await waiting;
            }

            await _tick;
            _tick = null;
            if (onTick is not null && !await onTick())
            {
                return false;
            }

            if (!_sentSinceTick)
            {
                await events.CommentAsync("keep-alive", cancellationToken);
            }

            _sentSinceTick = false;
        }
    }

    public void Dispose() => _timer.Dispose();
}

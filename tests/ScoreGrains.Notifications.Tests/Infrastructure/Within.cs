namespace ScoreGrains.Notifications.Tests.Infrastructure;

/// <summary>Awaits with a deadline that says what it waited for.</summary>
public static class Within
{
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(20);

    public static async Task<T> Await<T>(Task<T> task, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? Default;
        try
        {
            return await task.WaitAsync(limit);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Waited {limit.TotalSeconds:0.#} s for {what}.");
        }
    }

    public static async Task<T> Await<T>(ValueTask<T> task, string what, TimeSpan? timeout = null) =>
        await Await(task.AsTask(), what, timeout);
}

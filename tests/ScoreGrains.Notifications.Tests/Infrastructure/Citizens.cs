using ScoreGrains.Contracts;
using ScoreGrains.Tests.Infrastructure;

namespace ScoreGrains.Notifications.Tests.Infrastructure;

/// <summary>
/// Signals with known effects on a new citizen (default model: start 600 in band fair, fair begins at 550, low at
/// 450, hysteresis 5; credit history weighs 2.1 score points per model point).
/// </summary>
public static class Citizens
{
    /// <summary>-30 points: 600 → 537, fair → low. A crossing.</summary>
    public static SignalInput Default(string id, int second = 0) => At(id, "loan.defaulted", second);

    public static SignalInput At(string id, string type, int second) =>
        Signals.For("citizen", id, type, occurredAt: Signals.Now.AddMinutes(-30).AddSeconds(second));

    public static async Task<List<Crossing>> ReadUntilAsync(
        System.Threading.Channels.ChannelReader<Crossing> reader, string markerId, string what)
    {
        var seen = new List<Crossing>();
        while (true)
        {
            var crossing = await Within.Await(reader.ReadAsync(), what);
            seen.Add(crossing);
            if (crossing.Id == markerId)
            {
                return seen;
            }
        }
    }
}

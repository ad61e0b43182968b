namespace ScoreGrains.Contracts;

/// <summary>
/// The answer to <see cref="ICrossingFeedGrain.SubscribeAsync"/>. <see cref="IsNew"/>: the feed did not know the
/// subscriber (new, or forgotten: e.g. the feed moved silo), so it may have missed crossings since the last one it
/// received. <see cref="After"/>: the feed pushes this subscriber every matching crossing after that sequence, in order.
/// </summary>
[GenerateSerializer, Immutable, Alias("ScoreGrains.FeedSubscription")]
public sealed record FeedSubscription(
    [property: Id(0)] bool IsNew,
    [property: Id(1)] long After);

namespace ScoreGrains.Tests.Infrastructure;

/// <summary>Where the fixture's real silo host listens.</summary>
public sealed record RunningSilo(Uri HttpAddress, string Gateway, string ServiceId);

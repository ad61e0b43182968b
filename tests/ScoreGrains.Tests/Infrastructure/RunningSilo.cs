using Microsoft.Extensions.Configuration;

namespace ScoreGrains.Tests.Infrastructure;

/// <summary>Where the fixture's real silo host listens, and the configuration it was built with.</summary>
public sealed record RunningSilo(Uri HttpAddress, string Gateway, string ServiceId, IConfiguration Configuration);

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using ScoreGrains.Grains.Hosting;
using ScoreGrains.Postgres.Models;
using ScoreGrains.Scoring;

namespace ScoreGrains.Grains.Models;

/// <summary>
/// Keeps <see cref="ActiveModels"/> on the cluster's newest uploads: once before the silo takes calls (so no subject
/// activates on a model the cluster has replaced), then every <c>ModelPollInterval</c>. The newest upload wins over the
/// models directory; each one taken into use is also written to the directory, over the file holding that kind, so the
/// folder on disk says what the silo scores with (best effort: a read-only folder, as in a container, is logged).
/// </summary>
public sealed partial class ModelSync(
    ActiveModels models,
    ModelStore store,
    IOptions<ClusterOptions> cluster,
    IOptions<ScoreGrainsOptions> options,
    ILogger<ModelSync> logger) : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private long _seen;
    private Task? _polling;

    public string ServiceId => cluster.Value.ServiceId;

    public string ModelsDirectory => Path.Combine(AppContext.BaseDirectory, options.Value.ModelsDirectory);

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(ModelSync), ServiceLifecycleStage.ApplicationServices, StartAsync, StopAsync);

    /// <summary>Takes every upload newer than those seen; called by the poll and by the silo that took an upload.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        foreach (var upload in await store.LatestAsync(ServiceId, Interlocked.Read(ref _seen), cancellationToken))
        {
            Take(upload);
        }
    }

    /// <summary>Puts an upload in use on this silo (written to the directory too); false when a newer one already is.</summary>
    public bool Take(StoredModel upload)
    {
        ArgumentNullException.ThrowIfNull(upload);
        InterlockedMax(ref _seen, upload.Id);
        ScoringModel model;
        try
        {
            model = ScoringModel.Parse(upload.Document);
        }
        catch (ScoringModelException e)
        {
            // Validated when it was uploaded; a silo of an older version may still refuse it. Keep scoring with what it has.
            LogUnusable(logger, e, upload.Kind, upload.Version, upload.Id);
            return false;
        }

        var directoryVersion = models.Uploads.ContainsKey(model.Kind) ? null : models.For(model.Kind).Version;
        if (!models.Use(model, upload))
        {
            return false;
        }

        if (directoryVersion is not null && directoryVersion != model.Version)
        {
            LogOverDirectory(logger, upload.Kind, upload.Version, upload.ChangedBy, upload.ChangedAt, directoryVersion);
        }

        WriteToDirectory(model, upload);
        return true;
    }

    public void Dispose() => _stopping.Dispose();

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        await RefreshAsync(cancellationToken);
        _polling = PollAsync(_stopping.Token);
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_polling is not null)
        {
            await _polling.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task PollAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(options.Value.ModelPollInterval);
        while (await Tick(timer, stopping))
        {
            try
            {
                await RefreshAsync(stopping);
            }
            catch (Exception e) when (!stopping.IsCancellationRequested)
            {
                // The database is away: keep the models in use and look again next time.
                LogPollFailed(logger, e);
            }
        }
    }

    private static async Task<bool> Tick(PeriodicTimer timer, CancellationToken stopping)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stopping);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void WriteToDirectory(ScoringModel model, StoredModel upload)
    {
        try
        {
            // Over the file that holds this kind, or the directory would hold two models of it and the next start fail.
            var file = Directory.GetFiles(ModelsDirectory, "*.json").FirstOrDefault(f => HoldsKind(f, model.Kind))
                ?? Path.Combine(ModelsDirectory, $"{upload.Kind}.json");
            var temporary = file + ".uploading";
            File.WriteAllText(temporary, upload.Document);
            File.Move(temporary, file, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogNotWritten(logger, e, upload.Kind, upload.Version, ModelsDirectory);
        }
    }

    private static bool HoldsKind(string file, SubjectKind kind)
    {
        try
        {
            return ScoringModel.Parse(File.ReadAllText(file)).Kind == kind;
        }
        catch (ScoringModelException)
        {
            return false;
        }
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var seen = Interlocked.Read(ref target);
        while (value > seen && Interlocked.CompareExchange(ref target, value, seen) is var actual && actual != seen)
        {
            seen = actual;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scoring {Kind} with uploaded model {Version} (by {ChangedBy} at {ChangedAt:O}) over the models directory's {DirectoryVersion}; PUT /v1/models/{Kind} to change it")]
    private static partial void LogOverDirectory(ILogger logger, string kind, string version, string changedBy, DateTimeOffset changedAt, string directoryVersion);

    [LoggerMessage(Level = LogLevel.Error, Message = "Uploaded model {Kind} {Version} (id {Id}) does not parse on this silo; keeping the model in use")]
    private static partial void LogUnusable(ILogger logger, Exception exception, string kind, string version, long id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {Kind} {Version} is in use but could not be written to {Directory}; the database holds it")]
    private static partial void LogNotWritten(ILogger logger, Exception exception, string kind, string version, string directory);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not look for uploaded models; keeping the ones in use")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);
}

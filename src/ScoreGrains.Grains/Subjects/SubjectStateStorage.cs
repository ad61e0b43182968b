using System.Diagnostics;
using System.Globalization;
using ScoreGrains.Grains.Hosting;
using Orleans.Storage;
using ScoreGrains.Postgres.Activation;

namespace ScoreGrains.Grains.Subjects;

/// <summary>
/// Grain storage of subject state (<see cref="StorageNames.Subjects"/>): Orleans' ADO.NET storage writes and clears
/// the snapshots, and reads them everywhere but where a cheaper read gives the same state. In journal mode the read
/// goes through the <see cref="ActivationReader"/>, which reads the snapshot rows of every subject activating at the
/// same moment in one round trip, with the journal of those that have none, and then the journal after the others'
/// snapshots in one more; the journal it read travels to the grain on the state (<see cref="SubjectState.ReadTail"/>).
/// In memory mode it reads nothing: that mode stores nothing, so every subject starts new.
/// </summary>
/// <remarks>
/// The row read is the one the ADO.NET provider would read (a string key: no integer or guid part, the key in the
/// extension column, the state name as the grain type, this cluster's service id), deserialized by the same
/// serializer, with the same ETag (the row's version), so the provider's next write continues its version sequence.
/// </remarks>
internal sealed class SubjectStateStorage(IGrainStorage stock, ActivationReader reader, IGrainStorageSerializer serializer, PersistenceMode mode) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (grainState is not IGrainState<SubjectState> subject || mode == PersistenceMode.PerSignal)
        {
            return stock.ReadStateAsync(stateName, grainId, grainState);
        }

        if (mode == PersistenceMode.Memory)
        {
            subject.State ??= new SubjectState();
            return Task.CompletedTask;
        }

        return ReadSubjectAsync(grainId.Key.ToString(), subject);
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => stock.WriteStateAsync(stateName, grainId, grainState);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => stock.ClearStateAsync(stateName, grainId, grainState);

    private async Task ReadSubjectAsync(string subjectKey, IGrainState<SubjectState> grainState)
    {
        var started = Stopwatch.GetTimestamp();
        var stored = await reader.ReadAsync(subjectKey).ConfigureAwait(false);
        var state = (stored.Payload is { } payload ? serializer.Deserialize<SubjectState>(new BinaryData(payload)) : null) ?? new SubjectState();
        state.ReadTail = stored.Tail ?? await reader.ReadTailAsync(subjectKey, state.JournalPosition).ConfigureAwait(false);
        state.ReadTook = Stopwatch.GetElapsedTime(started);
        grainState.State = state;
        grainState.ETag = stored.Version?.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = stored.RowExists;
    }
}

namespace ScoreGrains.Grains.Subjects;

/// <summary>
/// The subject grain's concurrency rule. Signal calls are <em>pipelined</em>: each folds at once and waits for its
/// journal commit while the next call folds, so a hot subject does not take one call per commit. Reads and
/// snapshots are <em>exclusive</em>: they wait until every fold in flight has committed and hold new folds back
/// meanwhile, so they only ever see state that is durable.
/// </summary>
/// <remarks>
/// Used only from the grain's own turns (one thread at a time), so plain fields are enough. Waiting exclusive work
/// goes first: a steady stream of signals cannot starve a read.
/// </remarks>
internal sealed class AppendGate
{
    private int _pipelined;
    private int _exclusiveWaiting;
    private bool _exclusiveRunning;
    private TaskCompletionSource? _changed;

    public async ValueTask EnterPipelinedAsync()
    {
        while (_exclusiveWaiting > 0 || _exclusiveRunning)
        {
            await ChangedAsync();
        }

        _pipelined++;
    }

    public void ExitPipelined()
    {
        if (--_pipelined == 0)
        {
            Pulse();
        }
    }

    public async ValueTask EnterExclusiveAsync()
    {
        _exclusiveWaiting++;
        try
        {
            while (_exclusiveRunning || _pipelined > 0)
            {
                await ChangedAsync();
            }
        }
        finally
        {
            _exclusiveWaiting--;
        }

        _exclusiveRunning = true;
    }

    public void ExitExclusive()
    {
        _exclusiveRunning = false;
        Pulse();
    }

    private Task ChangedAsync() => (_changed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    private void Pulse()
    {
        var changed = _changed;
        _changed = null;
        changed?.TrySetResult();
    }
}
